/**
 * The database behind the API: embedded SQLite (default) or PostgreSQL when DATABASE_URL is set
 * (issue 16). Everything dialect-specific lives in api/db/; services see one async drizzle API.
 *
 * Rules for code outside api/db (tests/unit/db-portable.test.ts checks the usual slips):
 *  - await query builders directly; never `.get()`, `.all()`, `.run()`, `.values()` or `.prepare()`;
 *    for one row use `first(await q.limit(1))`;
 *  - affected rows: add `.returning({ … })` and count the returned rows;
 *  - raw SQL only through `rows()`, `row()` and `exec()` below, in SQL both dialects understand;
 *  - `db.transaction(async (tx) => …)` is serialised: on SQLite one writer at a time (BEGIN IMMEDIATE
 *    under an in-process lock), on PostgreSQL SERIALIZABLE and retried on a serialisation failure, so
 *    the body may run more than once: no side effects in it except through `tx`, and no awaiting of
 *    anything slow (network, files) inside it. Pass `tx` on; never use the outer `db` inside the body.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { is, sql as sqlTag, type SQL } from 'drizzle-orm';
import { drizzle as drizzleBetterSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { PgDatabase, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzleSqliteProxy } from 'drizzle-orm/sqlite-proxy';
import { type BaseSQLiteDatabase, SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import { databaseKind, type DatabaseKind } from './dialect.ts';
import * as schema from './schema.ts';

/** A database or a transaction handle: both are used the same way. */
export type Db = BaseSQLiteDatabase<'async', unknown, typeof schema>;

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
export const PG_MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations-pg');
/** Oldest PostgreSQL we run on (identity columns, SERIALIZABLE semantics we rely on, pg_dump formats). */
export const PG_MIN_VERSION = 13;

export class DatabaseStartError extends Error {}

interface Handle {
  kind: DatabaseKind;
  /** Human-readable location without credentials, for logs and /api/health. */
  where: string;
  close(): Promise<void>;
  ping(): Promise<void>;
  sqlite?: SqliteExecutor;
  pool?: pg.Pool;
  groupCommit?: GroupCommit;
}

const handles = new WeakMap<object, Handle>();

function handleOf(db: object): Handle {
  const h = handles.get(db);
  if (h) return h;
  if (is(db, PgTransaction) || is(db, PgDatabase)) return { kind: 'postgres', where: 'postgres', close: async () => {}, ping: async () => {} };
  throw new Error('not a database opened by openDb()');
}

export function dbKind(db: object): DatabaseKind {
  return handleOf(db).kind;
}

// ------------------------------------------------------------------------------------------------
// SQLite: one better-sqlite3 connection behind drizzle's async proxy driver. A transaction holds an
// in-process lock; queries from outside it wait until it ends, so nothing another request does can
// fall into (and be rolled back with) someone else's transaction.

class SqliteExecutor {
  readonly als = new AsyncLocalStorage<object>();
  holder: object | null = null;
  private waiters: (() => void)[] = [];
  private readonly statements = new Map<string, Database.Statement>();

  readonly sqlite: Database.Database;

  constructor(sqlite: Database.Database) {
    this.sqlite = sqlite;
  }

  private statement(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.sqlite.prepare(text);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(text, s);
    }
    return s;
  }

  /** Runs one statement now (synchronously). */
  runNow(text: string, params: unknown[], method: 'run' | 'all' | 'values' | 'get' | 'objects'): { rows: unknown[] } {
    const s = this.statement(text);
    if (!s.reader) {
      s.run(...params);
      return { rows: [] };
    }
    if (method === 'objects') return { rows: s.raw(false).all(...params) };
    if (method === 'get') return { rows: s.raw(true).get(...params) as unknown[] };
    if (method === 'run') {
      s.raw(true).all(...params);
      return { rows: [] };
    }
    return { rows: s.raw(true).all(...params) };
  }

  private async turn(): Promise<void> {
    const me = this.als.getStore();
    while (this.holder && this.holder !== me) await new Promise<void>((r) => this.waiters.push(r));
  }

  async call(text: string, params: unknown[], method: 'run' | 'all' | 'values' | 'get' | 'objects') {
    await this.turn();
    return this.runNow(text, params, method);
  }

  inside(): boolean {
    const me = this.als.getStore();
    return !!me && me === this.holder;
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.holder) await new Promise<void>((r) => this.waiters.push(r));
    const token = {};
    this.holder = token;
    try {
      return await this.als.run(token, fn);
    } finally {
      this.holder = null;
      const w = this.waiters;
      this.waiters = [];
      for (const r of w) r();
    }
  }
}

let savepoints = 0;

function sqliteTransaction<T>(exec: SqliteExecutor, db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (exec.inside()) {
    // Nested: a savepoint inside the running transaction.
    const sp = `sp_${++savepoints}`;
    return (async () => {
      exec.runNow(`savepoint ${sp}`, [], 'run');
      try {
        const r = await fn(db);
        exec.runNow(`release ${sp}`, [], 'run');
        return r;
      } catch (e) {
        exec.runNow(`rollback to ${sp}`, [], 'run');
        exec.runNow(`release ${sp}`, [], 'run');
        throw e;
      }
    })();
  }
  return exec.exclusive(async () => {
    exec.runNow('begin immediate', [], 'run');
    try {
      const r = await fn(db);
      exec.runNow('commit', [], 'run');
      return r;
    } catch (e) {
      if (exec.sqlite.inTransaction) exec.runNow('rollback', [], 'run');
      throw e;
    }
  });
}

interface Pending {
  fn: (tx: Db) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit (SQLite): writes that arrive while the previous commit is being flushed are applied
 * together in one transaction, each in its own savepoint, and acknowledged only after that
 * transaction is on disk (synchronous=FULL). One fsync then covers many requests — a class of 50
 * pupils handing in at the same moment costs a few commits, not 50. A write that throws rolls back
 * only its own savepoint and rejects only its own promise.
 */
class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  private readonly exec: SqliteExecutor;
  private readonly db: Db;
  private readonly maxBatch: number;

  constructor(exec: SqliteExecutor, db: Db, maxBatch = 256) {
    this.exec = exec;
    this.db = db;
    this.maxBatch = maxBatch;
  }

  write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    this.scheduled = false;
    if (this.queue.length) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      await this.exec.exclusive(async () => {
        this.exec.runNow('begin immediate', [], 'run');
        try {
          for (const item of batch) {
            this.exec.runNow('savepoint group_item', [], 'run');
            try {
              outcomes.push({ ok: true, value: await item.fn(this.db) });
              this.exec.runNow('release group_item', [], 'run');
            } catch (e) {
              this.exec.runNow('rollback to group_item', [], 'run');
              this.exec.runNow('release group_item', [], 'run');
              outcomes.push({ ok: false, value: e });
            }
          }
          this.exec.runNow('commit', [], 'run');
        } catch (e) {
          if (this.exec.sqlite.inTransaction) this.exec.runNow('rollback', [], 'run');
          throw e;
        }
      });
    } catch (e) {
      for (const item of batch) item.reject(e);
      return;
    }
    batch.forEach((item, i) => (outcomes[i]!.ok ? item.resolve(outcomes[i]!.value) : item.reject(outcomes[i]!.value)));
  }
}

function openSqlite(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  migrateSqlite(drizzleBetterSqlite({ client: sqlite }), { migrationsFolder: MIGRATIONS_DIR });
  const exec = new SqliteExecutor(sqlite);
  const db = drizzleSqliteProxy((text, params, method) => exec.call(text, params, method) as Promise<{ rows: unknown[] }>, {
    schema,
  }) as unknown as Db;
  (db as { transaction: unknown }).transaction = <T>(fn: (tx: Db) => Promise<T>) => sqliteTransaction(exec, db, fn);
  handles.set(db, {
    kind: 'sqlite',
    where: file === ':memory:' ? 'SQLite（内存）' : `SQLite ${file}`,
    sqlite: exec,
    groupCommit: new GroupCommit(exec, db),
    close: async () => {
      await exec.exclusive(async () => sqlite.close());
    },
    ping: async () => {
      await exec.call('select 1', [], 'get');
    },
  });
  return db;
}

// ------------------------------------------------------------------------------------------------
// PostgreSQL.

pg.types.setTypeParser(20, (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint out of range: ${v}`);
  return n;
});

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_TX_ATTEMPTS = 12;

function pgCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL ${u.hostname}${u.port ? ':' + u.port : ''}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

/** A Chinese message for an operator when PostgreSQL cannot be used at start. */
function startError(url: string, e: unknown): DatabaseStartError {
  const code = pgCode(e);
  const where = describeUrl(url);
  const detail = e instanceof Error ? e.message : String(e);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH')
    return new DatabaseStartError(`无法连接数据库 ${where}：服务器没有响应（${code}）。请确认 PostgreSQL 已启动、地址和端口正确（DATABASE_URL）。`);
  if (code === '28P01' || code === '28000') return new DatabaseStartError(`无法登录数据库 ${where}：用户名或密码不对（DATABASE_URL）。`);
  if (code === '3D000') return new DatabaseStartError(`数据库 ${where} 不存在：请先用 createdb 建好它。`);
  return new DatabaseStartError(`无法使用数据库 ${where}：${detail}`);
}

const MIGRATION_LOCK = 727_16_2026;

async function openPostgres(url: string, poolMax: number): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => {
    /* an idle client died (server restart); the pool replaces it */
  });
  // "Receipt ⇒ durable": a commit returns only after its WAL record is flushed, whatever the
  // server's default is.
  pool.on('connect', (client) => {
    client.query('set synchronous_commit = on').catch(() => {});
  });
  try {
    const client = await pool.connect();
    try {
      const v = Number((await client.query('show server_version_num')).rows[0].server_version_num);
      if (!(v >= PG_MIN_VERSION * 10000))
        throw new DatabaseStartError(`数据库 ${describeUrl(url)} 的 PostgreSQL 版本太旧（${Math.floor(v / 10000)}）：至少需要 ${PG_MIN_VERSION}。`);
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await migratePg(drizzleNodePg({ client }), { migrationsFolder: PG_MIGRATIONS_DIR });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => {});
    throw e instanceof DatabaseStartError ? e : startError(url, e);
  }
  const db = drizzleNodePg({ client: pool, schema: schema as never }) as unknown as Db;
  (db as { transaction: unknown }).transaction = <T>(fn: (tx: Db) => Promise<T>) => pgTransaction(pool, fn, []);
  handles.set(db, {
    kind: 'postgres',
    where: describeUrl(url),
    pool,
    close: () => pool.end(),
    ping: async () => {
      await pool.query('select 1');
    },
  });
  return db;
}

/**
 * A SERIALIZABLE transaction on its own pooled connection, retried on serialisation failures.
 * `locks`: named locks taken on the session before BEGIN, so the snapshot starts after the previous
 * holder committed; locks that serialize() finds contended are added and the body runs again.
 */
async function pgTransaction<T>(pool: pg.Pool, fn: (tx: Db) => Promise<T>, locks: bigint[]): Promise<T> {
  const wanted = new Set<bigint>(locks);
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    const held = [...wanted].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    try {
      for (const k of held) await client.query('select pg_advisory_lock($1::bigint)', [k.toString()]);
      const own = drizzleNodePg({ client, schema: schema as never }) as unknown as { transaction: (fn: unknown, config: unknown) => Promise<unknown> };
      return (await pgLocks.run({ held: new Set(held), wanted }, () => own.transaction(fn, { isolationLevel: 'serializable' }))) as T;
    } catch (e) {
      if (e instanceof LockContended) continue; // now known: wait for it before BEGIN
      if (!RETRYABLE.has(pgCode(e) ?? '') || attempt >= MAX_TX_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    } finally {
      for (const k of held) await client.query('select pg_advisory_unlock($1::bigint)', [k.toString()]).catch(() => {});
      client.release();
    }
  }
}

/**
 * Tests only (DATABASE_TEST_ISOLATE=1 with a postgres DATABASE_URL): every SQLite file name a test
 * opens gets its own PostgreSQL database on that server — the same name reopens the same database,
 * ':memory:' is always a new one — so the unit tests run unchanged on both engines.
 */
async function isolatedPgUrl(url: string, file: string): Promise<string> {
  const name = file === ':memory:' ? `t_${randomBytes(8).toString('hex')}` : `t_${createHash('sha256').update(file).digest('hex').slice(0, 24)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount;
    if (!exists) {
      try {
        await admin.query(`create database ${name}`);
      } catch (e) {
        if (pgCode(e) !== '42P04') throw e; // created meanwhile
      }
    }
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface OpenOptions {
  /** Defaults to process.env.DATABASE_URL. */
  url?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens the database and applies committed migrations. SQLite (DATA_DIR/app.db, or ':memory:' for
 * tests): WAL with synchronous=FULL, so a committed transaction is on disk before we acknowledge
 * anything. PostgreSQL: a pool, migrations under an advisory lock so several processes can start at
 * once; a clear Chinese error (DatabaseStartError) when the server is unreachable or too old.
 */
export async function openDb(file: string, opts: OpenOptions = {}): Promise<Db> {
  const env = opts.env ?? process.env;
  const url = opts.url ?? env.DATABASE_URL;
  if (databaseKind({ DATABASE_URL: url }) === 'sqlite') return openSqlite(file);
  const poolMax = Number(env.DATABASE_POOL_MAX ?? 10);
  if (!Number.isInteger(poolMax) || poolMax < 1 || poolMax > 200) throw new DatabaseStartError('DATABASE_POOL_MAX 必须是 1～200 的整数。');
  const target = env.DATABASE_TEST_ISOLATE === '1' ? await isolatedPgUrl(url!, file).catch((e) => Promise.reject(startError(url!, e))) : url!;
  return openPostgres(target, poolMax);
}

export async function closeDb(db: Db): Promise<void> {
  await handleOf(db).close();
}

export function dbFile(dataDir: string): string {
  return join(dataDir, 'app.db');
}

/** Kind, location (no credentials) and a round trip, for /api/health. */
export async function dbHealth(db: Db): Promise<{ kind: DatabaseKind; where: string; ok: boolean }> {
  const h = handleOf(db);
  try {
    await h.ping();
    return { kind: h.kind, where: h.where, ok: true };
  } catch {
    return { kind: h.kind, where: h.where, ok: false };
  }
}

// ------------------------------------------------------------------------------------------------
// Portable helpers.

const sqliteDialect = new SQLiteAsyncDialect();

/** Raw SQL returning rows as objects keyed by column name (SQL both dialects understand). */
export async function rows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const h = handleOf(db);
  if (h.kind === 'postgres') return ((await (db as unknown as { execute(q: SQL): Promise<{ rows: unknown[] }> }).execute(query)).rows) as T[];
  const q = sqliteDialect.sqlToQuery(query);
  return (await h.sqlite!.call(q.sql, q.params, 'objects')).rows as T[];
}

export async function row<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T | undefined> {
  return (await rows<T>(db, query))[0];
}

/** Raw SQL without a result. */
export async function exec(db: Db, query: SQL): Promise<void> {
  await rows(db, query);
}

export function first<T>(list: T[]): T | undefined {
  return list[0];
}

/**
 * Inside a transaction: waits until no other transaction (in any process) holds the same named lock,
 * until this transaction ends. SQLite transactions are already one at a time, so it does nothing
 * there; on PostgreSQL it is a transaction-scoped advisory lock. Use it where order matters across
 * processes (audit chain head, case numbers, the reports insertion order read by notifications).
 */
export async function serialize(tx: Db, name: string): Promise<void> {
  if (handleOf(tx).kind !== 'postgres') return;
  const key = lockKey(name);
  const ctx = pgLocks.getStore();
  if (ctx?.held.has(key)) return;
  // The snapshot of a SERIALIZABLE transaction is taken at its first statement: waiting for the lock
  // inside it would leave it reading what was there before the previous holder committed, and fail.
  const got = await (tx as unknown as { execute(q: SQL): Promise<{ rows: { ok: boolean }[] }> }).execute(
    sqlTag`select pg_try_advisory_xact_lock(${key.toString()}::bigint) as ok`,
  );
  if (got.rows[0]?.ok) return;
  if (!ctx) {
    await (tx as unknown as { execute(q: SQL): Promise<unknown> }).execute(sqlTag`select pg_advisory_xact_lock(${key.toString()}::bigint)`);
    return;
  }
  ctx.wanted.add(key);
  throw new LockContended();
}

class LockContended extends Error {}

function lockKey(name: string): bigint {
  return createHash('sha256').update(name).digest().readBigInt64BE(0);
}

/**
 * A transaction that holds the named lock from before its first statement (PostgreSQL: taken on the
 * session before BEGIN, so it sees everything the previous holder committed; SQLite: transactions are
 * one at a time anyway). For one-off work where even a retried body must not start from a snapshot
 * that predates a concurrent holder's commit — creating the instance keys, whose recovery key is shown.
 */
export function lockedTransaction<T>(db: Db, name: string, fn: (tx: Db) => Promise<T>): Promise<T> {
  const h = handleOf(db);
  if (h.kind === 'postgres' && h.pool) return pgTransaction(h.pool, fn, [lockKey(name)]);
  return db.transaction(fn as never) as Promise<T>;
}
const pgLocks = new AsyncLocalStorage<{ held: Set<bigint>; wanted: Set<bigint> }>();


/**
 * A short write acknowledged once durable. On SQLite, writes arriving together share one commit
 * (group commit, one fsync); on PostgreSQL each is its own transaction (the server batches WAL flushes).
 */
export function groupWrite<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const h = handleOf(db);
  if (h.groupCommit) return h.groupCommit.write(fn);
  return db.transaction(fn as never) as Promise<T>;
}

/** The raw better-sqlite3 connection (SQLite only): backups, tests of the file itself. */
export function sqliteConnection(db: Db): Database.Database {
  const h = handleOf(db);
  if (!h.sqlite) throw new Error('not a SQLite database');
  return h.sqlite.sqlite;
}

/** The pg pool (PostgreSQL only): db:copy and tests of the server itself. */
export function pgPool(db: Db): pg.Pool {
  const h = handleOf(db);
  if (!h.pool) throw new Error('not a PostgreSQL database');
  return h.pool;
}
