/**
 * `npm run db:migrate`: applies the committed migrations and exits — for operators who migrate
 * before starting (or upgrading) the API processes. The API also migrates at start, under an
 * advisory lock on PostgreSQL, so this is optional. DATABASE_URL chooses PostgreSQL; otherwise the
 * SQLite database in DATA_DIR (default ./data).
 */
import { resolve } from 'node:path';
import { closeDb, DatabaseStartError, dbFile, dbHealth, openDb } from '../api/db/client.ts';

try {
  const db = await openDb(dbFile(resolve(process.env.DATA_DIR ?? 'data')));
  const h = await dbHealth(db);
  await closeDb(db);
  console.log(`数据库结构已是最新：${h.where}`);
} catch (e) {
  console.error(e instanceof DatabaseStartError ? e.message : `迁移失败：${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
