import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { Db } from '../db/client.ts';

/** GET /api/health: ok only when the database answers a real query on the migrated schema. */
export function healthRoutes(db: Db): Hono {
  const app = new Hono();
  app.get('/health', function health(c) {
    try {
      db.get(sql`select count(*) as n from app_meta`);
      return c.json({ ok: true });
    } catch {
      return c.json({ ok: false, error: { code: 'db_unavailable', message: '数据库暂时不可用。' } }, 503);
    }
  });
  return app;
}
