import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';
import { caseSchema } from '../../content/schemas/case.ts';
import { loadMdxCollection } from '../../content/schemas/load-mdx.ts';
import { deathsText, statsBy } from '../../src/utils/case-facets.ts';

const DIST = 'dist';
const cases = loadMdxCollection('content/cases', caseSchema).map((e) => ({ id: e.slug, data: e.data }));

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? htmlFiles(join(dir, e.name)) : e.name.endsWith('.html') ? [join(dir, e.name)] : [],
  );
}

/** The text a reader sees: no scripts, styles, tags or comments. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&');
}

test.describe('内容渲染', () => {
  test('没有任何页面显示 Markdown 的 ** 或 __ 标记', () => {
    const leftovers: string[] = [];
    for (const file of htmlFiles(DIST)) {
      const text = visibleText(readFileSync(file, 'utf8'));
      // ** anywhere, or a __pair__ around words; long runs of underscores are fill-in blanks on handouts.
      for (const m of text.matchAll(/.{0,12}(\*\*|(?<!_)__[^_\s][^_]*?[^_\s]__(?!_)).{0,12}/g)) leftovers.push(`${file.slice(DIST.length)}：${m[0].trim()}`);
    }
    expect(leftovers).toEqual([]);
  });

  test('中文标点旁的加粗在浏览器里显示为粗体', async ({ page }) => {
    await page.goto('/guides/drowning-six-nos/');
    await expect(page.locator('article strong', { hasText: '“六不”' })).toBeVisible();
    await expect(page.locator('article strong', { hasText: '千万不要手拉手结“人链”去拉落水的同伴。' })).toBeVisible();
    await page.goto('/guides/cpr-aed/');
    await expect(page.locator('article strong', { hasText: '因自愿实施紧急救助行为造成受助人损害的，救助人不承担民事责任。' })).toBeVisible();
    await expect(page.locator('article')).toContainText('5～6 厘米');
    await expect(page.locator('article')).toContainText('每分钟 100～120 次');
  });

  test('统计页：按年份的死亡人数与案例数据一致，来源没写的显示“来源未写明”，不当成 0 人', async ({ page }) => {
    await page.goto('/cases/stats/');
    const rows = statsBy('year', cases);
    await page.getByText('查看数据表：按发生年份').click();
    for (const r of rows) {
      const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: r.name, exact: true }) });
      await expect(row).toContainText(deathsText(r));
      if (r.deaths === null) await expect(row).not.toContainText('0 人');
    }
    const unknownYears = rows.filter((r) => r.deaths === null).length;
    const chart = page.locator('svg[aria-labelledby^="chart-year-deaths-"]');
    await expect(chart.locator('text', { hasText: '来源未写明' })).toHaveCount(unknownYears);
  });

  test('案例事实栏保留“余”“约”；转载来源标明', async ({ page }) => {
    await page.goto('/cases/changchun-2021-wedding-studio-fire/');
    await expect(page.locator('.case-facts')).toContainText('3,700 余万元');
    await page.goto('/cases/shiyan-2021-market-gas-explosion/');
    await expect(page.locator('.case-facts')).toContainText('约 5,395.41 万元');
    await page.goto('/guides/heatstroke/');
    await expect(page.locator('.sources')).toContainText('这是转载页面');
  });

  test('指南页显示安全要点复核情况', async ({ page }) => {
    await page.goto('/guides/heatstroke/');
    await expect(page.locator('.review-state')).toContainText(/安全要点复核：\d{4}-\d{2}-\d{2}|安全要点尚待第二人复核/);
    await expect(page.locator('article')).toContainText('冷水浸泡是首选');
  });
});
