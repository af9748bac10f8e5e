/**
 * Durability that a process kill cannot show (the OS cache survives a SIGKILL): the database runs
 * WAL with synchronous=FULL (SQLite) or with synchronous_commit on (PostgreSQL), and every attachment blob and the files/ directory are fsynced before
 * the transaction that acknowledges the report commits — for submissions and for reporters' messages.
 */
import { readlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { closeDb, dbFile, dbKind, openDb, row, rows, sqliteConnection } from '../../api/db/client.ts';
import { databaseKind } from '../../api/db/dialect.ts';
import { countRows, errorText, fileOf, jpegWithExif, makeApp, refuseInserts, rejection, reportForm, submit, type TestApp } from './report-fixtures.ts';

/** Attachments are files beside SQLite, rows of blob_chunks on PostgreSQL (api/services/blob-store.ts). */
const ON_FILES = databaseKind() === 'sqlite';

interface SyncCall {
  path: string;
  reports: number;
  files: number;
}

/** Records every FileHandle.sync() (fsync) with what the database held at that moment. */
async function spyOnFsync(t: TestApp): Promise<SyncCall[]> {
  const probe = await open(t.dataDir, 'r');
  const proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const calls: SyncCall[] = [];
  const real = proto.sync;
  // The counts are read before the real fsync starts (sync() returns a promise, so the spy may wait).
  vi.spyOn(proto, 'sync').mockImplementation(async function (this: FileHandle) {
    const path = readlinkSync(`/proc/self/fd/${this.fd}`);
    calls.push({ path, reports: await countRows(t.db, 'reports'), files: await countRows(t.db, 'report_files') });
    return real.call(this);
  });
  return calls;
}

describe('持久性：fsync 和 synchronous=FULL', () => {
  afterEach(() => vi.restoreAllMocks());

  it('数据库提交即落盘：SQLite 以 WAL 和 synchronous=FULL 打开；PostgreSQL 的 synchronous_commit 开着', async () => {
    const t = await makeApp();
    const db = await openDb(dbFile(t.dataDir));
    try {
      if (dbKind(db) === 'sqlite') {
        expect(sqliteConnection(db).pragma('journal_mode', { simple: true })).toBe('wal');
        // 2 = FULL: a commit is on disk (WAL fsynced) before better-sqlite3 returns.
        expect(sqliteConnection(db).pragma('synchronous', { simple: true })).toBe(2);
        expect(sqliteConnection(t.db).pragma('synchronous', { simple: true })).toBe(2);
      } else {
        // A commit returns only once the server has flushed its WAL record (fsync itself is the
        // server's setting: the throwaway test cluster turns it off for speed, production keeps it on).
        for (const d of [db, t.db]) expect((await row<{ synchronous_commit: string }>(d, sql`show synchronous_commit`))!.synchronous_commit).toBe('on');
      }
    } finally {
      await closeDb(db);
    }
  });

  it.skipIf(!ON_FILES)('提交举报：每个附件文件和目录都在确认举报的事务提交之前 fsync', async () => {
    const t = await makeApp({ fastReceipts: true });
    const calls = await spyOnFsync(t);
    const photo = await jpegWithExif();
    const { res, body } = await submit(t.app, reportForm({}, [fileOf(photo, 'a.jpg'), fileOf(photo, 'b.jpg')]));
    expect(res.status, JSON.stringify(body)).toBe(201);
    const blobs = (await rows<{ b: string }>(t.db, sql`select blob_name as b from report_files`)).map((r) => join(t.dataDir, 'files', r.b));
    expect(blobs).toHaveLength(2);
    const synced = calls.map((c) => c.path);
    for (const blob of blobs) expect(synced, `附件 ${blob} 没有 fsync`).toContain(blob);
    expect(synced, 'files/ 目录没有 fsync').toContain(join(t.dataDir, 'files'));
    // Nothing was committed yet at any of those fsyncs: the blobs are durable before the receipt exists.
    for (const c of calls) expect(c, `fsync ${c.path} 时举报已经提交`).toMatchObject({ reports: 0, files: 0 });
    // The directory is synced after the last blob, so both names are on disk.
    expect(synced.lastIndexOf(join(t.dataDir, 'files'))).toBeGreaterThan(Math.max(...blobs.map((b) => synced.indexOf(b))));
  });

  it.skipIf(!ON_FILES)('举报人补充留言的附件同样先 fsync 后提交', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { body } = await submit(t.app, reportForm());
    const calls = await spyOnFsync(t);
    const form = new FormData();
    form.set('receipt', body.receipt);
    form.set('body', '补充一张照片。');
    form.append('files', fileOf(await jpegWithExif(), 'c.jpg'));
    const res = await t.app.request('/api/reports/messages', { method: 'POST', body: form, headers: { accept: 'application/json' } });
    expect(res.status, await res.clone().text()).toBe(201);
    const blob = (await row<{ b: string }>(t.db, sql`select blob_name as b from report_files`))!.b;
    const synced = calls.map((c) => c.path);
    expect(synced).toContain(join(t.dataDir, 'files', blob));
    expect(synced).toContain(join(t.dataDir, 'files'));
    for (const c of calls) expect(c.files, `fsync ${c.path} 时附件记录已经提交`).toBe(0);
  });

  it.skipIf(ON_FILES)('PostgreSQL：附件的密文和确认它的举报在同一个事务里提交，事务失败则一点不留', async () => {
    const t = await makeApp({ fastReceipts: true });
    const photo = await jpegWithExif();
    const { res, body } = await submit(t.app, reportForm({}, [fileOf(photo, 'a.jpg'), fileOf(photo, 'b.jpg')]));
    expect(res.status, JSON.stringify(body)).toBe(201);
    const named = (await rows<{ b: string }>(t.db, sql`select blob_name as b from report_files`)).map((r) => r.b).sort();
    expect(named).toHaveLength(2);
    expect(await t.deps.store.list()).toEqual(named);
    for (const b of named) expect((await t.deps.store.read(b)).length).toBeGreaterThan(photo.length / 4);
    // A transaction that fails after the chunks were inserted leaves neither report nor chunk.
    await refuseInserts(t.db, 'report_events');
    const { fileReport } = await import('../../api/services/reports/intake.ts');
    const input = { category: 'major_hazard', sector: 'hazardous_chemicals', township: 'kaifaqu', place: '某地', description: '测试事务回滚的附件', observedAt: null, identity: null };
    const refused = await rejection(fileReport(t.deps, input as never, [fileOf(photo, 'c.jpg')]));
    expect(errorText(refused)).toContain('refused');
    expect(await countRows(t.db, 'reports')).toBe(1);
    expect(await t.deps.store.list()).toEqual(named);
    expect(await countRows(t.db, 'blob_chunks')).toBe(2);
  });
});
