/**
 * Moves an existing SQLite installation
 * (DATA_DIR/app.db and the encrypted attachment files in DATA_DIR/files) into an empty PostgreSQL
 * database, in one transaction (issue 16). Every row of every table is copied with its keys — and
 * SQLite's insertion order (rowid) where the code reads it — identity sequences continue after the
 * copied keys, attachment files become blob_chunks rows, and the copy is checked before it commits:
 * same row count in every table, every attachment present, and the audit chain verifies on the copy
 * with the same head. Stop the API first (the source must not change while it is copied).
 * The command is scripts/db-copy.ts (`npm run db:copy`).
 */
import { existsSync } from 'node:fs';
import { getTableColumns, is, sql } from 'drizzle-orm';
import { getTableConfig as pgConfig, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { BLOB_CHUNK_BYTES } from './blob-chunks.ts';
import { closeDb, dbFile, openDb, rows } from './client.ts';
import { databaseKind } from './dialect.ts';
import * as pgSchema from './schema.pg.ts';
import * as sqliteSchema from './schema.sqlite.ts';
import { ROWID_TABLES } from '../../scripts/db-schema.ts';

export class CopyError extends Error {}

export interface CopyResult {
  tables: { name: string; rows: number }[];
  blobs: number;
  blobBytes: number;
  auditEntries: number;
  auditHead: string | null;
}

/** Tables in an order where every referenced table comes first. */
function insertionOrder(): SQLiteTable[] {
  const tables = (Object.values(sqliteSchema) as unknown[]).filter((t): t is SQLiteTable => is(t, SQLiteTable));
  const byName = new Map(tables.map((t) => [sqliteConfig(t).name, t]));
  const done = new Set<string>();
  const order: SQLiteTable[] = [];
  const visit = (name: string, stack: string[]) => {
    if (done.has(name)) return;
    if (stack.includes(name)) throw new Error(`foreign-key cycle: ${[...stack, name].join(' → ')}`);
    for (const fk of sqliteConfig(byName.get(name)!).foreignKeys) {
      const target = sqliteConfig(fk.reference().foreignTable).name;
      if (target !== name) visit(target, [...stack, name]);
    }
    done.add(name);
    order.push(byName.get(name)!);
  };
  for (const name of [...byName.keys()].sort()) visit(name, []);
  return order;
}

function pgTableNamed(name: string): PgTable {
  const t = Object.values(pgSchema).find((x) => typeof x === 'object' && x !== null && (() => {
    try {
      return pgConfig(x as PgTable).name === name;
    } catch {
      return false;
    }
  })());
  if (!t) throw new Error(`no PostgreSQL table ${name}`);
  return t as PgTable;
}

export async function copySqliteToPostgres(dataDir: string, url: string, log: (s: string) => void = () => {}): Promise<CopyResult> {
  if (databaseKind({ DATABASE_URL: url }) !== 'postgres') throw new CopyError('--to 必须是 postgres:// 开头的 PostgreSQL 地址。');
  const file = dbFile(dataDir);
  if (!existsSync(file)) throw new CopyError(`没有找到 SQLite 数据库 ${file}：--from 应是原安装的 DATA_DIR。`);
  // The services use the tables of the dialect DATABASE_URL chose when they were loaded; the audit
  // check below runs them on the copy, so this process must have been started for PostgreSQL.
  if (databaseKind() !== 'postgres') throw new Error('copySqliteToPostgres needs DATABASE_URL set to a PostgreSQL URL before the API modules load');
  const { verifyAuditChain } = await import('../services/admin/audit.ts');
  const { fileBlobStore } = await import('../services/blob-store.ts');

  const source = await openDb(file, { url: '' });
  const target = await openDb('', { url, env: { ...process.env, DATABASE_TEST_ISOLATE: '' } });
  try {
    const order = insertionOrder();
    for (const t of order) {
      const name = sqliteConfig(t).name;
      const n = Number((await rows<{ n: number }>(target, sql.raw(`select count(*) as n from ${name}`)))[0]!.n);
      if (n > 0) throw new CopyError(`目标数据库不是空的（表 ${name} 已有 ${n} 行）：db:copy 只往新建的空数据库里复制。`);
    }
    const store = fileBlobStore(dataDir);
    const result: CopyResult = { tables: [], blobs: 0, blobBytes: 0, auditEntries: 0, auditHead: null };
    const sourceAudit = await rows<{ n: number }>(source, sql`select count(*) as n from audit_log`);
    const sourceHead = (await rows<{ value: string }>(source, sql`select value from app_meta where key = 'audit_head'`))[0]?.value ?? null;

    await target.transaction(async (tx) => {
      for (const t of order) {
        const name = sqliteConfig(t).name;
        const withRowid = ROWID_TABLES.includes(name);
        const columns = getTableColumns(t);
        const fields = withRowid ? { ...columns, rowid: sql<number>`rowid` } : columns;
        const data = (await source.select(fields as never).from(t).orderBy(sql`rowid`)) as Record<string, unknown>[];
        const dest = pgTableNamed(name);
        const perRow = Object.keys(fields).length;
        const batch = Math.max(1, Math.floor(30_000 / perRow));
        for (let i = 0; i < data.length; i += batch) await tx.insert(dest as never).values(data.slice(i, i + batch) as never);
        result.tables.push({ name, rows: data.length });
        log(`  ${name}: ${data.length} 行`);
      }
      // Identity columns continue after the copied keys.
      for (const t of order) {
        const c = pgConfig(pgTableNamed(sqliteConfig(t).name));
        for (const col of c.columns) {
          if (!(col as unknown as { generatedIdentity?: unknown }).generatedIdentity) continue;
          await rows(tx, sql.raw(`select setval(pg_get_serial_sequence('${c.name}', '${col.name}'), coalesce((select max(${col.name}) from ${c.name}), 0) + 1, false)`));
        }
      }
      // Attachments: every blob a row names, as chunks.
      const names = (await source.select({ b: sqliteSchema.reportFiles.blobName }).from(sqliteSchema.reportFiles)).map((r) => r.b);
      for (const blobName of names) {
        const data = await store.read(blobName);
        for (let seq = 0, off = 0; off < data.length || seq === 0; seq++, off += BLOB_CHUNK_BYTES)
          await tx.insert(pgSchema.blobChunks as never).values({ name: blobName, seq, data: data.subarray(off, off + BLOB_CHUNK_BYTES) } as never);
        result.blobs++;
        result.blobBytes += data.length;
      }
      // Check before commit: counts, and the audit chain on the copy.
      for (const { name, rows: expected } of result.tables) {
        if (name === 'blob_chunks') continue; // filled from the files above, checked by the audit of blobs below
        const n = Number((await rows<{ n: number }>(tx, sql.raw(`select count(*) as n from ${name}`)))[0]!.n);
        if (n !== expected) throw new CopyError(`表 ${name} 复制后是 ${n} 行，源数据库是 ${expected} 行：已撤销，目标数据库没有改变。`);
      }
      const chunkNames = Number((await rows<{ n: number }>(tx, sql`select count(distinct name) as n from blob_chunks`))[0]!.n);
      if (chunkNames !== names.length) throw new CopyError(`附件复制后是 ${chunkNames} 个，源安装有 ${names.length} 个：已撤销，目标数据库没有改变。`);
      const copied = await verifyAuditChain(tx);
      if (!copied.ok || copied.count !== Number(sourceAudit[0]!.n))
        throw new CopyError(`复制后的审计链校验不通过（${copied.problems.length} 处问题）：已撤销，目标数据库没有改变。源数据库可能已被改动，请用 npm run audit:verify 检查。`);
      const head = await rows<{ value: string }>(tx, sql`select value from app_meta where key = 'audit_head'`);
      if ((head[0]?.value ?? null) !== sourceHead) throw new CopyError('复制后的审计链末端与源数据库不同：已撤销，目标数据库没有改变。');
      result.auditHead = sourceHead;
      result.auditEntries = copied.count;
    });
    return result;
  } finally {
    await closeDb(source);
    await closeDb(target);
  }
}
