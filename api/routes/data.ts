/**
 * Public figures (issue 7): GET /api/stats (JSON) and the /data/ page, rendered on each request so it
 * stays correct as reports change. Only suppressed aggregates leave the server; no cookies.
 */
import { Hono } from 'hono';
import type { Db } from '../db/client.ts';
import { publicStats } from '../services/admin/stats.ts';
import { dataPage } from '../views/data-page.ts';
import type { PageShell } from '../views/shell.ts';

export function dataRoutes(db: Db, shell: PageShell): Hono {
  const app = new Hono();
  app.get('/api/stats', async function statsJson(c) {
    c.header('Cache-Control', 'no-cache');
    return c.json(await publicStats(db));
  });
  app.get('/data', (c) => c.redirect('/data/', 301));
  app.get('/data/', async function dataPageRoute(c) {
    c.header('Cache-Control', 'no-cache');
    return c.html(shell.renderIndexable({ title: '数据公开', description: '商河县安全生产举报的受理、办结、办结率和奖励情况，按月份和行业领域公开。', body: dataPage(await publicStats(db)) }));
  });
  return app;
}
