import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures.ts';
import { type Page } from '@playwright/test';
import { caseSchema } from '../../content/schemas/case.ts';
import { guideSchema } from '../../content/schemas/guide.ts';
import { loadMdxCollection } from '../../content/schemas/load-mdx.ts';
import { loadQuestions } from '../../content/schemas/load-questions.ts';
import { FACET_KINDS, facetOf, facetValues, statsBy, totals } from '../../src/utils/case-facets.ts';
import { relatedQuestions } from '../../src/utils/case-questions.ts';
import { itemForWeek, weekIndex } from '../../src/utils/week.ts';
import { PHONE, watchPage } from './helpers.ts';

// Expectations come from the content itself, so the tests hold for any number of cases.
const cases = loadMdxCollection('content/cases', caseSchema).map((e) => ({ id: e.slug, data: e.data }));
const guideSlugs = new Set(loadMdxCollection('content/guides', guideSchema).map((g) => g.slug));
const questions = loadQuestions('content/questions');
const sample = cases.find((c) => c.id === 'yinchuan-2023-bbq-gas-explosion') ?? cases.find((c) => c.data.timeline.length > 0) ?? cases[0]!;
const hrefsOf = (list: typeof cases) => new Set(list.map((c) => `/cases/${c.id}/`));
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const SHOTS = 'test-results/screenshots';

async function caseLinks(page: Page, selector = 'main .case-list > li:visible .case-card-title a'): Promise<Set<string | null>> {
  return new Set(await page.locator(selector).evaluateAll((as) => as.map((a) => a.getAttribute('href'))));
}

async function scripts(page: Page, path: string): Promise<string[]> {
  const seen: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') seen.push(new URL(r.url()).pathname);
  });
  await page.goto(path);
  await page.waitForLoadState('networkidle');
  return seen;
}

test.describe('事故案例：不开 JavaScript', () => {
  test.use({ javaScriptEnabled: false, viewport: PHONE });

  test('案例库首页列出全部案例，没有失效的筛选控件', async ({ page }) => {
    await page.goto('/cases/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('事故案例');
    expect(await caseLinks(page)).toEqual(hrefsOf(cases));
    await expect(page.getByRole('search', { name: '筛选事故案例' })).toHaveCount(0);
    // Every facet value is reachable from the static navigation.
    const facetHrefs = await page.locator('nav.case-facets a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const expected = FACET_KINDS.flatMap((k) => facetValues(k, cases).map((v) => `/cases/${k}/${v.slug}/`));
    expect(new Set(facetHrefs)).toEqual(new Set(expected));
  });

  test('每个分类页恰好列出对应的案例', async ({ page }) => {
    test.setTimeout(120_000);
    for (const kind of FACET_KINDS) {
      for (const v of facetValues(kind, cases)) {
        await page.goto(`/cases/${kind}/${v.slug}/`);
        const label = `${kind}/${v.slug}`;
        expect(await caseLinks(page), label).toEqual(hrefsOf(cases.filter((c) => facetOf(kind, c.data).slug === v.slug)));
        await expect(page.locator(`nav.case-facets a[href="/cases/${kind}/${v.slug}/"]`), label).toHaveAttribute('aria-current', 'page');
      }
    }
  });

  test('首页警示案例不用 JavaScript 也显示一个', async ({ page }) => {
    await page.goto('/');
    const teaser = page.getByRole('region', { name: /警示案例/ });
    await expect(teaser.locator('article:visible')).toHaveCount(1);
    const href = await teaser.locator('article:visible h3 a').getAttribute('href');
    expect(hrefsOf(cases).has(href!)).toBe(true);
  });
});

test.describe('事故案例：筛选', () => {
  const sectorValues = facetValues('sector', cases);
  const sector = sectorValues.find((v) => v.cases.length > 1 && v.cases.length < cases.length) ?? sectorValues[0]!;

  test('按领域筛选、再加关键词，只显示符合的案例，地址可分享，可清除', async ({ page, baseURL }) => {
    const watch = watchPage(page, baseURL!);
    await page.goto('/cases/');
    const form = page.getByRole('search', { name: '筛选事故案例' });
    const status = form.getByRole('status');
    await expect(status).toHaveText(`共 ${cases.length} 起案例`);

    await form.getByLabel('行业领域').selectOption(sector.slug);
    await expect(status).toHaveText(`筛选出 ${sector.cases.length} 起案例（共 ${cases.length} 起）`);
    expect(await caseLinks(page)).toEqual(hrefsOf(sector.cases));
    await expect(page).toHaveURL(new RegExp(`[?&]sector=${sector.slug}`));

    // Category options that no longer match anything are disabled, with counts for the rest.
    const categoryOptions = await form.getByLabel('事故类别').locator('option').evaluateAll((os) =>
      (os as HTMLOptionElement[]).map((o) => ({ value: o.value, text: o.textContent, disabled: o.disabled })),
    );
    for (const o of categoryOptions.filter((x) => x.value)) {
      const n = sector.cases.filter((c) => c.data.category === o.value).length;
      expect(o.text).toContain(`（${n}）`);
      expect(o.disabled).toBe(n === 0);
    }

    // A keyword typed with the keyboard narrows further.
    const word = sector.cases[0]!.data.keywords[0] ?? sector.cases[0]!.data.place.slice(0, 2);
    await form.getByLabel('关键词').fill('');
    await form.getByLabel('关键词').pressSequentially(word);
    const byWord = sector.cases.filter((c) => [c.data.title, c.data.place, c.data.summary, ...c.data.keywords].join(' ').includes(word));
    expect(await caseLinks(page)).toEqual(hrefsOf(byWord));

    await form.getByRole('button', { name: '清除筛选' }).click();
    await expect(status).toHaveText(`共 ${cases.length} 起案例`);
    expect(await caseLinks(page)).toEqual(hrefsOf(cases));
    await expect(page).toHaveURL(/\/cases\/$/);
    watch.expectClean();
  });

  test('打开带筛选条件的地址时直接筛好；没有结果时说明', async ({ page }) => {
    const grade = facetValues('grade', cases)[0]!;
    await page.goto(`/cases/?grade=${grade.slug}`);
    const form = page.getByRole('search', { name: '筛选事故案例' });
    await expect(form.getByLabel('事故等级')).toHaveValue(grade.slug);
    expect(await caseLinks(page)).toEqual(hrefsOf(grade.cases));
    await form.getByLabel('关键词').fill('不可能出现的关键词组合');
    await expect(form.getByRole('status')).toContainText('没有符合条件的案例');
    await expect(page.locator('main .case-list > li:visible')).toHaveCount(0);
  });

  test('键盘：关键词框之后依次是各个下拉框', async ({ page }) => {
    await page.goto('/cases/');
    const form = page.getByRole('search', { name: '筛选事故案例' });
    await form.getByLabel('关键词').focus();
    for (const label of ['行业领域', '事故类别', '事故等级', '发生年份']) {
      await page.keyboard.press('Tab');
      await expect(form.getByLabel(label)).toBeFocused();
    }
  });
});

test.describe('事故案例：案例页', () => {
  test('时间线、原因链、对照检查、讨论题、来源、相关指南和测验题', async ({ page, baseURL }) => {
    const watch = watchPage(page, baseURL!);
    const loaded = await scripts(page, `/cases/${sample.id}/`);
    const d = sample.data;
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(d.title);
    expect(loaded).toEqual(['/scripts/site.js']);

    if (d.timeline.length) await expect(page.locator('ol.timeline > li')).toHaveCount(d.timeline.length);
    const chain = page.locator('ol.cause-chain > li');
    await expect(chain).toHaveCount(d.managementCauses.length ? 3 : 2);
    await expect(chain.nth(0).getByRole('heading')).toHaveText(/直接原因/);
    await expect(chain.nth(1).getByRole('heading')).toHaveText(/间接原因/);
    await expect(chain.nth(1).locator('li')).toHaveCount(d.underlyingCauses.length);
    if (d.managementCauses.length) await expect(chain.nth(2).getByRole('heading')).toHaveText(/管理原因/);
    await expect(page.locator('ul.checklist > li')).toHaveCount(d.checklist.length);
    await expect(page.getByRole('heading', { name: '班前会讨论' })).toBeVisible();
    await expect(page.getByRole('heading', { name: '依据和来源' })).toBeVisible();
    await expect(page.locator('.sources li')).toHaveCount(d.sources.length);

    const guides = await page.locator('section[aria-labelledby="guides-title"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(guides).toEqual(d.relatedGuides.filter((g) => guideSlugs.has(g)).map((g) => `/guides/${g}/`));

    const qs = relatedQuestions(d, questions);
    const quiz = page.getByRole('region', { name: '练一练' });
    if (qs.length) {
      await expect(quiz.locator('.quiz-stem')).toHaveCount(qs.length);
      await expect(quiz.getByRole('link', { name: /^练习/ })).toHaveAttribute('href', /^\/quiz\/\?audience=[a-z]+(&topic=[^&#]+)?#practice$/);
      const first = quiz.locator('details').first();
      await first.getByText('看答案和解析').click();
      await expect(first).toContainText(qs[0]!.explanation);
    } else {
      await expect(quiz).toHaveCount(0);
    }

    await expect(page.locator('[data-pagefind-filter="类型"]')).toHaveText('事故案例');
    await expect(page.locator('[data-pagefind-filter="领域"]')).toHaveText(facetOf('sector', d).name);
    // Only figures the source states: a missing one says so instead of a number.
    const facts = page.locator('dl.case-facts');
    await expect(facts).toContainText(d.deaths !== undefined ? `${d.deaths} 人` : '来源未写明');
    watch.expectClean();
  });

  test('每个案例都有案例页和班前会讲义', async ({ request }) => {
    for (const c of cases) {
      for (const path of [`/cases/${c.id}/`, `/cases/${c.id}/handout/`]) {
        const res = await request.get(path);
        expect(res.status(), path).toBe(200);
        const html = await res.text();
        expect(html, path).toContain(c.data.title.replace(/"/g, '&quot;'));
      }
    }
  });

  test('班前会讲义：讨论题、检查表、二维码；打印时隐藏导航和按钮', async ({ page }) => {
    const d = sample.data;
    await page.goto(`/cases/${sample.id}/handout/`);
    await expect(page.locator('.discussion-list > li')).toHaveCount(d.discussion.length);
    expect(d.discussion.length).toBeGreaterThanOrEqual(3);
    expect(d.discussion.length).toBeLessThanOrEqual(5);
    await expect(page.locator('table.check-table tbody tr')).toHaveCount(d.checklist.length);
    await expect(page.getByRole('button', { name: '打印讲义' })).toBeVisible();

    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.handout-foot svg')).toBeVisible();
    await expect(page.getByRole('navigation', { name: '主导航' })).toBeHidden();
    await expect(page.getByRole('button', { name: '打印讲义' })).toBeHidden();
    await expect(page.locator('.answer-lines').first()).toBeVisible();
    mkdirSync(SHOTS, { recursive: true });
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.screenshot({ path: `${SHOTS}/handout-print.png`, fullPage: true });
    await page.pdf({ format: 'A4', path: `${SHOTS}/handout.pdf` });
  });

  // Printing a PDF per handout took 1–2 minutes. Instead: lay every handout out once in print media
  // at the A4 content width and measure its height (fast), then print real PDFs of the tallest ones
  // and the shortest one, and check that the measurement predicts their page counts.
  test('每份讲义打印成 A4 都不超过 3 页', async ({ page }) => {
    test.setTimeout(60_000);
    // @page { size: A4; margin: 15mm 15mm 18mm } (src/styles/print.css): content box 180 × 264 mm.
    const mm = 96 / 25.4;
    const pageWidth = Math.floor(180 * mm);
    const pageHeight = 264 * mm;
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: pageWidth, height: Math.round(pageHeight) });
    const heights: { id: string; height: number }[] = [];
    for (const c of cases) {
      // 'load': the stylesheets are applied (at DOMContentLoaded a busy machine may still lay the page
      // out unstyled, which measured one handout at 4.6 pages).
      await page.goto(`/cases/${c.id}/handout/`, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      heights.push({ id: c.id, height: await page.evaluate(() => document.documentElement.scrollHeight) });
    }
    const estimate = (h: number) => Math.max(1, Math.ceil(h / pageHeight));
    const tallestFirst = [...heights].sort((a, b) => b.height - a.height);
    // Layout cannot break inside rows and list items, so real pages may add a little; keep 10% headroom.
    for (const { id, height } of heights) expect(height / pageHeight, `${id} 的打印高度约 ${(height / pageHeight).toFixed(2)} 页`).toBeLessThanOrEqual(2.9);

    const counted = async (id: string) => {
      await page.goto(`/cases/${id}/handout/`, { waitUntil: 'domcontentloaded' });
      const pdf = await page.pdf({ format: 'A4' });
      return pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    };
    const checked = [...tallestFirst.slice(0, 3), tallestFirst.at(-1)!];
    for (const { id, height } of checked) {
      const pages = await counted(id);
      expect(pages, `${id} 实际页数`).toBeGreaterThanOrEqual(1);
      expect(pages, `${id} 实际页数`).toBeLessThanOrEqual(3);
      // The measurement is a faithful proxy: at most one page of difference from the real PDF.
      expect(Math.abs(pages - estimate(height)), `${id}：估计 ${estimate(height)} 页，实际 ${pages} 页`).toBeLessThanOrEqual(1);
    }
  });
});

test.describe('事故案例：站内搜索', () => {
  test('用"事故案例"类型筛选能搜到案例', async ({ page }) => {
    const word = sample.data.keywords[1] ?? sample.data.keywords[0] ?? sample.data.place;
    await page.goto(`/search/?q=${encodeURIComponent(word)}&${encodeURIComponent('类型')}=${encodeURIComponent('事故案例')}`);
    await expect(page.locator('[data-search-status]')).toHaveText(/^找到/);
    await expect(page.locator('select[data-filter="类型"]')).toHaveValue('事故案例');
    await expect(page.locator(`[data-search-results] a[href="/cases/${sample.id}/"]`)).toHaveCount(1);
    // With the filter on, every result is a case.
    const hrefs = await page.locator('[data-search-results] h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const href of hrefs) expect(href).toMatch(/^\/cases\/[^/]+\/$/);
  });
});

test.describe('事故案例：统计', () => {
  test('每张图都是带标题和说明的 SVG，数据表与内容一致，不加载图表脚本', async ({ page }) => {
    const loaded = await scripts(page, '/cases/stats/');
    expect(loaded).toEqual(['/scripts/site.js']);
    const sum = totals(cases);
    await expect(page.locator('.page-head .lead')).toContainText(`收录 ${sum.cases} 起`);
    await expect(page.locator('.page-head .lead')).toContainText(`合计死亡 ${sum.deaths} 人`);
    const charts = page.locator('svg.bar-chart');
    await expect(charts).toHaveCount(8);
    for (const svg of await charts.all()) {
      await expect(svg).toHaveAttribute('role', 'img');
      const name = await svg.evaluate((el) =>
        (el.getAttribute('aria-labelledby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join('|'),
      );
      expect(name).toMatch(/^按.+统计的(案例数|死亡人数)\|.+ (\d+ (起|人)|来源未写明)/);
    }
    for (const kind of ['category', 'sector', 'grade', 'year'] as const) {
      const rows = statsBy(kind, cases);
      const section = page.locator(`section[aria-labelledby="by-${kind}"]`);
      await section.locator('summary').click();
      const cells = await section.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '')),
      );
      // Unknown death tolls read "来源未写明" (null), never 0.
      expect(cells.map((r) => [r[0], Number(r[1]), r[2] === '来源未写明' ? null : Number.parseInt(r[2]!, 10)])).toEqual(rows.map((r) => [r.name, r.cases, r.deaths]));
      await expect(section.locator('svg.bar-chart').first().locator('rect.chart-bar')).toHaveCount(rows.filter((r) => r.cases > 0).length);
    }
  });
});

test.describe('首页警示案例按周轮换', () => {
  const ordered = [...cases].sort((a, b) => a.id.localeCompare(b.id));
  for (const weeksAhead of [0, 3]) {
    test(`${weeksAhead} 周后显示那一周的案例`, async ({ page }) => {
      const when = new Date(Date.now() + weeksAhead * 7 * 86_400_000);
      await page.clock.setFixedTime(when);
      await page.goto('/');
      const teaser = page.getByRole('region', { name: /警示案例/ });
      await expect(teaser.locator('article:visible')).toHaveCount(1);
      const expected = itemForWeek(ordered, weekIndex(when))!;
      await expect(teaser.locator('article:visible h3 a')).toHaveAttribute('href', `/cases/${expected.id}/`);
    });
  }
});

test.describe('事故案例：无障碍和手机显示', () => {
  const facet = facetValues('category', cases)[0]!;
  const pages = ['/cases/', `/cases/category/${facet.slug}/`, `/cases/${sample.id}/`, '/cases/stats/', `/cases/${sample.id}/handout/`];

  for (const path of pages) {
    test(`${path} 没有 axe 违规（标准和特大字号高对比度）`, async ({ page }) => {
      await page.goto(path);
      if (path === '/cases/') await page.getByRole('search', { name: '筛选事故案例' }).getByLabel('行业领域').selectOption({ index: 1 });
      await page.locator('details').evaluateAll((ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
      let results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await page.evaluate(() => {
        localStorage.setItem('sh-text', 'xlarge');
        localStorage.setItem('sh-contrast', 'high');
      });
      await page.reload();
      results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
      expect(results.violations.map((v) => `高对比度 ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    });
  }

  test('手机宽度、大字号、高对比度下不出现横向滚动（截图存入 test-results/screenshots）', async ({ browser }) => {
    const context = await browser.newContext({ viewport: PHONE });
    await context.addInitScript(() => {
      localStorage.setItem('sh-text', 'large');
      localStorage.setItem('sh-contrast', 'high');
    });
    const page = await context.newPage();
    mkdirSync(SHOTS, { recursive: true });
    for (const [name, path] of [['index', '/cases/'], ['case', `/cases/${sample.id}/`], ['stats', '/cases/stats/'], ['handout', `/cases/${sample.id}/handout/`], ['home', '/']] as const) {
      await page.goto(path);
      const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
      expect(scroll, path).toBeLessThanOrEqual(width);
      await page.screenshot({ path: `${SHOTS}/cases-${name}-390.png`, fullPage: true });
    }
    await context.close();
  });
});
