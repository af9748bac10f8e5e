import { readdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { PHONE } from './helpers.ts';

/** One page of every type a resident meets (issue 13: 390×844 at 特大 + 高对比度). */
const PAGE_TYPES: [string, string][] = [
  ['首页', '/'],
  ['安全知识列表', '/guides/'],
  ['按对象', '/guides/audience/village/'],
  ['按领域', '/guides/sector/gas/'],
  ['指南', '/guides/co-poisoning/'],
  ['事故案例列表', '/cases/'],
  ['事故案例', '/cases/yinchuan-2023-bbq-gas-explosion/'],
  ['案例统计', '/cases/stats/'],
  ['搜索结果', '/search/?q=%E5%86%AC%E5%A4%A9%E5%B1%8B%E9%87%8C%E7%94%9F%E7%82%89%E5%AD%90%E5%A4%B4%E7%96%BC'],
  ['没有结果', '/search/?q=qwxzvk'],
  ['测验', '/quiz/'],
  ['考试', '/quiz/exam/'],
  ['班级测验', '/quiz/class/'],
  ['举报', '/report/'],
  ['举报查询', '/report/status/'],
  ['数据公开', '/data/'],
  ['宣传活动', '/campaigns/fire-day/'],
  ['关于本站', '/about/'],
  ['隐私说明', '/privacy/'],
  ['页面找不到', '/no-such-page/'],
];

const MAX_HEADER = PHONE.height * 0.2;
const MIN_TARGET = 44;

async function largest(page: Page) {
  await page.setViewportSize(PHONE);
  await page.addInitScript(() => {
    localStorage.setItem('sh-text', 'xlarge');
    localStorage.setItem('sh-contrast', 'high');
  });
}

/** Controls a finger must hit (inline links inside running text are exempt, as in WCAG 2.5.8). */
const TARGETS = [
  '.site-header a', '.site-header button', '.site-header summary', '.site-header input', '.breadcrumb a', '.site-footer a',
  'main .button', 'main .chip', 'main button', 'main select', 'main summary', 'main input:not([type=hidden]):not([type=radio]):not([type=checkbox])',
  '.main-nav a', '.result h2 a', '.card-grid a.card',
].join(', ');

test.describe('特大字号 + 高对比度，手机 390×844', () => {
  for (const [name, path] of PAGE_TYPES) {
    test(`${name}：页头不超过屏幕 20%，点按目标至少 44 像素，不贴边、不横向滚动`, async ({ page }) => {
      await largest(page);
      await page.goto(path);
      expect(await page.evaluate(() => document.documentElement.dataset.text)).toBe('xlarge');
      const header = (await page.locator('.site-header').boundingBox())!;
      expect(header.height, '页头高度').toBeLessThanOrEqual(MAX_HEADER);
      const small = await page.locator(TARGETS).evaluateAll((els, min) =>
        els
          .filter((el) => {
            const r = el.getBoundingClientRect();
            // checkVisibility: closed <details> panels keep a layout box but are not shown.
            return r.width > 0 && r.height > 0 && el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true });
          })
          .map((el) => ({ el, r: el.getBoundingClientRect() }))
          .filter(({ r }) => r.height < min - 0.5 || r.width < min - 0.5)
          .map(({ el, r }) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').trim().slice(0, 12)}" ${Math.round(r.width)}×${Math.round(r.height)}`),
        MIN_TARGET,
      );
      expect(small, '小于 44 像素的点按目标').toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, '横向滚动').toBeLessThanOrEqual(0);
      const h1 = (await page.locator('main h1').first().boundingBox())!;
      expect(h1.x, '标题离屏幕左边').toBeGreaterThanOrEqual(8);
    });
  }

  test('页头搜索框的提示文字完整显示', async ({ page }) => {
    await largest(page);
    await page.goto('/');
    const fits = await page.locator('#header-search').evaluate((input: HTMLInputElement) => {
      const style = getComputedStyle(input);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return { text: ctx.measureText(input.placeholder).width, room };
    });
    expect(fits.text).toBeLessThanOrEqual(fits.room);
  });

  test('字号和菜单按钮打开面板；不开 JavaScript 时菜单也能用', async ({ page, browser }) => {
    await largest(page);
    await page.goto('/guides/');
    await page.locator('summary', { hasText: '字号' }).click();
    await page.getByRole('button', { name: '标准' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.text)).toBe('standard');
    await page.locator('summary', { hasText: '菜单' }).click();
    await expect(page.locator('.nav-menu').getByRole('link', { name: '我要举报' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.locator('.nav-menu').getByRole('link', { name: '我要举报' })).toBeHidden();
    const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    const p2 = await noJs.newPage();
    await p2.goto('/guides/');
    await p2.locator('summary', { hasText: '菜单' }).click();
    await p2.locator('.nav-menu').getByRole('link', { name: '数据公开' }).click();
    await expect(p2).toHaveURL(/\/data\/$/);
    await noJs.close();
  });
});

test.describe('打印 A4 宣传单', () => {
  test('三篇较长的指南在特大 + 高对比度下各打印成一页，黑字白底', async ({ page }) => {
    await largest(page);
    for (const slug of ['confined-space', 'home-gas-leak', 'power-line-safety']) {
      await page.goto(`/guides/${slug}/`);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length, slug).toBe(1);
    }
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.guide-handout')).toBeVisible();
    await expect(page.locator('.prose')).toBeHidden();
    const colors = await page.locator('.guide-handout-title, .guide-handout-block li, .guide-handout-numbers strong').evaluateAll((els) => [...new Set(els.map((el) => getComputedStyle(el).color))]);
    expect(colors).toEqual(['rgb(0, 0, 0)']);
    await expect(page.locator('.guide-handout-numbers')).toContainText('95598');
  });
});

test.describe('谁在办这个网站、公用事业电话', () => {
  test('页脚和"关于本站"写明主办单位（未确认时如实说明），电力指南有 95598 和来源，其他指南没有', async ({ page }) => {
    await page.goto('/about/');
    await expect(page.locator('main .operator-info')).toContainText('主办单位');
    await expect(page.locator('.site-footer .operator-info')).toContainText('主办单位');
    await page.goto('/guides/power-line-safety/');
    const power = page.locator('.call-box [data-utility="95598"]');
    await expect(power.locator('a[href="tel:95598"]')).toBeVisible();
    await expect(power.locator('a.source-link')).toHaveAttribute('href', /^https:\/\//);
    await page.goto('/guides/drowning-six-nos/');
    await expect(page.locator('.call-box [data-utility]')).toHaveCount(0);
    await page.goto('/guides/home-gas-leak/');
    await expect(page.locator('.call-box [data-utility]')).toHaveCount(0);
  });
});

test.describe('朗读', () => {
  test('没有中文语音时说明原因', async ({ page }) => {
    await page.addInitScript(() => {
      Object.defineProperty(window.speechSynthesis, 'getVoices', { value: () => [] });
    });
    await page.goto('/guides/co-poisoning/');
    await expect(page.locator('[data-read-aloud-note]')).toContainText('没有安装中文');
    await expect(page.getByRole('button', { name: '朗读全文' })).toBeHidden();
  });

  test('先读标题和摘要，再读正文', async ({ page }) => {
    await page.addInitScript(() => {
      const spoken: string[] = [];
      (window as unknown as { spoken: string[] }).spoken = spoken;
      const voice = { lang: 'zh-CN', name: '普通话', default: true, localService: true, voiceURI: 'zh' };
      Object.defineProperty(window.speechSynthesis, 'getVoices', { value: () => [voice] });
      Object.defineProperty(window.speechSynthesis, 'speak', {
        value: (u: SpeechSynthesisUtterance) => {
          spoken.push(u.text);
          if (spoken.length < 4) setTimeout(() => u.onend?.(new Event('end') as SpeechSynthesisEvent), 0);
        },
      });
    });
    await page.goto('/guides/co-poisoning/');
    await page.getByRole('button', { name: '朗读全文' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { spoken: string[] }).spoken.length)).toBeGreaterThanOrEqual(3);
    const spoken = await page.evaluate(() => (window as unknown as { spoken: string[] }).spoken);
    expect(spoken[0]).toBe(await page.locator('article h1').textContent());
    expect(spoken[1]).toBe((await page.locator('article .lead').textContent())?.trim());
  });
});

test.describe('/data/ 与站点地图', () => {
  test('/data/ 可被收录、压缩发送，图表文字随字号变大', async ({ page, request }) => {
    const res = await request.get('/data/', { headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(res.headers()['content-encoding']).toMatch(/^(br|gzip)$/);
    expect(await res.text()).not.toContain('noindex');
    await page.goto('/data/');
    const standard = await page.locator('.bar-label').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    await page.evaluate(() => localStorage.setItem('sh-text', 'xlarge'));
    await page.reload();
    const xlarge = await page.locator('.bar-label').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(xlarge).toBeGreaterThan(standard * 1.2);
  });

  test('站点地图收录每一个案例、测验、举报和数据公开页', async ({ request }) => {
    const xml = await (await request.get('/sitemap.xml')).text();
    const paths = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname);
    // Every case in content/cases has its page in the sitemap.
    const cases = readdirSync('content/cases').filter((f) => f.endsWith('.mdx')).map((f) => `/cases/${f.replace(/\.mdx$/, '')}/`);
    expect(cases.length).toBeGreaterThan(0);
    for (const p of cases) expect(paths).toContain(p);
    for (const p of ['/quiz/', '/report/', '/data/', '/about/', '/privacy/', '/campaigns/fire-day/']) expect(paths).toContain(p);
    expect(paths).not.toContain('/quiz/exam/');
  });
});

test.describe('宣传活动主题', () => {
  test('每个活动页说明今年的主题、去年的主题或尚未核实', async ({ page }) => {
    for (const slug of ['safety-month', 'disaster-prevention-day', 'fire-day']) {
      await page.goto(`/campaigns/${slug}/`);
      const box = page.locator('.campaign-theme');
      await expect(box).toBeVisible();
      await expect(box.getByRole('heading')).toHaveText(/^\d{4} 年活动主题$/);
    }
    await page.goto('/campaigns/fire-day/');
    await expect(page.locator('.campaign-theme')).toContainText('全民消防、生命至上——安全用火用电');
    await expect(page.locator('.campaign-theme a')).toHaveAttribute('href', /zjol\.com\.cn/);
  });
});

test.describe('不开 JavaScript 的测验页', () => {
  test.use({ javaScriptEnabled: false });
  test('考试和班级测验页说明需要 JavaScript，并给出能用的链接，不显示无效表单', async ({ page }) => {
    for (const path of ['/quiz/exam/', '/quiz/class/', '/quiz/']) {
      await page.goto(path);
      await expect(page.locator('[data-no-js]').first(), path).toContainText('JavaScript');
      await expect(page.locator('[data-needs-js]').first(), path).toBeHidden();
    }
    await page.goto('/quiz/exam/');
    await page.locator('[data-no-js]').getByRole('link', { name: '证书验证' }).click();
    await expect(page).toHaveURL(/\/quiz\/verify\/$/);
  });
});
