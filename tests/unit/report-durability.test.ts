/**
 * Durability that a process kill cannot show (the OS cache survives a SIGKILL): the database runs
 * WAL with synchronous=FULL, and every attachment blob and the files/ directory are fsynced before
 * the transaction that acknowledges the report commits — for submissions and for reporters' messages.
 */
import { readlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbFile, openDb } from '../../api/db/client.ts';
import { fileOf, jpegWithExif, makeApp, reportForm, submit, type TestApp } from './report-fixtures.ts';

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
  vi.spyOn(proto, 'sync').mockImplementation(function (this: FileHandle) {
    const count = (table: string) => (t.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    calls.push({ path: readlinkSync(`/proc/self/fd/${this.fd}`), reports: count('reports'), files: count('report_files') });
    return real.call(this);
  });
  return calls;
}

describe('持久性：fsync 和 synchronous=FULL', () => {
  afterEach(() => vi.restoreAllMocks());

  it('数据库以 WAL 和 synchronous=FULL 打开', () => {
    const t = makeApp();
    const db = openDb(dbFile(t.dataDir));
    try {
      expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
      // 2 = FULL: a commit is on disk (WAL fsynced) before better-sqlite3 returns.
      expect(db.$client.pragma('synchronous', { simple: true })).toBe(2);
      expect(t.db.$client.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      db.$client.close();
    }
  });

  it('提交举报：每个附件文件和目录都在确认举报的事务提交之前 fsync', async () => {
    const t = makeApp({ fastReceipts: true });
    const calls = await spyOnFsync(t);
    const photo = await jpegWithExif();
    const { res, body } = await submit(t.app, reportForm({}, [fileOf(photo, 'a.jpg'), fileOf(photo, 'b.jpg')]));
    expect(res.status, JSON.stringify(body)).toBe(201);
    const blobs = (t.db.$client.prepare('select blob_name as b from report_files').all() as { b: string }[]).map((r) => join(t.dataDir, 'files', r.b));
    expect(blobs).toHaveLength(2);
    const synced = calls.map((c) => c.path);
    for (const blob of blobs) expect(synced, `附件 ${blob} 没有 fsync`).toContain(blob);
    expect(synced, 'files/ 目录没有 fsync').toContain(join(t.dataDir, 'files'));
    // Nothing was committed yet at any of those fsyncs: the blobs are durable before the receipt exists.
    for (const c of calls) expect(c, `fsync ${c.path} 时举报已经提交`).toMatchObject({ reports: 0, files: 0 });
    // The directory is synced after the last blob, so both names are on disk.
    expect(synced.lastIndexOf(join(t.dataDir, 'files'))).toBeGreaterThan(Math.max(...blobs.map((b) => synced.indexOf(b))));
  });

  it('举报人补充留言的附件同样先 fsync 后提交', async () => {
    const t = makeApp({ fastReceipts: true });
    const { body } = await submit(t.app, reportForm());
    const calls = await spyOnFsync(t);
    const form = new FormData();
    form.set('receipt', body.receipt);
    form.set('body', '补充一张照片。');
    form.append('files', fileOf(await jpegWithExif(), 'c.jpg'));
    const res = await t.app.request('/api/reports/messages', { method: 'POST', body: form, headers: { accept: 'application/json' } });
    expect(res.status, await res.clone().text()).toBe(201);
    const blob = (t.db.$client.prepare('select blob_name as b from report_files').get() as { b: string }).b;
    const synced = calls.map((c) => c.path);
    expect(synced).toContain(join(t.dataDir, 'files', blob));
    expect(synced).toContain(join(t.dataDir, 'files'));
    for (const c of calls) expect(c.files, `fsync ${c.path} 时附件记录已经提交`).toBe(0);
  });
});
