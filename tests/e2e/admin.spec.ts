/**
 * Issue 7 end to end in Chromium: a reporter files a real-name report; the first administrator
 * (created with the recovery key by `npm run admin:create`) sets up a supervisor and a handler in the
 * back office; the case is accepted, assigned, verified, rectified, rewarded and closed, the handler
 * sees the reporter's identity once after the custodian approves, and the reporter follows every
 * step by receipt; /data/ then shows the closures.
 */
import { spawnSync } from 'node:child_process';
import { expect, serverNode, test, type E2eServer } from './fixtures.ts';
import { type Browser, type BrowserContext, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { PHONE, replaceInitialPassword, watchPage } from './helpers.ts';

async function axeViolations(page: Page): Promise<string[]> {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const PASSWORD = 'e2e-password-long-enough';

/** A TOTP code from the secret, the way a phone authenticator makes it; `ahead` steps skip used codes. */
function code(secret: string, ahead = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + ahead * 30_000 });
}

async function staffContext(browser: Browser, server: E2eServer, username: string, secret: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const baseURL = server.base;
  const ctx = await browser.newContext({ baseURL, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto('/admin/');
  await expect(page).toHaveURL(/\/admin\/login$/);
  // Keyboard only: label order is the tab order.
  await page.getByLabel('登录名').focus();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Tab');
  await page.keyboard.type(code(secret));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('navigation', { name: '后台导航' })).toBeVisible();
  // Accounts made by the administrator first replace the initial password; that makes a new key pair
  // and ends the session. The first holder of each key then gets it with the recovery key on the
  // server's command line (two-person rule), and the owner logs in again with the new password.
  if (page.url().endsWith('/admin/password')) {
    await replaceInitialPassword(page, { username, password: PASSWORD, newPassword: `${PASSWORD}-own`, dataDir: server.dataDir, recoveryKey: server.recoveryKey });
    await page.getByLabel('登录名').fill(username);
    await page.getByLabel('密码', { exact: true }).fill(`${PASSWORD}-own`);
    await page.getByLabel(/动态验证码/).fill(code(secret, 1));
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('navigation', { name: '后台导航' })).toBeVisible();
  }
  const cookies = await ctx.cookies();
  expect(cookies.map((c) => [c.path, c.httpOnly, c.sameSite]).sort()).toEqual([
    ['/admin', true, 'Strict'],
    ['/api/admin', true, 'Strict'],
  ]);
  return { ctx, page };
}

async function reporterSees(page: Page, receipt: string, status: string, text?: string | RegExp) {
  await page.goto('/report/status/');
  await page.getByLabel('查询码').fill(receipt);
  await page.getByRole('button', { name: '查看办理情况' }).click();
  await expect(page.locator('.status-badge')).toHaveText(status);
  if (text) await expect(page.getByText(text).first()).toBeVisible();
  expect(await page.context().cookies()).toEqual([]);
}

async function openCase(page: Page, ref: RegExp | string) {
  await page.goto('/admin/');
  await page.getByRole('link', { name: ref }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^案件 / })).toBeVisible();
}

/** Staff API calls from a logged-in context (same cookies), with Origin and the CSRF token. */
async function api(ctx: BrowserContext, baseURL: string, method: 'GET' | 'POST', path: string, data?: unknown) {
  const session = await (await ctx.request.get('/api/admin/session')).json();
  const res = await ctx.request.fetch(path, { method, headers: { origin: baseURL, 'x-csrf-token': session.csrf_token }, ...(data ? { data } : {}) });
  expect(res.status(), `${method} ${path}: ${await res.text()}`).toBe(200);
  return res.json();
}

test.describe('后台办理全流程（独立的服务和数据库）', () => {
// First start (recovery key, no administrator yet) and exact counts on /data/ need a database of its own.
test.use({ isolated: true });
test('举报从提交到办结：后台办理，举报人凭查询码看到每一步，数据公开页更新', async ({ browser, baseURL, server }) => {
  test.setTimeout(300_000);
  const base = baseURL!;

  // ---- The reporter files a real-name report from a phone ---------------------------------
  const reporterCtx = await browser.newContext({ baseURL: base, viewport: PHONE, locale: 'zh-CN' });
  const reporter = await reporterCtx.newPage();
  await reporter.goto('/report/');
  await reporter.getByRole('radio', { name: /一般事故隐患/ }).check();
  await reporter.getByLabel('行业领域').selectOption('hazardous_chemicals');
  await reporter.getByRole('button', { name: '下一步' }).click();
  await reporter.getByLabel(/所在镇/).selectOption('kaifaqu');
  await reporter.getByLabel('具体地点').fill('开发区化工园区东门储罐区');
  await reporter.getByRole('button', { name: '下一步' }).click();
  await reporter.getByLabel('问题描述').fill('储罐区的可燃气体报警器被人为关闭，夜里没有人巡检。');
  await reporter.getByRole('radio', { name: /保密实名举报/ }).check();
  await reporter.getByLabel('姓名', { exact: true }).fill('王举报');
  await reporter.getByLabel('联系电话').fill('13812345678');
  await reporter.getByRole('button', { name: '提交举报' }).click();
  const receiptCode = reporter.locator('[data-receipt-view] [data-receipt-code]');
  await expect(receiptCode).toHaveText(/^\d{4}( \d{4}){4}$/);
  const receipt = (await receiptCode.textContent())!;
  await reporterSees(reporter, receipt, '已收到');

  // ---- First administrator from the CLI, with the recovery key --------------------------
  const recoveryKey = server.recoveryKey;
  expect(recoveryKey, '服务首次启动时打印了恢复密钥').toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){13}$/);
  const cli = spawnSync(serverNode(), ['scripts/admin-create.ts', '--json'], {
    env: { ...process.env, DATA_DIR: server.dataDir, RECOVERY_KEY: recoveryKey, ADMIN_USERNAME: 'admin', ADMIN_NAME: '系统管理员', ADMIN_PASSWORD: PASSWORD },
    encoding: 'utf8',
  });
  expect(cli.status, cli.stderr).toBe(0);
  const adminSecret = (JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as { totp_secret: string }).totp_secret;

  const admin = await staffContext(browser, server, 'admin', adminSecret);
  const watch = watchPage(admin.page, base);
  await expect(admin.page.getByRole('heading', { level: 1, name: '账号管理' })).toBeVisible();
  const created: Record<string, string> = {};
  for (const [username, name, role, dept] of [
    ['boss', '李主管', 'supervisor', ''],
    ['chem', '赵办理', 'handler', 'emergency'],
    ['keeper', '孙保管', 'custodian', ''],
  ] as const) {
    await admin.page.getByLabel('登录名（小写字母、数字）').fill(username);
    await admin.page.getByLabel('姓名').fill(name);
    await admin.page.getByLabel('角色').selectOption(role);
    if (dept) await admin.page.getByLabel('所属部门（办理人员必选）').selectOption(dept);
    await admin.page.getByLabel('初始密码（至少 12 位）').fill(PASSWORD);
    await admin.page.getByRole('button', { name: '创建账号' }).click();
    await expect(admin.page.getByRole('heading', { name: `已创建账号 ${username}` })).toBeVisible();
    await expect(admin.page.locator('.qr svg')).toBeVisible();
    created[username] = (await admin.page.locator('[data-totp-secret]').textContent())!.trim();
  }
  watch.expectClean();
  // The administrator holds no report key: these accounts open nothing until keys are granted (at each
  // owner's first login below, with the recovery key on the command line).
  await expect(admin.page.getByText('这个账号还打不开案件')).toBeVisible();

  // ---- Supervisor accepts and assigns -------------------------------------------------------
  const boss = await staffContext(browser, server, 'boss', created.boss!);
  await expect(boss.page.getByRole('heading', { level: 1, name: '案件列表' })).toBeVisible();
  const row = boss.page.getByRole('row').filter({ hasText: '开发区' }).filter({ hasText: '受理期限' });
  await expect(row).toHaveCount(1);
  expect(await axeViolations(boss.page), '案件列表无障碍').toEqual([]);
  const ref = (await row.getByRole('link').textContent())!.trim();
  await openCase(boss.page, ref);
  await expect(boss.page.getByText('储罐区的可燃气体报警器被人为关闭')).toBeVisible();
  await expect(boss.page.getByText('王举报')).toHaveCount(0);
  expect(await axeViolations(boss.page), '案件页无障碍').toEqual([]);
  await boss.page.getByRole('button', { name: '受理', exact: true }).click();
  await expect(boss.page.locator('.lead').first()).toContainText('已受理');
  await reporterSees(reporter, receipt, '已受理', '您的举报已受理');

  // The sector's lead unit is suggested and already ticked.
  await expect(boss.page.getByRole('checkbox', { name: '县应急局' })).toBeChecked();
  await boss.page.getByRole('button', { name: '转办', exact: true }).click();
  await expect(boss.page.locator('.lead').first()).toContainText('已转办');
  await reporterSees(reporter, receipt, '已转办', '您的举报已转交县应急局办理。');

  // ---- The department's handler verifies and orders rectification ---------------------------
  const chem = await staffContext(browser, server, 'chem', created.chem!);
  await openCase(chem.page, ref);
  await chem.page.getByRole('button', { name: '开始核查' }).click();
  await reporterSees(reporter, receipt, '核查中', '办理部门已开始核查。');
  await chem.page.getByLabel('给举报人的核查情况说明（可不填，举报人会看到）').fill('现场检查确认报警器被关闭。');
  await chem.page.getByRole('button', { name: '认定属实' }).click();
  await reporterSees(reporter, receipt, '经核查属实', '现场检查确认报警器被关闭。');
  await chem.page.getByLabel('整改期限').fill('2099-12-31');
  await chem.page.getByLabel('给举报人的整改说明（可不填，举报人会看到）').fill('立即恢复报警器并安排夜间巡检。');
  await chem.page.getByRole('button', { name: '责令整改' }).click();
  await reporterSees(reporter, receipt, '整改中', /整改期限至 2099-12-31/);
  await chem.page.getByLabel('留言（必填，举报人会看到）').fill('请问夜间一般几点以后没有人巡检？');
  await chem.page.getByRole('button', { name: '发送留言' }).click();
  await reporterSees(reporter, receipt, '整改中', '请问夜间一般几点以后没有人巡检？');

  // ---- Identity: request → custodian approves → shown once to the handler ------------------
  await chem.page.getByLabel(/为什么必须联系举报人本人/).fill('需要举报人到现场指认被关闭的报警器位置。');
  await chem.page.getByRole('button', { name: '提交申请' }).click();
  const keeper = await staffContext(browser, server, 'keeper', created.keeper!);
  await expect(keeper.page.getByRole('heading', { level: 1, name: '身份查看申请' })).toBeVisible();
  await keeper.page.getByRole('button', { name: '批准' }).click();
  await expect(keeper.page.getByText('已批准，未查看')).toBeVisible();
  await openCase(chem.page, ref);
  await chem.page.getByRole('button', { name: '查看举报人身份' }).click();
  await expect(chem.page.getByText('王举报')).toBeVisible();
  await expect(chem.page.getByText('13812345678')).toBeVisible();
  await openCase(chem.page, ref);
  await expect(chem.page.getByRole('button', { name: '查看举报人身份' })).toHaveCount(0);
  await expect(chem.page.getByText('已查看（一次）')).toBeVisible();

  // ---- Supervisor records the reward; handler closes ----------------------------------------
  await openCase(boss.page, ref);
  await boss.page.getByRole('radio', { name: /给予奖励/ }).check();
  await boss.page.getByLabel('举报情形').selectOption('general_hazard');
  await boss.page.getByLabel(/^奖励金额/).fill('9000');
  await boss.page.getByRole('button', { name: '记录奖励决定' }).click();
  // A report received after the 2025 revision: the amount must be confirmed against the current text.
  await expect(boss.page.getByRole('alert')).toContainText('已对照现行文本核实金额');
  await expect(boss.page.getByLabel(/^奖励金额/)).toHaveValue('9000'); // what was typed is kept
  await boss.page.getByLabel(/^奖励金额/).fill('2000');
  await boss.page.getByLabel(/已对照现行文本核实金额/).check();
  await boss.page.locator('#form-reward').getByLabel(/^给举报人的说明/).fill('依据现行《山东省安全生产举报奖励办法》第三条核定。');
  await boss.page.getByRole('button', { name: '记录奖励决定' }).click();
  await expect(boss.page.getByText('给予奖励 2,000 元').first()).toBeVisible();
  await reporterSees(reporter, receipt, '整改中', /决定给予您举报奖励 2,000 元/);
  await expect(reporter.getByText(/只需出示本查询码/).first()).toBeVisible();

  await openCase(chem.page, ref);
  await chem.page.getByLabel('办理结果（必填，举报人会看到）').fill('企业已恢复报警器，依法处以罚款并责令建立夜间巡检制度。');
  await chem.page.getByRole('button', { name: '办结' }).click();
  await reporterSees(reporter, receipt, '已办结', '企业已恢复报警器，依法处以罚款并责令建立夜间巡检制度。');
  await expect(reporter.getByText('奖励金额：')).toBeVisible();

  // Printable case file.
  await chem.page.getByRole('link', { name: '打印案卷' }).click();
  await expect(chem.page.getByRole('heading', { level: 1, name: `举报案件办理案卷 ${ref}` })).toBeVisible();

  // ---- Two more closures through the staff API, so /data/ can publish the sector's figures --
  for (let i = 0; i < 2; i++) {
    const res = await boss.ctx.request.post('/api/reports', {
      multipart: { category: 'general_hazard', sector: 'hazardous_chemicals', township: 'kaifaqu', place: `测试地点${i}`, description: '危险化学品仓库违规堆放，通道堵塞。' },
      headers: { accept: 'application/json' },
    });
    expect(res.status()).toBe(201);
    const queue = await api(boss.ctx, base, 'GET', '/api/admin/reports?status=received&sector=hazardous_chemicals');
    const id = queue.items[0].id as string;
    await api(boss.ctx, base, 'POST', `/api/admin/reports/${id}/transition`, { status: 'accepted', note: '' });
    await api(boss.ctx, base, 'POST', `/api/admin/reports/${id}/assign`, { departments: ['emergency'] });
    await api(boss.ctx, base, 'POST', `/api/admin/reports/${id}/transition`, { status: 'investigating', note: '' });
    await api(boss.ctx, base, 'POST', `/api/admin/reports/${id}/transition`, { status: 'unsubstantiated', note: '现场核查没有发现问题。' });
    await api(boss.ctx, base, 'POST', `/api/admin/reports/${id}/transition`, { status: 'closed', note: '经核查不属实，已答复举报人。' });
  }

  // ---- /data/ without JavaScript ----------------------------------------------------------------
  const publicCtx = await browser.newContext({ baseURL: base, viewport: PHONE, javaScriptEnabled: false, locale: 'zh-CN' });
  const pub = await publicCtx.newPage();
  await pub.goto('/data/');
  await expect(pub.getByRole('heading', { level: 1, name: '数据公开' })).toBeVisible();
  const chemRow = pub.getByRole('table', { name: /按行业领域统计/ }).getByRole('row').filter({ hasText: '危险化学品' });
  // No live counts: today's reports and closures are published from tomorrow (zeros show as 0).
  await expect(chemRow.getByRole('cell').nth(0)).toHaveText('0'); // 收到
  await expect(chemRow.getByRole('cell').nth(2)).toHaveText('0'); // 办结
  await expect(pub.getByText(/当天收到或办理的举报第二天才计入/)).toBeVisible();
  await expect(pub.getByRole('img', { name: '各行业领域收到和办结的举报数' })).toBeVisible();
  expect(await publicCtx.cookies()).toEqual([]);

  // ---- Auditor-visible trail is intact ---------------------------------------------------------
  const audit = spawnSync(serverNode(), ['scripts/audit-verify.ts'], { env: { ...process.env, DATA_DIR: server.dataDir }, encoding: 'utf8' });
  expect(audit.status, audit.stderr).toBe(0);

  for (const c of [reporterCtx, admin.ctx, boss.ctx, chem.ctx, keeper.ctx, publicCtx]) await c.close();
});
});

test.describe('后台登录页和数据公开页（手机）', () => {
  test.use({ viewport: PHONE });
  for (const path of ['/admin/login', '/data/']) {
    test(`${path} 没有 axe 违规，不设 Cookie`, async ({ page, baseURL }) => {
      const watch = watchPage(page, baseURL!);
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.context().cookies()).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      watch.expectClean();
    });
  }

  test('后台接口没有登录时回答 401', async ({ request }) => {
    const res = await request.get('/api/admin/reports');
    expect(res.status()).toBe(401);
    expect((await res.json()).error.message).toMatch(/登录/);
  });
});
