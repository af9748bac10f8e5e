// The privacy guarantees, against the real server process: nothing about the client (address, user
// agent) reaches the database, the files or the server's output, and reporter routes set no cookie.
import { existsSync, readdirSync, readFileSync, mkdtempSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { closeDb, dbFile, exec, openDb, row, type Db } from '../../api/db/client.ts';
import { databaseKind } from '../../api/db/dialect.ts';
import { fileOf, jpegWithExif, startServer, storedCells, VALID_FIELDS, type RunningServer } from './report-fixtures.ts';

/** The database the server process runs on (it inherits this environment). */
const KIND = databaseKind(process.env);

// A loopback address of our own, so it cannot be confused with "127.0.0.1" in the startup banner.
const CLIENT_ADDRESS = '127.0.0.77';
const USER_AGENT = 'PrivacyProbe/9.9 (Linux; Android 14; UA-CANARY-7731)';
const FORWARDED_FOR = '198.51.100.23';
const SECRET_TEXT = '车间主任说不许报，隐患原文CANARY-TEXT-9034';
/** The receipt as the receipt page shows it: groups of four digits. */
const formatReceiptForHumans = (r: string) => r.replace(/(\d{4})(?=\d)/g, '$1 ');

/** A request from CLIENT_ADDRESS with an identifying user agent and proxy headers. */
function send(server: RunningServer, path: string, body: Buffer, contentType: string, accept = 'application/json'): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        localAddress: CLIENT_ADDRESS,
        path,
        method: 'POST',
        headers: {
          'content-type': contentType,
          'content-length': body.length,
          'user-agent': USER_AGENT,
          'x-forwarded-for': FORWARDED_FOR,
          'x-real-ip': FORWARDED_FOR,
          accept,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The GET that follows a Post/Redirect/Get, from the same client. */
function get(server: RunningServer, path: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, localAddress: CLIENT_ADDRESS, path, headers: { 'user-agent': USER_AGENT, accept: 'text/html' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function multipart(fields: Record<string, string>, file?: { name: string; data: Buffer }): Promise<{ body: Buffer; type: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.append('files', fileOf(file.data, file.name));
  const res = new Response(form);
  return { body: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type')! };
}

/** Every regular file below `dir`, at any depth (a log file or a cache anywhere in DATA_DIR counts). */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? allFiles(path) : e.isFile() ? [path] : [];
  });
}

/** Where each needle shows up in the given bytes: as UTF-8, UTF-16 or hex. */
function leaks(needles: string[], where: string, bytes: Buffer): string[] {
  const found: string[] = [];
  for (const needle of needles) {
    for (const [how, form] of [['UTF-8', Buffer.from(needle)], ['UTF-16', Buffer.from(needle, 'utf16le')], ['hex', Buffer.from(Buffer.from(needle).toString('hex'))]] as const) {
      if (bytes.includes(form)) found.push(`${needle}（${how}）出现在 ${where}`);
    }
  }
  return found;
}

/**
 * PostgreSQL's files that can hold this test's data: the database's own relation files and every WAL
 * segment written since the test started, read after a CHECKPOINT (the test cluster's superuser runs
 * it; the test, as root or as the cluster's owner, can read the data directory).
 */
async function postgresFiles(db: Db, since: number): Promise<{ file: string; bytes: Buffer }[]> {
  await exec(db, sql`checkpoint`);
  const dir = (await row<{ data_directory: string }>(db, sql`show data_directory`))!.data_directory;
  const oid = (await row<{ oid: number }>(db, sql`select oid::int as oid from pg_database where datname = current_database()`))!.oid;
  const wal = allFiles(join(dir, 'pg_wal')).filter((f) => /\/[0-9A-F]{24}$/.test(f) && statSync(f).mtimeMs >= since);
  return [...allFiles(join(dir, 'base', String(oid))), ...wal].map((file) => ({ file, bytes: readFileSync(file) }));
}

describe('隐私：真实服务进程', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'report-privacy-'));
  let server: RunningServer;

  afterAll(() => {
    server?.proc.kill('SIGKILL');
  });

  it('不保存、不记录客户端地址和 UA，不设 Cookie，DATA_DIR 里没有明文', async () => {
    const startedAt = Date.now() - 1000;
    server = await startServer(dataDir);
    const photo = await jpegWithExif();
    const report = await multipart(
      { ...VALID_FIELDS, description: SECRET_TEXT, identity_mode: 'real_name', identity_name: '孙七CANARY', identity_phone: '13700001111' },
      { name: 'IMG_CANARY.jpg', data: photo },
    );
    const filed = await send(server, '/api/reports', report.body, report.type);
    expect(filed.status).toBe(201);
    expect(filed.headers['set-cookie']).toBeUndefined();
    const { receipt } = JSON.parse(filed.text) as { receipt: string };

    const looked = await send(server, '/api/reports/lookup', Buffer.from(JSON.stringify({ receipt })), 'application/json');
    expect(looked.status).toBe(200);
    expect(looked.headers['set-cookie']).toBeUndefined();
    const wrong = await send(server, '/api/reports/lookup', Buffer.from(JSON.stringify({ receipt: '11112222333344445555' })), 'application/json');
    expect(wrong.status).toBe(404);
    const reply = await multipart({ receipt, body: '补充说明CANARY-REPLY' });
    expect((await send(server, '/api/reports/messages', reply.body, reply.type)).status).toBe(201);
    const page = await send(server, '/report/status/', Buffer.from(new URLSearchParams({ receipt }).toString()), 'application/x-www-form-urlencoded', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers['set-cookie']).toBeUndefined();
    const view = await get(server, page.headers['location'] as string);
    expect(view.status).toBe(200);
    expect(view.text).toContain('CANARY-REPLY');
    expect(view.headers['set-cookie']).toBeUndefined();
    // A refused request and a broken one: the error path must not log the request either.
    const bad = await multipart({ ...VALID_FIELDS, category: 'nope' });
    expect((await send(server, '/api/reports', bad.body, bad.type)).status).toBe(400);
    expect((await send(server, '/api/reports', Buffer.from('--x\r\nbroken'), 'multipart/form-data; boundary=x')).status).toBe(400);

    // While the server still runs, the WAL holds the new pages: read every file below DATA_DIR now…
    const running = allFiles(dataDir).map((file) => ({ file, bytes: readFileSync(file) }));
    if (KIND === 'sqlite') expect(running.map((f) => f.file.slice(dataDir.length))).toContain('/app.db-wal');
    // …then stop gracefully (the WAL is checkpointed into app.db) and read everything again.
    server.proc.kill('SIGTERM');
    await new Promise((r) => server.proc.once('exit', r));
    const output = server.output();
    const stopped = allFiles(dataDir).map((file) => ({ file, bytes: readFileSync(file) }));
    if (KIND === 'sqlite') {
      expect(stopped.length).toBeGreaterThanOrEqual(2);
      expect(existsSync(join(dataDir, 'files'))).toBe(true);
      expect(statSync(join(dataDir, 'app.db')).size).toBeGreaterThan(0);
    }
    // Every value of every table, as the database hands it out; on PostgreSQL also the server's own
    // files for this database and the write-ahead log written during this test.
    const db = await openDb(dbFile(dataDir));
    const cells = await storedCells(db);
    const serverFiles = KIND === 'postgres' ? await postgresFiles(db, startedAt) : [];
    await closeDb(db);
    expect(cells.length).toBeGreaterThan(10);
    if (KIND === 'postgres') {
      expect(serverFiles.some((f) => f.file.includes('/pg_wal/')), 'PostgreSQL 的 WAL 文件').toBe(true);
      expect(serverFiles.some((f) => f.file.includes('/base/')), 'PostgreSQL 的表文件').toBe(true);
      // The scan reads real data: the plaintext category code of this report is in those files.
      expect(serverFiles.some((f) => f.bytes.includes(Buffer.from(VALID_FIELDS.category))), '扫描到了本次举报的明文类别').toBe(true);
    }

    const identifying = [CLIENT_ADDRESS, USER_AGENT, 'UA-CANARY-7731', 'PrivacyProbe', FORWARDED_FOR, receipt, formatReceiptForHumans(receipt)];
    const content = [SECRET_TEXT, 'CANARY-TEXT-9034', '孙七CANARY', '13700001111', 'IMG_CANARY', 'CANARY-REPLY', VALID_FIELDS.place, VALID_FIELDS.description];
    const exif = ['SERIAL-CANARY-4711', 'CanaryMake', 'CanaryModel X1', 'OwnerCanary', 'CopyCanary', 'OwnerNameCanary', '2026:11:01 08:00:00'];
    const everything = [...identifying, ...content, ...exif];
    const found = [
      ...leaks(everything, '服务器输出（stdout/stderr）', Buffer.from(output)),
      ...running.flatMap((f) => leaks(everything, `${f.file}（运行中）`, f.bytes)),
      ...stopped.flatMap((f) => leaks(everything, `${f.file}（停止后）`, f.bytes)),
      ...cells.flatMap((c, i) => leaks(everything, `数据库第 ${i} 个值`, c)),
      ...serverFiles.flatMap((f) => leaks(everything, `PostgreSQL 文件 ${f.file}`, f.bytes)),
    ];
    expect(found, '不该出现的内容').toEqual([]);
  }, 60_000);
});
