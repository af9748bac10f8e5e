/**
 * Builds a SQLite installation with every kind of row, for tests/unit/db-copy.test.ts. Run as its
 * own process without DATABASE_URL (the API modules choose SQLite when loaded):
 *   node tests/unit/db-copy-source.ts
 * Prints one JSON line: { dataDir, recoveryKey, receipts, photoSha256, counts }.
 *
 * Real flows first (reports with a photo and a real-name identity, a reporter's reply, staff
 * accounts and logins — which also write the audit chain — a department reply); then every table
 * still empty gets synthetic rows of every column type (texts with CJK and emoji, NULLs, booleans
 * both ways, large and zero-byte-containing blobs), keys taken from the tables they reference.
 */
import { createHash, randomBytes } from 'node:crypto';
import { getTableColumns, is, sql } from 'drizzle-orm';
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { databaseKind } from '../../api/db/dialect.ts';
import { rows } from '../../api/db/client.ts';
import * as sqliteSchema from '../../api/db/schema.sqlite.ts';
import { cleanAttachment } from '../../api/services/reports/attachments.ts';
import { call, fileReportAs, staffOf } from './admin-fixtures.ts';
import { fileOf, jpegWithExif, makeApp, submit, reportForm } from './report-fixtures.ts';

if (databaseKind() !== 'sqlite') throw new Error('db-copy-source must run without DATABASE_URL');

const t = await makeApp();
const photo = await jpegWithExif(64, 48);
const photoSha256 = createHash('sha256').update((await cleanAttachment(new File([new Uint8Array(photo)], 'p.jpg'), 0)).data).digest('hex');

const withPhoto = await submit(t.app, reportForm({ description: '仓库消防通道被堵死，灭火器过期COPY-CANARY-1' }, [fileOf(photo, 'IMG_1.jpg')]));
const realName = await submit(t.app, reportForm({ description: '夜班无人巡检COPY-CANARY-2', identity_mode: 'real_name', identity_name: '王五', identity_phone: '13800001234' }));
if (withPhoto.res.status !== 201 || realName.res.status !== 201) throw new Error(`submit failed: ${JSON.stringify([withPhoto.body, realName.body])}`);
const reply = new FormData();
reply.set('receipt', withPhoto.body.receipt);
reply.set('body', '补充：今天又看到了COPY-CANARY-3');
reply.append('files', fileOf(photo, 'more.jpg'));
const replied = await t.app.request('/api/reports/messages', { method: 'POST', body: reply, headers: { accept: 'application/json' } });
if (replied.status !== 201) throw new Error(`reply failed: ${await replied.text()}`);

// Staff: accounts, logins, a case opened and answered (audit entries, key grants, messages).
const intake = await staffOf(t, 'copy_intake', 'intake');
await staffOf(t, 'copy_supervisor', 'supervisor');
await fileReportAs(t, { description: '第三件，由受理员处理COPY-CANARY-4' });
const list = await call(t, intake, 'GET', '/api/admin/reports');
for (const r of (list.json?.reports ?? []).slice(0, 2)) await call(t, intake, 'GET', `/api/admin/reports/${r.id}`);

// Every table still empty gets synthetic rows.
const db = t.db;
const tables = (Object.values(sqliteSchema) as unknown[]).filter((x): x is SQLiteTable => is(x, SQLiteTable));
const byName = new Map(tables.map((x) => [getTableConfig(x).name, x]));
const order: SQLiteTable[] = [];
const seen = new Set<string>();
const visit = (name: string) => {
  if (seen.has(name)) return;
  seen.add(name);
  for (const fk of getTableConfig(byName.get(name)!).foreignKeys) visit(getTableConfig(fk.reference().foreignTable).name);
  order.push(byName.get(name)!);
};
for (const name of [...byName.keys()].sort()) visit(name);

const count = async (name: string) => Number((await rows<{ n: number }>(db, sql.raw(`select count(*) as n from ${name}`)))[0]!.n);
for (const table of order) {
  const cfg = getTableConfig(table);
  if (cfg.name === 'blob_chunks' || (await count(cfg.name)) > 0) continue;
  const refs = new Map<string, unknown[]>();
  for (const fk of cfg.foreignKeys) {
    const r = fk.reference();
    const col = r.columns[0]!.name;
    const foreign = getTableConfig(r.foreignTable).name;
    refs.set(col, (await rows<Record<string, unknown>>(db, sql.raw(`select ${r.foreignColumns[0]!.name} as v from ${foreign} order by rowid`))).map((x) => x.v));
  }
  for (let i = 0; i < 3; i++) {
    const values: Record<string, unknown> = {};
    for (const [key, column] of Object.entries(getTableColumns(table)) as [string, SQLiteColumn][]) {
      const c = column as SQLiteColumn & { autoIncrement?: boolean };
      if (c.primary && c.autoIncrement) continue;
      const ref = refs.get(c.name);
      if (ref) {
        values[key] = ref.length ? ref[i % ref.length] : null;
        continue;
      }
      if (!c.notNull && i === 1) {
        values[key] = null;
        continue;
      }
      if (c.columnType === 'SQLiteBoolean') values[key] = i % 2 === 0;
      else if (c.columnType === 'SQLiteInteger') values[key] = 1_000_000_000_000 + Math.floor(Math.random() * 1e9) * 1000 + i;
      else if (c.columnType === 'SQLiteBlobBuffer') values[key] = Buffer.concat([Buffer.from([0, 1, 0, 255]), randomBytes(i === 2 ? 70_000 : 16)]);
      else values[key] = `合成${cfg.name}·${key}·${i}·🚒·'";\\${randomBytes(4).toString('hex')}`;
    }
    try {
      await db.insert(table).values(values as never);
    } catch (e) {
      if (i === 2 && (await count(cfg.name)) === 0) throw new Error(`cannot fill ${cfg.name}: ${(e as Error).message}`);
    }
  }
}

const counts: Record<string, number> = {};
for (const table of order) counts[getTableConfig(table).name] = await count(getTableConfig(table).name);
console.log(JSON.stringify({ dataDir: t.dataDir, recoveryKey: t.recoveryKey, receipts: [withPhoto.body.receipt, realName.body.receipt], photoSha256, counts }));
process.exit(0);
