// Issue 16, city/province scale as deployed: two API processes on one PostgreSQL database behind a
// real nginx (the Debian package) with the "```nginx province" configuration from docs/deploy.md,
// TLS with a certificate made by openssl at test time. Clients come from different loopback addresses
// (127.0.0.2, 127.0.0.3, …) so nginx sees different people. Checks: a report filed through one process
// is opened by staff on the other (attachment included); parallel audit appends from both processes
// leave one valid chain; class mode with pupils on both processes; one client always reaches the same
// process, so the in-memory rate limits hold per client; static pages nginx serves from dist/ carry
// the server's own security headers; nginx logs nothing of any reporter and no address.
//
// Runs only when DATABASE_URL is a postgres:// URL (npm test's second, PostgreSQL round). It makes a
// database of its own on that server and gives it to both processes (no DATABASE_TEST_ISOLATE: both
// must share it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecoveryKey, publicKeyFromPrivate, totpCode } from '../../api/crypto/index.ts';
import { databaseKind } from '../../api/db/dialect.ts';
import { DEFAULT_REPORT_LIMITS } from '../../api/middleware/rate-limit.ts';
import { KEY_IDS } from '../../api/services/keys.ts';
import { QuestionBank } from '../../api/services/quiz/bank.ts';
import { makeNginxPrefix, nginxBinary, selfSignedCert, writeNginxConf } from '../../scripts/local-nginx.ts';
import { findPgBin } from '../../scripts/pg-cluster.ts';
import { NGINX_CSP_MAP, nginxCspMap } from '../../scripts/postbuild.ts';

const ON_POSTGRES = databaseKind() === 'postgres';
if (!ON_POSTGRES) {
  console.log('⚠ 跳过 province-deploy（两个 API 进程 + nginx + PostgreSQL）：DATABASE_URL 不是 postgres://…；npm test 在 PostgreSQL 一轮里运行它。');
}

const HOST = 'aq.shanghe.example';
const ORIGIN = `https://${HOST}`;
const ADMIN_PASSWORD = 'province-admin-password-2026';
const INITIAL_PASSWORD = 'province-initial-password-1';
const INTAKE_PASSWORD = 'province-intake-password-2026';
const CANARY = 'PROVINCE-CANARY-7731';
const DIST = resolve('dist');
const SECURITY_HEADERS = [
  'content-security-policy',
  'x-content-type-options',
  'referrer-policy',
  'x-frame-options',
  'permissions-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'strict-transport-security',
] as const;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

/** The province nginx block of docs/deploy.md with this test's ports, certificate, paths and log folder. */
function provinceConfig(prefix: string, p: { http: number; https: number; a: number; b: number; root: string; map: string }): string {
  const doc = readFileSync('docs/deploy.md', 'utf8');
  const block = /```nginx province\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/deploy.md 里没有 ```nginx province 配置块');
  const swaps: [string, string][] = [
    ['server 127.0.0.1:4321;', `server 127.0.0.1:${p.a};`],
    ['server 127.0.0.1:4322;', `server 127.0.0.1:${p.b};`],
    ['listen 80;', `listen 127.0.0.1:${p.http};`],
    // Test instrumentation only: proxied answers say which process answered (static ones have their own headers).
    ['listen 443 ssl http2;', `listen 127.0.0.1:${p.https} ssl http2;\n    add_header X-Test-Upstream $upstream_addr always;`],
    ['/etc/ssl/shanghe/fullchain.pem', join(prefix, 'cert.pem')],
    ['/etc/ssl/shanghe/privkey.pem', join(prefix, 'key.pem')],
    ['include /srv/shanghe/app/dist/.nginx-csp.map;', `include ${p.map};`],
    ['root /srv/shanghe/app/dist;', `root ${p.root};`],
  ];
  let conf = block;
  for (const [from, to] of swaps) {
    if (!conf.includes(from)) throw new Error(`docs/deploy.md 的 province 配置里找不到“${from}”`);
    conf = conf.replaceAll(from, to);
  }
  if (!conf.includes('hash $remote_addr consistent;')) throw new Error('province 配置的 upstream 没有按客户端地址一致性哈希');
  if (!conf.includes('/var/log/nginx/')) throw new Error('province 配置没有写日志路径');
  return conf.replaceAll('/var/log/nginx/', `${join(prefix, 'logs')}/`);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers are checked field by field
}

function collect(res: import('node:http').IncomingMessage, done: (a: Answer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => {
    const body = Buffer.concat(chunks);
    const text = body.toString('utf8');
    let json: unknown = null;
    if (String(res.headers['content-type'] ?? '').includes('json')) json = JSON.parse(text);
    done({ status: res.statusCode!, headers: res.headers, body, text, json });
  });
}

describe.skipIf(!ON_POSTGRES)('省、市规模部署：两个 API 进程 + nginx + PostgreSQL（docs/deploy.md）', () => {
  let prefix = '';
  let dataA = '';
  let dataB = '';
  let dbName = '';
  let dbUrl = '';
  let httpsPort = 0;
  let httpPort = 0;
  let portA = 0;
  let portB = 0;
  let nginx: ChildProcess | undefined;
  const apps: ChildProcess[] = [];
  const output = ['', ''];
  let recoveryKey = '';
  let printedKeys: string[] = [];
  let staticRoot = '';
  let siteCopy = '';
  let haveDist = false;
  /** Loopback client addresses by the process nginx sends them to. */
  const onA: string[] = [];
  const onB: string[] = [];
  let upstreamA = '';
  let upstreamB = '';
  // Shared by the steps below (they run in order).
  let receipt = '';
  let reportId = '';
  let admin = { cookie: '', csrf: '' };
  let intake = { cookie: '', csrf: '' };

  /** Through nginx over TLS, from a loopback address of our choice. */
  function send(from: string, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((done, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: httpsPort, localAddress: from, method, path, servername: HOST, rejectUnauthorized: false, agent: false, headers: { host: HOST, ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } },
        (res) => collect(res, done),
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  /** Straight to one API process, as nginx would call it for an HTTPS client. */
  function direct(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((done, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, agent: false, headers: { host: HOST, 'x-forwarded-proto': 'https', 'x-forwarded-for': '127.0.0.250', ...headers } }, (res) => collect(res, done));
      req.on('error', reject);
      req.end();
    });
  }
  const postJson = (from: string, path: string, data: unknown, extra: Record<string, string> = {}) =>
    send(from, 'POST', path, JSON.stringify(data), { 'content-type': 'application/json', accept: 'application/json', origin: ORIGIN, ...extra });
  const staffCall = (from: string, who: { cookie: string; csrf: string }, method: string, path: string, data?: unknown) =>
    send(from, method, path, data === undefined ? undefined : JSON.stringify(data), {
      accept: 'application/json',
      origin: ORIGIN,
      cookie: who.cookie,
      'x-csrf-token': who.csrf,
      ...(data === undefined ? {} : { 'content-type': 'application/json' }),
    });
  const upstreamOf = (a: Answer) => String(a.headers['x-test-upstream'] ?? '');
  /** What the two processes printed (errors included), for failure messages. */
  const serverOutput = () => output.map((o, i) => `—— 进程 ${'AB'[i]} ——\n${o.slice(-4000)}`).join('\n');
  async function login(from: string, username: string, password: string, code: string) {
    const res = await postJson(from, '/api/admin/login', { username, password, code });
    expect(res.status, res.text).toBe(200);
    const cookie = ((res.headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');
    expect(cookie).not.toBe('');
    return { cookie, csrf: res.json.csrf_token as string };
  }
  const cli = (script: string, args: string[], env: Record<string, string>) => {
    const r = spawnSync(process.execPath, [script, ...args], { env: { ...process.env, DATABASE_TEST_ISOLATE: '', DATABASE_URL: dbUrl, ...env }, encoding: 'utf8', timeout: 30_000 });
    return r;
  };
  /** One statement through psql (the client that comes with the server; no database driver in tests). */
  function psql(url: string, text: string): string {
    const bin = findPgBin();
    const r = spawnSync(bin ? join(bin, 'psql') : 'psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-c', text], { encoding: 'utf8', timeout: 20_000 });
    if (r.status !== 0) throw new Error(`psql：${r.stderr || r.error}`);
    return r.stdout.trim();
  }
  const count = (text: string) => Number(psql(dbUrl, text));

  beforeAll(async () => {
    const nginxBin = nginxBinary();
    expect(nginxBin, '需要 nginx（Debian 软件包 nginx-light；.ci/run 会安装）').toBeTruthy();

    // A database of this test's own on the server npm test started; both processes share it.
    dbName = `province_${randomBytes(6).toString('hex')}`;
    psql(process.env.DATABASE_URL!, `create database ${dbName}`);
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();

    prefix = mkdtempSync(join(tmpdir(), 'province-nginx-'));
    dataA = mkdtempSync(join(tmpdir(), 'province-a-'));
    dataB = mkdtempSync(join(tmpdir(), 'province-b-'));
    makeNginxPrefix(prefix, ['empty-site']);
    const cert = selfSignedCert(prefix, HOST);
    expect(cert.status, cert.stderr).toBe(0);
    [portA, portB, httpsPort, httpPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);

    // Built site: nginx serves it; without it (no `npm run build` yet) the static comparison is skipped
    // locally and fails in CI.
    haveDist = existsSync(join(DIST, 'index.html')) && existsSync(join(DIST, NGINX_CSP_MAP));
    if (haveDist) {
      // As root, nginx's workers run as nobody and must reach every folder on the way to the files;
      // a checkout (e.g. in `mktemp -d`) or this file's temporary root may be enterable only by its
      // owner. So nginx and both processes serve a copy in a folder everyone can enter.
      siteCopy = mkdtempSync(join(process.env.SHANGHE_OUTER_TMPDIR ?? tmpdir(), 'province-site-'));
      chmodSync(siteCopy, 0o755);
      cpSync(DIST, join(siteCopy, 'dist'), { recursive: true });
    }
    staticRoot = haveDist ? join(siteCopy, 'dist') : join(prefix, 'empty-site');
    const mapFile = haveDist ? join(staticRoot, NGINX_CSP_MAP) : join(prefix, 'csp.map');
    if (!haveDist) writeFileSync(mapFile, nginxCspMap({}));

    // Both processes start at once: migrations queue on PostgreSQL's advisory lock, keys are made once.
    for (const [i, port, dataDir] of [[0, portA, dataA], [1, portB, dataB]] as const) {
      const child = spawn(process.execPath, ['api/server.ts'], {
        env: { ...process.env, DATABASE_URL: dbUrl, DATABASE_TEST_ISOLATE: '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SITE_DIR: staticRoot, SITE_URL: ORIGIN, TRUST_PROXY: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (d) => (output[i] += d));
      child.stderr!.on('data', (d) => (output[i] += d));
      apps.push(child);
    }

    const args = writeNginxConf(prefix, provinceConfig(prefix, { http: httpPort, https: httpsPort, a: portA, b: portB, root: staticRoot, map: mapFile }), { workerConnections: 512 });
    const check = spawnSync(nginxBin, ['-t', ...args], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    nginx = spawn(nginxBin, [...args, '-g', 'daemon off;'], { stdio: 'ignore' });

    const deadline = Date.now() + 30_000;
    for (const [i, port] of [portA, portB].entries()) {
      for (;;) {
        const up = await direct(port, '/api/health').then((r) => r.status === 200, () => false);
        if (up) break;
        if (Date.now() > deadline || apps[i]!.exitCode !== null) throw new Error(`API 进程没有就绪：\n${output.join('\n----\n')}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
    const health = await direct(portA, '/api/health');
    expect(JSON.stringify(health.json)).toContain('postgres');

    // The recovery key printed at start that opens the stored escrow key (the first test checks it was printed once).
    printedKeys = output.flatMap((o) => o.match(/[A-Z2-9]{4}(?:-[A-Z2-9]{4}){13}/g) ?? []);
    const escrow = Buffer.from(psql(dbUrl, `select encode(public_key, 'hex') from crypto_keys where id = '${KEY_IDS.escrow}'`), 'hex');
    recoveryKey = printedKeys.find((k) => publicKeyFromPrivate(decodeRecoveryKey(k)!).equals(escrow)) ?? '';

    // Which process nginx sends each client address to.
    for (;;) {
      const probe = await send('127.0.0.2', 'GET', '/api/health').catch(() => null);
      if (probe?.status === 200) break;
      if (Date.now() > deadline) throw new Error('nginx 没有就绪');
      await new Promise((r) => setTimeout(r, 150));
    }
    upstreamA = `127.0.0.1:${portA}`;
    upstreamB = `127.0.0.1:${portB}`;
    for (let i = 2; i <= 41; i++) {
      const from = `127.0.0.${i}`;
      const r = await send(from, 'GET', '/api/health');
      expect(r.status).toBe(200);
      const up = upstreamOf(r);
      if (up === upstreamA) onA.push(from);
      else if (up === upstreamB) onB.push(from);
      else throw new Error(`回答来自未知的上游：${up}`);
    }
    // 40 addresses on a consistent hash ring of two servers: both get some (all on one: p ≈ 2⁻³⁹).
    expect(onA.length).toBeGreaterThan(3);
    expect(onB.length).toBeGreaterThan(3);
  }, 55_000);

  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    if (siteCopy) rmSync(siteCopy, { recursive: true, force: true });
    await Promise.all(
      apps.map(
        (p) =>
          new Promise<void>((done) => {
            if (p.exitCode !== null || p.signalCode !== null) return done();
            const t = setTimeout(() => (p.kill('SIGKILL'), done()), 8000);
            p.once('exit', () => (clearTimeout(t), done()));
            p.kill('SIGTERM');
          }),
      ),
    );
    if (dbName) {
      try {
        psql(process.env.DATABASE_URL!, `drop database if exists ${dbName} with (force)`);
      } catch (e) {
        console.error(e);
      }
    }
    for (const d of [prefix, dataA, dataB]) if (d) rmSync(d, { recursive: true, force: true });
  }, 20_000);

  // Addresses the steps use, kept apart so one step's rate-limit counters never touch another's.
  const reporterAddr = () => onA.find((a) => a !== '127.0.0.2')!;
  const staffOnA = () => onA.filter((a) => a !== '127.0.0.2')[1]!;
  const staffOnB = () => onB.filter((a) => a !== '127.0.0.2')[0]!;

  it('两个进程同时启动：恢复密钥只生成一次、只打印一次，打印出的就是能打开密钥的那一把', () => {
    expect(printedKeys, `两个进程的输出：\n${output.join('\n----\n')}`).toHaveLength(1);
    expect(recoveryKey).toBe(printedKeys[0]);
  });

  it('经 A 进程提交的举报（带照片），B 进程上的受理员打开、看到附件；举报人在 B 进程上查得到', async () => {
    const photo = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#c33' } }).jpeg().toBuffer();
    const form = new FormData();
    for (const [k, v] of Object.entries({ category: 'general_hazard', sector: 'other', township: 'xushang', place: '省级部署测试地点', description: `两个进程之间的测试举报内容${CANARY}` })) form.set(k, v);
    form.append('files', new File([new Uint8Array(photo)], 'site.jpg', { type: 'image/jpeg' }));
    const encoded = new Response(form);
    const filed = await send(reporterAddr(), 'POST', '/api/reports', Buffer.from(await encoded.arrayBuffer()), { 'content-type': encoded.headers.get('content-type')!, accept: 'application/json', origin: ORIGIN });
    expect(filed.status, filed.text).toBe(201);
    expect(upstreamOf(filed)).toBe(upstreamA);
    receipt = filed.json.receipt as string;

    // The first administrator (CLI, recovery key), logged in on process A, creates an intake clerk.
    const made = cli('scripts/admin-create.ts', ['--json'], { DATA_DIR: dataA, RECOVERY_KEY: recoveryKey, ADMIN_USERNAME: 'provadmin', ADMIN_NAME: '省级测试管理员', ADMIN_PASSWORD });
    expect(made.status, made.stderr).toBe(0);
    const adminSecret = (JSON.parse(made.stdout.trim().split('\n').at(-1)!) as { totp_secret: string }).totp_secret;
    admin = await login(staffOnA(), 'provadmin', ADMIN_PASSWORD, totpCode(adminSecret));
    const created = await staffCall(staffOnA(), admin, 'POST', '/api/admin/staff', { username: 'provintake', display_name: '省级受理员', role: 'intake', department: '', password: INITIAL_PASSWORD });
    expect(created.status, created.text).toBe(201);
    expect(upstreamOf(created)).toBe(upstreamA);
    const secret = created.json.totp_secret as string;

    // The clerk, on process B: replaces the initial password, gets the intake key on the command line, logs in again.
    const first = await login(staffOnB(), 'provintake', INITIAL_PASSWORD, totpCode(secret));
    const changed = await staffCall(staffOnB(), first, 'POST', '/api/admin/password', { current_password: INITIAL_PASSWORD, new_password: INTAKE_PASSWORD });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.relogin).toBe(true);
    const granted = cli('scripts/keys-grant.ts', ['provintake'], { DATA_DIR: dataB, RECOVERY_KEY: recoveryKey });
    expect(granted.status, granted.stderr).toBe(0);
    // A code of the next 30-second step: each code is good once.
    intake = await login(staffOnB(), 'provintake', INTAKE_PASSWORD, totpCode(secret, Date.now() + 30_000));

    const queue = await staffCall(staffOnB(), intake, 'GET', '/api/admin/reports');
    expect(queue.status, queue.text).toBe(200);
    expect(upstreamOf(queue)).toBe(upstreamB);
    expect(queue.json.items).toHaveLength(1);
    reportId = queue.json.items[0].id as string;
    const opened = await staffCall(staffOnB(), intake, 'GET', `/api/admin/reports/${reportId}`);
    expect(opened.status, opened.text).toBe(200);
    expect(upstreamOf(opened)).toBe(upstreamB);
    expect(opened.json.description).toContain(CANARY);
    expect(opened.json.files).toHaveLength(1);
    // The reporter follows the report from an address that nginx sends to process B.
    const followed = await postJson(onB.at(-1)!, '/api/reports/lookup', { receipt });
    expect(followed.status).toBe(200);
    expect(upstreamOf(followed)).toBe(upstreamB);
    expect(followed.text).toContain(CANARY);
    // The attachment written by process A is read by process B: it lives in the database, not in A's DATA_DIR.
    const preview = await staffCall(staffOnB(), intake, 'GET', `/api/admin/reports/${reportId}/files/${opened.json.files[0].id}?preview=1`);
    expect(preview.status, serverOutput()).toBe(200);
    expect(upstreamOf(preview)).toBe(upstreamB);
    expect(preview.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(preview.body).metadata()).width).toBe(96);
    const localFiles = existsSync(join(dataA, 'files')) ? readdirSync(join(dataA, 'files'), { recursive: true }) : [];
    expect(localFiles, 'PostgreSQL 模式下附件不写进 DATA_DIR').toEqual([]);
  }, 40_000);

  it('两个进程同时各追加 20 条审计记录：只有一条完好的哈希链，条数正好', async () => {
    expect(reportId, '上一步建好了案件').not.toBe('');
    const before = count('select count(*) from audit_log');
    const notes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const from = i % 2 ? staffOnB() : staffOnA();
        return staffCall(from, intake, 'POST', `/api/admin/reports/${reportId}/notes`, { body: `并发内部记录第 ${i} 条` });
      }),
    );
    expect(notes.map((n) => n.status), serverOutput()).toEqual(Array(40).fill(200));
    expect(notes.filter((n) => upstreamOf(n) === upstreamA)).toHaveLength(20);
    expect(notes.filter((n) => upstreamOf(n) === upstreamB)).toHaveLength(20);

    expect(count("select count(*) from audit_log where action = 'note.added'")).toBe(40);
    const total = before + 40;
    expect(count('select count(*) from audit_log')).toBe(total);
    // No fork: no two entries continue the same predecessor.
    expect(count('select count(*) from (select prev_hash from audit_log group by prev_hash having count(*) > 1) f')).toBe(0);
    const verified = cli('scripts/audit-verify.ts', [], { DATA_DIR: dataA });
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`审计日志完好：共 ${total} 条记录`);
  }, 30_000);

  it('备份和恢复（docs/deploy.md）：pg_dump -Fc 再 pg_restore 到新数据库，举报、附件分块和审计链都在，审计链照样校验通过', () => {
    expect(reportId, '前面的步骤建好了案件').not.toBe('');
    const bin = findPgBin();
    const tool = (name: string) => (bin ? join(bin, name) : name);
    const dump = join(prefix, 'backup.dump');
    const dumped = spawnSync(tool('pg_dump'), ['-Fc', '-d', dbUrl, '-f', dump], { encoding: 'utf8', timeout: 30_000 });
    expect(dumped.status, dumped.stderr).toBe(0);
    const restoredName = `${dbName}_restored`;
    psql(process.env.DATABASE_URL!, `create database ${restoredName}`);
    const restoredUrl = new URL(dbUrl);
    restoredUrl.pathname = `/${restoredName}`;
    try {
      const restored = spawnSync(tool('pg_restore'), ['--no-owner', '-d', restoredUrl.toString(), dump], { encoding: 'utf8', timeout: 30_000 });
      expect(restored.status, restored.stderr).toBe(0);
      for (const table of ['reports', 'report_files', 'blob_chunks', 'case_notes', 'audit_log', 'staff_users', 'crypto_keys']) {
        const n = count(`select count(*) from ${table}`);
        expect(Number(psql(restoredUrl.toString(), `select count(*) from ${table}`)), table).toBe(n);
      }
      // Attachments live in the database on PostgreSQL, so the dump has them.
      expect(Number(psql(restoredUrl.toString(), 'select count(*) from blob_chunks')), '附件在 blob_chunks 里').toBeGreaterThan(0);
      const verified = spawnSync(process.execPath, ['scripts/audit-verify.ts'], { env: { ...process.env, DATABASE_TEST_ISOLATE: '', DATABASE_URL: restoredUrl.toString(), DATA_DIR: dataB }, encoding: 'utf8', timeout: 30_000 });
      expect(verified.status, verified.stdout + verified.stderr).toBe(0);
      expect(verified.stdout).toContain(`审计日志完好：共 ${count('select count(*) from audit_log')} 条记录`);
    } finally {
      psql(process.env.DATABASE_URL!, `drop database if exists ${restoredName} with (force)`);
    }
  }, 40_000);

  it('班级测验：老师在 A 上建班，学生一半在 A、一半在 B 上加入交卷，老师在 B 上看到全部成绩', async () => {
    const bank = QuestionBank.load();
    const teacherFrom = onA.at(-1)!;
    const created = await postJson(teacherFrom, '/api/quiz/class', { school: '商河县第二中学', className: '初一（2）班', audience: 'junior', count: 6, timeLimitMinutes: null });
    expect(created.status, created.text).toBe(201);
    expect(upstreamOf(created)).toBe(upstreamA);
    const { joinCode, teacherKey } = created.json as { joinCode: string; teacherKey: string };
    const pupils = [
      { name: '勇敢的熊猫', from: onA[0]!, right: true },
      { name: '聪明的小鹿', from: onA[1]!, right: true },
      { name: '快乐的海豚', from: onA[2]!, right: true },
      { name: '安静的白兔', from: onB[0]!, right: false },
      { name: '认真的松鼠', from: onB[1]!, right: false },
      { name: '活泼的小猫', from: onB[2]!, right: false },
    ];
    const joined = await Promise.all(pupils.map((p) => postJson(p.from, '/api/quiz/class/join', { code: joinCode, nickname: p.name })));
    for (const [i, j] of joined.entries()) {
      expect(j.status, j.text).toBe(201);
      expect(upstreamOf(j)).toBe(pupils[i]!.right ? upstreamA : upstreamB);
    }
    const submitted = await Promise.all(
      pupils.map((p, i) => {
        const view = joined[i]!.json.view as { questions: { stem: string; options: string[] }[] };
        const answers = view.questions.map((pq) => {
          if (!p.right) return [];
          const q = bank.all.find((x) => x.stem === pq.stem)!;
          return q.answer.map((k) => pq.options.indexOf(q.options[k]!));
        });
        return postJson(p.from, '/api/quiz/class/submit', { token: joined[i]!.json.token, answers });
      }),
    );
    for (const s of submitted) expect(s.status, s.text).toBe(200);
    expect(submitted.map((s) => s.json.percent)).toEqual([100, 100, 100, 0, 0, 0]);

    const report = await postJson(onB.at(-1)!, '/api/quiz/class/teacher', { key: teacherKey });
    expect(report.status, report.text).toBe(200);
    expect(upstreamOf(report)).toBe(upstreamB);
    expect(report.json).toMatchObject({ joined: 6, finished: 6, average: 50 });
    expect((report.json.players as { nickname: string }[]).map((p) => p.nickname).sort()).toEqual(pupils.map((p) => p.name).sort());
  }, 30_000);

  it(`同一个客户端总是到同一个进程：第 ${DEFAULT_REPORT_LIMITS.lookupFailures + 1} 次查错查询码才被拒绝，别人不受影响`, async () => {
    expect(receipt, '第一步提交了举报').not.toBe('');
    const flooder = '127.0.0.2';
    const home = onA.includes(flooder) ? upstreamA : upstreamB;
    const neighbour = (home === upstreamA ? onA : onB).find((a) => a !== flooder && a !== reporterAddr())!;
    const elsewhere = (home === upstreamA ? onB : onA)[3]!;
    const n = DEFAULT_REPORT_LIMITS.lookupFailures;
    // Guesses in parallel, each forging X-Forwarded-For (nginx overwrites it).
    const flood = await Promise.all(
      Array.from({ length: n + 1 }, (_, i) => postJson(flooder, '/api/reports/lookup', { receipt: `4${String(i).padStart(19, '0')}` }, { 'x-forwarded-for': `198.18.1.${i}` })),
    );
    // Every request of this client went to one process; with two processes counting it would get 2 × n.
    expect(new Set(flood.map(upstreamOf))).toEqual(new Set([home]));
    expect(flood.filter((r) => r.status === 404)).toHaveLength(n);
    expect(flood.filter((r) => r.status === 429)).toHaveLength(1);
    expect((await postJson(flooder, '/api/reports/lookup', { receipt })).status).toBe(429);
    // Another client on the same process and one on the other process still open the report.
    for (const other of [neighbour, elsewhere]) {
      const ok = await postJson(other, '/api/reports/lookup', { receipt });
      expect(ok.status, other).toBe(200);
      expect(ok.text).toContain(CANARY);
    }
  }, 30_000);

  it('nginx 直接从 dist/ 发出的静态页面：安全响应头、类型和缓存与服务自己发的一样', async (ctx) => {
    if (!haveDist) {
      const why = `dist/ 或 dist/${NGINX_CSP_MAP} 不存在（先运行 npm run build）`;
      if (process.env.CI) throw new Error(`${why}：CI 中这是失败`);
      console.log(`⚠ 跳过静态页面响应头的比较：${why}`);
      ctx.skip();
      return;
    }
    const hashes = JSON.parse(readFileSync(join(DIST, '.csp-hashes.json'), 'utf8')) as Record<string, string[]>;
    const withScripts = Object.keys(hashes).filter((p) => p.endsWith('/')).slice(0, 3);
    expect(withScripts.length, '构建出的页面里有带内联脚本的').toBeGreaterThan(0);
    const astro = readdirSync(join(DIST, '_astro'));
    const css = astro.find((f) => f.endsWith('.css'));
    const js = astro.find((f) => f.endsWith('.js'));
    const pages = ['/', ...withScripts, '/report/', '/favicon.svg', '/robots.txt', ...(css ? [`/_astro/${css}`] : []), ...(js ? [`/_astro/${js}`] : [])];
    const from = onB.at(-2)!;
    for (const path of pages) {
      const viaNginx = await send(from, 'GET', path, undefined, { 'accept-encoding': 'gzip' });
      const own = await direct(portA, path, { 'accept-encoding': 'gzip' });
      expect(viaNginx.status, path).toBe(200);
      expect(own.status, path).toBe(200);
      // Static files come from nginx itself (proxied answers carry the test's upstream header), except the reporter pages.
      if (!path.startsWith('/report/')) expect(upstreamOf(viaNginx), `${path} 应由 nginx 直接发出`).toBe('');
      for (const h of [...SECURITY_HEADERS, 'content-type', 'cache-control']) expect(viaNginx.headers[h], `${path} 的 ${h}`).toBe(own.headers[h]);
      expect(viaNginx.headers['content-encoding'] ?? '', path).toBe(own.headers['content-encoding'] ?? '');
    }
    // A page's policy carries exactly that page's inline-script hashes.
    const page = await send(from, 'GET', withScripts[0]!);
    for (const h of hashes[withScripts[0]!]!) expect(page.headers['content-security-policy']).toContain(`'${h}'`);
    // A directory without its slash and an unknown path: the server answers, as in a single-process setup.
    const bare = withScripts[0]!.slice(0, -1);
    const redirect = await send(from, 'GET', bare);
    expect(redirect.status).toBe(301);
    expect(String(redirect.headers.location)).toMatch(new RegExp(`${bare}/$`));
    const missing = await send(from, 'GET', '/no-such-page-province/');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-security-policy']).toBe((await direct(portA, '/no-such-page-province/')).headers['content-security-policy']);
    // What the server keeps to itself is not published by nginx either.
    for (const hidden of ['/.csp-hashes.json', `/${NGINX_CSP_MAP}`, '/.search-index.json', '/server-shell/']) {
      const r = await send(from, 'GET', hidden);
      expect(r.status, hidden).toBe(404);
      expect(r.text, hidden).not.toContain('sha256-');
      expect(r.headers['x-content-type-options'], hidden).toBe('nosniff');
    }
  }, 30_000);

  it('请求体上限与服务一致：普通接口 300 KB 在 nginx 就被拒绝，工作人员上传接口放行给服务', async () => {
    const from = onA.at(-3)!;
    const big = Buffer.alloc(300 * 1024, 0x20);
    const refused = await send(from, 'POST', '/api/reports/lookup', big, { 'content-type': 'application/json' });
    expect(refused.status).toBe(413);
    expect(upstreamOf(refused), '由 nginx 拒绝，没有转给服务').toBe('');
    const upload = await send(from, 'POST', `/api/admin/reports/${reportId || 'x'}/files`, big, { 'content-type': 'multipart/form-data; boundary=province', origin: ORIGIN });
    expect(upload.status, `${upstreamOf(upload)} ${upload.text.slice(0, 300)}`).not.toBe(413);
    expect([upstreamA, upstreamB]).toContain(upstreamOf(upload));
  });

  it('DATABASE_POOL_MAX：1 和 200 照常工作（1 个连接也能受理举报），0、201 和非整数时服务不启动并说明原因', async () => {
    const env = (pool: string, port: number, dataDir: string) => ({ ...process.env, DATABASE_URL: dbUrl, DATABASE_TEST_ISOLATE: '', DATABASE_POOL_MAX: pool, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SITE_DIR: staticRoot, SITE_URL: ORIGIN, TRUST_PROXY: '127.0.0.1' });
    for (const bad of ['0', '201', '2.5']) {
      const r = spawnSync(process.execPath, ['api/server.ts'], { env: env(bad, await freePort(), mkdtempSync(join(tmpdir(), 'province-pool-'))), encoding: 'utf8', timeout: 20_000 });
      expect(r.status, bad).toBe(1);
      expect(r.stderr, bad).toContain('DATABASE_POOL_MAX 必须是 1～200 的整数');
    }
    const form = new FormData();
    for (const [k, v] of Object.entries({ category: 'general_hazard', sector: 'other', township: 'xushang', place: '连接池测试地点', description: '只有一个数据库连接时提交的测试举报。' })) form.set(k, v);
    const encoded = new Response(form);
    const upload = Buffer.from(await encoded.arrayBuffer());
    for (const good of ['1', '200']) {
      const port = await freePort();
      const child = spawn(process.execPath, ['api/server.ts'], { env: env(good, port, mkdtempSync(join(tmpdir(), 'province-pool-'))), stdio: ['ignore', 'pipe', 'pipe'] });
      let said = '';
      child.stdout!.on('data', (d) => (said += d));
      child.stderr!.on('data', (d) => (said += d));
      apps.push(child);
      const deadline = Date.now() + 15_000;
      while (!(await direct(port, '/api/health').then((r) => r.status === 200, () => false))) {
        expect(Date.now() < deadline && child.exitCode === null, `DATABASE_POOL_MAX=${good} 的服务没有启动：\n${said}`).toBe(true);
        await new Promise((r) => setTimeout(r, 150));
      }
      const filed = await new Promise<Answer>((done, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, method: 'POST', path: '/api/reports', agent: false, headers: { host: HOST, accept: 'application/json', 'content-type': encoded.headers.get('content-type')!, 'content-length': String(upload.length) } },
          (res) => collect(res, done),
        );
        req.on('error', reject);
        req.end(upload);
      });
      expect(filed.status, `DATABASE_POOL_MAX=${good}：${filed.text}`).toBe(201);
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 45_000);

  it('nginx 的日志里没有任何举报请求，也没有任何客户端地址；没有写临时文件', async () => {
    await send(onA.at(-2)!, 'GET', '/report/');
    await send(onA.at(-2)!, 'GET', '/api/health');
    nginx!.kill('SIGQUIT'); // graceful: every log line is written
    await new Promise((r) => nginx!.once('exit', r));
    nginx = undefined;
    const logs = readdirSync(join(prefix, 'logs')).map((f) => ({ name: f, text: readFileSync(join(prefix, 'logs', f), 'utf8') }));
    // Logging works (the pages that may be logged are there) …
    expect(logs.map((l) => l.text).join('\n')).toContain('"GET /api/health"');
    // … but no reporter route, no client address, no receipt, no report text.
    for (const l of logs) {
      for (const needle of [receipt, CANARY, 'Mozilla'].filter(Boolean)) expect(l.text, `${needle} 出现在 nginx 日志 ${l.name}`).not.toContain(needle);
      expect(l.text, `举报路由出现在 nginx 日志 ${l.name}`).not.toMatch(/ \/(report\/|api\/reports\b)/);
      expect(l.text, `客户端地址出现在 nginx 日志 ${l.name}`).not.toMatch(/127\.0\.0\.(?:[2-9]|[1-9]\d)\b/);
    }
    const spooled = readdirSync(join(prefix, 'temp'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(spooled.map((d) => d.name)).toEqual([]);
  }, 20_000);
});
