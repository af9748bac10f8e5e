// Issue 10, observations 2 and 8, as deployed: a real nginx (the Debian package; .ci/run installs it)
// on loopback with the exact configuration from docs/deploy.md, TLS with a certificate made by
// openssl at test time, in front of the real server with TRUST_PROXY. Clients come from different
// loopback addresses (127.0.0.2, 127.0.0.3, …) so nginx sees different people. Checks: one flooding
// client cannot block another's receipt or report; the staff cookie is Secure and HSTS is sent over
// HTTPS; nginx logs nothing of any reporter request and no address at all.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { totpCode } from '../../api/crypto/index.ts';
import { DEFAULT_REPORT_LIMITS } from '../../api/middleware/rate-limit.ts';
import { makeNginxPrefix, nginxBinary, selfSignedCert, writeNginxConf } from '../../scripts/local-nginx.ts';

const HOST = 'aq.shanghe.example';
const PASSWORD = 'nginx-test-password-2026';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The nginx block of docs/deploy.md with ports, certificate and log paths for this test. */
function deployConfig(prefix: string, ports: { http: number; https: number; app: number }): string {
  const doc = readFileSync('docs/deploy.md', 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/deploy.md 里没有 ```nginx 配置块');
  const swaps: [string, string][] = [
    ['server 127.0.0.1:4321;', `server 127.0.0.1:${ports.app};`],
    ['listen 80;', `listen 127.0.0.1:${ports.http};`],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${ports.https} ssl http2;`],
    ['/etc/ssl/shanghe/fullchain.pem', join(prefix, 'cert.pem')],
    ['/etc/ssl/shanghe/privkey.pem', join(prefix, 'key.pem')],
  ];
  let conf = block;
  for (const [from, to] of swaps) {
    if (!conf.includes(from)) throw new Error(`docs/deploy.md 的 nginx 配置里找不到“${from}”`);
    conf = conf.replaceAll(from, to);
  }
  if (!conf.includes('/var/log/nginx/')) throw new Error('docs/deploy.md 的 nginx 配置没有写日志路径');
  return conf.replaceAll('/var/log/nginx/', `${join(prefix, 'logs')}/`);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

test.describe('nginx 反向代理（docs/deploy.md 的配置）', () => {
  test.describe.configure({ mode: 'serial', timeout: 60_000 });
  let prefix = '';
  let dataDir = '';
  let app: ChildProcess | undefined;
  let nginx: ChildProcess | undefined;
  let appOutput = '';
  let httpsPort = 0;
  let httpPort = 0;

  function send(from: string, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: httpsPort, localAddress: from, method, path, servername: HOST, rejectUnauthorized: false, headers: { host: HOST, ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } },
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
  const json = (from: string, path: string, data: unknown, extra: Record<string, string> = {}) =>
    send(from, 'POST', path, JSON.stringify(data), { 'content-type': 'application/json', accept: 'application/json', origin: `https://${HOST}`, ...extra });

  test.beforeAll(async () => {
    const nginxBin = nginxBinary();
    expect(nginxBin, '需要 nginx（Debian 软件包 nginx-light；.ci/run 会安装）').toBeTruthy();
    prefix = mkdtempSync(join(tmpdir(), 'edge-nginx-'));
    dataDir = mkdtempSync(join(tmpdir(), 'edge-nginx-data-'));
    makeNginxPrefix(prefix);
    const cert = selfSignedCert(prefix, HOST);
    expect(cert.status, cert.stderr).toBe(0);
    const appPort = await freePort();
    httpsPort = await freePort();
    httpPort = await freePort();

    app = spawn(process.execPath, ['api/server.ts'], {
      env: { ...process.env, PORT: String(appPort), HOST: '127.0.0.1', DATA_DIR: dataDir, SITE_URL: `https://${HOST}`, TRUST_PROXY: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout!.on('data', (d) => (appOutput += d));
    app.stderr!.on('data', (d) => (appOutput += d));

    // Root-safe: everything (pid, logs, temp files) inside the prefix; workers drop to nobody.
    const args = writeNginxConf(prefix, deployConfig(prefix, { http: httpPort, https: httpsPort, app: appPort }));
    const check = spawnSync(nginxBin, ['-t', ...args], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    nginx = spawn(nginxBin, [...args, '-g', 'daemon off;'], { stdio: 'ignore' });

    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await send('127.0.0.1', 'GET', '/api/health')).status === 200) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`nginx 或服务没有就绪：\n${appOutput}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  });

  test.afterAll(async () => {
    nginx?.kill('SIGQUIT');
    app?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(prefix, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('一个客户端刷满查询和提交，另一个人的查询码照样打开、举报照样提交', async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ category: 'general_hazard', sector: 'other', township: 'xushang', place: '代理测试地点NGINX-PLACE', description: '代理后面提交的测试举报内容NGINX-CANARY-4417' })) form.set(k, v);
    const encoded = new Response(form);
    const multipart = Buffer.from(await encoded.arrayBuffer());
    const multipartType = encoded.headers.get('content-type')!;
    const submit = (from: string, xff?: string) =>
      send(from, 'POST', '/api/reports', multipart, { 'content-type': multipartType, accept: 'application/json', origin: `https://${HOST}`, ...(xff ? { 'x-forwarded-for': xff } : {}) });

    const filed = await submit('127.0.0.3');
    expect(filed.status).toBe(201);
    const receipt = (JSON.parse(filed.text) as { receipt: string }).receipt;

    // The attacker guesses in parallel and forges X-Forwarded-For to look like many people.
    const flood = await Promise.all(
      Array.from({ length: DEFAULT_REPORT_LIMITS.lookupFailures + 10 }, (_, i) =>
        json('127.0.0.2', '/api/reports/lookup', { receipt: `3${String(i).padStart(19, '0')}` }, { 'x-forwarded-for': `198.18.0.${i}` }),
      ),
    );
    expect(flood.filter((r) => r.status === 429)).toHaveLength(10);
    expect((await json('127.0.0.2', '/api/reports/lookup', { receipt })).status).toBe(429);
    const honest = await json('127.0.0.3', '/api/reports/lookup', { receipt });
    expect(honest.status).toBe(200);
    expect(honest.text).toContain('NGINX-CANARY-4417');

    for (let i = 0; i < DEFAULT_REPORT_LIMITS.submit; i++) expect((await submit('127.0.0.2', `10.9.9.${i}`)).status).toBe(201);
    expect((await submit('127.0.0.2', '10.9.9.200')).status).toBe(429);
    expect((await submit('127.0.0.4')).status).toBe(201);

    // The no-JavaScript status page through the proxy (Origin: null + Sec-Fetch-Site, as Chromium sends).
    const posted = await send('127.0.0.3', 'POST', '/report/status/', new URLSearchParams({ receipt }).toString(), { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', 'sec-fetch-site': 'same-origin', accept: 'text/html' });
    expect(posted.status).toBe(303);
    const view = await send('127.0.0.3', 'GET', posted.headers.location as string);
    expect(view.text).toContain('NGINX-CANARY-4417');
    expect(view.headers['cache-control']).toBe('no-store');

    // A body over the server's limit is refused by nginx before it reaches the server.
    expect((await send('127.0.0.3', 'POST', '/api/reports/lookup', Buffer.alloc(300 * 1024, 0x20), { 'content-type': 'application/json' })).status).toBe(413);
    // Another website's form: refused.
    expect((await json('127.0.0.3', '/api/reports/lookup', { receipt }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  test('HTTPS 上：HSTS，工作人员 Cookie 带 Secure；陌生主机名 421', async () => {
    const recoveryKey = /[A-Z2-9]{4}(?:-[A-Z2-9]{4}){13}/.exec(appOutput)?.[0];
    expect(recoveryKey, '服务首次启动时打印了恢复密钥').toBeTruthy();
    const cli = spawnSync(process.execPath, ['scripts/admin-create.ts', '--json'], {
      env: { ...process.env, DATA_DIR: dataDir, RECOVERY_KEY: recoveryKey, ADMIN_USERNAME: 'proxyadmin', ADMIN_NAME: '代理测试管理员', ADMIN_PASSWORD: PASSWORD },
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    const secret = (JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as { totp_secret: string }).totp_secret;
    const login = await json('127.0.0.5', '/api/admin/login', { username: 'proxyadmin', password: PASSWORD, code: totpCode(secret) });
    expect(login.status, login.text).toBe(200);
    const cookies = login.headers['set-cookie'] as string[];
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c).toMatch(/; Secure/);

    const home = await send('127.0.0.5', 'GET', '/');
    expect(home.status).toBe(200);
    expect(home.headers['strict-transport-security']).toBe('max-age=31536000');
    const stranger = await send('127.0.0.5', 'GET', '/', undefined, { host: 'evil.example' });
    expect(stranger.status).toBe(421);
    expect(stranger.text).toContain('主机名');
  });

  test('nginx 的日志里没有任何举报请求，也没有任何地址', async () => {
    // The plain-HTTP server only redirects, and logs nothing either.
    await new Promise<void>((resolve, reject) => {
      import('node:http').then(({ request: plain }) => {
        const req = plain({ host: '127.0.0.1', port: httpPort, localAddress: '127.0.0.6', path: '/report/status/', headers: { host: HOST } }, (res) => {
          expect(res.statusCode).toBe(301);
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end();
      }, reject);
    });
    await send('127.0.0.7', 'GET', '/report/');
    await send('127.0.0.7', 'GET', '/guides/');
    nginx!.kill('SIGQUIT'); // graceful: every log line is written
    await new Promise((r) => nginx!.once('exit', r));
    nginx = undefined;
    const logs = readdirSync(join(prefix, 'logs')).map((f) => ({ name: f, text: readFileSync(join(prefix, 'logs', f), 'utf8') }));
    const all = logs.map((l) => l.text).join('\n');
    // Logging works (the page that may be logged is there) …
    expect(all).toContain('"GET /guides/"');
    // … but no reporter route, no client address, no receipt, no report text.
    for (const needle of ['/report', '/api/reports', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.6', '127.0.0.7', 'NGINX-CANARY', 'Mozilla']) {
      for (const l of logs) expect(l.text, `${needle} 出现在 nginx 日志 ${l.name}`).not.toContain(needle);
    }
    // Nothing was spooled to nginx's temporary files either.
    const spooled = readdirSync(join(prefix, 'temp'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(spooled.map((d) => d.name)).toEqual([]);
  });
});
