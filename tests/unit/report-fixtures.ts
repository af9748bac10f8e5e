/** Shared fixtures for the report tests: an app on a temporary DATA_DIR, forms and photos. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { createApp, type AppDeps, type BuiltApp } from '../../api/app.ts';
import { sql } from 'drizzle-orm';
import { dbFile, dbKind, exec, openDb, row, rows, sqliteConnection, type Db } from '../../api/db/client.ts';
import { blobStoreFor, type BlobStore } from '../../api/services/blob-store.ts';
import { ensureInstanceKeys, type InstanceKeys } from '../../api/services/keys.ts';

export interface TestApp {
  app: BuiltApp['app'];
  db: Db;
  dataDir: string;
  recoveryKey: string;
  deps: { db: Db; store: BlobStore; keys: InstanceKeys };
}

export async function makeApp(options: { limits?: Record<string, number>; lookupFloorMs?: number; fastReceipts?: boolean; edge?: AppDeps['edge'] } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'report-test-'));
  const db = await openDb(dbFile(dataDir));
  let recoveryKey = '';
  const keys = await ensureInstanceKeys(db, (k) => (recoveryKey = k), options.fastReceipts ? 2 ** 10 : undefined);
  const { app } = await createApp({
    db,
    siteDir: join(dataDir, 'no-site'),
    dataDir,
    reporting: { limits: options.limits ?? {}, lookupFloorMs: options.lookupFloorMs ?? 0 },
    ...(options.edge ? { edge: options.edge } : {}),
  });
  return { app, db, dataDir, recoveryKey, deps: { db, store: blobStoreFor(db, dataDir), keys } };
}

/** Rows in a table (raw SQL: the name comes from the test, never from input). */
export async function countRows(db: Db, table: string): Promise<number> {
  return Number((await row<{ n: number }>(db, sql.raw(`select count(*) as n from ${table}`)))!.n);
}

/**
 * Every stored value of every table, as bytes — what someone holding the database would read. On
 * SQLite the WAL is checkpointed first, so the caller can also read the app.db file itself.
 */
export async function storedCells(db: Db): Promise<Buffer[]> {
  const postgres = dbKind(db) === 'postgres';
  if (!postgres) sqliteConnection(db).pragma('wal_checkpoint(TRUNCATE)');
  const tables = postgres
    ? await rows<{ name: string }>(db, sql`select tablename as name from pg_tables where schemaname = current_schema()`)
    : await rows<{ name: string }>(db, sql`select name from sqlite_master where type = 'table'`);
  const out: Buffer[] = [];
  for (const { name } of tables) {
    for (const r of await rows<Record<string, unknown>>(db, sql.raw(`select * from "${name.replace(/"/g, '""')}"`))) {
      for (const v of Object.values(r)) {
        if (v === null || v === undefined) continue;
        out.push(Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(typeof v === 'object' ? JSON.stringify(v) : String(v)));
      }
    }
  }
  return out;
}

/** Makes every insert into `table` fail with the database's own error 'refused' (a trigger, both engines). */
export async function refuseInserts(db: Db, table: string): Promise<void> {
  const name = sql.raw(`refuse_${table}`);
  if (dbKind(db) === 'sqlite') {
    await exec(db, sql`create trigger ${name} before insert on ${sql.raw(table)} begin select raise(abort, 'refused'); end`);
  } else {
    await exec(db, sql.raw(`create or replace function refuse_insert() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`));
    await exec(db, sql`create trigger ${name} before insert on ${sql.raw(table)} for each row execute function refuse_insert()`);
  }
}

/** The messages of an error and its causes (drizzle wraps the database's own message in "Failed query"). */
export function errorText(e: unknown): string {
  const out: string[] = [];
  for (let cur = e; cur instanceof Error && out.length < 5; cur = cur.cause) out.push(cur.message);
  return out.join(' <- ');
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

export const VALID_FIELDS = {
  category: 'major_hazard',
  sector: 'hazardous_chemicals',
  township: 'kaifaqu',
  place: '开发区某化工企业储罐区',
  description: '储罐区的可燃气体报警器全部关闭，夜班没有人巡检。',
} as const;

export function reportForm(fields: Record<string, string> = {}, files: File[] = []): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...VALID_FIELDS, ...fields })) form.set(k, v);
  for (const f of files) form.append('files', f);
  return form;
}

export const JSON_ACCEPT = { accept: 'application/json' } as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are checked field by field in the tests
type Answer = any;

export async function submit(app: TestApp['app'], form: FormData, headers: Record<string, string> = JSON_ACCEPT): Promise<{ res: Response; body: Answer }> {
  const res = await app.request('/api/reports', { method: 'POST', body: form, headers });
  return { res, body: (res.headers.get('content-type') ?? '').includes('json') ? await res.json() : await res.text() };
}

/** A File from bytes (Buffer is not a BlobPart under strict DOM typings). */
export function fileOf(data: Uint8Array | string, name: string, type?: string): File {
  return new File([typeof data === 'string' ? data : new Uint8Array(data)], name, type ? { type } : {});
}

/** A JPEG carrying GPS position, device make/model, serial number and owner in its EXIF. */
export async function jpegWithExif(width = 320, height = 240): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3a6' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'CanaryMake', Model: 'CanaryModel X1', Artist: 'OwnerCanary', Copyright: 'CopyCanary' },
      IFD2: { BodySerialNumber: 'SERIAL-CANARY-4711', CameraOwnerName: 'OwnerNameCanary', DateTimeOriginal: '2026:11:01 08:00:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 18/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '117/1 9/1 0/1' },
    })
    .toBuffer();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A Node that runs the TypeScript sources directly (≥ 22.12). Vitest may itself run on the system
 * Node 20 (`node node_modules/vitest/vitest.mjs`, an editor plugin); the npm package "node" is then used.
 */
export function scriptNode(): string {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const local = resolve('node_modules/node/bin/node');
  return (major > 22 || (major === 22 && minor >= 12)) || !existsSync(local) ? process.execPath : local;
}

export interface RunningServer {
  proc: ChildProcess;
  port: number;
  output: () => string;
  base: string;
}

/** Starts the real server process (api/server.ts) and waits until /api/health answers. */
export async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const proc = spawn(scriptNode(), ['api/server.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SITE_DIR: join(dataDir, 'no-site'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  // Generous: on a loaded 2-core machine a cold start (TypeScript, migrations, keys) can take many seconds.
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited:\n${out}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { proc, port, output: () => out, base };
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error(`server not ready:\n${out}`);
}
