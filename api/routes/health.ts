import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { dbHealth, row, type Db } from '../db/client.ts';

/**
 * GET /api/health: ok only when the database answers a real query on the migrated schema. Says which
 * kind of database runs (sqlite or postgres) and whether it answers — never its address or login.
 */
export function healthRoutes(db: Db): Hono {
  const app = new Hono();
  app.get('/health', async function health(c) {
    const { kind, ok: reachable } = await dbHealth(db);
    let ok = reachable;
    if (ok) {
      try {
        await row(db, sql`select count(*) as n from app_meta`);
      } catch {
        ok = false;
      }
    }
    const database = { kind, ok };
    if (ok) return c.json({ ok: true, database });
    return c.json({ ok: false, database, error: { code: 'db_unavailable', message: '数据库暂时不可用。' } }, 503);
  });
  return app;
}
