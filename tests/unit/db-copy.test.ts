/**
 * Issue 16: `npm run db:copy` moves a county's SQLite installation into PostgreSQL without losing a
 * report, message, attachment or audit entry. Runs in the PostgreSQL pass of `npm test` (DATABASE_URL
 * set): the SQLite installation is built by a separate process (tests/unit/db-copy-source.ts) with
 * every kind of row; the copy is compared with it value by value, in insertion order, blob by blob;
 * the audit chain verifies on the copy; the reporter's receipt still opens the report and its photo on
 * the copy; a second copy into the now non-empty database is refused and changes nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { closeDb, openDb } from '../../api/db/client.ts';
import { databaseKind } from '../../api/db/dialect.ts';
import * as sqliteSchema from '../../api/db/schema.sqlite.ts';
import { ROWID_TABLES } from '../../scripts/db-schema.ts';

const ON_PG = databaseKind() === 'postgres';
if (!ON_PG) console.log('db:copy 测试只在 PostgreSQL 那一轮运行（npm test 第二轮设置 DATABASE_URL）。');

interface Source {
  dataDir: string;
  recoveryKey: string;
  receipts: string[];
  photoSha256: string;
  counts: Record<string, number>;
}

async function emptyDatabase(): Promise<string> {
  const name = `copy_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A value in a form both engines agree on: booleans as 0/1, bytes as hex, numbers as numbers. */
function normal(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return `x${Buffer.from(v).toString('hex')}`;
  return v;
}

describe.skipIf(!ON_PG)('db:copy：SQLite 安装整体搬到 PostgreSQL', () => {
  it('每张表每一行每个值、插入顺序、附件和审计链都一样；查询码照样打开举报和照片；不空的目标被拒绝', async () => {
    const built = spawnSync(process.execPath, ['tests/unit/db-copy-source.ts'], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', DATABASE_TEST_ISOLATE: '' }, timeout: 60_000 });
    expect(built.status, built.stderr).toBe(0);
    const source = JSON.parse(built.stdout.trim().split('\n').pop()!) as Source;
    for (const [table, n] of Object.entries(source.counts)) if (table !== 'blob_chunks') expect(n, `源数据库的 ${table} 有数据`).toBeGreaterThan(0);

    const url = await emptyDatabase();
    // The command an operator runs (its own process, its own output).
    const out = execFileSync(process.execPath, ['scripts/db-copy.ts', '--from', source.dataDir, '--to', url], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', DATABASE_TEST_ISOLATE: '' } });
    expect(out).toMatch(/完成：\d+ 行，2 个附件/);

    const sqlite = new Database(join(source.dataDir, 'app.db'), { readonly: true });
    const target = new pg.Client({ connectionString: url });
    await target.connect();
    try {
      const tables = (Object.values(sqliteSchema) as unknown[]).filter((x): x is SQLiteTable => is(x, SQLiteTable)).map((x) => getTableConfig(x));
      for (const cfg of tables) {
        if (cfg.name === 'blob_chunks') continue;
        const cols = cfg.columns.map((c) => c.name);
        const order = ROWID_TABLES.includes(cfg.name) ? 'rowid' : cols.join(', ');
        const a = (sqlite.prepare(`select ${cols.join(', ')} from ${cfg.name} order by ${order}`).all() as Record<string, unknown>[]).map((r) => cols.map((c) => normal(r[c])));
        const b = (await target.query(`select ${cols.join(', ')} from ${cfg.name} order by ${order}`)).rows.map((r: Record<string, unknown>) => cols.map((c) => normal(r[c])));
        // Booleans come back from SQLite as 0/1 already; everything else must match exactly, in order.
        expect(b, `表 ${cfg.name}`).toEqual(a);
      }
      // Attachments: the file bytes are the chunk bytes.
      for (const { blob_name } of sqlite.prepare('select blob_name from report_files').all() as { blob_name: string }[]) {
        const chunks = (await target.query('select data from blob_chunks where name = $1 order by seq', [blob_name])).rows as { data: Buffer }[];
        expect(Buffer.concat(chunks.map((c) => c.data)).equals(readFileSync(join(source.dataDir, 'files', blob_name))), blob_name).toBe(true);
      }
      // Identity columns continue after the copied keys.
      const next = await target.query("select nextval(pg_get_serial_sequence('report_messages', 'id')) as n");
      const max = (sqlite.prepare('select max(id) as m from report_messages').get() as { m: number }).m;
      expect(Number(next.rows[0].n)).toBeGreaterThan(max);
    } finally {
      sqlite.close();
      await target.end();
    }

    // The copy in use: audit chain, and the reporter's receipt opens report and photo.
    const db = await openDb('', { url, env: { ...process.env, DATABASE_TEST_ISOLATE: '' } });
    try {
      const { verifyAuditChain } = await import('../../api/services/admin/audit.ts');
      const chain = await verifyAuditChain(db);
      expect(chain).toMatchObject({ ok: true, count: source.counts.audit_log });
      const { createApp } = await import('../../api/app.ts');
      const { app } = await createApp({ db, siteDir: join(source.dataDir, 'no-site'), dataDir: source.dataDir, reporting: { limits: {}, lookupFloorMs: 0 } });
      const res = await app.request('/api/reports/lookup', { method: 'POST', body: JSON.stringify({ receipt: source.receipts[0] }), headers: { 'content-type': 'application/json', accept: 'application/json' } });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(text).toContain('COPY-CANARY-1');
      expect(text).toContain('COPY-CANARY-3');
      // The stored photo decrypts on the copy to the same bytes as on SQLite.
      const { decryptAttachments } = await import('./stored-attachment.ts');
      const { blobStoreFor } = await import('../../api/services/blob-store.ts');
      const { reports } = await import('../../api/db/schema.ts');
      const ids = (await db.select({ id: reports.id }).from(reports)).map((r) => r.id);
      const photos = (await Promise.all(ids.map((id) => decryptAttachments(db, blobStoreFor(db, source.dataDir), source.recoveryKey, id)))).flat();
      expect(photos).toHaveLength(2);
      for (const p of photos) expect(createHash('sha256').update(p.plaintext).digest('hex')).toBe(source.photoSha256);
    } finally {
      await closeDb(db);
    }

    // Copying again into the now non-empty database: refused, in Chinese, nothing changed.
    const again = spawnSync(process.execPath, ['scripts/db-copy.ts', '--from', source.dataDir, '--to', url], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', DATABASE_TEST_ISOLATE: '' } });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/目标数据库不是空的/);
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    expect(Number((await check.query('select count(*) as n from reports')).rows[0].n)).toBe(source.counts.reports);
    await check.end();
  }, 90_000);
});
