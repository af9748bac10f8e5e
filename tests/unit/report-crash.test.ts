// "Nothing acknowledged is ever lost": submit continuously, SIGKILL the server at random moments
// several times, restart, and check that every receipt returned before each kill still opens its
// report (with its photo), that every stored photo decrypts to exactly the bytes intake made of it,
// and that the database's integrity check passes (SQLite; PostgreSQL checks its keys on every write).
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { closeDb, dbFile, dbKind, openDb, rows } from '../../api/db/client.ts';
import { blobStoreFor } from '../../api/services/blob-store.ts';
import { cleanAttachment } from '../../api/services/reports/attachments.ts';
import { countRows, jpegWithExif, startServer, VALID_FIELDS, type RunningServer } from './report-fixtures.ts';
import { decryptAttachments } from './stored-attachment.ts';

const ROUNDS = 4;
const WRITERS = 6;

interface Acknowledged {
  receipt: string;
  description: string;
  photo: boolean;
}

async function submitUntilDead(server: RunningServer, round: number, writer: number, photo: Uint8Array<ArrayBuffer>, acked: Acknowledged[], stop: { dead: boolean }) {
  for (let n = 0; !stop.dead; n++) {
    const description = `崩溃测试 round=${round} writer=${writer} n=${n} ${Math.random().toString(36).slice(2)}`;
    const withPhoto = n % 2 === 0;
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...VALID_FIELDS, description })) form.set(k, v);
    if (withPhoto) form.append('files', new File([photo], `p${n}.jpg`));
    try {
      const res = await fetch(`${server.base}/api/reports`, { method: 'POST', body: form, headers: { accept: 'application/json' } });
      if (res.status !== 201) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
      const { receipt } = (await res.json()) as { receipt: string };
      acked.push({ receipt, description, photo: withPhoto });
    } catch (e) {
      if (stop.dead) return;
      throw e;
    }
  }
}

describe('崩溃测试（SIGKILL）', () => {
  it(`连续提交中随机强杀 ${ROUNDS} 次：杀之前确认过的举报都还在，数据库完整`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'report-crash-'));
    const photo = new Uint8Array(await jpegWithExif(640, 480));
    const acked: Acknowledged[] = [];
    let output = '';

    for (let round = 0; round < ROUNDS; round++) {
      const server = await startServer(dataDir, { RATE_LIMITS: 'off' });
      const stop = { dead: false };
      const before = acked.length;
      const writers = Array.from({ length: WRITERS }, (_, w) => submitUntilDead(server, round, w, photo, acked, stop));
      // Kill at a random moment once this round has acknowledged something.
      const delay = 300 + Math.random() * 1200;
      const started = Date.now();
      while (Date.now() - started < delay || acked.length === before) await new Promise((r) => setTimeout(r, 20));
      stop.dead = true;
      server.proc.kill('SIGKILL');
      await new Promise((r) => server.proc.once('exit', r));
      await Promise.all(writers);
      output += server.output();
    }
    expect(acked.length).toBeGreaterThan(ROUNDS);
    console.log(`崩溃测试：${ROUNDS} 次强杀前共确认 ${acked.length} 件举报`);

    // Restart and open every acknowledged report with its receipt (the real lookup route).
    const server = await startServer(dataDir, { RATE_LIMITS: 'off' });
    const missing: string[] = [];
    const queue = [...acked];
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        for (let a = queue.shift(); a; a = queue.shift()) {
          const res = await fetch(`${server.base}/api/reports/lookup`, { method: 'POST', body: JSON.stringify({ receipt: a.receipt }), headers: { 'content-type': 'application/json' } });
          if (res.status !== 200) {
            missing.push(`${a.description}: ${res.status}`);
            continue;
          }
          const view = (await res.json()) as { description: string; attachments: unknown[] };
          if (view.description !== a.description || view.attachments.length !== (a.photo ? 1 : 0)) missing.push(`${a.description}: 内容不符`);
        }
      }),
    );
    server.proc.kill('SIGTERM');
    await new Promise((r) => server.proc.once('exit', r));
    expect(missing, `确认过却丢失的举报（共 ${acked.length} 件）`).toEqual([]);
    expect(output).not.toMatch(/\[error\]/);

    // Every stored photo, decrypted with the keys (recovery key printed at first start), is byte for
    // byte what intake makes of the uploaded photo: a truncated or half-written blob cannot pass.
    const recoveryKey = /[A-Z2-9]{4}(?:-[A-Z2-9]{4}){13}/.exec(output)?.[0];
    expect(recoveryKey, '首次启动打印了恢复密钥').toBeTruthy();
    const expected = createHash('sha256').update((await cleanAttachment(new File([photo], 'p.jpg'), 0)).data).digest('hex');
    const reopened = await openDb(dbFile(dataDir));
    const bad: string[] = [];
    let photos = 0;
    let fileRows = 0;
    let blobs = 0;
    const kind = dbKind(reopened);
    try {
      const store = blobStoreFor(reopened, dataDir);
      const ids = (await rows<{ id: string }>(reopened, sql`select distinct report_id as id from report_files`)).map((r) => r.id);
      for (const id of ids) {
        try {
          for (const f of await decryptAttachments(reopened, store, recoveryKey!, id)) {
            photos++;
            const got = createHash('sha256').update(f.plaintext).digest('hex');
            if (got !== expected || f.plaintext.length !== f.meta.size) bad.push(`${f.blobName}: ${f.plaintext.length} 字节，sha256 ${got.slice(0, 12)}`);
          }
        } catch (e) {
          bad.push(`${id}: ${(e as Error).message}`);
        }
      }
      fileRows = await countRows(reopened, 'report_files');
      blobs = (await store.list()).length;
    } finally {
      await closeDb(reopened);
    }
    expect(photos).toBeGreaterThanOrEqual(acked.filter((a) => a.photo).length);
    expect(bad, '解密失败或内容不对的附件').toEqual([]);
    // Blobs of interrupted, never-acknowledged requests were swept at restart.
    expect(blobs).toBe(fileRows);
    // On PostgreSQL nothing of an attachment is written beside the database.
    if (kind === 'postgres') expect(existsSync(join(dataDir, 'files')) ? readdirSync(join(dataDir, 'files')) : []).toEqual([]);

    if (kind === 'sqlite') {
      const db = new Database(join(dataDir, 'app.db'));
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('foreign_key_check')).toEqual([]);
      } finally {
        db.close();
      }
    }
  }, 90_000);
});
