/**
 * Issue 15 over HTTP against the real app: staff-entered reports (same pipeline as the web form, identity
 * sealed to the custodian, receipt works on the reporter's lookup), 12345 work orders (import, duplicate
 * refused, result export), figures by channel, and the settings of notifications at their boundaries.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { row as dbRow, rows as dbRows } from '../../api/db/client.ts';
import { ConfigError } from '../../api/env.ts';
import { parseReceivedOn, MAX_RECEIVED_AGE_DAYS } from '../../api/services/channels/staff-intake.ts';
import { dayFromPlatform, parseCsv } from '../../api/services/channels/hotline.ts';
import { HOTLINE_IMPORT_LIMITS } from '../../config/hotline.ts';
import { addDays, dayOf } from '../../api/services/reports/shared.ts';
import { openIdentityAsCustodian } from '../../api/services/reports/workflow.ts';
import { unlockWithRecoveryKey } from '../../api/services/keys.ts';
import { parseNotifyEnv } from '../../api/services/notify/config.ts';
import { validateWebhookUrl } from '../../api/services/notify/settings.ts';
import { dingtalkSignedUrl } from '../../api/services/notify/transports.ts';
import { call, lookup, makeApp, ORIGIN, staffOf, type StaffLogin } from './admin-fixtures.ts';
import { fileOf, jpegWithExif, type TestApp } from './report-fixtures.ts';
import { setNow } from './office-fixtures.ts';
import { DEFAULT_BODY_LIMIT } from '../../api/app.ts';
import { UPLOAD_BODY_LIMIT } from '../../api/routes/reports.ts';
import { handlingSettings } from '../../api/services/admin/settings.ts';
import { describeAudit } from '../../api/services/admin/audit-labels.ts';

async function postForm(t: TestApp, who: StaffLogin, path: string, form: FormData, json = true) {
  const headers: Record<string, string> = { origin: ORIGIN, cookie: who.cookie };
  if (json) headers.accept = 'application/json';
  form.set('_csrf', who.csrf);
  const res = await t.app.request(path, { method: 'POST', headers, body: form });
  return { status: res.status, headers: res.headers, body: (res.headers.get('content-type') ?? '').includes('json') ? await res.json() : await res.text() };
}

function entryForm(fields: Record<string, string>): FormData {
  const f = new FormData();
  const base = { channel: 'phone_12350', received_on: dayOf(), category: 'general_hazard', sector: 'fire', township: 'xushang', place: '许商街道某商场三楼', description: '商场三楼的安全出口被货物堵死，消防通道也锁着。' };
  for (const [k, v] of Object.entries({ ...base, ...fields })) f.set(k, v);
  return f;
}

describe('staff-entered reports', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ fastReceipts: true });
  });

  it('records a phone report with the channel and received date; the reporter follows it by receipt', async () => {
    const officer = await staffOf(t, 'phone1', 'intake');
    const received = addDays(dayOf(), -2);
    const r = await postForm(t, officer, '/api/admin/intake', entryForm({ received_on: received, identity_mode: 'real_name', identity_name: '张来电', identity_phone: '13900001111' }));
    expect(r.status).toBe(201);
    expect(r.body.channel).toBe('phone_12350');
    const view = await lookup(t, r.body.receipt);
    expect(view.status).toBe('received');
    expect(view.created_on).toBe(received);
    expect(view.place).toBe('许商街道某商场三楼');
    expect(JSON.stringify(view)).not.toContain('张来电');
    // Identity sealed to the custodian only, as on the web path.
    const { custodianPrivateKey } = await unlockWithRecoveryKey(t.db, t.recoveryKey);
    expect(await openIdentityAsCustodian(t.db, r.body.report_id, custodianPrivateKey)).toEqual({ name: '张来电', phone: '13900001111' });
    const row = (await dbRow<{ channel: string; received_on: string; due_on: string }>(t.db, sql`select channel, received_on, due_on from reports where id = ${r.body.report_id}`))!;
    expect(row).toEqual({ channel: 'phone_12350', received_on: received, due_on: addDays(received, 60) });
    // Audited with the channel; never the receipt.
    const audit = await dbRows<{ action: string; detail: string }>(t.db, sql`select action, detail from audit_log where report_id = ${r.body.report_id}`);
    expect(audit.map((a) => a.action)).toContain('report.entered');
    expect(JSON.stringify(audit)).not.toContain(r.body.receipt);
    // The queue shows the channel.
    const q = await call(t, officer, 'GET', '/api/admin/reports?channel=phone_12350');
    expect(q.json.items.map((i: { id: string }) => i.id)).toContain(r.body.report_id);
    expect(q.json.items[0].channel_label).toBe('12350 安全生产举报电话');
    const cv = await call(t, officer, 'GET', `/api/admin/reports/${r.body.report_id}`);
    expect(cv.json.origin).toEqual({ channel: 'phone_12350', channel_label: '12350 安全生产举报电话', received_on: received, source_body: null, entered_by: '测试phone1', order_no: null, hotline_due_on: null });
    // Figures by channel count it with everything else.
    const st = await call(t, officer, 'GET', `/api/admin/channels/stats?from=${received}&to=${received}`);
    expect(st.json.by_channel.find((x: { channel: string }) => x.channel === 'phone_12350').received).toBe(1);
    expect(st.json.total.received).toBe(1);
  });

  it('cleans a scanned letter like a web upload (metadata stripped, encrypted)', async () => {
    const officer = await staffOf(t, 'letter1', 'supervisor');
    const form = entryForm({ channel: 'letter' });
    form.append('files', fileOf(await jpegWithExif(), '来信扫描.jpg', 'image/jpeg'));
    const r = await postForm(t, officer, '/api/admin/intake', form);
    expect(r.status).toBe(201);
    expect(r.body.attachments[0].removed).toContain('拍摄位置（GPS）');
    // The receipt page (HTML, the form without JavaScript): shown once, never cached, no cookie set.
    const form2 = entryForm({ channel: 'visit' });
    const page = await postForm(t, officer, '/api/admin/intake', form2, false);
    expect(page.status).toBe(201);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(page.body).toMatch(/data-receipt-code>\d{4}( \d{4}){4}</);
    expect(page.body).toContain('来访');
  });

  it('refuses bad entries in Chinese and keeps nothing', async () => {
    const officer = await staffOf(t, 'phone2', 'intake');
    const before = Number((await dbRow<{ n: number }>(t.db, sql`select count(*) as n from reports`))!.n);
    for (const [fields, pattern] of [
      [{ channel: 'web' }, /收到方式/],
      [{ channel: 'hotline_order' }, /导入工单/],
      [{ received_on: addDays(dayOf(), 1) }, /不能晚于今天/],
      [{ channel: 'transfer' }, /转交单位/],
      [{ description: '太短' }, /问题描述/],
    ] as const) {
      const r = await postForm(t, officer, '/api/admin/intake', entryForm(fields as Record<string, string>));
      expect(r.status, JSON.stringify(fields)).toBe(400);
      expect(r.body.error.message).toMatch(pattern);
    }
    expect(Number((await dbRow<{ n: number }>(t.db, sql`select count(*) as n from reports`))!.n)).toBe(before);
    // The form without JavaScript gets its page back with what was typed.
    const page = await postForm(t, officer, '/api/admin/intake', entryForm({ channel: 'transfer', place: '保留的地点文字' }), false);
    expect(page.status).toBe(400);
    expect(page.body).toContain('没有保存');
    expect(page.body).toContain('保留的地点文字');
  });

  it('handlers and auditors may not enter reports', async () => {
    const h = await staffOf(t, 'hand1', 'handler', 'fire_rescue');
    expect((await postForm(t, h, '/api/admin/intake', entryForm({}))).status).toBe(403);
  });

  it('received date at its boundaries: today and a year back accepted, tomorrow and older refused', () => {
    const today = '2026-12-07';
    expect(parseReceivedOn(today, today)).toBe(today);
    expect(parseReceivedOn(addDays(today, -MAX_RECEIVED_AGE_DAYS), today)).toBe(addDays(today, -MAX_RECEIVED_AGE_DAYS));
    expect(() => parseReceivedOn(addDays(today, -MAX_RECEIVED_AGE_DAYS - 1), today)).toThrow(/不能早于/);
    expect(() => parseReceivedOn('2026-12-08', today)).toThrow(/不能晚于今天/);
    expect(() => parseReceivedOn('2026-02-30', today)).toThrow(/有效的日期/);
  });
});

describe('12345 work orders', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ fastReceipts: true });
  });
  const csv = (rows: string[]) => ['工单编号,受理时间,诉求内容,事发地址,所属镇街,诉求类别,来电人,来电号码,办理时限', ...rows].join('\r\n');

  async function importFile(who: StaffLogin, name: string, text: string | Uint8Array) {
    const form = new FormData();
    form.set('file', fileOf(text, name));
    return postForm(t, who, '/api/admin/hotline/import', form);
  }

  it('imports, refuses duplicates with a clear message, and exports the result', async () => {
    const officer = await staffOf(t, 'hot1', 'intake');
    const handler = await staffOf(t, 'hot2', 'handler', 'housing');
    const r = await importFile(officer, 'orders.csv', csv([`SH2026120001,2026-12-01 09:30:00,"小区燃气管道漏气，有很大的燃气味，物业不管",许商街道某小区5号楼,许商街道,燃气安全隐患,李热线,13700002222,2026-12-06`]));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.imported).toEqual(['SH2026120001']);
    const row = (await dbRow<{ id: string; channel: string; sector: string; created_on: string; real_name: number | boolean }>(t.db, sql`select id, channel, sector, created_on, real_name from reports where channel = 'hotline_order'`))!;
    // real_name is 1 on SQLite and true on PostgreSQL.
    expect({ ...row, real_name: Boolean(row.real_name) }).toMatchObject({ channel: 'hotline_order', sector: 'gas', created_on: '2026-12-01', real_name: true });

    const cv = await call(t, officer, 'GET', `/api/admin/reports/${row.id}`);
    expect(cv.json.origin).toMatchObject({ channel: 'hotline_order', order_no: 'SH2026120001', hotline_due_on: '2026-12-06', entered_by: '测试hot1' });
    const count = async () => Number((await dbRow<{ n: number }>(t.db, sql`select count(*) as n from reports`))!.n);
    const before = await count();
    const dup = await importFile(officer, 'orders.csv', csv([`SH2026120002,2026-12-02,楼道里堆放大量纸箱和电动车，堵住了安全出口,殷巷镇,殷巷镇,消防,,,`, `SH2026120001,2026-12-01,小区燃气管道漏气有很大的燃气味,许商街道,许商街道,燃气,,,`]));
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toMatch(/工单编号 SH2026120001 已于 .* 导入过，不能重复导入/);
    expect(dup.body.error.message).toMatch(/没有导入任何工单/);
    expect(await count()).toBe(before);

    // A daily export repeating yesterday's order: with "skip already imported" only the new one comes in.
    const again = new FormData();
    again.set('file', fileOf(csv([`SH2026120001,2026-12-01,小区燃气管道漏气有很大的燃气味,许商街道,许商街道,燃气,,,`, `SH2026120003,2026-12-03,仓库里堆放大量烟花爆竹，旁边有人吸烟,孙集镇,孙集镇,,,,`]), 'orders.csv'));
    again.set('skip_existing', '1');
    const skipped = await postForm(t, officer, '/api/admin/hotline/import', again);
    expect(skipped.status, JSON.stringify(skipped.body)).toBe(201);
    expect(skipped.body).toEqual({ imported: ['SH2026120003'], skipped: ['SH2026120001'] });
    expect(await count()).toBe(before + 1);
    expect(Number((await dbRow<{ n: number }>(t.db, sql`select count(*) as n from hotline_orders where order_no = 'SH2026120001'`))!.n)).toBe(1);

    // Handle it through the same workflow, then export the reply for the hotline.
    const id = row.id;
    await call(t, officer, 'POST', `/api/admin/reports/${id}/transition`, { status: 'accepted', note: '' });
    expect((await call(t, officer, 'POST', `/api/admin/reports/${id}/assign`, { departments: ['housing'], note: '' })).status).toBe(200);
    for (const [status, note] of [['investigating', ''], ['substantiated', ''], ['closed', '已督促燃气公司更换漏气管道，复查无泄漏。']]) {
      expect((await call(t, handler, 'POST', `/api/admin/reports/${id}/transition`, { status, note })).status).toBe(200);
    }
    const res = await t.app.request('/api/admin/hotline/results.csv', { headers: { cookie: officer.cookie } });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 3).toString('hex'), 'UTF-8 BOM for Excel').toBe('efbbbf');
    const text = bytes.toString('utf8');
    expect(text).toContain('工单编号,案件编号,办理状态');
    expect(text).toMatch(/SH2026120001,商安举〔2026〕\d{4}号,已办结,2026-12-01/);
    expect(text).toContain('县住建局');
    expect(text).toContain('已督促燃气公司更换漏气管道');
    const json = await (await t.app.request('/api/admin/hotline/results.json', { headers: { cookie: officer.cookie } })).json();
    expect(json.orders[0]).toMatchObject({ order_no: 'SH2026120001', case_number: expect.stringMatching(/^商安举〔2026〕\d{4}号$/), status: 'closed', hotline_due_on: '2026-12-06', departments: ['县住建局'] });
    expect((await dbRow<{ e: string | null }>(t.db, sql`select exported_at as e from hotline_orders where order_no = 'SH2026120001'`))!.e).not.toBeNull();
  });

  it('reads JSON; refuses a row without a date, listing the line', async () => {
    const officer = await staffOf(t, 'hot3', 'supervisor');
    const ok = await importFile(officer, 'o.json', JSON.stringify({ orders: [{ 工单编号: 'SH2026120010', 受理时间: '2026年12月3日 10时', 诉求内容: '工厂夜间违规使用叉车在有限空间作业无人监护' }] }));
    expect(ok.status).toBe(201);
    const bad = await importFile(officer, 'bad.csv', csv(['SH2026120011,昨天,描述内容足够长的一段文字说明情况,,,,,,']));
    expect(bad.status).toBe(409);
    expect(bad.body.error.message).toMatch(/第 2 行：受理时间"昨天"不是日期/);
  });

  it('reads a CSV saved by Excel in GB18030 (not UTF-8)', async () => {
    const officer = await staffOf(t, 'hot4', 'intake');
    const bytes = new Uint8Array(Buffer.from('b9a4b5a5b1e0bac52ccadcc0edcab1bce42ccbdfc7f3c4dac8dd0d0a53482d47424b2d303030312c323032362d31322d30322cb3a7b7bfc4dacea5b9e6b4e6b7c5b4f3c1bfd3cdc6e1bacdcfa1cacdbcc1a3acc3bbd3d0c8cebaceb7c0bbf0b4ebcaa90d0a', 'hex'));
    const r = await importFile(officer, 'gbk.csv', bytes);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.imported).toEqual(['SH-GBK-0001']);
  });

  it('refuses a work-order file over the size limit before reading it', async () => {
    const officer = await staffOf(t, 'hot5', 'intake');
    const r = await importFile(officer, 'big.csv', 'x'.repeat(HOTLINE_IMPORT_LIMITS.maxBytes + 100 * 1024));
    expect(r.status).toBe(413);
  });

  it('parses platform dates and quoted CSV', () => {
    expect(dayFromPlatform('2026/1/5 8:00')).toBe('2026-01-05');
    expect(dayFromPlatform('2026-02-30')).toBe('');
    expect(parseCsv('\uFEFFa,b\r\n"x,""y""",z\r\n')).toEqual([{ a: 'x,"y"', b: 'z' }]);
  });
});

describe('notification settings at their boundaries', () => {
  const site = 'https://aq.example.gov.cn';
  it('validates SMTP and the notifier numbers at start, in Chinese', () => {
    expect(parseNotifyEnv({}, site).smtp).toBeNull();
    const ok = parseNotifyEnv({ SMTP_URL: 'smtps://u%40x:p%40ss@mail.example.gov.cn', SMTP_FROM: '商河安全 <noreply@example.gov.cn>' }, site);
    expect(ok.smtp).toMatchObject({ host: 'mail.example.gov.cn', port: 465, secure: true, user: 'u@x', hasPassword: true });
    expect(() => parseNotifyEnv({ SMTP_URL: 'http://mail.example.gov.cn', SMTP_FROM: 'a@b.cn' }, site)).toThrow(/SMTP_URL: 只能以 smtp/);
    expect(() => parseNotifyEnv({ SMTP_URL: 'smtp://mail.example.gov.cn' }, site)).toThrow(/SMTP_FROM: 设置了 SMTP_URL 时必须填写发件人/);
    expect(() => parseNotifyEnv({ SMTP_URL: 'smtp://mail.example.gov.cn', SMTP_FROM: 'not-an-address' }, site)).toThrow(ConfigError);
    expect(() => parseNotifyEnv({ SMTP_FROM: 'a@b.cn' }, site)).toThrow(/没有 SMTP_URL/);
    expect(parseNotifyEnv({ NOTIFY_DIGEST_HOUR: '23' }, site).digestHour).toBe(23);
    expect(parseNotifyEnv({ NOTIFY_DIGEST_HOUR: '0' }, site).digestHour).toBe(0);
    expect(() => parseNotifyEnv({ NOTIFY_DIGEST_HOUR: '24' }, site)).toThrow(/NOTIFY_DIGEST_HOUR 必须是 0–23 的整数/);
    expect(parseNotifyEnv({ NOTIFY_INTERVAL_SECONDS: '5' }, site).intervalSeconds).toBe(5);
    expect(() => parseNotifyEnv({ NOTIFY_INTERVAL_SECONDS: '4' }, site)).toThrow(/NOTIFY_INTERVAL_SECONDS 必须是 5–3600/);
    expect(parseNotifyEnv({ NOTIFY_MAX_ATTEMPTS: '1' }, site).maxAttempts).toBe(1);
    expect(() => parseNotifyEnv({ NOTIFY_MAX_ATTEMPTS: '0' }, site)).toThrow(/NOTIFY_MAX_ATTEMPTS/);
  });

  it('webhook addresses: https or loopback only, robot key required; 钉钉 signature as documented', () => {
    expect(validateWebhookUrl('wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc')).toContain('key=abc');
    expect(validateWebhookUrl('dingtalk', 'http://127.0.0.1:4509/robot/send?access_token=t')).toContain('127.0.0.1');
    expect(() => validateWebhookUrl('wecom', 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc')).toThrow(/https/);
    expect(() => validateWebhookUrl('wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send')).toThrow(/key=/);
    expect(() => validateWebhookUrl('dingtalk', 'https://oapi.dingtalk.com/robot/send?key=x')).toThrow(/access_token=/);
    const signed = new URL(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=t', 'SECabc', 1700000000000));
    expect(signed.searchParams.get('timestamp')).toBe('1700000000000');
    expect(signed.searchParams.get('sign')).toBe('jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM=');
  });
});

describe('channels on top of edge, staffsec and office (merge)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ fastReceipts: true });
  });

  it('the intake form is under the per-route upload limit: above 256 KB multipart is read, above the upload limit 413', async () => {
    const officer = await staffOf(t, 'lim1', 'intake');
    // 400 KB of bytes that are no image: the body limit lets it through, the attachment check refuses it.
    const form = entryForm({ channel: 'letter' });
    form.append('files', fileOf(new Uint8Array(DEFAULT_BODY_LIMIT + 150 * 1024).fill(0x41), 'scan.jpg', 'image/jpeg'));
    const big = await postForm(t, officer, '/api/admin/intake', form);
    expect(big.status, JSON.stringify(big.body)).not.toBe(413);
    expect(big.body.error.code).not.toBe('too_large');
    // Declared bigger than the upload limit: refused before anything is read.
    const declared = await t.app.request('/api/admin/intake', { method: 'POST', headers: { origin: ORIGIN, cookie: officer.cookie, 'x-csrf-token': officer.csrf, accept: 'application/json', 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(UPLOAD_BODY_LIMIT + 1) }, body: 'x' });
    expect(declared.status).toBe(413);
    // Not multipart: the small default limit.
    const json = await t.app.request('/api/admin/intake', { method: 'POST', headers: { origin: ORIGIN, cookie: officer.cookie, 'x-csrf-token': officer.csrf, accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ description: 'x'.repeat(DEFAULT_BODY_LIMIT) }) });
    expect(json.status).toBe(413);
  });

  it('a report received last year is numbered in that year and due by the 办结期限 setting from its received day', async () => {
    const officer = await staffOf(t, 'num1', 'intake');
    setNow('2026-12-07');
    const r = await postForm(t, officer, '/api/admin/intake', entryForm({ channel: 'letter', received_on: '2025-12-31' }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const row = (await dbRow<{ y: number; due: string; created: string }>(t.db, sql`select case_year as y, due_on as due, created_on as created from reports where id = ${r.body.report_id}`))!;
    expect(row).toEqual({ y: 2025, due: addDays('2025-12-31', (await handlingSettings(t.db)).closeDays), created: '2025-12-31' });
    const cv = await call(t, officer, 'GET', `/api/admin/reports/${r.body.report_id}`);
    expect(cv.json.ref).toMatch(/^商安举〔2025〕\d{4}号$/);
    expect(cv.json.origin.channel_label).toBe('来信');
  });

  it('the monthly summary, its CSV and the cases CSV break down by channel; the audit view names channels in Chinese', async () => {
    const officer = await staffOf(t, 'mon1', 'intake');
    setNow('2026-12-07');
    for (const [channel, day] of [['phone_12345', '2026-11-03'], ['phone_12345', '2026-11-04'], ['visit', '2026-11-05']] as const) {
      expect((await postForm(t, officer, '/api/admin/intake', entryForm({ channel, received_on: day }))).status).toBe(201);
    }
    const m = await call(t, officer, 'GET', '/api/admin/stats/monthly?month=2026-11');
    expect(m.status).toBe(200);
    const rows = m.json.by_channel.map((r: { key: string; received: number }) => [r.key, r.received]);
    expect(rows).toEqual([['phone_12345', 2], ['visit', 1]]);
    expect(m.json.by_channel.reduce((n: number, r: { received: number }) => n + r.received, 0)).toBe(m.json.totals.received);
    const csv = await t.app.request('/api/admin/stats.csv?month=2026-11', { headers: { cookie: officer.cookie } });
    const text = (await csv.text()).replace('\uFEFF', '');
    expect(text).toContain('\r\n来源渠道,12345 热线电话,2,');
    expect(text).toContain('\r\n来源渠道,来访,1,');
    const page = await t.app.request('/admin/stats/?month=2026-11', { headers: { cookie: officer.cookie } });
    const html = await page.text();
    expect(html).toContain('按来源渠道');
    expect(html).toMatch(/<th[^>]*>12345 热线电话<\/th>\s*<td>2<\/td>/);
    const cases = await t.app.request('/api/admin/export.csv?month=2026-11', { headers: { cookie: officer.cookie } });
    const lines = (await cases.text()).replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]!.split(',').at(-1)).toBe('来源渠道');
    expect(lines.slice(1).map((l) => l.split(',').at(-1)).sort()).toEqual(['12345 热线电话', '12345 热线电话', '来访']);
    // Office's Chinese audit view: the entry audit with channel and date in words.
    const entered = describeAudit({ action: 'report.entered', detail: JSON.stringify({ channel: 'visit', received_on: '2026-11-05', files: 0 }) });
    expect(entered).toEqual({ action: '录入电话、来信、来访或转交的举报', detail: '渠道：来访；收到日期：2026-11-05；0 个文件' });
    expect(describeAudit({ action: 'hotline.imported', detail: JSON.stringify({ order_no: 'SH-1' }) }).detail).toBe('工单编号：SH-1');
    expect(describeAudit({ action: 'notify.settings_changed', detail: JSON.stringify({ webhook: 'intake', kind: 'dingtalk' }) }).detail).toBe('群机器人：受理（县应急局 / 安委办）；钉钉群机器人');
  });
});
