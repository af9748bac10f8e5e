/**
 * Which database the API runs on. Unset DATABASE_URL (or a non-postgres URL) keeps the embedded SQLite
 * database in DATA_DIR; `postgres://…` or `postgresql://…` switches everything to PostgreSQL (issue 16).
 * Read once per process: the tables module picks its dialect from it at import time.
 */
export type DatabaseKind = 'sqlite' | 'postgres';

export function databaseKind(env: NodeJS.ProcessEnv = process.env): DatabaseKind {
  const url = env.DATABASE_URL?.trim();
  return url && /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}
