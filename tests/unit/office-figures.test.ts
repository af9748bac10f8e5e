/**
 * Public figures without timing (issue 10 item 7), the witnessed audit chain (issue 10 item 5), the
 * monthly 安委会 summary matching /data/ (issue 14), and the test clock's own boundary.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { now, parseNow } from '../../api/clock.ts';
import { parseEnv } from '../../api/env.ts';
import { auditCheckpoint, GENESIS_HASH, parseCheckpoint, verifyAuditChain, verifyCheckpoint } from '../../api/services/admin/audit.ts';
import { monthlySummary, publicStats } from '../../api/services/admin/stats.ts';
import { sha256Hex } from '../../api/crypto/index.ts';
import { sql } from 'drizzle-orm';
import { exec, rows as dbRows } from '../../api/db/client.ts';
import { call, fileReportAs, lookup, makeApp, staffOf } from './admin-fixtures.ts';
import { getPage, setNow } from './office-fixtures.ts';

describe('figures without timing (issue 10 item 7)', () => {
  it('/api/stats is unchanged by a report filed today, and by acting on it today; it changes the next day', async () => {
    setNow('2026-11-20');
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'in1', 'intake');
    for (let i = 0; i < 3; i++) await fileReportAs(t);
    setNow('2026-12-07T08:00:00+08:00');
    const before = await (await t.app.request('/api/stats')).text();
    const { reportId } = await fileReportAs(t, { sector: 'fire' });
    await call(t, intake, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'accepted', note: '' });
    setNow('2026-12-07T23:59:00+08:00');
    expect(await (await t.app.request('/api/stats')).text()).toBe(before);
    const stats = JSON.parse(before);
    expect(stats.generated_on).toBe('2026-12-06');
    expect(stats.totals.received).toBe(3);
    // Zeros are figures, not "少于3".
    expect(stats.by_sector.find((r: { key: string }) => r.key === 'gas').received).toBe(0);
    const page = await (await t.app.request('/data/')).text();
    expect(page).toContain('统计到昨天（2026-12-06）为止');
    setNow('2026-12-08T00:01:00+08:00');
    const next = await (await t.app.request('/api/stats')).json();
    expect(next.totals.received).toBe(4);
    expect(next.by_sector.find((r: { key: string }) => r.key === 'fire').received).toBeNull(); // 1: suppressed
  });
});

describe('monthly 安委会 summary', () => {
  it('matches /data/ for the same month, adds overdue and extensions, and prints with the audit checkpoint', async () => {
    setNow('2026-10-05');
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'in2', 'intake');
    const handler = await staffOf(t, 'h2', 'handler', 'emergency');
    const boss = await staffOf(t, 'boss2', 'supervisor');
    const auditor = await staffOf(t, 'aud2', 'auditor');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await fileReportAs(t, i === 3 ? { township: 'yinxiang' } : {})).reportId);
    setNow('2026-10-06');
    for (const id of ids) {
      await call(t, intake, 'POST', `/api/admin/reports/${id}/transition`, { status: 'accepted', note: '' });
      await call(t, intake, 'POST', `/api/admin/reports/${id}/assign`, { departments: ['emergency'] });
      await call(t, handler, 'POST', `/api/admin/reports/${id}/transition`, { status: 'investigating', note: '' });
      await call(t, handler, 'POST', `/api/admin/reports/${id}/transition`, { status: 'substantiated', note: '' });
    }
    await call(t, handler, 'POST', `/api/admin/reports/${ids[0]}/extend`, { days: 10, reason: '需要检测' });
    for (const [i, day] of [[0, '2026-10-20'], [1, '2026-10-25'], [2, '2026-11-02']] as const) {
      setNow(day);
      expect((await call(t, handler, 'POST', `/api/admin/reports/${ids[i]}/transition`, { status: 'closed', note: '企业已整改完毕' })).status).toBe(200);
    }
    setNow('2026-12-10'); // ids[3] is past its 60-day deadline (2026-12-04) and still open
    await call(t, boss, 'POST', `/api/admin/reports/${ids[1]}/reward`, { decision: 'granted', kind: 'general_hazard', amount_yuan: 1000, verified: 'yes', reason: '依据现行办法' });
    setNow('2026-12-11');
    const m = await monthlySummary(t.db, '2026-10');
    expect(m.totals).toMatchObject({ received: 4, accepted: 4, closed: 3, closure_rate: 75, median_days_to_close: 20, overdue: 1, extended: 1, rewards_granted: 1, rewards_total_yuan: 1000 });
    expect(m.by_township.map((r) => [r.label, r.received])).toEqual([
      ['殷巷镇', 1],
      ['商河经济开发区', 3],
    ]);
    const pub = (await publicStats(t.db)).by_month.find((r) => r.key === '2026-10')!;
    expect([pub.received, pub.accepted, pub.closed, pub.closure_rate, pub.median_days_to_close]).toEqual([m.totals.received, m.totals.accepted, m.totals.closed, m.totals.closure_rate, m.totals.median_days_to_close]);
    const page = await getPage(t, auditor, '/admin/stats/?month=2026-10');
    expect(page.status).toBe(200);
    expect(page.body).toContain('2026年10月安全生产举报办理情况');
    expect(page.body).toContain('75%');
    expect(page.body).toContain('审计日志校验点');
    expect(page.body).toContain(`<strong>${m.audit_checkpoint.length}</strong>`);
    const csv = await call(t, auditor, 'GET', '/api/admin/stats.csv?month=2026-10');
    const text = Buffer.from(await csv.res.arrayBuffer()).toString('utf8');
    expect(text).toContain('合计,2026年10月（办理情况截至 2026-12-10）,4,4,3,75,20,1,1,1,1000');
    expect(text).toContain('镇街,殷巷镇,1,1,0,0,,1,0,0,0');
    expect((await getPage(t, auditor, '/admin/stats/?month=2026-13')).status).toBe(400);
    // Handlers do not make the county report.
    expect((await getPage(t, handler, '/admin/stats/')).status).toBe(403);
  });
});

describe('witnessed audit chain (issue 10 item 5)', () => {
  function cli(dataDir: string, ...args: string[]) {
    return spawnSync(process.execPath, ['scripts/audit-verify.ts', ...args], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
  }

  it('a rewrite that deletes entries and recomputes every hash and the head passes the plain check but fails against a kept checkpoint', async () => {
    setNow('2026-12-01');
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'in3', 'intake');
    const { reportId } = await fileReportAs(t);
    await call(t, intake, 'GET', `/api/admin/reports/${reportId}`);
    await call(t, intake, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'accepted', note: '' });
    setNow('2026-12-02');
    const kept = await auditCheckpoint(t.db, '2026-12-01');
    expect(kept.length).toBeGreaterThanOrEqual(4);
    // Published on /data/ (yesterday's), in full.
    expect(await (await t.app.request('/data/')).text()).toContain(`<strong>${kept.length}</strong>`);
    expect((await (await t.app.request('/api/stats')).json()).audit_checkpoint).toEqual(kept);
    const spec = `${kept.length}:${kept.head}`;
    expect(cli(t.dataDir, '--checkpoint', spec).status).toBe(0);

    // The attacker deletes the record of opening the case and recomputes the whole chain and the head.
    await exec(t.db, sql`delete from audit_log where action = 'case.opened'`);
    const rows = await dbRows<{ id: number; at: string; actor: string; action: string; report_id: string | null; detail: string }>(t.db, sql`select * from audit_log order by id`);
    await exec(t.db, sql`delete from audit_log`);
    let prev = GENESIS_HASH;
    for (const [i, r] of rows.entries()) {
      const id = i + 1;
      const hash = sha256Hex(JSON.stringify([id, r.at, r.actor, r.action, r.report_id, r.detail, prev]));
      await exec(t.db, sql`insert into audit_log (id, at, actor, action, report_id, detail, prev_hash, hash) values (${id}, ${r.at}, ${r.actor}, ${r.action}, ${r.report_id}, ${r.detail}, ${prev}, ${hash})`);
      prev = hash;
    }
    await exec(t.db, sql`update app_meta set value = ${JSON.stringify({ id: rows.length, hash: prev })} where key = 'audit_head'`);

    expect((await verifyAuditChain(t.db)).ok).toBe(true); // the rewrite is invisible to the chain alone
    const byCheckpoint = await verifyCheckpoint(t.db, parseCheckpoint(spec)!);
    expect(byCheckpoint.ok).toBe(false);
    const run = cli(t.dataDir, '--checkpoint', spec);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/校验点不符/);
    // Only the hash kept (no length): not found anywhere either.
    expect((await verifyCheckpoint(t.db, { length: null, head: kept.head })).ok).toBe(false);
    expect(cli(t.dataDir, '--checkpoint', 'not-a-hash').status).toBe(2);
  }, 40_000);

  it('an intact chain keeps matching old checkpoints as it grows', async () => {
    setNow('2026-12-01');
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'in4', 'intake');
    const kept = await auditCheckpoint(t.db, '2026-12-01');
    setNow('2026-12-05');
    await fileReportAs(t);
    await call(t, intake, 'GET', '/api/admin/reports');
    expect((await verifyCheckpoint(t.db, { length: kept.length, head: kept.head })).ok).toBe(true);
    expect(parseCheckpoint(`${kept.length}:${kept.head.toUpperCase().match(/.{4}/g)!.join(' ')}`)).toEqual({ length: kept.length, head: kept.head });
  });
});

describe('test clock (build 8)', () => {
  it('NOW is honoured only in tests or with TEST_CLOCK=1, and a server refuses to start with it otherwise', () => {
    expect(now({ NODE_ENV: 'test', NOW: '2026-01-02' }).toISOString()).toBe('2026-01-02T01:00:00.000Z');
    expect(now({ TEST_CLOCK: '1', NOW: '2026-01-02T23:00:00+08:00' }).toISOString()).toBe('2026-01-02T15:00:00.000Z');
    const real = now({ NODE_ENV: 'production', NOW: '2001-01-01' });
    expect(Math.abs(real.getTime() - Date.now())).toBeLessThan(5000);
    expect(() => parseEnv({ NODE_ENV: 'production', NOW: '2001-01-01' })).toThrow(/NOW: 只能在测试中使用/);
    expect(() => parseEnv({ TEST_CLOCK: '1', NOW: 'yesterday' })).toThrow(/NOW: 日期格式不对/);
    expect(parseEnv({ TEST_CLOCK: '1', NOW: '2026-01-02' }).port).toBe(4321);
    expect(parseNow('2026-02-30T99:00')).toBeNull();
  });

  it('reporter dates follow the clock too (the reporter sees the same day as staff)', async () => {
    setNow('2026-06-30T23:59:00+08:00');
    const t = await makeApp({ fastReceipts: true });
    const { receipt } = await fileReportAs(t);
    expect((await lookup(t, receipt)).created_on).toBe('2026-06-30');
  });
});
