/**
 * The case workflow through the staff API: acceptance, assignment by sector, department scoping,
 * verification, rectification, extension, reward decision and closure — with the reporter reading
 * every step through the receipt — plus identity access, CSV export and the public figures.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { addDays, dayOf } from '../../api/services/reports/shared.ts';
import { suggestReward } from '../../api/services/admin/rewards.ts';
import { publicStats } from '../../api/services/admin/stats.ts';
import { call, fileReportAs, lookup, makeApp, staffOf } from './admin-fixtures.ts';
import { fileOf, jpegWithExif } from './report-fixtures.ts';
import { sql } from 'drizzle-orm';
import { rows as dbRows } from '../../api/db/client.ts';

describe('case workflow', () => {
  it('takes a report from submission to closure, the reporter following by receipt', async () => {
    // A report received under the 2021 Shandong rules (before the 2025 revision), on the test clock.
    process.env.NOW = '2025-06-10';
    onTestFinished(() => void delete process.env.NOW);
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'intake1', 'intake');
    const handler = await staffOf(t, 'hazchem', 'handler', 'emergency');
    const otherHandler = await staffOf(t, 'firefighter', 'handler', 'fire_rescue');
    const boss = await staffOf(t, 'boss', 'supervisor');
    const photo = fileOf(await jpegWithExif(), 'tank.jpg', 'image/jpeg');
    const { receipt, reportId } = await fileReportAs(t, { identity_mode: 'real_name', identity_name: '张三', identity_phone: '13800000000' }, [photo]);

    const queue = await call(t, intake, 'GET', '/api/admin/reports?status=received');
    expect(queue.json.items.map((i: any) => i.id)).toContain(reportId);
    expect(queue.json.items[0].deadline_kind).toBe('受理期限');
    // Handlers see nothing before assignment.
    expect((await call(t, handler, 'GET', '/api/admin/reports')).json.items).toEqual([]);
    expect((await call(t, handler, 'GET', `/api/admin/reports/${reportId}`)).status).toBe(404);

    const opened = await call(t, intake, 'GET', `/api/admin/reports/${reportId}`);
    expect(opened.json.description).toContain('可燃气体报警器');
    expect(opened.json.suggested_departments).toEqual(['emergency']);
    expect(JSON.stringify(opened.json)).not.toContain('张三'); // identity stays sealed

    // Wrong order is refused with a Chinese reason; handlers cannot accept.
    expect((await call(t, intake, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'closed', note: '随便' })).json.error.message).toMatch(/不能直接改为/);
    expect((await call(t, intake, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'accepted', note: '' })).status).toBe(200);
    expect((await lookup(t, receipt)).status).toBe('accepted');

    expect((await call(t, intake, 'POST', `/api/admin/reports/${reportId}/assign`, { departments: ['nonsense'] })).status).toBe(400);
    expect((await call(t, intake, 'POST', `/api/admin/reports/${reportId}/assign`, { departments: ['emergency'], note: '' })).status).toBe(200);
    const afterAssign = await lookup(t, receipt);
    expect(afterAssign.status).toBe('assigned');
    expect(afterAssign.messages.at(-1).body).toContain('县应急局');

    // The department's handler can now open it (the report key was re-sealed to the department key); others cannot.
    const asHandler = await call(t, handler, 'GET', `/api/admin/reports/${reportId}`);
    expect(asHandler.status).toBe(200);
    expect(asHandler.json.files).toHaveLength(1);
    expect((await call(t, otherHandler, 'GET', `/api/admin/reports/${reportId}`)).status).toBe(404);
    expect((await call(t, otherHandler, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'investigating', note: '' })).status).toBe(404);

    // Attachments: download only, or a sandboxed image preview.
    const fileId = asHandler.json.files[0].id;
    const dl = await call(t, handler, 'GET', `/api/admin/reports/${reportId}/files/${fileId}`);
    expect(dl.res.headers.get('content-type')).toBe('application/octet-stream');
    expect(dl.res.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(dl.res.headers.get('content-security-policy')).toMatch(/sandbox/);
    const pv = await call(t, handler, 'GET', `/api/admin/reports/${reportId}/files/${fileId}?preview=1`);
    expect(pv.res.headers.get('content-type')).toBe('image/jpeg');
    expect(pv.res.headers.get('content-security-policy')).toMatch(/sandbox/);

    for (const [status, extra] of [
      ['investigating', {}],
      ['substantiated', { note: '现场检查发现报警器确被关闭' }],
      ['rectifying', { rectify_due_on: '2099-01-31', note: '责令立即恢复报警器' }],
    ] as const) {
      const r = await call(t, handler, 'POST', `/api/admin/reports/${reportId}/transition`, { status, note: '', ...extra });
      expect(r.status, status).toBe(200);
      expect((await lookup(t, receipt)).status).toBe(status);
    }
    // One extension with a reason the reporter sees; a second is refused.
    expect((await call(t, handler, 'POST', `/api/admin/reports/${reportId}/extend`, { days: 31, reason: '需要检测' })).status).toBe(400);
    expect((await call(t, handler, 'POST', `/api/admin/reports/${reportId}/extend`, { days: 20, reason: '需要第三方检测' })).status).toBe(200);
    expect((await call(t, handler, 'POST', `/api/admin/reports/${reportId}/extend`, { days: 5, reason: '还要再等' })).status).toBe(409);
    const extended = await lookup(t, receipt);
    expect(extended.messages.at(-1).body).toMatch(/延长 20 天.*需要第三方检测/);
    expect(extended.timeline.map((e: any) => e.status)).toContain('extended');

    // Reward: handlers cannot decide; amounts outside the rules are refused with the working shown.
    expect((await call(t, handler, 'POST', `/api/admin/reports/${reportId}/reward`, { decision: 'granted' })).status).toBe(403);
    const tooMuch = await call(t, boss, 'POST', `/api/admin/reports/${reportId}/reward`, { decision: 'granted', kind: 'major_or_illegal', fine_yuan: 40000, amount_yuan: 30000, rule_set: 'shandong-2021' });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.json.error.message).toMatch(/20,000/);
    const granted = await call(t, boss, 'POST', `/api/admin/reports/${reportId}/reward`, { decision: 'granted', kind: 'major_or_illegal', fine_yuan: 40000, amount_yuan: 20000, rule_set: 'shandong-2021' });
    expect(granted.status).toBe(200);
    const rewarded = await lookup(t, receipt);
    expect(rewarded.reward).toMatchObject({ decision: 'granted', amount_yuan: 20000 });
    expect(rewarded.messages.at(-1).body).toMatch(/出示本查询码/);

    expect((await call(t, handler, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'closed', note: '' })).status).toBe(400);
    expect((await call(t, handler, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'closed', note: '企业已恢复报警器并处罚款 4 万元' })).status).toBe(200);
    const closed = await lookup(t, receipt);
    expect(closed.status).toBe('closed');
    expect(closed.messages.at(-1).body).toContain('企业已恢复报警器');

    // Everything above is in the audit log, under staff ids only.
    const actions = (await dbRows<{ action: string }>(t.db, sql`select action from audit_log`)).map((r) => r.action);
    for (const a of ['case.opened', 'report.transition', 'report.assigned', 'report.extended', 'reward.decided', 'file.downloaded', 'file.viewed_inline', 'login.ok']) expect(actions).toContain(a);

    // CSV for the 安委会 report: BOM, Chinese headers, no report text.
    const csv = await call(t, boss, 'GET', '/api/admin/export.csv');
    const bytes = Buffer.from(await csv.res.arrayBuffer());
    const text = bytes.toString('utf8');
    expect(csv.res.headers.get('content-type')).toMatch(/text\/csv; charset=utf-8/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text).toContain('案件编号,收到日期');
    expect(text).toContain('已办结');
    expect(text).not.toContain('报警器');
  }, 60_000);

  it('releases a real-name identity only after a custodian approves, once, audited', async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'in2', 'intake');
    const handler = await staffOf(t, 'h2', 'handler', 'emergency');
    const custodian = await staffOf(t, 'keeper', 'custodian');
    const { reportId } = await fileReportAs(t, { identity_mode: 'real_name', identity_name: '李四', identity_phone: '13900000000' });
    await call(t, intake, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'accepted', note: '' });
    await call(t, intake, 'POST', `/api/admin/reports/${reportId}/assign`, { departments: ['emergency'] });
    expect((await call(t, handler, 'POST', `/api/admin/reports/${reportId}/identity-requests`, { reason: '短' })).status).toBe(400);
    const asked = await call(t, handler, 'POST', `/api/admin/reports/${reportId}/identity-requests`, { reason: '需要举报人带路到现场指认被关闭的报警器位置' });
    expect(asked.status).toBe(200);
    const requestId = asked.json.id;
    expect((await call(t, handler, 'POST', `/api/admin/identity-requests/${requestId}/view`, {})).status).toBe(409);
    expect((await call(t, handler, 'POST', `/api/admin/identity-requests/${requestId}/decision`, { approve: true })).status).toBe(403);
    const list = await call(t, custodian, 'GET', '/api/admin/identity-requests');
    expect(list.json.items[0].status).toBe('pending');
    expect(list.json.items[0].reason).toBe('需要举报人带路到现场指认被关闭的报警器位置');
    expect((await call(t, custodian, 'POST', `/api/admin/identity-requests/${requestId}/decision`, { approve: true })).status).toBe(200);
    const shown = await call(t, handler, 'POST', `/api/admin/identity-requests/${requestId}/view`, {});
    expect(shown.json).toEqual({ name: '李四', phone: '13900000000' });
    const again = await call(t, handler, 'POST', `/api/admin/identity-requests/${requestId}/view`, {});
    expect(again.status).toBe(410);
    const actions = (await dbRows<{ action: string }>(t.db, sql`select action from audit_log where report_id = ${reportId}`)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['identity.requested', 'identity.approved', 'identity.viewed']));
    expect(JSON.stringify(await dbRows(t.db, sql`select * from audit_log`))).not.toContain('李四');
  }, 30_000);

  it('refuses reasons for not accepting that are missing, and the reporter reads the reason', async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'in3', 'intake');
    const { receipt, reportId } = await fileReportAs(t);
    expect((await call(t, intake, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'not_accepted', note: '' })).json.error.message).toMatch(/不予受理的原因/);
    await call(t, intake, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'not_accepted', note: '不属于安全生产举报范围，已告知向 12345 反映' });
    const view = await lookup(t, receipt);
    expect(view.status).toBe('not_accepted');
    expect(view.messages.at(-1).body).toContain('12345');
  });
});

describe('public figures', () => {
  it('suppresses counts below 3 and everything derived from them', async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'in4', 'intake');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await fileReportAs(t)).reportId);
    await fileReportAs(t, { sector: 'fire' });
    for (const id of ids.slice(0, 3)) await call(t, intake, 'POST', `/api/admin/reports/${id}/transition`, { status: 'accepted', note: '' });
    // Public figures cover whole days: what was filed today counts from tomorrow.
    const tomorrow = addDays(dayOf(), 1);
    expect((await publicStats(t.db)).totals.received).toBe(0);
    const stats = await publicStats(t.db, tomorrow);
    expect(stats.totals.received).toBe(5);
    expect(stats.totals.accepted).toBe(3);
    expect(stats.totals.closed).toBe(0); // 0 is shown as 0, not suppressed
    expect(stats.totals.closure_rate).toBe(0);
    const chem = stats.by_sector.find((r) => r.key === 'hazardous_chemicals')!;
    const fire = stats.by_sector.find((r) => r.key === 'fire')!;
    expect(chem.received).toBe(4);
    expect(fire.received).toBeNull();
    process.env.NOW = tomorrow;
    onTestFinished(() => void delete process.env.NOW);
    const page = await t.app.request('/data/');
    const body = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(body).toContain('少于3');
    expect(body).toContain('<svg');
    expect(body).toMatch(/<table class="data-table">/);
    const api = await (await t.app.request('/api/stats')).json();
    expect(api.suppress_below).toBe(3);
  });
});

describe('reward calculator', () => {
  const ctx = { sector: 'hazardous_chemicals', reportedOn: '2025-06-01' };
  it('applies the Shandong 2021 figures', () => {
    expect(suggestReward('shandong-2021', { kind: 'general_hazard' }, ctx)).toMatchObject({ minYuan: 500, maxYuan: 5000 });
    expect(suggestReward('shandong-2021', { kind: 'major_or_illegal', fineYuan: 4000 }, ctx).minYuan).toBe(5000); // floor
    expect(suggestReward('shandong-2021', { kind: 'major_or_illegal', fineYuan: 100000 }, ctx).minYuan).toBe(50000);
    expect(suggestReward('shandong-2021', { kind: 'major_or_illegal', fineYuan: 5_000_000 }, ctx).minYuan).toBe(500000); // cap
    expect(suggestReward('shandong-2021', { kind: 'concealed_accident', deaths: 2, grade: 'larger' }, ctx).minYuan).toBe(80000);
    expect(suggestReward('shandong-2021', { kind: 'concealed_accident', deaths: 20, grade: 'especially_major' }, ctx).minYuan).toBe(500000);
  });
  it('keeps the fire-hazard exception and the national 2018 figures for reference', () => {
    expect(() => suggestReward('shandong-2021', { kind: 'general_hazard' }, { ...ctx, sector: 'fire' })).toThrow(/火灾隐患/);
    const national = suggestReward('national-2018', { kind: 'major_or_illegal', fineYuan: 100000 }, ctx);
    expect(national.minYuan).toBe(15000);
    expect(national.warnings.join()).toMatch(/仅供参考/);
    expect(suggestReward('shandong-2021', { kind: 'general_hazard' }, { ...ctx, reportedOn: '2026-02-01' }).warnings.join()).toMatch(/鲁应急发〔2025〕12号/);
  });
});
