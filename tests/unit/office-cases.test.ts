/**
 * Issue 14 (办理后台日常可用): every observation has a regression test here, plus the office conventions
 * (case numbers, 转办单, 回复函, staff documents, internal notes, reward calculator, test clock).
 */
import { describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../api/services/reports/shared.ts';
import { ensureTracking, parseCaseNumberQuery } from '../../api/services/admin/cases.ts';
import { call, fileReportAs, lookup, makeApp, staffOf, type StaffLogin } from './admin-fixtures.ts';
import { fileOf, jpegWithExif, type TestApp } from './report-fixtures.ts';
import { sql } from 'drizzle-orm';
import { exec, row as dbRow, rows as dbRows } from '../../api/db/client.ts';
import { auditActions, formPost, getPage, setNow } from './office-fixtures.ts';

/** The reporter's no-JS status page: the lookup answers 303 to a single-use view (issue 10), which we open once. */
async function reporterPage(t: { app: { request: (url: string, init?: RequestInit) => Response | Promise<Response> } }, receipt: string): Promise<string> {
  const posted = await t.app.request('/report/status/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `receipt=${receipt}` });
  if (posted.status !== 303) return posted.text();
  return (await t.app.request(posted.headers.get('location')!)).text();
}

async function office() {
  const t = await makeApp({ fastReceipts: true });
  const admin = await staffOf(t, 'admin1', 'admin');
  const intake = await staffOf(t, 'intake1', 'intake');
  const handler = await staffOf(t, 'chem1', 'handler', 'emergency');
  const boss = await staffOf(t, 'boss1', 'supervisor');
  const auditor = await staffOf(t, 'audit1', 'auditor');
  return { t, admin, intake, handler, boss, auditor };
}

async function step(t: TestApp, who: StaffLogin, id: string, status: string, extra: Record<string, unknown> = {}) {
  const r = await call(t, who, 'POST', `/api/admin/reports/${id}/transition`, { status, note: '', ...extra });
  expect(r.status, `${status}: ${JSON.stringify(r.json)}`).toBe(200);
}

/** Accepted and assigned to 县应急局. */
async function assigned(t: TestApp, intake: StaffLogin, fields: Record<string, string> = {}) {
  const filed = await fileReportAs(t, fields);
  await step(t, intake, filed.reportId, 'accepted');
  expect((await call(t, intake, 'POST', `/api/admin/reports/${filed.reportId}/assign`, { departments: ['emergency'], note: '' })).status).toBe(200);
  return filed;
}

describe('observation 1: the 办结期限 setting takes effect', () => {
  it('a report filed after the setting changes gets the new deadline; the setting is refused outside 7–180', async () => {
    const { t, admin } = await office();
    const before = await fileReportAs(t);
    expect((await lookup(t, before.receipt)).due_on).toBe(addDays(dayOf(), 60));
    expect((await call(t, admin, 'POST', '/api/admin/settings', { acceptDays: 7, closeDays: 6, maxExtensionDays: 30, dueSoonDays: 3, retentionDays: 365 })).status).toBe(400);
    expect((await call(t, admin, 'POST', '/api/admin/settings', { acceptDays: 7, closeDays: 30, maxExtensionDays: 30, dueSoonDays: 3, retentionDays: 365 })).status).toBe(200);
    const after = await fileReportAs(t);
    expect((await lookup(t, after.receipt)).due_on).toBe(addDays(dayOf(), 30));
    expect((await call(t, admin, 'POST', '/api/admin/settings', { acceptDays: 7, closeDays: 7, maxExtensionDays: 30, dueSoonDays: 3, retentionDays: 365 })).status).toBe(200);
    expect((await lookup(t, (await fileReportAs(t)).receipt)).due_on).toBe(addDays(dayOf(), 7));
    // The public page states the rule in force.
    expect(await (await t.app.request('/data/')).text()).toContain('举报应在 7 日内办结');
  });
});

describe('observation 2 and build 3: internal notes vs messages', () => {
  it('staff-only notes are sealed, shown to staff with who wrote them, never to the reporter; every field says who reads it', async () => {
    const { t, intake, handler } = await office();
    const { receipt, reportId } = await assigned(t, intake);
    await step(t, handler, reportId, 'investigating');
    // The page: the two audiences are written on every text field.
    const page = await getPage(t, handler, `/admin/cases/${reportId}`);
    expect(page.body).toContain('核查情况（内部记录）（可不填，只有后台工作人员看得到，举报人看不到）');
    expect(page.body).toContain('给举报人的核查说明（必填，举报人会看到）');
    expect(page.body).not.toMatch(/核查情况（可不填）/);
    const labels = page.body.match(/<label for="[^"]+">[^<]*<\/label>\s*<textarea/g) ?? [];
    expect(labels.length).toBeGreaterThan(5);
    for (const label of labels) expect(label).toMatch(/举报人会看到|只有后台工作人员看得到/);
    await step(t, handler, reportId, 'substantiated', { note: '报警器确实被关闭。', internal_note: '现场负责人王某承认夜班无人巡检（内部）' });
    await step(t, handler, reportId, 'rectifying', { rectify_due_on: '2099-01-31', note: '', internal_note: '整改要求：48小时内恢复报警并加装联锁（内部）' });
    expect((await call(t, handler, 'POST', `/api/admin/reports/${reportId}/notes`, { body: '已电话约谈企业法人（内部）' })).status).toBe(200);
    const reporterView = JSON.stringify(await lookup(t, receipt));
    expect(reporterView).toContain('报警器确实被关闭');
    expect(reporterView).not.toContain('（内部）');
    expect(reporterView).not.toContain('王某');
    // Sealed at rest: no plaintext in the database file.
    const raw = JSON.stringify(await dbRows(t.db, sql`select * from case_notes`));
    expect(raw).not.toContain('约谈');
    const view = await call(t, handler, 'GET', `/api/admin/reports/${reportId}`);
    const notes = view.json.notes.map((n: { body: string }) => n.body);
    expect(notes).toEqual(['现场负责人王某承认夜班无人巡检（内部）', '整改要求：48小时内恢复报警并加装联锁（内部）', '已电话约谈企业法人（内部）']);
    expect(view.json.notes[0].author).toBe('县应急局 测试chem1');
    expect((await getPage(t, handler, `/admin/cases/${reportId}`)).body).toContain('办理结果（必填，举报人会看到）');
  });

  it('the internal timeline names the staff member; the reporter sees only the department', async () => {
    const { t, intake, handler } = await office();
    const { receipt, reportId } = await assigned(t, intake);
    await step(t, handler, reportId, 'investigating');
    const view = await call(t, handler, 'GET', `/api/admin/reports/${reportId}`);
    const steps = view.json.internal.filter((e: { kind: string }) => e.kind === 'step');
    expect(steps.map((e: { who: string }) => e.who)).toEqual(['系统', '受理员 测试intake1', '受理员 测试intake1', '县应急局 测试chem1']);
    const reporter = JSON.stringify(await lookup(t, receipt));
    expect(reporter).not.toContain('测试chem1');
    expect(reporter).not.toContain('测试intake1');
  });
});

describe('observation 3 and build 4: reward calculator in the decision form, corrections', () => {
  it('calculates inside the form keeping what was typed, refuses out-of-range amounts with the form filled in, and corrects a decision with an audited reason', async () => {
    setNow('2025-06-10'); // received under 鲁应急发〔2021〕3号
    const { t, intake, handler, boss } = await office();
    const { receipt, reportId } = await assigned(t, intake);
    await step(t, handler, reportId, 'investigating');
    await step(t, handler, reportId, 'substantiated');
    const form = { decision: 'granted', rule_set: 'shandong-2021', kind: 'major_or_illegal', fine_yuan: '40000', deaths: '', grade: 'ordinary', amount_yuan: '', reason: '' };
    const calc = await formPost(t, boss, `/api/admin/reports/${reportId}/reward`, { ...form, action: 'calculate' });
    expect(calc.status).toBe(200);
    expect(calc.body).toContain('罚款 40,000 元 × 50% = 20,000 元');
    expect(calc.body).toContain('潍坊市应急管理局'); // the source is shown with the working
    expect(calc.body).toMatch(/id="rw-fine" name="fine_yuan" type="number" min="0" value="40000"/);
    expect(calc.body).toMatch(/id="rw-amount" name="amount_yuan" type="number" min="0" value="20000"/);
    expect(await auditActions(t, reportId)).not.toContain('reward.decided');
    // A wrong amount: the page comes back with the reason beside the form and the typed values.
    const wrong = await formPost(t, boss, `/api/admin/reports/${reportId}/reward`, { ...form, amount_yuan: '30000', reason: '感谢您的举报', action: 'decide' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatch(/<p class="notice danger" role="alert" id="err-reward">奖励金额要在 20,000–20,000 元之间/);
    expect(wrong.body).toContain('value="30000"');
    expect(wrong.body).toContain('>感谢您的举报</textarea>');
    expect(wrong.body).not.toContain('site-header');
    const ok = await formPost(t, boss, `/api/admin/reports/${reportId}/reward`, { ...form, amount_yuan: '20000', action: 'decide' });
    expect(ok.status).toBe(303);
    expect((await lookup(t, receipt)).reward).toMatchObject({ decision: 'granted', amount_yuan: 20000 });
    // Correction: refused without a reason, then recorded; the reporter reads the final decision.
    const noReason = await call(t, boss, 'POST', `/api/admin/reports/${reportId}/reward`, { decision: 'not_granted', reason: '罚款决定已被撤销' });
    expect(noReason.status).toBe(409);
    const corrected = await call(t, boss, 'POST', `/api/admin/reports/${reportId}/reward`, { decision: 'not_granted', reason: '行政处罚决定已被依法撤销', correction_reason: '复议撤销了罚款决定' });
    expect(corrected.status).toBe(200);
    const after = await lookup(t, receipt);
    expect(after.reward).toMatchObject({ decision: 'not_granted', amount_yuan: null });
    expect(after.messages.at(-1).body).toMatch(/^奖励决定已更正，以本条为准。/);
    expect(JSON.stringify(after)).not.toContain('复议撤销了罚款决定');
    const audit = (await dbRow<{ detail: string }>(t.db, sql`select detail from audit_log where action = 'reward.corrected'`))!;
    expect(JSON.parse(audit.detail)).toMatchObject({ from_decision: 'granted', from_amount_yuan: 20000, decision: 'not_granted', revision: 2 });
    const view = await call(t, boss, 'GET', `/api/admin/reports/${reportId}`);
    expect(view.json.notes.at(-1).body).toContain('复议撤销了罚款决定');
  });

  it('is honest after the 2025 revision: figures for reference only, the amount confirmed against the current text', async () => {
    setNow('2026-03-02');
    const { t, intake, handler, boss } = await office();
    const { receipt, reportId } = await assigned(t, intake);
    await step(t, handler, reportId, 'investigating');
    await step(t, handler, reportId, 'substantiated');
    const calc = await formPost(t, boss, `/api/admin/reports/${reportId}/reward`, { decision: 'granted', kind: 'general_hazard', action: 'calculate' });
    expect(calc.body).toContain('仅供参考');
    expect(calc.body).toContain('鲁应急发〔2025〕12号');
    expect(calc.body).toContain('已对照现行文本核实金额');
    const unverified = await call(t, boss, 'POST', `/api/admin/reports/${reportId}/reward`, { decision: 'granted', kind: 'general_hazard', amount_yuan: 3000, reason: '依据现行办法第三条' });
    expect(unverified.status).toBe(400);
    expect(unverified.json.error.field).toBe('verified');
    const verified = await call(t, boss, 'POST', `/api/admin/reports/${reportId}/reward`, { decision: 'granted', kind: 'general_hazard', amount_yuan: 3000, reason: '依据鲁应急发〔2025〕12号第三条', verified: 'yes' });
    expect(verified.status).toBe(200);
    const body = (await lookup(t, receipt)).messages.at(-1).body;
    expect(body).toContain('现行山东省安全生产举报奖励规定');
    expect(body).not.toContain('鲁应急发〔2021〕3号');
  });
});

describe('observation 4: reporter replies are flagged', () => {
  it('marks a case with new reporter messages for each staff member until they open it', async () => {
    const { t, intake, handler } = await office();
    const { receipt, reportId } = await assigned(t, intake);
    await call(t, handler, 'GET', `/api/admin/reports/${reportId}`);
    const item = async (who: StaffLogin) => (await call(t, who, 'GET', '/api/admin/reports')).json.items.find((i: { id: string }) => i.id === reportId);
    expect((await item(handler)).new_messages).toBe(0);
    const res = await t.app.request('/api/reports/messages', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ receipt, body: '补充：夜里 11 点以后没有人值班' }) });
    expect(res.status).toBe(201);
    expect((await item(handler)).new_messages).toBe(1);
    expect((await item(intake)).new_messages).toBe(1);
    const list = await getPage(t, handler, '/admin/?status=new_messages');
    expect(list.body).toContain('新留言 1');
    await getPage(t, handler, `/admin/cases/${reportId}`);
    expect((await item(handler)).new_messages).toBe(0);
    expect((await item(intake)).new_messages).toBe(1); // per person: the intake officer has not read it yet
  });
});

describe('observation 5 and build 5: the audit log is usable', () => {
  it('opening, inline viewing and downloading are distinct; one opening per session; Chinese labels, case numbers, filters and CSV', async () => {
    const { t, intake, auditor } = await office();
    const photo = fileOf(await jpegWithExif(), 'p.jpg', 'image/jpeg');
    const { reportId } = await fileReportAs(t, {}, [photo]);
    for (let i = 0; i < 3; i++) await getPage(t, intake, `/admin/cases/${reportId}`);
    const view = await call(t, intake, 'GET', `/api/admin/reports/${reportId}`);
    const fileId = view.json.files[0].id;
    // The page shows the image on every reload: logged once per login session, like the opening itself.
    for (let i = 0; i < 3; i++) await call(t, intake, 'GET', `/api/admin/reports/${reportId}/files/${fileId}?preview=1`);
    expect(await auditActions(t, reportId)).toEqual(['case.opened', 'file.viewed_inline']);
    await call(t, intake, 'GET', `/api/admin/reports/${reportId}/files/${fileId}`);
    await step(t, intake, reportId, 'accepted');
    expect(await auditActions(t, reportId)).toEqual(['case.opened', 'file.viewed_inline', 'file.downloaded', 'report.transition']);
    const number = view.json.ref as string;
    expect(number).toMatch(/^商安举〔\d{4}〕0001号$/);
    const page = await getPage(t, auditor, '/admin/audit/');
    expect(page.body).toContain('打开案件（本次登录第一次）');
    expect(page.body).toContain('在页面上查看图片（本次登录第一次）');
    expect(page.body).toContain('下载附件原件');
    expect(page.body).toContain('原状态：已收到；新状态：已受理');
    expect(page.body).toContain(number);
    expect(page.body).not.toMatch(/\{&quot;|\{"/); // no raw JSON
    const byCase = await getPage(t, auditor, `/admin/audit/?case=${encodeURIComponent(number)}&action=file.downloaded`);
    expect(byCase.body).toContain('共 1 条');
    const byDay = await getPage(t, auditor, `/admin/audit/?from=${addDays(dayOf(), 1)}`);
    expect(byDay.body).toContain('共 0 条');
    const byStaff = await getPage(t, auditor, `/admin/audit/?actor=${intake.id}&action=case.opened`);
    expect(byStaff.body).toContain('共 1 条');
    const csv = await call(t, auditor, 'GET', `/api/admin/audit.csv?case=${encodeURIComponent(number)}`);
    const text = Buffer.from(await csv.res.arrayBuffer()).toString('utf8');
    expect(text.startsWith('\uFEFF序号,时间（北京时间）,人员,操作,案件编号')).toBe(true);
    expect(text.trim().split('\r\n')).toHaveLength(5);
    expect(text).toContain(`测试intake1,下载附件原件,${number}`);
  });
});

describe('observation 6: the CSV makes a monthly report', () => {
  it('filters by month and carries acceptance and closing dates, days, conclusion, extension and reward', async () => {
    setNow('2025-05-28');
    const { t, intake, handler, boss } = await office();
    const may = await assigned(t, intake);
    setNow('2025-06-03');
    const { reportId } = await assigned(t, intake);
    await step(t, handler, reportId, 'investigating');
    await step(t, handler, reportId, 'substantiated');
    expect((await call(t, handler, 'POST', `/api/admin/reports/${reportId}/extend`, { days: 10, reason: '需要第三方检测' })).status).toBe(200);
    expect((await call(t, boss, 'POST', `/api/admin/reports/${reportId}/reward`, { decision: 'granted', kind: 'general_hazard', amount_yuan: 800, rule_set: 'shandong-2021' })).status).toBe(200);
    setNow('2025-06-20');
    await step(t, handler, reportId, 'closed', { note: '企业已整改并被处罚' });
    const csv = await call(t, boss, 'GET', '/api/admin/export.csv?month=2025-06');
    const lines = Buffer.from(await csv.res.arrayBuffer()).toString('utf8').replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]).toBe('案件编号,收到日期,受理日期,办结日期,办理用时（天）,举报类别,行业领域,镇街,办理部门,状态,核查结论,是否延期,办结期限,期限状态,是否超期办结,实名,奖励决定,奖励金额（元）,来源渠道');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('商安举〔2025〕0002号,2025-06-03,2025-06-03,2025-06-20,17,重大事故隐患,危险化学品,商河经济开发区,县应急局,已办结,属实,是,2025-08-12,,否,否,给予奖励,800,网上举报');
    expect(csv.res.headers.get('content-disposition')).toContain('cases-2025-06.csv');
    void may;
  });
});

describe('observation 8: minor items', () => {
  it('延期办理 filter matches extended cases; overdue cases cannot be extended (boundary); the reporter is not promised a second extension', async () => {
    setNow('2025-06-01');
    const { t, intake, handler } = await office();
    const a = await assigned(t, intake);
    const b = await assigned(t, intake);
    const refused = await fileReportAs(t);
    await step(t, intake, refused.reportId, 'not_accepted', { note: '不属于安全生产举报范围' });
    expect((await lookup(t, a.receipt)).due_on).toBe('2025-07-31');
    expect(await reporterPage(t, a.receipt)).toContain('可依规定延长一次');
    await call(t, handler, 'POST', `/api/admin/reports/${a.reportId}/extend`, { days: 5, reason: '需要检测' });
    const extended = (await call(t, intake, 'GET', '/api/admin/reports?status=extended')).json.items.map((i: { id: string }) => i.id);
    expect(extended).toEqual([a.reportId]);
    const statusPage = (receipt: string) => reporterPage(t, receipt);
    expect(await statusPage(a.receipt)).toContain('已延长过一次，不能再延长');
    expect(await statusPage(refused.receipt)).not.toContain('延长');
    // b is due 2025-07-31: on that day it may still be extended, the day after it may not.
    setNow('2025-08-01');
    const late = await call(t, handler, 'POST', `/api/admin/reports/${b.reportId}/extend`, { days: 5, reason: '需要检测' });
    expect(late.status).toBe(409);
    expect(late.json.error.message).toContain('已过');
    expect((await getPage(t, handler, `/admin/cases/${b.reportId}`)).body).not.toContain('延期办理（只能一次');
    setNow('2025-07-31');
    expect((await getPage(t, handler, `/admin/cases/${b.reportId}`)).body).toContain('延期办理（只能一次');
    expect((await call(t, handler, 'POST', `/api/admin/reports/${b.reportId}/extend`, { days: 5, reason: '需要检测' })).status).toBe(200);
  });

  it('staff pages: own layout, Beijing time, purge says what it did, error pages keep Chinese, dates do not wrap', async () => {
    const { t, admin, intake } = await office();
    const custodian = await staffOf(t, 'keeper1', 'custodian');
    const handler2 = await staffOf(t, 'chem2', 'handler', 'emergency');
    const { reportId } = await assigned(t, intake, { identity_mode: 'real_name', identity_name: '张三', identity_phone: '13800000000' });
    const asked = await call(t, handler2, 'POST', `/api/admin/reports/${reportId}/identity-requests`, { reason: '需要举报人到现场指认具体位置' });
    expect(asked.status).toBe(200);
    const list = await getPage(t, custodian, '/admin/identity/');
    const at = (await dbRow<{ created_at: string }>(t.db, sql`select created_at from identity_requests`))!;
    const beijing = new Date(new Date(at.created_at).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(list.body).toContain(`${beijing}（北京时间）`);
    for (const path of ['/admin/', `/admin/cases/${reportId}`]) {
      const p = await getPage(t, intake, path);
      expect(p.body).toContain('商河安全 · 办理后台');
      expect(p.body).not.toContain('site-header');
      expect(p.body).not.toContain('不使用 Cookie');
    }
    expect((await getPage(t, intake, '/admin/')).body).toMatch(/<td data-label="收到" class="nowrap">/);
    const purge = await formPost(t, admin, '/api/admin/retention/run', {});
    expect(purge.status).toBe(303);
    const after = await getPage(t, admin, purge.location!);
    expect(after.body).toContain('没有办结超过 365 天、还留有附件或身份信息的案件，什么也没有删除');
    expect(after.body).not.toContain('已保存。');
    const badSetting = await formPost(t, admin, '/api/admin/settings', { acceptDays: '7', closeDays: '200', maxExtensionDays: '30', dueSoonDays: '3', retentionDays: '365' });
    expect(badSetting.status).toBe(400);
    expect(badSetting.body).toContain('办结期限（天）要填 7–180 的整数。没有保存');
    expect(badSetting.body).toContain('name="closeDays" type="number" value="200"');
    const bad = await formPost(t, admin, '/api/admin/staff', { username: 'X', display_name: '王五', role: 'intake', department: '', password: 'correct horse battery' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('登录名要用');
    expect(bad.body).not.toMatch(/（username）/);
  });
});

describe('office conventions', () => {
  it('numbers cases per year in order of receipt, searchable, shown to the reporter and restarting each year', async () => {
    setNow('2025-12-30');
    const { t, intake } = await office();
    const a = await fileReportAs(t);
    const b = await fileReportAs(t);
    setNow('2026-01-02');
    const c = await fileReportAs(t);
    expect((await lookup(t, a.receipt)).case_number).toBe('商安举〔2025〕0001号');
    expect((await lookup(t, b.receipt)).case_number).toBe('商安举〔2025〕0002号');
    expect((await lookup(t, c.receipt)).case_number).toBe('商安举〔2026〕0001号');
    const search = async (q: string) => (await call(t, intake, 'GET', `/api/admin/reports?q=${encodeURIComponent(q)}`)).json.items.map((i: { id: string }) => i.id);
    expect(await search('2025-0002')).toEqual([b.reportId]);
    expect(await search('商安举〔2026〕0001号')).toEqual([c.reportId]);
    expect((await search('1')).sort()).toEqual([a.reportId, c.reportId].sort());
    expect(await search('随便')).toEqual([]);
    expect(parseCaseNumberQuery('２０２５－０００２')).toEqual({ year: 2025, seq: 2 });
    const statusHtml = await reporterPage(t, c.receipt);
    expect(statusHtml).toContain('商安举〔2026〕0001号');
  });

  it('numbers reports filed before numbering existed, in order of receipt', async () => {
    const { t, intake } = await office();
    const a = await fileReportAs(t);
    const b = await fileReportAs(t);
    await exec(t.db, sql`update reports set case_year = null, case_seq = null`);
    const items = (await call(t, intake, 'GET', '/api/admin/reports')).json.items;
    const refOf = (id: string) => items.find((i: { id: string }) => i.id === id).ref;
    expect([refOf(a.reportId), refOf(b.reportId)]).toEqual([`商安举〔${dayOf().slice(0, 4)}〕0001号`, `商安举〔${dayOf().slice(0, 4)}〕0002号`]);
  });

  it('parallel queue requests give each unnumbered, untracked report exactly one number and one tracking row', async () => {
    const { t } = await office();
    for (let i = 0; i < 4; i++) await fileReportAs(t);
    await exec(t.db, sql`update reports set case_year = null, case_seq = null`);
    await exec(t.db, sql`delete from case_tracking`);
    await Promise.all(Array.from({ length: 6 }, () => ensureTracking(t.db)));
    const seqs = await dbRows<{ s: number }>(t.db, sql`select case_seq as s from reports order by case_seq`);
    expect(seqs.map((x) => Number(x.s))).toEqual([1, 2, 3, 4]);
    expect(Number((await dbRow<{ n: number }>(t.db, sql`select count(*) as n from case_tracking`))!.n)).toBe(4);
  });

  it('prints an A4 转办单 with the lead unit and deadline and a 回复函 with the result, neither with the reporter identity', async () => {
    setNow('2025-06-02');
    const { t, intake, handler } = await office();
    const { reportId } = await assigned(t, intake, { identity_mode: 'real_name', identity_name: '赵六', identity_phone: '13811112222' });
    expect((await call(t, intake, 'POST', `/api/admin/reports/${reportId}/assign`, { departments: ['emergency'], note: '', internal_note: '请重点检查报警器联锁。' })).status).toBe(200);
    const slip = await getPage(t, intake, `/admin/cases/${reportId}/slip`);
    expect(slip.body).toContain('转办要求</th><td colspan="3" class="prewrap">请重点检查报警器联锁。');
    expect(slip.status).toBe(200);
    expect(slip.body).toContain('商河县安全生产举报案件转办单');
    expect(slip.body).toContain('商安举〔2025〕0001号');
    expect(slip.body).toContain('承办单位</th><td colspan="3">县应急局');
    expect(slip.body).toContain('2025年8月1日前');
    expect(slip.body).toContain('签收人');
    expect(slip.body).not.toContain('赵六');
    expect(slip.body).not.toContain('13811112222');
    expect((await getPage(t, intake, `/admin/cases/${reportId}/reply`)).status).toBe(409);
    await step(t, handler, reportId, 'investigating');
    await step(t, handler, reportId, 'substantiated', { note: '报警器被人为关闭。' });
    setNow('2025-06-20');
    await step(t, handler, reportId, 'closed', { note: '企业已恢复报警器，并被处以罚款。' });
    const reply = await getPage(t, handler, `/admin/cases/${reportId}/reply`);
    expect(reply.body).toContain('关于商安举〔2025〕0001号举报事项的答复');
    expect(reply.body).toContain('经核查，您反映的问题属实。报警器被人为关闭。');
    expect(reply.body).toContain('办理结果：企业已恢复报警器，并被处以罚款。');
    expect(reply.body).toContain('（单位盖章）');
    expect(reply.body).not.toContain('赵六');
    expect(await auditActions(t, reportId)).toEqual(expect.arrayContaining(['slip.printed', 'reply.printed']));
    // Cases closed before steps were linked to their messages still get their result.
    await exec(t.db, sql`update report_events set message_id = null`);
    expect((await getPage(t, handler, `/admin/cases/${reportId}/reply`)).body).toContain('办理结果：企业已恢复报警器，并被处以罚款。');
  });

  it('staff documents are cleaned and sealed like reporter files, and never reach the reporter', async () => {
    const { t, intake, handler } = await office();
    const { receipt, reportId } = await assigned(t, intake);
    const photo = fileOf(await jpegWithExif(), '整改后照片.jpg', 'image/jpeg');
    const up = await formPost(t, handler, `/api/admin/reports/${reportId}/files`, {}, [photo]);
    expect(up.status).toBe(303);
    const view = await call(t, handler, 'GET', `/api/admin/reports/${reportId}`);
    const doc = view.json.files.find((f: { source: string }) => f.source === 'staff');
    expect(doc).toMatchObject({ kind: 'image', uploaded_by: '县应急局 测试chem1' });
    const bytes = Buffer.from(await (await call(t, handler, 'GET', `/api/admin/reports/${reportId}/files/${doc.id}`)).res.arrayBuffer());
    expect(bytes.includes(Buffer.from('Exif'))).toBe(false);
    // Encrypted on disk: the blob does not contain the JPEG bytes.
    const blobName = (await dbRow<{ blob_name: string }>(t.db, sql`select blob_name from report_files where id = ${doc.id}`))!.blob_name;
    const { blobStoreFor } = await import('../../api/services/blob-store.ts');
    const sealed = await blobStoreFor(t.db, t.dataDir).read(blobName);
    expect(sealed.length).toBeGreaterThan(64);
    expect(sealed.includes(bytes.subarray(0, 64))).toBe(false);
    const reporter = await lookup(t, receipt);
    expect(JSON.stringify(reporter)).not.toContain('整改后照片');
    expect(await auditActions(t, reportId)).toContain('file.uploaded');
    const empty = await formPost(t, handler, `/api/admin/reports/${reportId}/files`, {});
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('请选择要上传的文件');
  });
});

describe('build 8: deadlines on the test clock', () => {
  it('is ok, due soon from 3 days before, and overdue only the day after the deadline', async () => {
    setNow('2025-03-01');
    const { t, intake } = await office();
    const { reportId } = await fileReportAs(t);
    // Acceptance deadline: 7 days → 2025-03-08.
    const stateOn = async (day: string) => {
      setNow(day);
      return (await call(t, intake, 'GET', '/api/admin/reports')).json.items.find((i: { id: string }) => i.id === reportId).deadline_state;
    };
    expect(await stateOn('2025-03-04')).toBe('ok');
    expect(await stateOn('2025-03-05')).toBe('soon');
    expect(await stateOn('2025-03-08')).toBe('soon');
    expect(await stateOn('2025-03-09')).toBe('overdue');
    // A late-evening Beijing time is still that Beijing day (UTC is the day before).
    setNow('2025-03-08T23:30:00+08:00');
    expect(dayOf()).toBe('2025-03-08');
  });
});
