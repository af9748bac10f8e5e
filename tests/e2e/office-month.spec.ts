/**
 * Issue 14 "done when": a county clerk runs a month of cases in Chromium at 1366×768 — numbered, assigned
 * with a 转办单, answered with a 回复函, rewarded with the calculator — and prints the 安委会 monthly summary.
 * The test runs its own server on the test clock (TEST_CLOCK=1, NOW=…), restarting it on each working day
 * of November 2026; staff sessions live in the database, so the browsers stay logged in across days.
 * Screenshots go to /tmp/office-shots/ (OFFICE_SHOTS to change) for a person to look at.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import sharp from 'sharp';
import { replaceInitialPassword } from './helpers.ts';

// Its own server on the test clock, beside the per-worker e2e servers (E2E_PORT+1…+4, tests/e2e/fixtures.ts); OFFICE_E2E_PORT to choose another port.
const PORT = Number(process.env.OFFICE_E2E_PORT ?? Number(process.env.E2E_PORT ?? 4399) + 5);
const BASE = `http://127.0.0.1:${PORT}`;
const SHOTS = process.env.OFFICE_SHOTS ?? '/tmp/office-shots';
const PASSWORD = 'office-e2e-password-long';
const DESK = { width: 1366, height: 768 };

const code = (secret: string, ahead = 0) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + ahead * 30_000 });

let server: ChildProcess | null = null;
let output = '';
const dataDir = mkdtempSync(join(tmpdir(), 'office-month-'));
/** The test clock's day the server runs on, and the recovery key it printed on first start. */
let currentDay = '';
let recoveryKey = '';

/** (Re)starts the server as if it were 09:00 Beijing time on `day`. */
async function workday(day: string): Promise<void> {
  if (server) {
    const s = server;
    await new Promise<void>((done) => {
      s.once('exit', () => done());
      s.kill('SIGTERM');
    });
  }
  currentDay = day;
  server = spawn(process.execPath, ['api/server.ts'], { env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, TEST_CLOCK: '1', NOW: `${day}T09:00:00+08:00` }, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start:\n${output}`);
}

test.afterAll(async () => {
  server?.kill('SIGTERM');
});

async function fileReport(fields: Record<string, string>, photo?: Buffer): Promise<string> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (photo) form.append('files', new File([new Uint8Array(photo)], 'photo.jpg', { type: 'image/jpeg' }));
  const res = await fetch(`${BASE}/api/reports`, { method: 'POST', body: form, headers: { accept: 'application/json' } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { receipt: string }).receipt;
}

async function apiLogin(username: string, secret: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${BASE}/api/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: BASE }, body: JSON.stringify({ username, password: PASSWORD, code: code(secret) }) });
  expect(res.status).toBe(200);
  return { cookie: /shanghe_staff=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0], csrf: ((await res.json()) as { csrf_token: string }).csrf_token };
}

async function staffPage(browser: Browser, username: string, secret: string, holdsKeys = true): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: BASE, viewport: DESK, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto('/admin/login');
  await page.getByLabel('登录名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByLabel('动态验证码（6 位数字）').fill(code(secret));
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('navigation', { name: '后台导航' })).toBeVisible();
  // Accounts made by the administrator first replace the initial password (staffsec: new key pair,
  // session ends); the role's keys then come from a key holder — here the recovery key on the server's
  // command line (npm run keys:grant), on the same test clock — and the clerk logs in again.
  if (page.url().endsWith('/admin/password')) {
    await replaceInitialPassword(page, {
      username,
      password: PASSWORD,
      newPassword: `${PASSWORD}-own`,
      dataDir,
      recoveryKey,
      grantKeys: holdsKeys,
      env: { TEST_CLOCK: '1', NOW: `${currentDay}T09:00:00+08:00` },
    });
    await page.getByLabel('登录名').fill(username);
    await page.getByLabel('密码', { exact: true }).fill(`${PASSWORD}-own`);
    await page.getByLabel('动态验证码（6 位数字）').fill(code(secret, 1));
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('navigation', { name: '后台导航' })).toBeVisible();
  }
  return page;
}

async function axeViolations(page: Page): Promise<string[]> {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Prints the page to A4 as Chromium would and returns the number of pages. */
async function printedPages(page: Page, name: string): Promise<number> {
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ preferCSSPageSize: true, path: join(SHOTS, `${name}.pdf`) });
  await page.emulateMedia({ media: 'screen' });
  return (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
}

async function openCase(page: Page, number: string): Promise<void> {
  await page.goto('/admin/');
  await page.getByLabel('案件编号').fill(number.replace(/^商安举〔(\d{4})〕(\d{4})号$/, '$1-$2'));
  await page.getByRole('button', { name: '筛选' }).click();
  await page.getByRole('link', { name: number }).click();
  await expect(page.getByRole('heading', { level: 1, name: `案件 ${number}` })).toBeVisible();
}

async function act(page: Page, form: string, fields: Record<string, string> = {}, button?: string): Promise<void> {
  const f = page.locator(`#form-${form}`);
  for (const [label, value] of Object.entries(fields)) await f.getByLabel(label, { exact: false }).fill(value);
  await (button ? f.getByRole('button', { name: button }) : f.getByRole('button').last()).click();
  await expect(page.locator('.notice.danger[role="alert"]')).toHaveCount(0);
}

test('一个月的案件：编号、转办单、回复函、奖励计算器、安委会月报', async ({ browser }) => {
  test.setTimeout(300_000);
  mkdirSync(SHOTS, { recursive: true });

  // ---- 11 月 2 日：开通后台，收到两件举报 -------------------------------------------------------
  await workday('2026-11-02');
  recoveryKey = /[A-Z2-9]{4}(?:-[A-Z2-9]{4}){13}/.exec(output)![0];
  const cli = spawnSync(process.execPath, ['scripts/admin-create.ts', '--json'], { env: { ...process.env, DATA_DIR: dataDir, RECOVERY_KEY: recoveryKey, ADMIN_USERNAME: 'admin', ADMIN_NAME: '系统管理员', ADMIN_PASSWORD: PASSWORD }, encoding: 'utf8' });
  expect(cli.status, cli.stderr).toBe(0);
  const admin = await apiLogin('admin', (JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as { totp_secret: string }).totp_secret);
  const secrets: Record<string, string> = {};
  for (const [username, display_name, role, department] of [
    ['clerk', '王文书', 'intake', ''],
    ['chem', '赵科长', 'handler', 'emergency'],
    ['boss', '李主任', 'supervisor', ''],
    ['audit', '孙审计', 'auditor', ''],
  ] as const) {
    const res = await fetch(`${BASE}/api/admin/staff`, { method: 'POST', headers: { 'content-type': 'application/json', origin: BASE, cookie: admin.cookie, 'x-csrf-token': admin.csrf }, body: JSON.stringify({ username, display_name, role, department, password: PASSWORD }) });
    expect(res.status).toBe(201);
    secrets[username] = ((await res.json()) as { totp_secret: string }).totp_secret;
  }
  const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#a33' } }).jpeg().withExif({ IFD0: { Make: 'PhoneMaker', Model: 'X1' } }).toBuffer();
  const r1 = await fileReport({ category: 'major_hazard', sector: 'hazardous_chemicals', township: 'kaifaqu', place: '开发区化工园区东门储罐区', description: '储罐区的可燃气体报警器被人为关闭，夜里没有人巡检。' }, photo);
  const r2 = await fileReport({ category: 'other', sector: 'other', township: 'xushang', place: '许商街道某小区', description: '小区门口的路灯坏了很久，晚上走路看不清。' });

  // ---- 11 月 3 日：受理员受理、转办，打印转办单 ------------------------------------------------
  await workday('2026-11-03');
  const clerk = await staffPage(browser, 'clerk', secrets.clerk!);
  await expect(clerk.getByRole('link', { name: '商安举〔2026〕0001号' })).toBeVisible();
  await expect(clerk.locator('.site-header')).toHaveCount(0);
  await expect(clerk.getByText('本站不使用 Cookie')).toHaveCount(0);
  await shot(clerk, '01-queue');
  await openCase(clerk, '商安举〔2026〕0001号');
  await act(clerk, 'transition-accepted', { 给举报人的说明: '已受理，将转交县应急局核查。' });
  await act(clerk, 'assign', { 转办要求: '请重点检查报警器联锁和夜班巡检记录。' });
  await shot(clerk, '02-case-assigned');
  await clerk.getByRole('link', { name: '打印转办单' }).click();
  await expect(clerk.getByRole('heading', { name: '商河县安全生产举报案件转办单' })).toBeVisible();
  await expect(clerk.getByText('2027年1月1日前')).toBeVisible();
  await expect(clerk.getByText('请重点检查报警器联锁和夜班巡检记录。')).toBeVisible();
  await shot(clerk, '03-slip');
  expect(await axeViolations(clerk), '转办单无障碍').toEqual([]);
  expect(await printedPages(clerk, '03-slip')).toBe(1);
  await openCase(clerk, '商安举〔2026〕0002号');
  await act(clerk, 'transition-not_accepted', { 不予受理的原因: '路灯维修不属于安全生产举报范围，请拨打 12345 反映。' });

  // ---- 11 月 5 日和 10 日：又收到两件 ----------------------------------------------------------
  await workday('2026-11-05');
  const r3 = await fileReport({ category: 'general_hazard', sector: 'industry_trade', township: 'yinxiang', place: '殷巷镇某面粉加工厂', description: '车间粉尘很厚，除尘器坏了没有修，工人说随时可能出事。' });
  await workday('2026-11-10');
  await fileReport({ category: 'illegal_operation', sector: 'hazardous_chemicals', township: 'huairen', place: '怀仁镇某仓库', description: '仓库里堆放了很多没有标签的化学品桶，晚上有车来拉货。' });
  await clerk.reload();
  for (const n of ['0003', '0004']) {
    await openCase(clerk, `商安举〔2026〕${n}号`);
    await act(clerk, 'transition-accepted');
    await act(clerk, 'assign');
  }

  // ---- 11 月 12 日：办理人员核查、上传整改照片、办结；打印回复函 --------------------------------
  await workday('2026-11-12');
  const chem = await staffPage(browser, 'chem', secrets.chem!);
  await openCase(chem, '商安举〔2026〕0001号');
  await act(chem, 'transition-investigating');
  await act(chem, 'transition-substantiated', { 给举报人的核查情况说明: '现场检查发现报警器确被关闭。', '核查情况（内部记录）': '值班长承认为省电关闭了报警器，已制作询问笔录。' });
  await chem.locator('#form-files input[type=file]').setInputFiles({ name: '整改后照片.jpg', mimeType: 'image/jpeg', buffer: photo });
  await chem.locator('#form-files').getByRole('button', { name: '上传' }).click();
  await expect(chem.getByText(/县应急局 赵科长 于 2026-11-12 上传/)).toBeVisible();
  await act(chem, 'transition-closed', { 办理结果: '企业已恢复全部报警器并加装联锁，县应急局依法对企业罚款 4 万元。' });
  await expect(chem.locator('.internal-timeline')).toContainText('县应急局 赵科长');
  await chem.screenshot({ path: join(SHOTS, '04-case-closed.png') });
  expect(await axeViolations(chem), '案件页（含工作材料和内部记录）无障碍').toEqual([]);
  await chem.getByRole('link', { name: '打印回复函' }).click();
  await expect(chem.getByText('办理结果：企业已恢复全部报警器')).toBeVisible();
  await shot(chem, '05-reply');
  expect(await printedPages(chem, '05-reply')).toBe(1);

  // 0003: verify, order rectification, extend once (before its deadline).
  await openCase(chem, '商安举〔2026〕0003号');
  await act(chem, 'transition-investigating');
  await act(chem, 'transition-substantiated');
  await act(chem, 'transition-rectifying', { 整改期限: '2026-12-15', 给举报人的整改说明: '已责令停产整改除尘系统。' });
  await act(chem, 'extend', { 延长天数: '20', 延期原因: '除尘系统需要厂家检测。' });

  // ---- 11 月 13 日：主管用计算器决定奖励 -----------------------------------------------------
  await workday('2026-11-13');
  const boss = await staffPage(browser, 'boss', secrets.boss!);
  await openCase(boss, '商安举〔2026〕0001号');
  const reward = boss.locator('#form-reward');
  await reward.getByLabel('举报情形').selectOption('major_or_illegal');
  await reward.getByLabel(/行政处罚罚款/).fill('40000');
  await reward.getByRole('button', { name: '计算（不保存）' }).click();
  await expect(boss.locator('.reward-calc')).toContainText('罚款 40,000 元 × 50% = 20,000 元');
  await expect(boss.locator('.reward-calc')).toContainText('仅供参考');
  await expect(boss.locator('#form-reward').getByLabel(/行政处罚罚款/)).toHaveValue('40000');
  await boss.locator('#form-reward').screenshot({ path: join(SHOTS, '06-reward-calculator.png') });
  await boss.locator('#form-reward').getByLabel(/奖励金额/).fill('20000');
  await boss.locator('#form-reward').getByLabel(/已对照现行文本核实金额/).check();
  await boss.locator('#form-reward').getByLabel(/给举报人的说明/).fill('依据现行《山东省安全生产举报奖励办法》第三条核定。');
  await boss.locator('#form-reward').getByRole('button', { name: '记录奖励决定' }).click();
  await expect(boss.getByText('给予奖励 20,000 元').first()).toBeVisible();

  // ---- 11 月 20 日：举报人补充情况，办理人员看到"新留言" -----------------------------------------
  await workday('2026-11-20');
  await fetch(`${BASE}/api/reports/messages`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ receipt: r3, body: '补充：厂里晚上偷偷开工。' }) });
  await chem.goto('/admin/');
  await expect(chem.getByText('新留言 1', { exact: true })).toBeVisible();

  // The reporter of 0001 sees the number, the result and the final reward, never the staff names or notes.
  const reporter = await browser.newContext({ baseURL: BASE, viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const rp = await reporter.newPage();
  await rp.goto('/report/status/');
  await rp.getByLabel('查询码').fill(r1);
  await rp.getByRole('button', { name: '查看办理情况' }).click();
  await expect(rp.getByText('商安举〔2026〕0001号')).toBeVisible();
  await expect(rp.getByText(/20,000 元/).first()).toBeVisible();
  await expect(rp.getByText('赵科长')).toHaveCount(0);
  await expect(rp.getByText('值班长承认')).toHaveCount(0);
  await expect(rp.getByText('整改后照片')).toHaveCount(0);
  await reporter.close();
  void r2;

  // ---- 12 月 1 日：安委会月报 -----------------------------------------------------------------
  await workday('2026-12-01');
  await clerk.goto('/admin/');
  await clerk.getByRole('link', { name: '月度统计', exact: true }).click();
  await expect(clerk.getByRole('heading', { name: '2026年11月安全生产举报办理情况' })).toBeVisible();
  const cards = clerk.locator('.monthly-cards');
  await expect(cards).toContainText('收到4');
  await expect(cards).toContainText('受理3');
  await expect(cards).toContainText('办结1');
  await expect(cards).toContainText('延期1');
  await expect(cards).toContainText('1 件 / 20,000 元');
  await shot(clerk, '07-monthly');
  expect(await axeViolations(clerk), '月度统计无障碍').toEqual([]);
  expect(await printedPages(clerk, '07-monthly')).toBe(1);
  // The same month on /data/.
  const data = await (await fetch(`${BASE}/api/stats`)).json();
  const nov = data.by_month.find((r: { key: string }) => r.key === '2026-11');
  expect([nov.received, nov.accepted]).toEqual([4, 3]);
  expect(data.generated_on).toBe('2026-11-30');

  // ---- The auditor follows it all ----------------------------------------------------------
  const auditor = await staffPage(browser, 'audit', secrets.audit!, false); // auditors hold no report key
  await auditor.goto('/admin/audit/?case=2026-0001');
  await expect(auditor.getByRole('cell', { name: '打开案件（本次登录第一次）' }).first()).toBeVisible();
  await expect(auditor.getByRole('cell', { name: '打印转办单' })).toBeVisible();
  await expect(auditor.getByRole('cell', { name: '上传工作材料' })).toBeVisible();
  await shot(auditor, '08-audit');
  expect(await axeViolations(auditor), '审计日志无障碍').toEqual([]);
  const csv = readFileSync(join(SHOTS, '07-monthly.pdf'));
  expect(csv.length).toBeGreaterThan(1000);
});
