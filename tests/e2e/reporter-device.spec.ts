// Issue 10, observation 1: the reporter's phone must not give them away. With JavaScript on and off,
// in a real Chromium profile on disk: look up a receipt, leave, press Back, reload — the report never
// shows again — then close the browser and search every file of the profile for the receipt and the
// report's text (UTF-8 and UTF-16, which covers Chromium's LevelDB and SNSS session files).
// Also: 一键离开 (quick exit) on every reporter page, by button and by pressing Shift three times.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { QUICK_EXIT_URL } from '../../config/reporting.ts';
import { PHONE } from './helpers.ts';

const DESCRIPTION = '仓库二楼消防通道被成箱货物堵死，夜班锁门不让出入PROFILE-CANARY-8812';
const PLACE = '许商街道某物流仓库DEVICE-PLACE-3307';
const REPLY = '补充：北门也锁着REPLY-CANARY-5521';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue; // a socket or a file removed while we walk
    }
    if (st.isDirectory()) out.push(...filesUnder(path));
    else if (st.isFile()) out.push(path);
  }
  return out;
}

/** Every file of the profile that holds any needle, as UTF-8 or UTF-16LE bytes. */
function profileHits(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  const patterns = needles.flatMap((n) => [
    { label: n, bytes: Buffer.from(n, 'utf8') },
    { label: `${n}（UTF-16）`, bytes: Buffer.from(n, 'utf16le') },
  ]);
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    for (const p of patterns) if (bytes.includes(p.bytes)) hits.push(`${p.label} 在 ${file.slice(dir.length)}`);
  }
  return hits;
}

async function fileReport(baseURL: string): Promise<string> {
  const form = new FormData();
  for (const [k, v] of Object.entries({ category: 'general_hazard', sector: 'other', township: 'xushang', place: PLACE, description: DESCRIPTION })) form.set(k, v);
  const res = await fetch(`${baseURL}/api/reports`, { method: 'POST', body: form, headers: { accept: 'application/json' } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { receipt: string }).receipt;
}

async function expectNoReport(page: Page) {
  const text = await page.locator('body').innerText();
  expect(text).not.toContain('PROFILE-CANARY-8812');
  expect(text).not.toContain('DEVICE-PLACE-3307');
  expect(text).not.toContain('REPLY-CANARY-5521');
}

for (const javaScriptEnabled of [true, false]) {
  test(`手机上不留痕迹（JavaScript ${javaScriptEnabled ? '开' : '关'}）：返回、刷新、关闭浏览器后都找不到查询码和举报内容`, async ({ baseURL }, testInfo) => {
    const receipt = await fileReport(baseURL!);
    const profile = mkdtempSync(join(tmpdir(), 'edge-profile-'));
    const launch = testInfo.project.use.launchOptions ?? {};
    const context = await chromium.launchPersistentContext(profile, {
      ...launch,
      baseURL: baseURL!,
      javaScriptEnabled,
      viewport: PHONE,
      locale: 'zh-CN',
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto('/');
      await page.goto('/report/status/');
      await page.getByLabel('查询码').fill(receipt.replace(/(\d{4})(?=\d)/g, '$1 '));
      await page.getByRole('button', { name: '查看办理情况' }).click();
      await expect(page.getByRole('heading', { level: 1, name: '举报办理情况' })).toBeVisible();
      await page.getByText('我提交的举报内容').click();
      await expect(page.getByText('PROFILE-CANARY-8812')).toBeVisible();
      // A reply typed and sent from the status page: it must not stay behind either.
      await page.getByLabel('留言内容').fill(REPLY);
      await page.getByRole('button', { name: '发送' }).click();
      await expect(page.getByText('留言已发送')).toBeVisible();
      await expect(page.getByText('REPLY-CANARY-5521')).toBeVisible();
      expect(page.url()).not.toContain(receipt.slice(0, 8));

      await page.goto('/about/');
      await page.goBack();
      await page.waitForLoadState('load');
      await expectNoReport(page);
      await page.reload();
      await expectNoReport(page);
      // Forward and back once more through the whole history of the tab.
      await page.goto('/');
      for (let i = 0; i < 4; i++) {
        const back = await page.goBack().catch(() => null);
        if (!back && page.url() === 'about:blank') break;
        await expectNoReport(page);
      }
    } finally {
      await context.close();
    }
    const digits = receipt.replace(/\D/g, '');
    const hits = profileHits(profile, [digits, receipt.replace(/(\d{4})(?=\d)/g, '$1 '), digits.slice(0, 12), DESCRIPTION, 'PROFILE-CANARY-8812', 'DEVICE-PLACE-3307', 'REPLY-CANARY-5521']);
    rmSync(profile, { recursive: true, force: true });
    expect(hits, '浏览器配置文件夹里留下了查询码或举报内容').toEqual([]);
  });
}

for (const javaScriptEnabled of [true, false]) {
  test(`提交举报后（JavaScript ${javaScriptEnabled ? '开' : '关'}）：回执离开后不再显示，浏览器配置里没有查询码和举报内容`, async ({ baseURL }, testInfo) => {
    const profile = mkdtempSync(join(tmpdir(), 'edge-profile-'));
    const context = await chromium.launchPersistentContext(profile, { ...(testInfo.project.use.launchOptions ?? {}), baseURL: baseURL!, javaScriptEnabled, viewport: PHONE, locale: 'zh-CN' });
    const text = '加油站卸油时有人在旁边抽烟SUBMIT-CANARY-7340';
    let receipt = '';
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto('/');
      await page.goto('/report/');
      await page.getByRole('radio', { name: /一般事故隐患/ }).check();
      await page.getByLabel('行业领域').selectOption('fire');
      if (javaScriptEnabled) await page.getByRole('button', { name: '下一步' }).click();
      await page.getByLabel(/所在镇/).selectOption('xushang');
      await page.getByLabel('具体地点').fill('某加油站SUBMIT-PLACE-1189');
      if (javaScriptEnabled) await page.getByRole('button', { name: '下一步' }).click();
      await page.getByLabel('问题描述').fill(text);
      await page.getByRole('button', { name: '提交举报' }).click();
      const code = page.locator('[data-receipt-code]:visible');
      await expect(code).toHaveText(/^\d{4}( \d{4}){4}$/);
      receipt = (await code.textContent())!.trim();
      await page.goto('/about/');
      await page.goBack();
      await page.waitForLoadState('load');
      expect(await page.locator('body').innerText()).not.toContain(receipt);
      await page.reload();
      expect(await page.locator('body').innerText()).not.toContain(receipt);
    } finally {
      await context.close();
    }
    const hits = profileHits(profile, [receipt, receipt.replace(/\s/g, ''), text, 'SUBMIT-CANARY-7340', 'SUBMIT-PLACE-1189']);
    rmSync(profile, { recursive: true, force: true });
    expect(hits, '浏览器配置文件夹里留下了查询码或举报内容').toEqual([]);
  });
}

test.describe('一键离开', () => {
  test.use({ viewport: PHONE });
  const neutral = new URL(QUICK_EXIT_URL);

  test('每个举报页面都有按钮；点一下离开，返回键回不到举报页', async ({ page }) => {
    await page.route(`${neutral.origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>neutral</title><p>neutral</p>' }));
    for (const path of ['/report/', '/report/status/']) {
      await page.goto('/');
      await page.goto(path);
      const button = page.getByRole('link', { name: '一键离开' });
      await expect(button).toBeVisible();
      await expect(page.getByText('或连按三次 Shift 键')).toBeVisible();
      await button.click();
      await page.waitForURL(`${neutral.origin}/**`);
      await page.goBack();
      expect(new URL(page.url()).pathname, `${path} 仍在浏览记录里`).toBe('/');
    }
  });

  test('连按三次 Shift 离开；间隔太久不触发', async ({ page }) => {
    await page.route(`${neutral.origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>neutral</title>' }));
    // The page's clock is ours: the one-second window between presses does not depend on how busy the
    // machine is (on a loaded CI machine three real presses can be more than a second apart).
    await page.clock.install();
    await page.goto('/');
    await page.goto('/report/status/');
    await page.keyboard.press('Shift');
    await page.clock.runFor(1200);
    await page.keyboard.press('Shift');
    await page.clock.runFor(1200);
    await page.keyboard.press('Shift');
    await page.clock.runFor(1200);
    expect(new URL(page.url()).pathname).toBe('/report/status/');
    // Pressed once more than needed, as someone in a hurry does: still the neutral site, not about:blank.
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift');
    await page.waitForURL(`${neutral.origin}/**`);
    await page.goBack();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  test('服务器渲染的举报页面（回执、办理情况、失效页）也有按钮', async ({ page, baseURL }) => {
    const receipt = await fileReport(baseURL!);
    await page.goto('/report/status/');
    await page.getByLabel('查询码').fill(receipt);
    await page.getByRole('button', { name: '查看办理情况' }).click();
    await expect(page.getByRole('heading', { level: 1, name: '举报办理情况' })).toBeVisible();
    await expect(page.getByRole('link', { name: '一键离开' })).toHaveCount(1);
    await page.screenshot({ path: '/tmp/edge-shots/status-result-js.png', fullPage: false });
    await page.goto('/report/view/?t=spent-or-unknown');
    await expect(page.getByRole('heading', { level: 1, name: '页面已经失效' })).toBeVisible();
    await expect(page.getByRole('link', { name: '一键离开' })).toBeVisible();
  });

  test.describe('JavaScript 关闭', () => {
    test.use({ javaScriptEnabled: false });
    test('一键离开是普通链接，指向中性网站', async ({ page }) => {
      for (const path of ['/report/', '/report/status/']) {
        await page.goto(path);
        const button = page.getByRole('link', { name: '一键离开' });
        await expect(button).toBeVisible();
        expect(await button.getAttribute('href')).toBe(QUICK_EXIT_URL);
        await expect(page.getByText('或连按三次 Shift 键')).toBeHidden();
        await page.screenshot({ path: `/tmp/edge-shots/nojs-${path.replaceAll('/', '_')}.png` });
      }
    });
  });
});

test.describe('公开的举报页面（手机宽度）', () => {
  test.use({ viewport: PHONE });
  test('举报页、查询页和隐私说明：不设 Cookie，不请求任何第三方网站，字号设置不发给服务器', async ({ page, baseURL }) => {
    const receipt = await fileReport(baseURL!);
    const requests: { url: string; cookie: string | undefined }[] = [];
    page.on('request', (r) => requests.push({ url: r.url(), cookie: r.headers()['cookie'] }));
    await page.goto('/report/');
    await page.locator('summary', { hasText: '字号' }).click();
    await page.getByRole('button', { name: '大', exact: true }).click();
    await page.goto('/privacy/');
    await page.goto('/report/status/');
    await page.getByLabel('查询码').fill(receipt);
    await page.getByRole('button', { name: '查看办理情况' }).click();
    await expect(page.getByRole('heading', { level: 1, name: '举报办理情况' })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.dataset.text)).toBe('large');
    expect(await page.context().cookies()).toEqual([]);
    const origin = new URL(baseURL!).origin;
    expect(requests.filter((r) => !r.url.startsWith(origin) && !r.url.startsWith('data:')).map((r) => r.url), '第三方请求').toEqual([]);
    expect(requests.filter((r) => r.cookie !== undefined), '带 Cookie 的请求').toEqual([]);
    // The text size lives in the browser only: no request carries it in its address.
    expect(requests.filter((r) => /large|text=|size=/.test(new URL(r.url).search)).map((r) => r.url)).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, '手机宽度下没有横向滚动').toBeLessThanOrEqual(0);
  });
});
