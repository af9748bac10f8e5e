/**
 * `npm run db:copy -- --from <DATA_DIR> --to <postgres://…>`: moves a SQLite installation into an
 * empty PostgreSQL database (api/db/copy.ts says how and what is checked). Stop the API first.
 * --from defaults to DATA_DIR (or ./data), --to to DATABASE_URL.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
const from = resolve(values.from ?? process.env.DATA_DIR ?? 'data');
const to = values.to ?? process.env.DATABASE_URL ?? '';
if (!/^postgres(ql)?:\/\//i.test(to)) {
  console.error('请用 --to 给出目标 PostgreSQL 地址（postgres://用户:密码@主机:端口/数据库），或设置 DATABASE_URL。');
  process.exit(1);
}
// The API modules pick their tables when loaded: load them for PostgreSQL.
process.env.DATABASE_URL = to;
const { copySqliteToPostgres, CopyError } = await import('../api/db/copy.ts');
const { DatabaseStartError, dbFile } = await import('../api/db/client.ts');
try {
  console.log(`从 ${dbFile(from)} 复制到 PostgreSQL……`);
  const r = await copySqliteToPostgres(from, to, console.log);
  console.log(`完成：${r.tables.reduce((n, t) => n + t.rows, 0)} 行，${r.blobs} 个附件（${(r.blobBytes / 1048576).toFixed(1)} MB），审计链 ${r.auditEntries} 条已校验。`);
  console.log(`以后启动时设置 DATABASE_URL=${to.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}；原 DATA_DIR 请保留到确认无误后再删除。`);
} catch (e) {
  console.error(e instanceof CopyError || e instanceof DatabaseStartError ? e.message : `复制失败：${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
}
