import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';

const DIST = 'dist';

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? htmlFiles(join(dir, e.name)) : e.name.endsWith('.html') ? [join(dir, e.name)] : [],
  );
}

/** Paths the server answers itself rather than from dist/. */
const DYNAMIC = [/^\/api\//, /^\/admin\//, /^\/data\/$/];

function resolves(path: string): boolean {
  if (DYNAMIC.some((re) => re.test(path))) return true;
  const clean = decodeURIComponent(path.split('#')[0]!.split('?')[0]!);
  return existsSync(join(DIST, clean)) && (!clean.endsWith('/') || existsSync(join(DIST, clean, 'index.html')));
}

test.describe('站内链接和订阅', () => {
  test('每个页面的站内链接都指向存在的页面或文件', () => {
    const broken = new Map<string, string[]>();
    for (const file of htmlFiles(DIST)) {
      if (file.includes('server-shell')) continue;
      const html = readFileSync(file, 'utf8');
      for (const m of html.matchAll(/\s(?:href|src)="(\/[^"]*)"/g)) {
        const target = m[1]!.replace(/&amp;/g, '&');
        if (!resolves(target)) broken.set(target, [...(broken.get(target) ?? []), file.slice(DIST.length)]);
      }
    }
    const report = [...broken].map(([target, pages]) => `${target}（${new Set(pages).size} 个页面，例如 ${pages[0]}）`);
    expect(report).toEqual([]);
  });

  test('站点地图、RSS 和 robots.txt 可用', async ({ request }) => {
    const sitemap = await request.get('/sitemap.xml');
    expect(sitemap.headers()['content-type']).toContain('xml');
    const locs = [...(await sitemap.text()).matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname);
    expect(locs.length).toBeGreaterThan(60);
    for (const path of locs.slice(0, 20)) expect((await request.get(path)).status(), path).toBe(200);
    const rss = await request.get('/rss.xml');
    expect(await rss.text()).toMatch(/<rss version="2.0">[\s\S]*<item>/);
    expect(await (await request.get('/robots.txt')).text()).toMatch(/^Sitemap: https?:\/\/.+\/sitemap\.xml$/m);
  });

  test('宣传活动页和可打印海报', async ({ page }) => {
    await page.goto('/campaigns/');
    await page.getByRole('link', { name: /安全生产月/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('安全生产月');
    await expect(page.locator('.guide-list a').first()).toBeVisible();
    await page.getByRole('link', { name: /打印宣传海报/ }).click();
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.poster-qr svg')).toBeVisible();
    await expect(page.getByRole('banner')).toBeHidden();
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    // One A4 sheet: the poster must not spill onto a second page.
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBe(1);
  });
});
