/**
 * Issue 15 end to end in Chromium, against a server of its own (started here with SMTP and notifier
 * settings), a real SMTP server (npm smtp-server) and a 企业微信-style robot receiver on loopback:
 * an intake officer enters a phone report and a scanned letter with JavaScript off, the reporters
 * follow by the read-out receipt, a 12345 work order is imported (a duplicate refused) and its result
 * exported; notifications arrive without any report text, place, name or receipt; a failing SMTP
 * server neither blocks intake nor loses the notification, and the administrator sees and resends it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { simpleParser } from 'mailparser';
import { Secret, TOTP } from 'otpauth';
import sharp from 'sharp';
import { replaceInitialPassword } from './helpers.ts';
import { SMTPServer } from 'smtp-server';

const base = Number(process.env.E2E_PORT ?? 4399);
const PORTS = { app: base + 7, smtp: base + 8, robot: base + 9 };
const ORIGIN = `http://127.0.0.1:${PORTS.app}`;
const PASSWORD = 'e2e-channels-password';
const SHOTS = '/tmp/channels-shots';
const DESKTOP = { width: 1366, height: 768 };

async function axeViolations(page: Page): Promise<string[]> {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const code = (secret: string, ahead = 0) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + ahead * 30_000 });

// What a notification must never carry.
const PHONE_TEXT = { place: '许商街道清源路农贸市场北门', description: '市场北门的液化气钢瓶堆在楼梯口，有明显的燃气味，晚上还有人在旁边做饭。', name: '赵来电', phone: '13911112222' };
const LETTER_TEXT = { place: '玉皇庙镇某木器加工厂喷漆车间', description: '来信反映：喷漆车间没有通风设备，工人在里面抽烟，门口堆着稀料桶。' };
const ORDER_TEXT = { no: 'SH12345-20261201-0007', description: '来电人反映某小区地下车库电动车集中充电，线路老化，多次冒烟。', place: '许商街道某小区地下车库', caller: '钱热线', phone: '13622223333' };

let smtp: SMTPServer;
let robot: Server;
let server: ChildProcess;
let dataDir: string;
let smtpFailing = true;
let smtpRefused = 0;
const mails: { to: string; subject: string; text: string }[] = [];
const robotPosts: { url: string; body: { msgtype: string; text: { content: string } } }[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (smtpFailing) {
        smtpRefused++;
        const err = Object.assign(new Error('邮箱暂时不可用'), { responseCode: 451 });
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (m) => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), subject: m.subject ?? '', text: m.text ?? '' });
          cb();
        },
        (e) => cb(e),
      );
    },
  });
  await new Promise<void>((r) => smtp.listen(PORTS.smtp, '127.0.0.1', r));
  robot = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      robotPosts.push({ url: req.url ?? '', body: JSON.parse(body) });
      res.setHeader('content-type', 'application/json');
      res.end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => robot.listen(PORTS.robot, '127.0.0.1', r));

  dataDir = mkdtempSync(join(tmpdir(), 'channels-e2e-'));
  server = spawn(process.execPath, ['api/server.ts'], {
    env: {
      ...process.env,
      PORT: String(PORTS.app),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SITE_URL: ORIGIN,
      SMTP_URL: `smtp://127.0.0.1:${PORTS.smtp}`,
      SMTP_FROM: '商河安全 <noreply@example.gov.cn>',
      NOTIFY_INTERVAL_SECONDS: '5',
      NOTIFY_MAX_ATTEMPTS: '2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  while (!/[A-Z2-9]{4}(?:-[A-Z2-9]{4}){13}/.test(output) || !(await fetch(`${ORIGIN}/api/health`).then((r) => r.ok).catch(() => false))) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`服务没有启动：\n${output}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  recoveryKey = /[A-Z2-9]{4}(?:-[A-Z2-9]{4}){13}/.exec(output)![0];
  const cli = spawnSync(process.execPath, ['scripts/admin-create.ts', '--json'], {
    env: { ...process.env, DATA_DIR: dataDir, RECOVERY_KEY: recoveryKey, ADMIN_USERNAME: 'admin', ADMIN_NAME: '系统管理员', ADMIN_PASSWORD: PASSWORD },
    encoding: 'utf8',
  });
  if (cli.status !== 0) throw new Error(cli.stderr);
  secrets.admin = (JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as { totp_secret: string }).totp_secret;
  mkdirSync(SHOTS, { recursive: true });
});

test.afterAll(async () => {
  server?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  await new Promise<void>((r) => smtp?.close(() => r()));
  await new Promise<void>((r) => robot?.close(() => r()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const secrets: Record<string, string> = {};
let recoveryKey = '';
/** Accounts that replaced their initial password (staffsec: forced change on first login). */
const ownPassword = new Set<string>();

async function loginPage(page: Page, username: string): Promise<void> {
  await page.goto(`${ORIGIN}/admin/login`);
  await page.getByLabel('登录名').fill(username);
  await page.getByLabel('密码').fill(ownPassword.has(username) ? `${PASSWORD}-own` : PASSWORD);
  await page.getByLabel(/动态验证码/).fill(code(secrets[username]!));
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('navigation', { name: '后台导航' })).toBeVisible();
  // Accounts made by the administrator first replace the initial password (new key pair, session
  // ends); the first holder of each key gets it with the recovery key on the command line (two-person
  // rule); then the owner logs in again — as in admin.spec.ts.
  if (page.url().endsWith('/admin/password')) {
    await replaceInitialPassword(page, { username, password: PASSWORD, newPassword: `${PASSWORD}-own`, dataDir, recoveryKey });
    ownPassword.add(username);
    await page.getByLabel('登录名').fill(username);
    await page.getByLabel('密码', { exact: true }).fill(`${PASSWORD}-own`);
    await page.getByLabel(/动态验证码/).fill(code(secrets[username]!, 1));
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('navigation', { name: '后台导航' })).toBeVisible();
  }
}

async function api(request: APIRequestContext, method: 'GET' | 'POST', path: string, data?: unknown) {
  const session = await (await request.get(`${ORIGIN}/api/admin/session`)).json();
  const res = await request.fetch(`${ORIGIN}${path}`, { method, headers: { origin: ORIGIN, 'x-csrf-token': session.csrf_token, accept: 'application/json' }, ...(data ? { data } : {}) });
  expect(res.status(), `${method} ${path}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

async function reporterFollows(page: Page, receipt: string, expected: RegExp | string) {
  await page.goto(`${ORIGIN}/report/status/`);
  await page.getByLabel('查询码').fill(receipt);
  await page.getByRole('button', { name: '查看办理情况' }).click();
  await expect(page.locator('.status-badge')).toHaveText('已收到');
  // The report as filed is in a collapsible section of the status page.
  await expect(page.locator('main')).toContainText(expected);
}

function forbidden(text: string, receipts: string[]): string[] {
  const all = [PHONE_TEXT.place, PHONE_TEXT.description, PHONE_TEXT.name, PHONE_TEXT.phone, LETTER_TEXT.place, LETTER_TEXT.description, ORDER_TEXT.description, ORDER_TEXT.place, ORDER_TEXT.caller, ORDER_TEXT.phone, '液化气', '喷漆', '电动车', ...receipts, ...receipts.map((r) => r.replace(/\s/g, ''))];
  return all.filter((s) => text.includes(s));
}

test('多渠道受理：电话和来信录入、凭查询码查询、12345 工单导入导出、内容不外泄的提醒', async ({ browser }) => {
  test.setTimeout(150_000);
  // ---- The administrator sets up accounts, a robot for the intake office, and their own e-mail -----
  const adminCtx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
  const admin = await adminCtx.newPage();
  await loginPage(admin, 'admin');
  for (const [username, role, department] of [['officer', 'intake', ''], ['fireman', 'handler', 'fire_rescue']] as const) {
    const made = await api(adminCtx.request, 'POST', '/api/admin/staff', { username, display_name: username === 'officer' ? '周受理' : '吴办理', role, department, password: PASSWORD });
    secrets[username] = made.totp_secret;
  }
  await api(adminCtx.request, 'POST', '/api/admin/notifications/webhooks', { scope: 'intake', kind: 'wecom', url: `http://127.0.0.1:${PORTS.robot}/cgi-bin/webhook/send?key=e2e-robot-key`, mode: 'instant' });
  await api(adminCtx.request, 'POST', '/api/admin/notifications/me', { email: 'admin@example.gov.cn', mode: 'off' });

  // ---- The intake officer, JavaScript off, at 1366×768 ------------------------------------------
  const officerCtx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', javaScriptEnabled: false });
  const officer = await officerCtx.newPage();
  await loginPage(officer, 'officer');
  // axe needs JavaScript: the same session in a second, scripted context checks the officer's pages.
  const axeCtx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', storageState: await officerCtx.storageState() });
  const axePage = await axeCtx.newPage();
  const axeOf = async (path: string, html?: string) => {
    await axePage.goto(`${ORIGIN}${path}`);
    if (html) await axePage.setContent(html);
    return axeViolations(axePage);
  };
  await officer.getByRole('link', { name: '我的提醒' }).click();
  await officer.getByLabel('接收提醒的邮箱').fill('officer@example.gov.cn');
  await officer.getByLabel('有新情况时立即提醒').check();
  await officer.getByRole('button', { name: '保存' }).click();
  await expect(officer.getByRole('status')).toContainText('已保存：有新情况时立即提醒，发到 officer@example.gov.cn');
  await officer.screenshot({ path: `${SHOTS}/my-notifications-1366.png`, fullPage: true });
  expect(await axeOf('/admin/notifications/me'), '我的提醒无障碍').toEqual([]);

  await officer.getByRole('link', { name: '录入来电来信' }).click();
  await expect(officer.getByRole('heading', { level: 1, name: '录入来电、来信、来访举报' })).toBeVisible();
  await officer.screenshot({ path: `${SHOTS}/intake-form-1366.png`, fullPage: true });
  expect(await axeOf('/admin/intake/'), '录入表单无障碍').toEqual([]);
  // A phone call on 12345, real name; the SMTP server is refusing everything meanwhile.
  await officer.getByLabel('收到方式').selectOption('phone_12345');
  await officer.getByLabel('举报类别').selectOption('general_hazard');
  await officer.getByLabel('行业领域').selectOption('gas');
  await officer.getByLabel('所在镇街').selectOption('xushang');
  await officer.getByLabel('具体地点').fill(PHONE_TEXT.place);
  await officer.getByLabel(/问题描述/).fill(PHONE_TEXT.description);
  await officer.getByLabel(/实名（姓名和电话只加密给身份保管人/).check();
  await officer.getByLabel('姓名（实名时填写）').fill(PHONE_TEXT.name);
  await officer.getByLabel('联系电话（实名时填写）').fill(PHONE_TEXT.phone);
  const started = Date.now();
  await officer.getByRole('button', { name: '保存并生成查询码' }).click();
  await expect(officer.getByRole('heading', { level: 1, name: '举报已录入' })).toBeVisible();
  expect(Date.now() - started, '邮件服务器出错不拖慢录入').toBeLessThan(5000);
  await expect(officer.locator('.lead')).toContainText('12345 热线电话');
  const phoneReceipt = (await officer.locator('[data-receipt-code]').textContent())!.trim();
  expect(phoneReceipt).toMatch(/^\d{4}( \d{4}){4}$/);
  await expect(officer.getByText('第5组')).toBeVisible();
  await officer.screenshot({ path: `${SHOTS}/intake-receipt-1366.png`, fullPage: true });
  expect(await axeOf('/admin/intake/', await officer.content()), '回执页无障碍').toEqual([]);

  // A letter with a scanned page (a photo carrying GPS and camera data).
  await officer.getByRole('link', { name: '录入下一件' }).click();
  await officer.getByLabel('收到方式').selectOption('letter');
  await officer.getByLabel('举报类别').selectOption('illegal_operation');
  await officer.getByLabel('行业领域').selectOption('industry_trade');
  await officer.getByLabel('所在镇街').selectOption('yuhuangmiao');
  await officer.getByLabel('具体地点').fill(LETTER_TEXT.place);
  await officer.getByLabel(/问题描述/).fill(LETTER_TEXT.description);
  const scan = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#fafafa' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'ScannerCanary' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 18/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '117/1 9/1 0/1' } })
    .toBuffer();
  await officer.getByLabel(/附件：来信扫描件/).setInputFiles({ name: '来信扫描.jpg', mimeType: 'image/jpeg', buffer: scan });
  await officer.getByRole('button', { name: '保存并生成查询码' }).click();
  await expect(officer.getByRole('heading', { level: 1, name: '举报已录入' })).toBeVisible();
  // Stored names are generated from the detected type (staffsec): the uploaded name is not kept.
  await expect(officer.getByText(/附件1\.jpg（JPEG 图片）：已去掉.*拍摄位置（GPS）/)).toBeVisible();
  await expect(officer.getByRole('heading', { name: '商河县安全生产举报回执' })).toBeVisible();
  const letterReceipt = (await officer.locator('[data-receipt-code]').textContent())!.trim();
  await expect(officer.locator('.receipt-slip')).toContainText(`${ORIGIN}/report/status/`);
  // "Printing this page prints only the slip": true in print media.
  await officer.emulateMedia({ media: 'print' });
  await expect(officer.locator('.receipt-slip')).toBeVisible();
  for (const hidden of ['.receipt-officer', '.admin-nav', '.page-head', 'footer']) await expect(officer.locator(hidden).first(), hidden).toBeHidden();
  await officer.emulateMedia({ media: 'screen' });

  // ---- The reporters follow their cases by the receipt ------------------------------------------
  const reporterCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
  const reporter = await reporterCtx.newPage();
  await reporterFollows(reporter, phoneReceipt, PHONE_TEXT.place);
  await reporterFollows(reporter, letterReceipt, LETTER_TEXT.place);
  expect(await reporterCtx.cookies()).toEqual([]);

  // ---- 12345 work order: import, duplicate refused ------------------------------------------------
  const csv = `工单编号,受理时间,诉求内容,事发地址,所属镇街,诉求类别,来电人,来电号码,办理时限\r\n${ORDER_TEXT.no},2026-12-01 09:12:00,${ORDER_TEXT.description},${ORDER_TEXT.place},许商街道,消防安全隐患,${ORDER_TEXT.caller},${ORDER_TEXT.phone},2026-12-08\r\n`;
  await officer.getByRole('link', { name: '12345 工单' }).click();
  await officer.getByLabel(/工单文件/).setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await officer.getByRole('button', { name: '导入' }).click();
  await expect(officer.getByRole('status')).toContainText(`已导入 1 张工单：${ORDER_TEXT.no}`);
  await expect(officer.getByRole('cell', { name: ORDER_TEXT.no })).toBeVisible();
  await officer.getByLabel(/工单文件/).setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await officer.getByRole('button', { name: '导入' }).click();
  await expect(officer.getByRole('alert')).toContainText(`工单编号 ${ORDER_TEXT.no} 已于`);
  await expect(officer.getByRole('alert')).toContainText('不能重复导入');
  await expect(officer.getByRole('alert')).toContainText('没有导入任何工单');
  await officer.screenshot({ path: `${SHOTS}/hotline-1366.png`, fullPage: true });
  expect(await axeOf('/admin/hotline/', await officer.content()), '工单页（导入被拒绝时）无障碍').toEqual([]);

  // The order goes through the same workflow: accepted, assigned to the fire brigade, closed.
  const queue = await api(officerCtx.request, 'GET', '/api/admin/reports?channel=hotline_order');
  expect(queue.items).toHaveLength(1);
  const orderId = queue.items[0].id as string;
  await api(officerCtx.request, 'POST', `/api/admin/reports/${orderId}/transition`, { status: 'accepted', note: '' });
  await api(officerCtx.request, 'POST', `/api/admin/reports/${orderId}/assign`, { departments: ['fire_rescue'], note: '' });
  const firemanCtx = await browser.newContext({ locale: 'zh-CN' });
  const fireman = await firemanCtx.newPage();
  await loginPage(fireman, 'fireman');
  for (const [status, note] of [['investigating', ''], ['substantiated', ''], ['closed', '已责令物业停止车库集中充电，更换老化线路，安装充电桩。']]) {
    await api(firemanCtx.request, 'POST', `/api/admin/reports/${orderId}/transition`, { status, note });
  }
  await officer.goto(`${ORIGIN}/admin/hotline/`);
  const downloadPromise = officer.waitForEvent('download');
  await officer.getByRole('link', { name: '下载 CSV' }).click();
  const download = await downloadPromise;
  const exported = readFileSync((await download.path())!);
  expect(exported.subarray(0, 3).toString('hex')).toBe('efbbbf');
  const exportedText = exported.toString('utf8');
  // The hotline also gets our case number (商安举〔年〕号, office) beside its own order number.
  expect(exportedText).toMatch(new RegExp(`${ORDER_TEXT.no},商安举〔2026〕\\d{4}号,已办结,2026-12-01`));
  expect(exportedText).toContain('县消防救援大队');
  expect(exportedText).toContain('已责令物业停止车库集中充电');

  // /data/ counts the channels in one set of figures.
  await reporter.goto(`${ORIGIN}/data/`);
  await expect(reporter.getByRole('heading', { name: '按举报渠道' })).toBeVisible();
  await expect(reporter.getByRole('row', { name: /12345 工单/ })).toBeVisible();

  // ---- Notifications ---------------------------------------------------------------------------
  // The robot got the new cases while the SMTP server was refusing the officer's e-mail.
  await expect.poll(() => robotPosts.length, { timeout: 20_000 }).toBeGreaterThan(0);
  expect(robotPosts[0]!.url).toBe('/cgi-bin/webhook/send?key=e2e-robot-key');
  expect(robotPosts[0]!.body.msgtype).toBe('text');
  expect(robotPosts[0]!.body.text.content).toContain('新收到的案件');
  expect(robotPosts[0]!.body.text.content, '提醒里用案件编号').toMatch(/商安举〔2026〕\d{4}号/);
  await expect.poll(() => smtpRefused, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  // After NOTIFY_MAX_ATTEMPTS the administrator sees the failure and resends it once the server is back.
  await admin.goto(`${ORIGIN}/admin/notifications/`);
  await expect
    .poll(async () => {
      await admin.reload();
      return admin.locator('td.status-failed').count();
    }, { timeout: 30_000 })
    .toBeGreaterThan(0);
  await expect(admin.getByText('邮件服务器拒绝（451）').first()).toBeVisible();
  smtpFailing = false;
  await admin.locator('td.status-failed').first().locator('xpath=..').getByRole('button', { name: /重发/ }).click();
  await expect(admin.getByRole('status').first()).toContainText('已重新排队');
  await expect.poll(() => mails.length, { timeout: 20_000 }).toBeGreaterThan(0);
  const mail = mails[0]!;
  expect(mail.to).toBe('officer@example.gov.cn');
  expect(mail.subject).toMatch(/^【商河安全】办理提醒：\d+ 条新情况$/);
  expect(mail.text).toContain('新收到的案件');
  expect(mail.text).toMatch(new RegExp(`${ORIGIN.replace(/[.]/g, '\\.')}/admin/cases/[A-Za-z0-9_-]+`));
  await admin.reload();
  await expect(admin.locator('td.status-sent').first()).toBeVisible();
  await admin.screenshot({ path: `${SHOTS}/notifications-admin-1366.png`, fullPage: true });
  expect(await axeViolations(admin), '提醒发送情况无障碍').toEqual([]);
  // The page never shows the robot key.
  expect(await admin.content()).not.toContain('e2e-robot-key');

  // The administrator's test buttons reach the real SMTP server and the robot.
  await admin.getByRole('button', { name: '给我的邮箱发一封测试邮件' }).click();
  await expect(admin.getByRole('status').first()).toContainText('测试消息已发出');
  expect(mails.some((m) => m.to === 'admin@example.gov.cn' && m.subject === '【商河安全】提醒测试')).toBe(true);
  const robotBefore = robotPosts.length;
  await admin.getByRole('button', { name: '发测试消息' }).click();
  await expect(admin.getByRole('status').first()).toContainText('测试消息已发出');
  expect(robotPosts.length).toBe(robotBefore + 1);
  expect(robotPosts.at(-1)!.body.text.content).toContain('【商河安全】提醒测试');

  // No report text, place, name, phone or receipt in any message.
  const receipts = [phoneReceipt, letterReceipt];
  for (const m of mails) expect(forbidden(`${m.subject}\n${m.text}`, receipts), `邮件：${m.subject}`).toEqual([]);
  for (const p of robotPosts) expect(forbidden(JSON.stringify(p.body), receipts), '群机器人消息').toEqual([]);

  await Promise.all([axeCtx.close(), adminCtx.close(), officerCtx.close(), reporterCtx.close(), firemanCtx.close()]);
});
