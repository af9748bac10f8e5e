import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { operatorLines, operatorSchema, operatorWarning, type Operator } from '../../config/operator.ts';
import { GAS_EMERGENCY, POWER_SERVICE, utilityNumbersFor, type UtilityNumber } from '../../config/utilities.ts';
import { compressHtml, MIN_COMPRESS_BYTES } from '../../api/middleware/compress.ts';
import { countText } from '../../api/views/data-charts.ts';
import { PageShell } from '../../api/views/shell.ts';
import { html } from '../../api/views/html.ts';
import { firstSentence, handoutSections, MAX_HANDOUT_CHARS, MAX_POINT_CHARS } from '../../src/utils/handout.ts';
import { beijingYear, CAMPAIGNS, themeFor } from '../../src/utils/campaigns.ts';
import { publicPaths, sitemapXml } from '../../scripts/sitemap.ts';
import { loadMdxCollection } from '../../content/schemas/load-mdx.ts';
import { guideSchema } from '../../content/schemas/guide.ts';

const EMPTY: Operator = { host: null, organiser: null, address: null, phone: null, hours: null, icp: null, policeRecord: null };

describe('主办单位（config/operator.ts）', () => {
  it('没有确认时说实话，并在启动时提醒', () => {
    expect(operatorLines(EMPTY)).toEqual([{ label: '主办单位', value: '主办单位信息待县应急管理局确认后公布' }]);
    expect(operatorWarning(EMPTY)).toMatch(/config\/operator\.ts/);
  });
  it('填写后只显示填了的项目，不再提醒', () => {
    const op: Operator = { ...EMPTY, host: '某某单位', phone: '0531-12345678' };
    expect(operatorLines(op)).toEqual([
      { label: '主办单位', value: '某某单位' },
      { label: '办公电话', value: '0531-12345678' },
    ]);
    expect(operatorWarning(op)).toBeNull();
  });
  it('电话和备案号格式不对时拒绝', () => {
    expect(operatorSchema.safeParse({ ...EMPTY, phone: '0531-1234567' }).success).toBe(true);
    expect(operatorSchema.safeParse({ ...EMPTY, phone: '12345-abc' }).success).toBe(false);
    expect(operatorSchema.safeParse({ ...EMPTY, icp: '鲁ICP备12345678号' }).success).toBe(true);
    expect(operatorSchema.safeParse({ ...EMPTY, icp: '12345678号' }).success).toBe(false);
  });
});

describe('公用事业电话（config/utilities.ts）', () => {
  const gas: UtilityNumber = { number: '0531-00000000', label: '燃气抢修', use: '燃气泄漏', sectors: ['gas'], source: POWER_SERVICE.source };
  it('电力领域的指南显示 95598，其他不显示', () => {
    expect(utilityNumbersFor(['electric_power']).map((u) => u.number)).toEqual(['95598']);
    expect(utilityNumbersFor(['fire'])).toEqual([]);
  });
  it('燃气抢修电话只在填写后、且只在燃气指南上显示', () => {
    expect(GAS_EMERGENCY).toBeNull();
    expect(utilityNumbersFor(['gas'])).toEqual([]);
    expect(utilityNumbersFor(['gas'], gas).map((u) => u.number)).toEqual(['0531-00000000']);
    expect(utilityNumbersFor(['electric_power'], gas).map((u) => u.number)).toEqual(['95598']);
  });
});

describe('A4 宣传单（src/utils/handout.ts）', () => {
  const guides = loadMdxCollection('content/guides', guideSchema);
  it('每篇指南的要点都在字数预算之内，每条不超过上限', () => {
    for (const g of guides) {
      const sections = handoutSections(g.body);
      expect(sections.length, g.slug).toBeGreaterThan(0);
      const items = sections.flatMap((s) => s.items);
      expect(items.join('').length, g.slug).toBeLessThanOrEqual(MAX_HANDOUT_CHARS);
      for (const i of items) expect(i.length, `${g.slug}: ${i}`).toBeLessThanOrEqual(MAX_POINT_CHARS + 1);
    }
  });
  it('长句在分句处截断，截不开的不用', () => {
    expect(firstSentence('先通风。再救人。')).toBe('先通风。');
    expect(firstSentence(`${'很'.repeat(30)}，${'长'.repeat(40)}`)).toBe(`${'很'.repeat(30)}。`);
    expect(firstSentence('长'.repeat(80))).toBeNull();
  });
});

describe('宣传活动主题', () => {
  const theme = { year: 2025, theme: '示例主题', source: POWER_SERVICE.source };
  it('有今年的用今年的，没有就用去年的并说明，都没有就说还没核实', () => {
    expect(themeFor({ themes: [theme] }, 2025).kind).toBe('current');
    expect(themeFor({ themes: [theme] }, 2026)).toMatchObject({ kind: 'previous', year: 2026 });
    expect(themeFor({ themes: [theme] }, 2027).kind).toBe('none');
  });
  it('北京时间跨年', () => {
    expect(beijingYear(new Date('2025-12-31T16:30:00Z'))).toBe(2026);
    expect(beijingYear(new Date('2025-12-31T15:30:00Z'))).toBe(2025);
  });
  it('每个主题都有来源网址', () => {
    for (const c of CAMPAIGNS) for (const t of c.themes) expect(t.source.url).toMatch(/^https?:\/\//);
  });
});

describe('/data/ 图表', () => {
  it('0 显示为 0，被隐藏的少数显示"少于3"', () => {
    expect(countText(0)).toBe('0');
    expect(countText(null)).toBe('少于3');
    expect(countText(1234)).toBe('1,234');
  });
});

describe('服务器页面压缩', () => {
  const big = `<!doctype html><p>${'安全'.repeat(MIN_COMPRESS_BYTES)}</p>`;
  const app = new Hono();
  app.use('*', compressHtml());
  app.get('/page', (c) => c.html(big));
  app.get('/small', (c) => c.html('<p>小</p>'));
  app.get('/secret', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.html(big);
  });
  it('接受 br 时用 br，只接受 gzip 时用 gzip，都不接受时原样', async () => {
    const br = await app.request('/page', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(big);
    const gz = await app.request('/page', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(big);
    const plain = await app.request('/page');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(big);
    expect(plain.headers.get('vary')).toMatch(/Accept-Encoding/);
  });
  it('太小的页面和 no-store 页面（含查询码等秘密）不压缩', async () => {
    const small = await app.request('/small', { headers: { 'Accept-Encoding': 'br' } });
    expect(small.headers.get('content-encoding')).toBeNull();
    const secret = await app.request('/secret', { headers: { 'Accept-Encoding': 'br' } });
    expect(secret.headers.get('content-encoding')).toBeNull();
  });
});

describe('服务器页面外壳', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shell-'));
  mkdirSync(join(dir, 'server-shell'));
  writeFileSync(join(dir, 'server-shell', 'index.html'), '<html><head><title>__PAGE_TITLE__</title><meta name="robots" content="noindex"></head><body><!--PAGE_BODY--></body></html>');
  const shell = new PageShell(dir);
  it('默认不让搜索引擎收录，renderIndexable 的页面（/data/）可以收录', () => {
    expect(shell.render({ title: 't', body: html`x` })).toContain('noindex');
    expect(shell.renderIndexable({ title: 't', body: html`x` })).not.toContain('noindex');
  });
  it('标题里的 $& 不会展开成模板片段', () => {
    expect(shell.render({ title: '搜索"$&"', body: html`x` })).toContain('<title>搜索&quot;$&amp;&quot;</title>');
  });
});

describe('站点地图', () => {
  it('收录构建出的公开页面和服务器页面，不收 noindex 页面和模板', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitemap-'));
    for (const [path, body] of [
      ['index.html', '<p>home</p>'],
      ['cases/a/index.html', '<p>case</p>'],
      ['quiz/exam/index.html', '<meta name="robots" content="noindex">'],
      ['server-shell/index.html', '<p>shell</p>'],
    ] as const) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), body);
    }
    expect(publicPaths(dir)).toEqual(['/', '/cases/a/', '/data/']);
    expect(sitemapXml('https://example.cn', ['/a&b/'], new Map([['/a&b/', '2026-01-01']]))).toContain('<loc>https://example.cn/a&amp;b/</loc><lastmod>2026-01-01</lastmod>');
  });
});

describe('GET /search/（不需要构建好的网站也能用）', async () => {
  const { createApp } = await import('../../api/app.ts');
  const { openDb } = await import('../../api/db/client.ts');
  const dir = mkdtempSync(join(tmpdir(), 'search-app-'));
  const { app } = await createApp({ db: await openDb(':memory:'), siteDir: dir, dataDir: dir, reporting: { onRecoveryKey: () => {} } });
  it('整句问题直接得到结果页；过长的问题截短；未知筛选值被忽略', async () => {
    const res = await app.request(`/search/?q=${encodeURIComponent('三轮车拉人上国道')}&${encodeURIComponent('类型')}=bogus`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('href="/guides/rural-road-safety/"');
    const long = await app.request(`/search/?q=${encodeURIComponent('火'.repeat(200))}`);
    expect(await long.text()).toContain(`"${'火'.repeat(60)}"`);
  });
  it('$& 出现在问题里时原样显示', async () => {
    const body = await (await app.request(`/search/?q=${encodeURIComponent('$&煤气')}`)).text();
    expect(body).toContain('$&amp;煤气');
  });
});
