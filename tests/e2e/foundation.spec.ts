import { expect, test } from './fixtures.ts';
import { PHONE, watchPage } from './helpers.ts';

test.describe('网站外壳', () => {
  test('首页正常显示，没有控制台错误、失败请求或第三方请求', async ({ page, baseURL }) => {
    const watch = watchPage(page, baseURL!);
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const nav = page.getByRole('navigation', { name: '主导航' });
    for (const label of ['安全知识', '事故案例', '安全测验', '我要举报', '举报查询', '数据公开']) {
      await expect(nav.getByRole('link', { name: label })).toBeVisible();
    }
    const footer = page.getByRole('contentinfo');
    for (const n of ['110', '119', '120', '122', '12345', '12350']) {
      await expect(footer.getByRole('link', { name: n, exact: true })).toHaveAttribute('href', `tel:${n}`);
    }
    await expect(page.getByRole('main')).toBeVisible();
    await page.waitForLoadState('networkidle');
    watch.expectClean();
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([]);
  });

  test('跳到正文链接是第一个可聚焦元素，焦点清晰可见', async ({ page }) => {
    await page.goto('/');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: '跳到正文' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await expect(page.locator('#main')).toBeFocused();
  });

  test('字号和高对比度设置生效，并在本浏览器中记住', async ({ page }) => {
    await page.goto('/');
    await page.locator('summary', { hasText: '字号' }).click();
    const body = page.locator('body');
    const size = async () => parseFloat(await body.evaluate((el) => getComputedStyle(el).fontSize));
    const standard = await size();
    await page.getByRole('button', { name: '大', exact: true }).click();
    await expect(page.getByRole('button', { name: '大', exact: true })).toHaveAttribute('aria-pressed', 'true');
    expect(await size()).toBeGreaterThanOrEqual(18);
    await page.getByRole('button', { name: '特大' }).click();
    const xlarge = await size();
    expect(xlarge).toBeGreaterThan(standard * 1.2);
    await page.getByRole('button', { name: '高对比度' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-contrast', 'high');
    expect(await body.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(0, 0, 0)');
    await page.reload();
    await page.locator('summary', { hasText: '字号' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-text', 'xlarge');
    await expect(page.locator('html')).toHaveAttribute('data-contrast', 'high');
    expect(await size()).toBeCloseTo(xlarge, 0);
  });

  test('手机宽度 320px 没有横向滚动', async ({ page }) => {
    await page.setViewportSize({ width: 320, height: 700 });
    await page.goto('/');
    await page.locator('summary', { hasText: '字号' }).click();
    await page.getByRole('button', { name: '特大' }).click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  test('不存在的地址返回中文 404 页面和 404 状态', async ({ page }) => {
    const res = await page.goto('/no-such-page/');
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面找不到');
    await expect(page.getByRole('link', { name: '回到首页' })).toBeVisible();
  });
});

test.describe('不开 JavaScript', () => {
  test.use({ javaScriptEnabled: false, viewport: PHONE });

  test('首页内容完整可读，提示用浏览器放大', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    // Phones: navigation and text-size help sit behind the 菜单 and 字号 buttons, which work without JavaScript.
    await page.locator('summary', { hasText: '菜单' }).click();
    await expect(page.getByRole('navigation', { name: '主导航' })).toBeVisible();
    await page.locator('summary', { hasText: '字号' }).click();
    await expect(page.getByText('放大文字')).toBeVisible();
    // The JS-only controls stay hidden rather than showing buttons that do nothing.
    await expect(page.getByRole('button', { name: '高对比度' })).toBeHidden();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

test.describe('HTTP 头', () => {
  const required = (h: Record<string, string>) => {
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['content-security-policy']).not.toContain('unsafe-inline');
    expect(h['content-security-policy']).toMatch(/default-src 'self'/);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h['permissions-policy']).toContain('geolocation=()');
    expect(h['set-cookie']).toBeUndefined();
  };

  test('页面、静态资源和接口都带安全头', async ({ request, page }) => {
    const html = await request.get('/');
    required(html.headers());
    expect(html.headers()['cache-control']).toBe('no-cache');

    await page.goto('/');
    const css = await page.locator('link[rel="stylesheet"]').first().getAttribute('href');
    expect(css).toMatch(/^\/_astro\//);
    const asset = await request.get(css!);
    required(asset.headers());
    expect(asset.headers()['cache-control']).toContain('immutable');

    const api = await request.get('/api/health');
    required(api.headers());
    // The database kind and reachability, never its address or login (issue 16).
    expect(await api.json()).toEqual({ ok: true, database: { kind: 'sqlite', ok: true } });
  });

  test('接口错误返回 JSON，页面错误返回中文 HTML', async ({ request }) => {
    const api = await request.get('/api/no-such-route');
    expect(api.status()).toBe(404);
    expect(api.headers()['content-type']).toContain('application/json');
    expect((await api.json()).error.message).toMatch(/[\u4e00-\u9fff]/);
    const big = await request.post('/api/health', { data: 'x'.repeat(300 * 1024), headers: { 'content-type': 'text/plain' } });
    expect(big.status()).toBe(413);
    expect((await big.json()).error.code).toBe('too_large');
  });

  test('提供预压缩的 brotli 资源', async ({ request, page }) => {
    await page.goto('/');
    const css = await page.locator('link[rel="stylesheet"]').first().getAttribute('href');
    const res = await request.get(css!, { headers: { 'accept-encoding': 'br' } });
    expect(res.headers()['content-encoding']).toBe('br');
    expect(res.status()).toBe(200);
  });
});
