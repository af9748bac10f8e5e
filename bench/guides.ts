// Guides and search benchmark (issue 3): build scaling at 1×, 4×, 16× content, bytes per page type,
// Pagefind bytes per query, and Lighthouse mobile scores. Budgets are reported, not asserted.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { fmt, kb, median, startServer, stopServer, table } from './lib.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const SCALES = (process.env.BENCH_SCALES ?? '1,4,16').split(',').map(Number);
const PORT = process.env.BENCH_PORT ?? '4811';
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const GUIDE_BUDGET = 35 * 1024;

/** Synthetic content: every guide and case copied `factor` times under new slugs. */
function syntheticContent(factor: number): string {
  const root = mkdtempSync(join(tmpdir(), `bench-content-${factor}x-`));
  for (const kind of ['guides', 'cases']) {
    mkdirSync(join(root, kind));
    for (const file of readdirSync(join('content', kind)).filter((f) => f.endsWith('.mdx'))) {
      const text = readFileSync(join('content', kind, file), 'utf8');
      for (let k = 0; k < factor; k++) {
        const name = k === 0 ? file : file.replace(/\.mdx$/, () => `-copy${k}.mdx`);
        // Copies keep their relations valid: relatedGuides point at the originals.
        writeFileSync(join(root, kind, name), text);
      }
    }
  }
  cpSync(join('content', 'questions'), join(root, 'questions'), { recursive: true });
  return root;
}

function countPages(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countPages(join(dir, e.name));
    else if (e.name.endsWith('.html')) n++;
  }
  return n;
}

/**
 * Astro's content cache (.astro/ and node_modules/.astro) remembers the previous content folder;
 * clear it around builds of other folders so neither they nor the next normal build see stale entries.
 */
function clearContentCache(): void {
  rmSync('.astro', { recursive: true, force: true });
  rmSync(join('node_modules', '.astro'), { recursive: true, force: true });
}

function timedBuild(contentRoot: string, outDir: string): number {
  clearContentCache();
  const start = performance.now();
  const r = spawnSync('npm', ['run', 'build'], { env: { ...process.env, CONTENT_ROOT: contentRoot, OUT_DIR: outDir }, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`构建失败（CONTENT_ROOT=${contentRoot}）`);
  return performance.now() - start;
}

function buildScaling(): void {
  console.log(`\n## 构建时间随内容规模的变化（每档 ${RUNS} 次取中位数）\n`);
  const rows: (string | number)[][] = [];
  let basePerPage = NaN;
  for (const factor of SCALES) {
    const content = factor === 1 ? 'content' : syntheticContent(factor);
    const out = mkdtempSync(join(tmpdir(), `bench-dist-${factor}x-`));
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(timedBuild(content, out));
    const pages = countPages(out);
    const ms = median(times);
    const perPage = ms / pages;
    if (factor === SCALES[0]) basePerPage = perPage;
    rows.push([`${factor}×`, pages, fmt(ms / 1000, 2) + ' s', fmt(perPage, 1) + ' ms', fmt(perPage / basePerPage, 2)]);
    rmSync(out, { recursive: true, force: true });
    if (content !== 'content') rmSync(content, { recursive: true, force: true });
  }
  clearContentCache();
  table(['规模', '页面数', '构建时间（中位数）', '每页耗时', '每页耗时/1× 基线'], rows);
  console.log('\n（每页耗时比值接近 1 说明构建随内容线性增长；含 Pagefind 索引与预压缩。）');
}

/** HTML + the CSS and JS it references, gzip-compressed as served. */
function pageWeight(dist: string, urlPath: string): { html: number; css: number; js: number } {
  const file = join(dist, urlPath, urlPath.endsWith('/') ? 'index.html' : '');
  const html = readFileSync(file);
  const text = html.toString('utf8');
  const gz = (p: string) => (existsSync(`${p}.gz`) ? statSync(`${p}.gz`).size : gzipSync(readFileSync(p)).length);
  const refs = (re: RegExp) => [...text.matchAll(re)].map((m) => m[1]!).filter((h) => h.startsWith('/'));
  const css = refs(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g).reduce((n, h) => n + gz(join(dist, h)), 0);
  const js = refs(/<script[^>]+src="([^"]+)"/g).reduce((n, h) => n + gz(join(dist, h)), 0);
  return { html: gzipSync(html).length, css, js };
}

const PAGE_TYPES: [string, string][] = [
  ['首页', '/'],
  ['指南目录', '/guides/'],
  ['指南', '/guides/co-poisoning/'],
  ['按对象', '/guides/audience/school/'],
  ['按领域', '/guides/sector/fire/'],
  ['搜索', '/search/'],
  ['宣传活动', '/campaigns/safety-month/'],
];

function pageBytes(): void {
  console.log('\n## 每类页面传输量（gzip，不含图片）\n');
  const rows = PAGE_TYPES.map(([name, path]) => {
    const w = pageWeight('dist', path);
    const total = w.html + w.css + w.js;
    const budget = name === '指南' ? (total <= GUIDE_BUDGET ? '✓ ≤ 35 KB' : '✗ 超过 35 KB') : '';
    return [name, path, kb(w.html), kb(w.css), kb(w.js), kb(total), budget];
  });
  table(['页面', '路径', 'HTML', 'CSS', 'JS', '合计', '预算'], rows);
}

async function pagefindBytes(base: string): Promise<void> {
  console.log('\n## 每次搜索从 Pagefind 下载的字节数（首次搜索含程序和索引入口；第二次只下载新的索引分片）\n');
  const browser = await chromium.launch({ executablePath: CHROME, args: ['--no-sandbox', '--disable-gpu'] });
  const rows: (string | number)[][] = [];
  for (const [first, second] of [['煤气中毒', '电动车充电'], ['高楼着火', '有限空间'], ['孩子溺水', '灭火器怎么用']] as const) {
    const page = await browser.newPage();
    let bytes = 0;
    page.on('requestfinished', async (req) => {
      if (!req.url().includes('/pagefind/')) return;
      const sizes = await req.sizes();
      bytes += sizes.responseBodySize;
    });
    const run = async (q: string) => {
      bytes = 0;
      await page.goto(`${base}/search/?q=${encodeURIComponent(q)}`);
      await page.locator('[data-search-status]').filter({ hasText: /^(找到|没有)/ }).waitFor();
      await page.waitForLoadState('networkidle');
      return bytes;
    };
    const cold = await run(first);
    const warm = await run(second);
    rows.push([first, kb(cold), second, kb(warm)]);
    await page.close();
  }
  await browser.close();
  table(['首次查询', '字节', '随后查询', '字节'], rows);
}

async function lighthouseScores(base: string): Promise<void> {
  console.log('\n## Lighthouse（移动端）\n');
  const { default: lighthouse } = await import('lighthouse');
  const chromeLauncher = await import('chrome-launcher');
  const chrome = await chromeLauncher.launch({
    chromePath: CHROME,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const rows: (string | number)[][] = [];
  try {
    for (const [name, path] of PAGE_TYPES) {
      const result = await lighthouse(`${base}${path}`, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'] });
      const c = result?.lhr.categories;
      const score = (k: string) => Math.round((c?.[k]?.score ?? 0) * 100);
      rows.push([name, score('performance'), score('accessibility'), score('best-practices'), score('seo')]);
    }
  } finally {
    await chrome.kill();
  }
  table(['页面', '性能', '无障碍', '最佳实践', 'SEO'], rows);
  console.log('\n目标：无障碍 100，性能 ≥ 95。');
}

export async function benchGuides(): Promise<void> {
  console.log('# 安全知识与搜索基准');
  buildScaling();
  if (!existsSync('dist/.build-stamp')) spawnSync('npm', ['run', 'build'], { stdio: 'ignore' });
  pageBytes();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-data-'));
  const server = await startServer({ PORT, HOST: '127.0.0.1', DATA_DIR: dataDir });
  try {
    const base = `http://127.0.0.1:${PORT}`;
    await pagefindBytes(base);
    await lighthouseScores(base);
  } finally {
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchGuides();
