import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures.ts';
import { AUDIENCES, SECTORS } from '../../config/taxonomy.ts';
import { guideSchema } from '../../content/schemas/guide.ts';
import { loadMdxCollection } from '../../content/schemas/load-mdx.ts';
import { PHONE, watchPage } from './helpers.ts';

const guides = loadMdxCollection('content/guides', guideSchema);
const sample = guides.find((g) => g.slug === 'co-poisoning') ?? guides[0]!;

test.describe('安全知识', () => {
  test('覆盖要求：至少 60 篇，每个领域至少 3 篇，每类对象至少 10 篇，每篇都有来源', () => {
    expect(guides.length).toBeGreaterThanOrEqual(60);
    for (const s of SECTORS) expect(guides.filter((g) => g.data.sectors.includes(s.code)).length, s.name).toBeGreaterThanOrEqual(3);
    for (const a of AUDIENCES) expect(guides.filter((g) => g.data.audiences.includes(a.code)).length, a.name).toBeGreaterThanOrEqual(10);
    for (const g of guides) expect(g.data.sources.length, g.slug).toBeGreaterThan(0);
  });

  test('指南页：目录、来源、紧急电话，除页面设置脚本外不加载 JavaScript', async ({ page, baseURL }) => {
    const watch = watchPage(page, baseURL!);
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`/guides/${sample.slug}/`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(sample.data.title);
    await expect(page.getByRole('navigation', { name: '本文目录' })).toBeVisible();
    await expect(page.getByRole('heading', { name: '依据和来源' })).toBeVisible();
    await expect(page.getByRole('complementary', { name: '紧急情况，马上打电话' }).getByRole('link', { name: /119/ })).toBeVisible();
    const firstToc = page.getByRole('navigation', { name: '本文目录' }).getByRole('link').first();
    await firstToc.click();
    await expect(page).toHaveURL(/#/);
    await page.waitForLoadState('networkidle');
    expect(scripts).toEqual(['/scripts/site.js']);
    watch.expectClean();
  });

  test('按对象和按领域的页面恰好列出对应指南（不开 JavaScript 也能用）', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    const page = await context.newPage();
    for (const a of AUDIENCES) {
      await page.goto(`/guides/audience/${a.slug}/`);
      const hrefs = new Set(await page.locator('main .guide-list a').evaluateAll((as) => as.map((x) => x.getAttribute('href'))));
      const expected = new Set(guides.filter((g) => g.data.audiences.includes(a.code)).map((g) => `/guides/${g.slug}/`));
      expect(hrefs, a.name).toEqual(expected);
    }
    for (const s of SECTORS) {
      await page.goto(`/guides/sector/${s.slug}/`);
      const hrefs = new Set(await page.locator('main .guide-list a').evaluateAll((as) => as.map((x) => x.getAttribute('href'))));
      const expected = new Set(guides.filter((g) => g.data.sectors.includes(s.code)).map((g) => `/guides/${g.slug}/`));
      expect(hrefs, s.name).toEqual(expected);
    }
    await context.close();
  });

  test('打印时只印一页宣传单（带二维码），隐藏导航、工具和全文', async ({ page }) => {
    await page.goto(`/guides/${sample.slug}/`);
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.guide-handout-foot svg')).toBeVisible();
    await expect(page.locator('.prose')).toBeHidden();
    await expect(page.getByRole('navigation', { name: '主导航' })).toBeHidden();
    await expect(page.getByRole('navigation', { name: '本文目录' })).toBeHidden();
  });

  test('朗读按钮在没有中文语音时隐藏', async ({ page }) => {
    await page.addInitScript(() => {
      Object.defineProperty(window.speechSynthesis, 'getVoices', { value: () => [] });
    });
    await page.goto(`/guides/${sample.slug}/`);
    await expect(page.getByRole('button', { name: '朗读全文' })).toBeHidden();
  });

  test('朗读按钮在有中文语音时出现并可开始、停止', async ({ page }) => {
    await page.addInitScript(() => {
      const spoken: string[] = [];
      (window as unknown as { __spoken: string[] }).__spoken = spoken;
      const fake = {
        getVoices: () => [{ lang: 'zh-CN', name: '中文', default: true, localService: true, voiceURI: 'zh' }],
        speak: (u: SpeechSynthesisUtterance) => spoken.push(u.text),
        cancel: () => undefined,
        addEventListener: () => undefined,
      };
      Object.defineProperty(window, 'speechSynthesis', { value: fake });
    });
    await page.goto(`/guides/${sample.slug}/`);
    const button = page.getByRole('button', { name: '朗读全文' });
    await button.click();
    await expect(page.getByRole('button', { name: '停止朗读' })).toHaveAttribute('aria-pressed', 'true');
    const spoken = await page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken);
    expect(spoken[0]?.length).toBeGreaterThan(0);
    await page.getByRole('button', { name: '停止朗读' }).click();
    await expect(page.getByRole('button', { name: '朗读全文' })).toHaveAttribute('aria-pressed', 'false');
  });
});

test.describe('无障碍（axe-core，WCAG 2.2 A/AA）', () => {
  const pages = ['/', '/guides/', `/guides/${sample.slug}/`, '/guides/audience/school/', '/guides/sector/fire/', '/search/?q=火灾'];
  for (const path of pages) {
    test(`${path} 没有违规`, async ({ page }) => {
      await page.goto(path);
      if (path.startsWith('/search/')) await expect(page.locator('[data-search-status]')).toHaveText(/^找到/);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    });
  }
  test('高对比度、特大字号下首页和指南没有违规', async ({ page }) => {
    await page.addInitScript(() => {
      localStorage.setItem('sh-text', 'xlarge');
      localStorage.setItem('sh-contrast', 'high');
    });
    for (const path of ['/', `/guides/${sample.slug}/`]) {
      await page.goto(path);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
      expect(results.violations.map((v) => `${path} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
  });
});

test('指南的配套练习链接打开预选好对象和主题的练习', async ({ page }) => {
  await page.goto('/guides/drowning-six-nos/');
  await page.getByRole('link', { name: /^练习"/ }).click();
  await expect(page).toHaveURL(/\/quiz\/\?audience=/);
  const topic = new URL(page.url()).searchParams.get('topic')!;
  await expect(page.locator('#practice-topic')).toHaveValue(topic);
  await expect(page.locator('#practice-audience')).toHaveValue(new URL(page.url()).searchParams.get('audience')!);
});
