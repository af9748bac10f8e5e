/**
 * Issue 10 items 3 and 6, issue 14 item 7 in Chromium at 1366×768, on a server of its own (its own
 * DATA_DIR, so the first administrator can be created here): the administrator creates an account that
 * opens nothing, a key holder approves it in 密钥授权, and a PDF/HTML polyglot is seen only as page images.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';

const PASSWORD = 'e2e-password-long-enough';
const SHOTS = process.env.SHOTS_DIR;
const code = (secret: string, ahead = 0) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + ahead * 30_000 });
const shot = async (page: Page, name: string) => {
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

let server: ChildProcess;
let base = '';
let dataDir = '';
let recoveryKey = '';

test.beforeAll(async () => {
  const port = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), 'shanghe-keys-e2e-'));
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['api/server.ts'], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout!.on('data', (d) => (out += d));
  for (let i = 0; i < 100 && !/[A-Z2-9]{4}(?:-[A-Z2-9]{4}){13}/.test(out); i++) await new Promise((r) => setTimeout(r, 150));
  recoveryKey = /[A-Z2-9]{4}(?:-[A-Z2-9]{4}){13}/.exec(out)![0];
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
});
test.afterAll(() => {
  server?.kill('SIGTERM');
});

async function login(page: Page, username: string, password: string, secret: string, ahead = 0) {
  await page.goto(`${base}/admin/login`);
  await page.getByLabel('登录名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByLabel(/动态验证码/).fill(code(secret, ahead));
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('navigation', { name: '后台导航' })).toBeVisible();
}

test('账号、密钥双人授权和 PDF 页面图像（1366×768）', async ({ browser }) => {
  test.setTimeout(60_000);
  const env = { ...process.env, DATA_DIR: dataDir, RECOVERY_KEY: recoveryKey };
  const cli = spawnSync(process.execPath, ['scripts/admin-create.ts', '--json'], { env: { ...env, ADMIN_USERNAME: 'admin', ADMIN_NAME: '系统管理员', ADMIN_PASSWORD: PASSWORD }, encoding: 'utf8' });
  expect(cli.status, cli.stderr).toBe(0);
  const adminSecret = JSON.parse(cli.stdout.trim().split('\n').at(-1)!).totp_secret as string;

  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const admin = await ctx.newPage();
  await login(admin, 'admin', PASSWORD, adminSecret);
  const secrets: Record<string, string> = {};
  for (const [username, name] of [['boss', '李主管'], ['newboss', '周主管']] as const) {
    await admin.getByLabel('登录名（小写字母、数字）').fill(username);
    await admin.getByLabel('姓名').fill(name);
    await admin.getByLabel('角色').selectOption('supervisor');
    await admin.getByLabel(/初始密码/).fill(PASSWORD);
    await admin.getByRole('button', { name: '创建账号' }).click();
    await expect(admin.getByText('这个账号还打不开案件')).toBeVisible();
    secrets[username] = (await admin.locator('[data-totp-secret]').textContent())!.trim();
  }
  await admin.goto(`${base}/admin/staff/`);
  await expect(admin.getByRole('cell', { name: /等待批准：受理密钥/ }).first()).toBeVisible();
  await shot(admin, 'accounts');
  // Deactivation asks first.
  await admin.getByRole('link', { name: '停用 newboss' }).click();
  await expect(admin.getByRole('heading', { name: /确认停用/ })).toBeVisible();
  await shot(admin, 'confirm-deactivate');
  await admin.getByRole('link', { name: '取消，返回账号管理' }).click();

  // Not before the owner has replaced the initial password the administrator knows.
  const early = spawnSync(process.execPath, ['scripts/keys-grant.ts', 'boss'], { env, encoding: 'utf8' });
  expect(early.status).toBe(1);
  expect(early.stderr).toContain('初始密码');

  // A reporter's PDF/HTML polyglot named 证据.html.
  const poly = Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length 58>>stream\nBT /F1 28 Tf 60 700 Td (Rectification report p.1) Tj ET\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n<html><script>document.title="PWNED"</script></html>\n%%EOF\n',
  );
  const form = new FormData();
  for (const [k, v] of Object.entries({ category: 'major_hazard', sector: 'hazardous_chemicals', township: 'kaifaqu', place: '开发区某化工企业储罐区', description: '储罐区的可燃气体报警器全部关闭，夜班没有人巡检。', identity_mode: 'anonymous' })) form.append(k, v);
  form.append('files', new File([poly], '证据.html', { type: 'text/html' }));
  const filed = await fetch(`${base}/api/reports`, { method: 'POST', headers: { accept: 'application/json' }, body: form });
  expect(filed.status).toBe(201);

  // Each owner's first login: replace the initial password, then log in again (new key pair).
  const firstLogin = async (page: Page, username: string) => {
    await login(page, username, PASSWORD, secrets[username]!);
    await expect(page).toHaveURL(/\/admin\/password$/);
    await expect(page.getByText('请先设置您自己的新密码')).toBeVisible();
    await page.getByLabel('当前密码').fill(PASSWORD);
    await page.getByLabel('新密码（至少 12 位）').fill(`${PASSWORD}-own`);
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect(page.getByText('请用新密码和动态验证码重新登录')).toBeVisible();
    await login(page, username, `${PASSWORD}-own`, secrets[username]!, 1);
  };
  const bossCtx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const boss = await bossCtx.newPage();
  await firstLogin(boss, 'boss');
  // The first holder of the intake key: from the recovery key, on the server's command line.
  const grant = spawnSync(process.execPath, ['scripts/keys-grant.ts', 'boss'], { env, encoding: 'utf8' });
  expect(grant.status, grant.stderr).toBe(0);
  // The colleague logs in and reads out the check code shown on their own 密钥授权 page.
  const newCtx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const newboss = await newCtx.newPage();
  await firstLogin(newboss, 'newboss');
  await newboss.getByRole('link', { name: '密钥授权' }).click();
  const spoken = (await newboss.locator('[data-own-check-code]').textContent())!.trim();
  await shot(newboss, 'grant-own-code');
  // The key holder compares it and approves in 密钥授权.
  await boss.getByRole('link', { name: '密钥授权' }).click();
  await expect(boss.getByRole('cell', { name: /周主管/ })).toBeVisible();
  await expect(boss.locator('[data-check-code]')).toHaveText(spoken);
  await shot(boss, 'grant-approval');
  await boss.getByRole('button', { name: /批准 newboss/ }).click();
  await expect(boss.getByText('已批准，密钥已转交对方账号。')).toBeVisible();

  // The PDF: page images only; the original behind a warning.
  await boss.goto(`${base}/admin/`);
  await boss.getByRole('row').filter({ hasText: '开发区' }).getByRole('link').first().click();
  await boss.getByRole('link', { name: /附件1\.pdf/ }).click();
  await expect(boss.getByRole('heading', { level: 1, name: /附件1\.pdf/ })).toBeVisible();
  const img = boss.getByRole('img', { name: '附件1.pdf 第 1 页' });
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 100), { timeout: 10_000 }).toBe(true);
  expect(await boss.title()).not.toContain('PWNED');
  await shot(boss, 'pdf-preview');
  await boss.getByRole('link', { name: '下载原件……' }).click();
  await expect(boss.getByRole('heading', { name: '请先读完再下载' })).toBeVisible();
  await shot(boss, 'pdf-original-warning');
  const [download] = await Promise.all([boss.waitForEvent('download'), boss.getByRole('button', { name: '我已了解风险，下载原件' }).click()]);
  expect(download.suggestedFilename()).toBe('附件1.pdf');

  // Account care: reset a password (shown once), deactivate after confirming, and undo it.
  await admin.goto(`${base}/admin/staff/`);
  await admin.getByRole('link', { name: '重置密码 newboss' }).click();
  await expect(admin.getByText('账号原有的密钥全部清除')).toBeVisible();
  await admin.getByRole('button', { name: '确认重置密码' }).click();
  await expect(admin.getByRole('heading', { name: '已重置密码 newboss' })).toBeVisible();
  await expect(admin.locator('[data-new-password]')).toHaveText(/^[a-z2-9]{16}$/);
  await expect(admin.getByText('这个账号还打不开案件')).toBeVisible();
  await shot(admin, 'reset-handover');
  await admin.goto(`${base}/admin/staff/`);
  await admin.getByRole('link', { name: '停用 newboss' }).click();
  await admin.getByRole('button', { name: '确认停用' }).click();
  await expect(admin.getByText('账号已停用。')).toBeVisible();
  await admin.getByRole('link', { name: '恢复 newboss' }).click();
  await admin.getByRole('button', { name: '确认恢复' }).click();
  await expect(admin.getByText('账号已恢复；它的密钥需要另一位持有人重新批准。')).toBeVisible();
  await ctx.close();
  await bossCtx.close();
  await newCtx.close();
});
