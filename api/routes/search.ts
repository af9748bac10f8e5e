/**
 * GET /search/ (issue 13): sentence search rendered on the server, the same page with and without
 * JavaScript. The index is written at build time (scripts/search-index.ts → dist/.search-index.json);
 * when the site has not been built (API unit tests) it is built from content/ at start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { AUDIENCES, SECTORS } from '../../config/taxonomy.ts';
import { buildSearchIndex } from '../services/search/build.ts';
import { SearchEngine, type SearchFilters, type SearchIndex } from '../services/search/engine.ts';
import { SEARCH_TYPES, searchPage } from '../views/search-page.ts';
import type { PageShell } from '../views/shell.ts';

export const SEARCH_INDEX_FILE = '.search-index.json';
/** Longer questions are cut: nobody types more, and ranking cost stays bounded. */
export const MAX_QUERY_LENGTH = 60;

let fromContent: SearchIndex | null = null;

export function loadSearchIndex(siteDir: string): SearchIndex {
  const file = join(siteDir, SEARCH_INDEX_FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SearchIndex;
  fromContent ??= buildSearchIndex('content');
  return fromContent;
}

/** The engine is made on the first search, so starting the app (and every API test) stays fast. */
export function searchRoutes(siteDir: string, shell: PageShell): Hono {
  let engine: SearchEngine | null = null;
  const ready = () => (engine ??= new SearchEngine(loadSearchIndex(siteDir)));
  const app = new Hono();
  const audienceNames = AUDIENCES.map((a) => a.name);
  const sectorNames = SECTORS.map((s) => s.name);
  const allowed: Record<keyof SearchFilters, readonly string[]> = { 类型: SEARCH_TYPES, 对象: audienceNames, 领域: sectorNames };

  app.get('/search', (c) => {
    const qs = new URL(c.req.url).search;
    return c.redirect(`/search/${qs}`, 301);
  });
  app.get('/search/', function searchPageRoute(c) {
    const q = (c.req.query('q') ?? '').trim().slice(0, MAX_QUERY_LENGTH);
    const filters: SearchFilters = {};
    for (const key of Object.keys(allowed) as (keyof SearchFilters)[]) {
      const v = c.req.query(key);
      if (v && allowed[key].includes(v)) filters[key] = v;
    }
    const outcome = q ? ready().search(q, filters) : null;
    c.header('Cache-Control', 'no-cache');
    const title = q ? `搜索"${q}"` : '搜索';
    const body = searchPage({ q, filters, outcome, all: c.req.query('all') === '1' }, sectorNames, audienceNames);
    return c.html(shell.render({ title, description: '用自己的话搜索安全知识、事故案例和举报、测验等服务。', body }));
  });
  return app;
}
