import { expect, test } from './fixtures.ts';
import { type Page } from '@playwright/test';
import { PHONE } from './helpers.ts';

/** Realistic resident queries → guides that must appear in the top 3 (any one of the listed). */
const QUERIES: [string, string[]][] = [
  ['煤气中毒', ['co-poisoning']],
  ['一氧化碳中毒', ['co-poisoning']],
  ['烧炉子取暖', ['co-poisoning', 'coal-to-gas-heater']],
  ['电动车充电', ['ebike-charging']],
  ['电瓶车进楼道', ['ebike-charging']],
  ['孩子溺水', ['drowning-six-nos']],
  ['防溺水六不', ['drowning-six-nos']],
  ['有限空间', ['confined-space', 'confined-space-rescue']],
  ['粪池中毒', ['confined-space-rescue', 'confined-space']],
  ['灭火器怎么用', ['fire-extinguisher']],
  ['消火栓', ['fire-extinguisher']],
  ['高楼着火', ['high-rise-fire-escape']],
  ['火灾逃生', ['high-rise-fire-escape', 'school-fire-drill']],
  ['燃气泄漏怎么办', ['home-gas-leak']],
  ['天然气漏气', ['home-gas-leak']],
  ['液化气罐', ['lpg-cylinder']],
  ['饭店燃气', ['restaurant-gas']],
  ['壁挂炉', ['coal-to-gas-heater']],
  ['心肺复苏', ['cpr-aed']],
  ['AED', ['cpr-aed']],
  ['打120怎么说', ['emergency-calls']],
  ['电梯困人', ['elevator-entrapment']],
  ['触电急救', ['household-electricity', 'rural-electricity']],
  ['漏电保护器', ['rural-electricity', 'household-electricity']],
  ['地震怎么办', ['earthquake']],
  ['暴雨', ['flood-rainstorm']],
  ['自建房', ['self-built-house']],
  ['拖拉机上路', ['farm-machine-road']],
  ['收割机', ['harvester-operation']],
  ['农药中毒', ['pesticide-safety']],
  ['骑电动车戴头盔', ['ebike-helmet']],
  ['校车', ['school-bus']],
  ['踩踏', ['campus-stampede', 'large-events']],
  ['冰面', ['winter-ice-safety']],
  ['秸秆着火', ['straw-fire-prevention']],
  ['粉尘爆炸', ['dust-explosion']],
  ['液氨泄漏', ['ammonia-refrigeration']],
  ['动火作业', ['hot-work']],
  ['危险化学品储存', ['hazchem-storage']],
  ['化工厂泄漏怎么跑', ['chemical-leak-evacuation']],
  ['高处坠落', ['fall-from-height']],
  ['叉车', ['forklift']],
  ['中暑', ['heatstroke']],
  ['打雷', ['lightning']],
  ['放鞭炮', ['fireworks']],
];

async function topResults(page: Page, q: string): Promise<string[]> {
  await page.goto(`/search/?q=${encodeURIComponent(q)}`);
  const status = page.locator('[data-search-status]');
  await expect(status).toHaveText(/^(找到|没有找到)/, { timeout: 10_000 });
  return page.locator('.result h2 a').evaluateAll((as) => as.slice(0, 3).map((a) => a.getAttribute('href') ?? ''));
}

test.describe('中文搜索', () => {
  test(`${QUERIES.length} 个群众常用查询都能在前 3 条找到对应指南`, async ({ page }) => {
    test.setTimeout(180_000);
    const misses: string[] = [];
    for (const [q, expected] of QUERIES) {
      const top = await topResults(page, q);
      if (!top.some((href) => expected.some((slug) => href === `/guides/${slug}/`))) misses.push(`${q} → ${top.join(' ') || '（无结果）'}`);
    }
    expect(misses, '没有在前 3 条找到的查询').toEqual([]);
  });

  test('手机宽度下按对象筛选，结果带高亮摘要', async ({ page }) => {
    await page.setViewportSize(PHONE);
    await topResults(page, '火灾');
    await page.getByLabel('对象').selectOption('学校');
    await expect(page.locator('[data-search-status]')).toHaveText(/^找到/);
    await expect(page).toHaveURL(/%E5%AF%B9%E8%B1%A1=/);
    await expect(page.locator('.result mark').first()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  test('没有结果时给出中文提示和建议', async ({ page }) => {
    await topResults(page, 'qwxzvk');
    await expect(page.locator('[data-search-status]')).toHaveText(/没有找到/);
    await expect(page.getByText('换一个说法')).toBeVisible();
    await expect(page.getByRole('link', { name: '煤气中毒' })).toBeVisible();
  });

  test('从页头搜索框搜索', async ({ page }) => {
    await page.goto('/guides/');
    await page.getByRole('search', { name: '搜索安全知识' }).first().getByRole('searchbox').fill('煤气中毒');
    await page.getByRole('search', { name: '搜索安全知识' }).first().getByRole('button', { name: '搜索' }).click();
    await expect(page).toHaveURL(/\/search\/\?q=/);
    await expect(page.locator('.result').first()).toBeVisible();
  });
});

test.describe('搜索页不开 JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('说明需要 JavaScript，并给出按对象、按领域浏览的链接；不显示无效的筛选框', async ({ page }) => {
    await page.goto('/search/?q=%E7%81%AB%E7%81%BE');
    await expect(page.getByText('搜索需要浏览器开启 JavaScript')).toBeVisible();
    await expect(page.getByRole('link', { name: '进学校' })).toBeVisible();
    await expect(page.getByLabel('对象')).toBeHidden();
  });
});
