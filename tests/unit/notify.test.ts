/**
 * Notifications (issue 15): events derived from database state without any workflow call, a message is
 * a count and case numbers only, the 临期 days setting at its boundary, per-person digests, retries with
 * backoff and a failure shown to the administrator, and intake never waiting on a broken sender.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { exec, row, rows } from '../../api/db/client.ts';
import { staffUsers } from '../../api/db/schema.ts';
import { saveHandlingSettings } from '../../api/services/admin/settings.ts';
import { DEFAULT_HANDLING } from '../../config/staff.ts';
import { parseNotifyEnv } from '../../api/services/notify/config.ts';
import { backoffSeconds, digestAt, recentDeliveries } from '../../api/services/notify/deliver.ts';
import { runNotifierOnce } from '../../api/services/notify/index.ts';
import { savePrefs, saveWebhook } from '../../api/services/notify/settings.ts';
import type { Message, Transports } from '../../api/services/notify/transports.ts';
import { addDays, dayOf, formatCaseNumber } from '../../api/services/reports/shared.ts';
import { setNow } from './office-fixtures.ts';
import { call, fileReportAs, makeApp, staffOf } from './admin-fixtures.ts';

const config = { ...parseNotifyEnv({ NOTIFY_MAX_ATTEMPTS: '3', NOTIFY_INTERVAL_SECONDS: '60' }, 'https://aq.example.gov.cn') };

function recorder(fail = false) {
  const sent: { to: string; m: Message }[] = [];
  const t: Transports = {
    async email(to, m) {
      if (fail) throw new Error('连接被拒绝（服务器没有运行或端口不对）');
      sent.push({ to, m });
    },
    async webhook(w, m) {
      if (fail) throw new Error('机器人接口回答 HTTP 500');
      sent.push({ to: `hook:${w.scope}`, m });
    },
  };
  return { sent, t };
}

const PLACE = '开发区某化工企业储罐区';
const DESCRIPTION = '储罐区的可燃气体报警器全部关闭，夜班没有人巡检。';

describe('settings checked at start', () => {
  it('a bad SMTP setting stops the server with a Chinese message naming it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'notify-env-'));
    const run = spawnSync(process.execPath, ['api/server.ts'], { env: { ...process.env, PORT: '4504', DATA_DIR: dataDir, SMTP_URL: 'http://mail.example.gov.cn', SMTP_FROM: 'a@example.gov.cn' }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('配置错误，服务没有启动');
    expect(run.stderr).toContain('SMTP_URL: 只能以 smtp://');
    const hour = spawnSync(process.execPath, ['api/server.ts'], { env: { ...process.env, PORT: '4504', DATA_DIR: dataDir, NOTIFY_DIGEST_HOUR: '25' }, encoding: 'utf8', timeout: 20_000 });
    expect(hour.status).toBe(2);
    expect(hour.stderr).toContain('NOTIFY_DIGEST_HOUR 必须是 0–23 的整数（当前值："25"）');
  }, 60_000); // two process starts on a loaded CI machine
});

describe('notifier', () => {
  it('tells intake officers and handlers about their cases, with numbers and links only', async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'nin', 'intake');
    const handler = await staffOf(t, 'nha', 'handler', 'emergency');
    const auditor = await staffOf(t, 'nau', 'auditor');
    await savePrefs(t.db, intake.id, { email: 'intake@example.gov.cn', mode: 'instant' });
    await savePrefs(t.db, handler.id, { email: 'handler@example.gov.cn', mode: 'instant' });
    await savePrefs(t.db, auditor.id, { email: 'auditor@example.gov.cn', mode: 'instant' });
    await saveWebhook(t.db, { scope: 'emergency', kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', secret: null, mode: 'instant' });
    const r = recorder();
    await runNotifierOnce(t.db, config, r.t); // first run: starts the cursors
    const { receipt, reportId } = await fileReportAs(t, { place: PLACE, description: DESCRIPTION, identity_mode: 'real_name', identity_name: '王举报', identity_phone: '13812345678' });
    await runNotifierOnce(t.db, config, r.t);
    expect(r.sent.map((s) => s.to)).toEqual(['intake@example.gov.cn']);
    expect(r.sent[0]!.m.subject).toBe('【商河安全】办理提醒：1 条新情况');
    expect(r.sent[0]!.m.text).toContain('新收到的案件：1 件');
    expect(r.sent[0]!.m.text).toContain(`https://aq.example.gov.cn/admin/cases/${reportId}`);
    // The office's case number (商安举〔年〕号), the one on the queue, 转办单 and 回复函.
    const num = (await row<{ y: number; s: number }>(t.db, sql`select case_year as y, case_seq as s from reports where id = ${reportId}`))!;
    expect(r.sent[0]!.m.text).toContain(`  ${formatCaseNumber(num.y, num.s)}  https://aq.example.gov.cn/admin/cases/${reportId}`);
    expect(formatCaseNumber(num.y, num.s)).toMatch(/^商安举〔\d{4}〕\d{4}号$/);

    await call(t, intake, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'accepted', note: '' });
    await call(t, intake, 'POST', `/api/admin/reports/${reportId}/assign`, { departments: ['emergency'], note: '' });
    await t.app.request('/api/reports/messages', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ receipt, body: '补充：夜里十点以后没有人。' }) });
    await runNotifierOnce(t.db, config, r.t);
    const handlerMail = r.sent.find((s) => s.to === 'handler@example.gov.cn')!;
    expect(handlerMail.m.text).toContain('新转办到本部门的案件：1 件');
    expect(handlerMail.m.text).toContain('举报人有新留言：1 条');
    expect(r.sent.some((s) => s.to === 'hook:emergency')).toBe(true);
    // Nothing the reporter wrote, no name, no receipt, in any message; auditors are not recipients.
    for (const s of r.sent) {
      const all = s.m.subject + s.m.text;
      for (const secret of [PLACE, '储罐', '报警器', '王举报', '13812345678', receipt, '夜里十点']) expect(all).not.toContain(secret);
    }
    expect(r.sent.some((s) => s.to === 'auditor@example.gov.cn')).toBe(false);
    // Idempotent: running again sends nothing new.
    const n = r.sent.length;
    await runNotifierOnce(t.db, config, r.t);
    expect(r.sent.length).toBe(n);
  });

  it('临期 days setting at its boundary: due in N days is due soon, N+1 is not; overdue reaches supervisors', async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'din', 'intake');
    const boss = await staffOf(t, 'dsu', 'supervisor');
    await savePrefs(t.db, intake.id, { email: 'i@example.gov.cn', mode: 'instant' });
    await savePrefs(t.db, boss.id, { email: 'b@example.gov.cn', mode: 'instant' });
    await saveHandlingSettings(t.db, { ...DEFAULT_HANDLING, dueSoonDays: 5, acceptDays: 7 });
    const r = recorder();
    await runNotifierOnce(t.db, config, r.t);
    const today = dayOf();
    const a = await fileReportAs(t);
    const b = await fileReportAs(t);
    const c = await fileReportAs(t);
    // Acceptance deadlines: a in 5 days (soon), b in 6 days (not yet), c yesterday (overdue).
    await runNotifierOnce(t.db, config, r.t); // creates tracking rows
    await exec(t.db, sql`update case_tracking set accept_due_on = ${addDays(today, 5)} where report_id = ${a.reportId}`);
    await exec(t.db, sql`update case_tracking set accept_due_on = ${addDays(today, 6)} where report_id = ${b.reportId}`);
    await exec(t.db, sql`update case_tracking set accept_due_on = ${addDays(today, -1)} where report_id = ${c.reportId}`);
    r.sent.length = 0;
    await runNotifierOnce(t.db, config, r.t);
    const kinds = await rows<{ kind: string; report_id: string }>(t.db, sql`select kind, report_id from notify_events where kind in ('due_soon', 'overdue')`);
    expect(kinds).toEqual(expect.arrayContaining([{ kind: 'due_soon', report_id: a.reportId }, { kind: 'overdue', report_id: c.reportId }]));
    expect(kinds.some((k) => k.report_id === b.reportId)).toBe(false);
    expect(r.sent.find((s) => s.to === 'b@example.gov.cn')!.m.text).toContain('已超过期限的案件：1 件');
    expect(r.sent.find((s) => s.to === 'b@example.gov.cn')!.m.text).not.toContain('临近期限');
    expect(r.sent.find((s) => s.to === 'i@example.gov.cn')!.m.text).toContain('临近期限的案件：1 件');
  });

  it("deadlines follow the back office's test clock (NOW), deliveries keep real time", async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'cin', 'intake');
    await savePrefs(t.db, intake.id, { email: 'c@example.gov.cn', mode: 'instant' });
    const r = recorder();
    await runNotifierOnce(t.db, config, r.t, new Date(), dayOf());
    const { reportId } = await fileReportAs(t);
    await runNotifierOnce(t.db, config, r.t, new Date(), dayOf());
    const acceptDue = (await row<{ d: string }>(t.db, sql`select accept_due_on as d from case_tracking where report_id = ${reportId}`))!.d;
    expect(await rows(t.db, sql`select id from notify_events where kind = 'overdue'`)).toEqual([]);
    // The queue's clock moves to the day after the acceptance deadline: the notifier's day (as
    // startNotifier passes it) moves with it, and the reminder goes out at once in real time.
    setNow(addDays(acceptDue, 1));
    expect(dayOf()).toBe(addDays(acceptDue, 1));
    r.sent.length = 0;
    await runNotifierOnce(t.db, config, r.t, new Date(), dayOf());
    expect(await rows<{ report_id: string }>(t.db, sql`select report_id from notify_events where kind = 'overdue'`)).toEqual([{ report_id: reportId }]);
    expect(r.sent.find((s) => s.to === 'c@example.gov.cn')!.m.text).toContain('已超过期限的案件：1 件');
  });

  it('a 12345 work order also reminds by the hotline reply deadline', async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'hin', 'intake');
    await savePrefs(t.db, intake.id, { email: 'h@example.gov.cn', mode: 'instant' });
    const r = recorder();
    await runNotifierOnce(t.db, config, r.t);
    const { reportId } = await fileReportAs(t);
    const today = dayOf();
    await exec(t.db, sql`insert into hotline_orders (order_no, report_id, received_on, hotline_due_on, imported_by, imported_at) values ('SH-1', ${reportId}, ${today}, ${addDays(today, 3)}, ${intake.id}, ${new Date().toISOString()})`);
    await runNotifierOnce(t.db, config, r.t);
    // Our acceptance deadline is 7 days away (not due soon); the hotline's, 3 days away, is (临期 3 days by default).
    const keys = (await rows<{ dedupe_key: string }>(t.db, sql`select dedupe_key from notify_events where kind = 'due_soon'`)).map((k) => k.dedupe_key);
    expect(keys).toEqual([`due_soon:${reportId}:hotline:${addDays(today, 3)}`]);
  });

  it('daily digest: one message after the digest hour, nothing before', async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'gin', 'intake');
    await savePrefs(t.db, intake.id, { email: 'g@example.gov.cn', mode: 'digest' });
    const cfg = { ...config, digestHour: 8 };
    const r = recorder();
    const day = dayOf();
    const before = new Date(`${day}T07:59:00+08:00`);
    const after = new Date(`${day}T08:00:00+08:00`);
    await runNotifierOnce(t.db, cfg, r.t, before);
    await fileReportAs(t);
    await fileReportAs(t);
    await runNotifierOnce(t.db, cfg, r.t, before);
    expect(r.sent).toEqual([]);
    await runNotifierOnce(t.db, cfg, r.t, after);
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0]!.m.subject).toBe(`【商河安全】${day} 办理提醒汇总：2 条`);
    await fileReportAs(t);
    await runNotifierOnce(t.db, cfg, r.t, new Date(after.getTime() + 3600_000));
    expect(r.sent).toHaveLength(1); // the next digest is tomorrow
    expect(digestAt(after, 8).toISOString()).toBe(new Date(`${day}T00:00:00Z`).toISOString());
  });

  it('retries with doubling delays, gives up after NOTIFY_MAX_ATTEMPTS, shows it to the administrator; intake never waits', async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'fin', 'intake');
    const admin = await staffOf(t, 'fad', 'admin');
    await savePrefs(t.db, intake.id, { email: 'f@example.gov.cn', mode: 'instant' });
    const broken = recorder(true);
    let now = new Date();
    await runNotifierOnce(t.db, config, broken.t, now);
    const started = performance.now();
    const { receipt } = await fileReportAs(t);
    expect(receipt).toMatch(/^\d{20}$/);
    expect(performance.now() - started).toBeLessThan(5000);
    await runNotifierOnce(t.db, config, broken.t, now);
    let d = (await recentDeliveries(t.db))[0]!;
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_error: '连接被拒绝（服务器没有运行或端口不对）' });
    expect(Date.parse(d.next_attempt_at) - now.getTime()).toBe(60_000);
    // Not yet due: nothing happens.
    await runNotifierOnce(t.db, config, broken.t, new Date(now.getTime() + 59_000));
    expect((await recentDeliveries(t.db))[0]!.attempts).toBe(1);
    now = new Date(now.getTime() + 60_000);
    await runNotifierOnce(t.db, config, broken.t, now);
    d = (await recentDeliveries(t.db))[0]!;
    expect(d.attempts).toBe(2);
    expect(Date.parse(d.next_attempt_at) - now.getTime()).toBe(120_000);
    now = new Date(now.getTime() + 120_000);
    await runNotifierOnce(t.db, config, broken.t, now);
    expect((await recentDeliveries(t.db))[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect(backoffSeconds(20, 60)).toBe(6 * 3600);
    // The administrator sees the failure and sends it again.
    const page = await call(t, admin, 'GET', '/admin/notifications/');
    const html = await page.res.text();
    expect(html).toContain('发送失败 1 封');
    expect(html).toContain('连接被拒绝');
    const retried = await call(t, admin, 'POST', `/api/admin/notifications/deliveries/${d.id}/retry`, {});
    expect(retried.status).toBe(200);
    const fixed = recorder();
    await runNotifierOnce(t.db, config, fixed.t, new Date(now.getTime() + 1000));
    expect(fixed.sent).toHaveLength(1);
    expect((await recentDeliveries(t.db))[0]).toMatchObject({ status: 'sent' });
    expect((await call(t, admin, 'POST', `/api/admin/notifications/deliveries/${d.id}/retry`, {})).status).toBe(404);
  });

  it('two notifiers at the same moment (two server processes) announce and send each thing once', async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'pin', 'intake');
    await savePrefs(t.db, intake.id, { email: 'p@example.gov.cn', mode: 'instant' });
    await saveWebhook(t.db, { scope: 'intake', kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', secret: null, mode: 'instant' });
    const r = recorder();
    await runNotifierOnce(t.db, config, r.t);
    await fileReportAs(t);
    await fileReportAs(t);
    const rounds = await Promise.all([runNotifierOnce(t.db, config, r.t), runNotifierOnce(t.db, config, r.t), runNotifierOnce(t.db, config, r.t)]);
    expect(rounds.reduce((n, x) => n + x.events, 0)).toBe(2);
    expect(rounds.reduce((n, x) => n + x.sent, 0)).toBe(2);
    expect(r.sent.map((s) => s.to).sort()).toEqual(['hook:intake', 'p@example.gov.cn']);
    expect(r.sent.every((s) => s.m.text.includes('新收到的案件：2 件'))).toBe(true);
    expect(await rows(t.db, sql`select id from notify_events`)).toHaveLength(2);
  });

  it('a deactivated account gets nothing more', async () => {
    const t = await makeApp({ fastReceipts: true });
    const a = await staffOf(t, 'xin', 'intake');
    await savePrefs(t.db, a.id, { email: 'x@example.gov.cn', mode: 'instant' });
    const r = recorder();
    await runNotifierOnce(t.db, config, r.t);
    await fileReportAs(t);
    await t.db.update(staffUsers).set({ active: false }).where(eq(staffUsers.id, a.id));
    await runNotifierOnce(t.db, config, r.t);
    expect(r.sent).toEqual([]);
  });

  it('secrets are write-only: the admin page never shows the robot key or 加签 secret', async () => {
    const t = await makeApp({ fastReceipts: true });
    const admin = await staffOf(t, 'sad', 'admin');
    const key = 'robot-key-canary-9f8e7d';
    const secret = 'SEC0123456789abcdefABCDEF0123456789';
    expect((await call(t, admin, 'POST', '/api/admin/notifications/webhooks', { scope: 'fire_rescue', kind: 'dingtalk', url: `https://oapi.dingtalk.com/robot/send?access_token=${key}`, secret, mode: 'instant' })).status).toBe(200);
    // Saving again without url/secret keeps them.
    const again = await call(t, admin, 'POST', '/api/admin/notifications/webhooks', { scope: 'fire_rescue', kind: 'dingtalk', mode: 'digest' });
    expect(again.json).toEqual({ scope: 'fire_rescue', kind: 'dingtalk', mode: 'digest', secret_set: true });
    const html = await (await call(t, admin, 'GET', '/admin/notifications/')).res.text();
    expect(html).toContain('县消防救援大队');
    expect(html).toContain('机器人密钥已设置（不显示）');
    expect(html).not.toContain(key);
    expect(html).not.toContain(secret);
    const bad = await call(t, admin, 'POST', '/api/admin/notifications/webhooks', { scope: 'fire_rescue', kind: 'wecom', url: 'http://example.com/send?key=x' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/https:\/\//);
    const prefs = await call(t, admin, 'POST', '/api/admin/notifications/me', { email: 'bad', mode: 'instant' });
    expect(prefs.json.error.message).toMatch(/邮箱（email）格式不正确/);
  });
});
