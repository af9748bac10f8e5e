import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const DIST = 'dist';

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

  test('统计页：来源没写死亡人数的年份显示“来源未写明”，不是 0 人', async ({ page }) => {
    await page.goto('/cases/stats/');
    const chart = page.locator('svg[aria-labelledby^="chart-year-deaths-"]');
    await expect(chart.locator('text', { hasText: '来源未写明' })).toHaveCount(1);
    await page.getByText('查看数据表：按发生年份').click();
    const row2011 = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '2011年', exact: true }) });
    await expect(row2011).toContainText('来源未写明');
    await expect(row2011).not.toContainText('0 人');
  });

  test('案例事实栏保留“余”“约”，等级写明由谁归类；转载来源标明', async ({ page }) => {
    await page.goto('/cases/nanjing-2024-ebike-residential-fire/');
    await expect(page.locator('.case-facts')).toContainText('3,300 余万元');
    await expect(page.locator('.sources')).toContainText('这是转载页面');
    await page.goto('/cases/sanmenxia-2022-farm-tricycle-rollover/');
    await expect(page.locator('.case-facts')).toContainText('本站按《生产安全事故报告和调查处理条例》第三条对照死亡人数归类');
  });

  test('指南页显示安全要点复核情况', async ({ page }) => {
    await page.goto('/guides/heatstroke/');
    await expect(page.locator('.review-state')).toContainText(/安全要点复核：\d{4}-\d{2}-\d{2}|安全要点尚待第二人复核/);
    await expect(page.locator('article')).toContainText('冷水浸泡是首选');
  });
});
