/** The audit chain: intact after real use; any edit, deletion (middle or end) or insertion is found, also by `npm run audit:verify`. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { closeDb, dbFile, dbKind, exec, openDb, row as rowOf } from '../../api/db/client.ts';
import { appendAudit, verifyAuditChain } from '../../api/services/admin/audit.ts';
import { call, fileReportAs, makeApp, staffOf } from './admin-fixtures.ts';
import { scriptNode } from './report-fixtures.ts';

async function usedApp() {
  const t = await makeApp({ fastReceipts: true });
  const intake = await staffOf(t, 'aud1', 'intake');
  const { reportId } = await fileReportAs(t);
  await call(t, intake, 'GET', `/api/admin/reports/${reportId}`);
  await call(t, intake, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'accepted', note: '' });
  for (let i = 0; i < 3; i++) await appendAudit(t.db, { actor: 'system', action: 'export.csv', detail: { rows: i } });
  return t;
}

function cli(dataDir: string) {
  return spawnSync(scriptNode(), ['scripts/audit-verify.ts'], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
}

describe('audit chain', () => {
  it('verifies after real use, in the service and the CLI', async () => {
    const t = await usedApp();
    const result = await verifyAuditChain(t.db);
    expect(result).toMatchObject({ ok: true, problems: [] });
    expect(result.count).toBeGreaterThanOrEqual(6);
    const run = cli(t.dataDir);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/哈希链校验通过/);
  });

  it('detects an edited entry', async () => {
    const t = await usedApp();
    await exec(t.db, sql`update audit_log set actor = 'someone-else' where id = 3`);
    const r = await verifyAuditChain(t.db);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.id)).toContain(3);
    const run = cli(t.dataDir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/第 3 条/);
  });

  it('detects an edit that also recomputes the entry hash (the next link breaks)', async () => {
    const t = await usedApp();
    const row = (await rowOf<any>(t.db, sql`select * from audit_log where id = 2`))!;
    const { sha256Hex } = await import('../../api/crypto/index.ts');
    const detail = '{"rows":999}';
    const hash = sha256Hex(JSON.stringify([row.id, row.at, row.actor, row.action, row.report_id, detail, row.prev_hash]));
    await exec(t.db, sql`update audit_log set detail = ${detail}, hash = ${hash} where id = 2`);
    const r = await verifyAuditChain(t.db);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.id)).toContain(3);
  });

  it('detects a deleted entry in the middle and at the end', async () => {
    const t = await usedApp();
    await exec(t.db, sql`delete from audit_log where id = 2`);
    expect((await verifyAuditChain(t.db)).problems.map((p) => p.problem).join()).toMatch(/缺失/);
    const u = await usedApp();
    await exec(u.db, sql`delete from audit_log where id = (select max(id) from audit_log)`);
    const r = await verifyAuditChain(u.db);
    expect(r.ok).toBe(false);
    expect(r.problems.at(-1)!.problem).toMatch(/末尾/);
    expect(cli(u.dataDir).status).toBe(1);
  });

  it('two API processes appending at the same moment leave one valid chain, and every append succeeds', async (ctx) => {
    // Two pools on one PostgreSQL database stand for two API processes. SQLite runs as one process only
    // (its single connection serialises every write), which the tests above cover.
    const dir = mkdtempSync(join(tmpdir(), 'audit-two-'));
    const one = await openDb(dbFile(dir));
    if (dbKind(one) !== 'postgres') {
      await closeDb(one);
      ctx.skip('只在 PostgreSQL 上有两个进程（SQLite 只有一个进程）');
    }
    const two = await openDb(dbFile(dir));
    try {
      const results = await Promise.allSettled(Array.from({ length: 120 }, (_, i) => appendAudit(i % 2 ? one : two, { actor: `process-${i % 2}`, action: 'export.csv', detail: { rows: i } })));
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as { cause?: unknown }).cause ?? r.reason)] : []));
      expect(failed.slice(0, 3), `${failed.length} 次追加失败`).toEqual([]);
      const chain = await verifyAuditChain(two);
      expect(chain).toMatchObject({ ok: true, count: 120, problems: [] });
      const rows = Number((await rowOf<{ n: number }>(one, sql`select count(distinct detail) as n from audit_log`))!.n);
      expect(rows).toBe(120);
    } finally {
      await closeDb(one);
      await closeDb(two);
    }
  }, 60_000);

  it('is append-only through the back office: auditors browse it, nobody can write it', async () => {
    const t = await usedApp();
    const auditor = await staffOf(t, 'aud2', 'auditor');
    const list = await call(t, auditor, 'GET', '/api/admin/audit?limit=5');
    expect(list.status).toBe(200);
    expect(list.json.entries).toHaveLength(5);
    expect(list.json.verify.ok).toBe(true);
    expect((await call(t, auditor, 'POST', '/api/admin/audit', {})).status).toBe(404);
    // Auditors see the queue but cannot open a report's content.
    const queue = await call(t, auditor, 'GET', '/api/admin/reports');
    expect(queue.json.items).toHaveLength(1);
    expect((await call(t, auditor, 'GET', `/api/admin/reports/${queue.json.items[0].id}`)).status).toBe(403);
  });
});
