// Issue 10, observations 2, 8, 9 and 10 at the edge of the server: limits per client behind a
// trusted proxy, Secure cookie and HSTS over HTTPS, `$` patterns in user text, Origin and Host
// checks, and a body limit on every route counted before any handler parses a byte.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { totpCode } from '../../api/crypto/index.ts';
import { DEFAULT_BODY_LIMIT } from '../../api/app.ts';
import { ConfigError, parseEnv } from '../../api/env.ts';
import { parseTrustProxy, resolveClient } from '../../api/middleware/client.ts';
import { DEFAULT_REPORT_LIMITS, RateLimiter } from '../../api/middleware/rate-limit.ts';
import { REPLY_TOKEN_TTL_MS, UPLOAD_BODY_LIMIT, UPLOAD_PATHS, VIEW_TOKEN_TTL_MS } from '../../api/routes/reports.ts';
import { escapeHtml } from '../../api/views/html.ts';
import { addStaff, ORIGIN, PASSWORD, staffOf } from './admin-fixtures.ts';
import { sql } from 'drizzle-orm';
import { row } from '../../api/db/client.ts';
import { countRows, JSON_ACCEPT, makeApp, reportForm, submit, type TestApp } from './report-fixtures.ts';

/** Bindings @hono/node-server would pass: the TCP peer of the request. */
const peer = (address: string) => ({ incoming: { socket: { remoteAddress: address, remotePort: 40000, remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4' } } });
const PROXY = '127.0.0.1';

function count(t: TestApp, table: string): Promise<number> {
  return countRows(t.db, table);
}

describe('TRUST_PROXY：谁是客户端', () => {
  it('默认不信任任何代理：X-Forwarded-For 被忽略', () => {
    const off = parseTrustProxy('off');
    expect(resolveClient('10.0.0.5', '203.0.113.9', off)).toBe('10.0.0.5');
    expect(resolveClient('::ffff:10.0.0.5', undefined, off)).toBe('10.0.0.5');
  });

  it('取最右边一个不受信任的地址；客户端自己写的左边部分不算', () => {
    const trust = parseTrustProxy('10.0.0.0/8, loopback');
    expect(resolveClient('127.0.0.1', '203.0.113.9', trust)).toBe('203.0.113.9');
    expect(resolveClient('127.0.0.1', '1.2.3.4, 203.0.113.9, 10.1.2.3', trust)).toBe('203.0.113.9');
    expect(resolveClient('::ffff:127.0.0.1', '[2001:db8::7]:5555', trust)).toBe('2001:db8::7');
    // Not from a trusted proxy: whatever the header says, the peer is the client.
    expect(resolveClient('198.51.100.1', '203.0.113.9', trust)).toBe('198.51.100.1');
    // Only proxies in the chain: the left-most is the nearest we know.
    expect(resolveClient('127.0.0.1', '10.0.0.9, 10.0.0.8', trust)).toBe('10.0.0.9');
  });

  it('网段边界：/24 的第一个和最后一个地址受信任，相邻的不受信任；loopback 含 ::1', () => {
    const trust = parseTrustProxy('192.168.5.0/24');
    expect(trust.trusts('192.168.5.0')).toBe(true);
    expect(trust.trusts('192.168.5.255')).toBe(true);
    expect(trust.trusts('192.168.4.255')).toBe(false);
    expect(trust.trusts('192.168.6.0')).toBe(false);
    const lo = parseTrustProxy('loopback');
    expect(lo.trusts('::1')).toBe(true);
    expect(lo.trusts('127.255.255.254')).toBe(true);
    expect(lo.trusts('128.0.0.1')).toBe(false);
  });

  it('写错的 TRUST_PROXY 让服务拒绝启动，并说明哪里错', () => {
    expect(() => parseEnv({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(ConfigError);
    expect(() => parseEnv({ TRUST_PROXY: 'proxy.local' })).toThrow(/TRUST_PROXY/);
    expect(parseEnv({}).trustProxy.description).toBe('');
    expect(parseEnv({ TRUST_PROXY: 'loopback' }).trustProxy.trusts('127.0.0.1')).toBe(true);
  });
});

describe('限流按客户端计，一个人刷不掉别人的额度', () => {
  const trusted = () => makeApp({ fastReceipts: true, limits: { ...DEFAULT_REPORT_LIMITS }, edge: { trustProxy: parseTrustProxy(PROXY) } });
  const lookup = (t: TestApp, receipt: string, forwardedFor: string, from = PROXY) =>
    t.app.request('/api/reports/lookup', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body: JSON.stringify({ receipt }) }, peer(from));

  it('代理后面：攻击者猜查询码被限，正确的查询码照样打开（攻击者伪造 X-Forwarded-For 也没用）', async () => {
    const t = await trusted();
    const { body } = await submit(t.app, reportForm());
    const attacker = '203.0.113.66';
    let refused = 0;
    for (let i = 0; i < DEFAULT_REPORT_LIMITS.lookupFailures + 15; i++) {
      // The attacker writes his own X-Forwarded-For; the proxy appends his real address.
      const res = await lookup(t, `1${String(i).padStart(19, '0')}`, `198.18.${i % 250}.1, ${attacker}`);
      if (res.status === 429) refused++;
    }
    expect(refused).toBe(15);
    expect((await lookup(t, body.receipt, attacker)).status).toBe(429);
    // The honest reporter behind the same proxy: his own budget, untouched.
    const honest = await lookup(t, body.receipt, '198.51.100.7');
    expect(honest.status).toBe(200);
  });

  it('并发猜测：80 个错误查询同时发出，也只有 60 个得到回答', async () => {
    const t = await trusted();
    const results = await Promise.all(Array.from({ length: 80 }, (_, i) => lookup(t, `2${String(i).padStart(19, '0')}`, '203.0.113.77')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 404)).toHaveLength(DEFAULT_REPORT_LIMITS.lookupFailures);
    expect(statuses.filter((s) => s === 429)).toHaveLength(80 - DEFAULT_REPORT_LIMITS.lookupFailures);
  });

  it('查询成功不消耗失败额度：同一个人查对 100 次仍能打开', async () => {
    const t = await trusted();
    const { body } = await submit(t.app, reportForm());
    for (let i = 0; i < 100; i++) expect((await lookup(t, body.receipt, '198.51.100.8')).status).toBe(200);
  });

  it('代理后面：一个人提交 20 次后被限，别人的举报照常受理', async () => {
    const t = await trusted();
    const post = (xff: string) => t.app.request('/api/reports', { method: 'POST', body: reportForm(), headers: { ...JSON_ACCEPT, 'x-forwarded-for': xff } }, peer(PROXY));
    for (let i = 0; i < DEFAULT_REPORT_LIMITS.submit; i++) expect((await post('203.0.113.66')).status).toBe(201);
    const refused = await post('203.0.113.66');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/分钟后再试/);
    expect((await post('198.51.100.7')).status).toBe(201);
    expect(await count(t, 'reports')).toBe(DEFAULT_REPORT_LIMITS.submit + 1);
  });

  it('不信任代理时 X-Forwarded-For 不能换出新的额度', async () => {
    const t = await makeApp({ fastReceipts: true, limits: { ...DEFAULT_REPORT_LIMITS } });
    const post = (xff: string) => t.app.request('/api/reports', { method: 'POST', body: reportForm(), headers: { ...JSON_ACCEPT, 'x-forwarded-for': xff } }, peer('198.51.100.50'));
    for (let i = 0; i < DEFAULT_REPORT_LIMITS.submit; i++) expect((await post(`203.0.113.${i}`)).status).toBe(201);
    expect((await post('203.0.113.250')).status).toBe(429);
  });

  it('计数键是轮换密钥的 HMAC：不含地址，轮换后无法关联', () => {
    let now = 0;
    const limiter = new RateLimiter({ rotateMs: 60_000, now: () => now });
    const k1 = limiter.clientKey('198.51.100.7');
    expect(k1).not.toContain('198');
    expect(limiter.clientKey('198.51.100.7')).toBe(k1);
    limiter.hit('lookup', k1, { limit: 5, windowMs: 60_000 });
    now = 60_000;
    expect(limiter.clientKey('198.51.100.7')).not.toBe(k1);
    expect(limiter.size).toBe(0);
  });
});

describe('Secure Cookie 和 HSTS（COOKIE_SECURE、X-Forwarded-Proto）', () => {
  async function login(t: TestApp, from: string, headers: Record<string, string>) {
    const username = `u${Math.random().toString(36).slice(2, 8)}`;
    const { totpSecret } = await addStaff(t, username, 'intake');
    return t.app.request(
      '/api/admin/login',
      { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN, ...headers }, body: JSON.stringify({ username, password: PASSWORD, code: totpCode(totpSecret) }) },
      peer(from),
    );
  }

  it('受信任代理说 https：Cookie 带 Secure，回答带 HSTS', async () => {
    const t = await makeApp({ fastReceipts: true, edge: { trustProxy: parseTrustProxy('loopback') } });
    const res = await login(t, PROXY, { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('不受信任的来源说 https：不算数（没有 Secure，没有 HSTS）', async () => {
    const t = await makeApp({ fastReceipts: true, edge: { trustProxy: parseTrustProxy('loopback') } });
    const res = await login(t, '198.51.100.9', { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).not.toMatch(/Secure/);
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('COOKIE_SECURE=on：纯 HTTP 也带 Secure；默认 auto 不带', async () => {
    const on = await makeApp({ fastReceipts: true, edge: { cookieSecure: parseEnv({ COOKIE_SECURE: 'on' }).cookieSecure } });
    expect((await login(on, '198.51.100.9', {})).headers.get('set-cookie')).toMatch(/; Secure/);
    const auto = await makeApp({ fastReceipts: true, edge: { cookieSecure: parseEnv({}).cookieSecure } });
    expect((await login(auto, '198.51.100.9', {})).headers.get('set-cookie')).not.toMatch(/Secure/);
    expect(() => parseEnv({ COOKIE_SECURE: 'yes' })).toThrow(/COOKIE_SECURE/);
  });
});

describe('文字里的 $&、$`、$\' 原样往返', () => {
  const TEXT = "老板说$&$'$`照样生产，报警器$1关了$$，<b>不</b>许报";
  const REPLY = "补充：$'$&$` 仓库后门";
  const DEPT = "请说明 $& 和 $` 指什么$'";

  it('提交 → 工作人员 → 举报人页面和留言，一个字节不差', async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'intake1', 'intake');
    const { body } = await submit(t.app, reportForm({ description: TEXT, place: `东门$&$'$\`路口` }));
    const receipt = body.receipt as string;
    const id = (await row<{ id: string }>(t.db, sql`select id from reports order by rowid desc limit 1`))!.id;
    const staffHeaders = { cookie: intake.cookie, 'x-csrf-token': intake.csrf, origin: ORIGIN };

    const staffJson = (await (await t.app.request(`/api/admin/reports/${id}`, { headers: staffHeaders })).json()) as { description: string; place: string };
    expect(staffJson.description).toBe(TEXT);
    expect(staffJson.place).toBe(`东门$&$'$\`路口`);
    const staffPage = await (await t.app.request(`/admin/cases/${id}`, { headers: staffHeaders })).text();
    expect(staffPage).toContain(escapeHtml(TEXT));
    expect(staffPage.match(/<\/html>/g)).toHaveLength(1);

    const sent = await t.app.request(`/api/admin/reports/${id}/messages`, { method: 'POST', headers: { ...staffHeaders, 'content-type': 'application/json' }, body: JSON.stringify({ body: DEPT }) });
    expect(sent.status).toBe(200);
    const reply = await t.app.request('/api/reports/messages', { method: 'POST', headers: { ...JSON_ACCEPT, 'content-type': 'application/json' }, body: JSON.stringify({ receipt, body: REPLY }) });
    expect(reply.status).toBe(201);

    const view = (await (await t.app.request('/api/reports/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ receipt }) })).json()) as { description: string; messages: { body: string }[] };
    expect(view.description).toBe(TEXT);
    expect(view.messages.map((m) => m.body)).toEqual([DEPT, REPLY]);

    const posted = await t.app.request('/report/status/', { method: 'POST', body: new URLSearchParams({ receipt }) });
    const page = await (await t.app.request(posted.headers.get('location')!)).text();
    for (const s of [TEXT, REPLY, DEPT]) expect(page).toContain(escapeHtml(s));
    expect(page.match(/<\/html>/g)).toHaveLength(1);
    expect(page.match(/<!doctype html>/gi)).toHaveLength(1);

    const again = (await (await t.app.request(`/api/admin/reports/${id}`, { headers: staffHeaders })).json()) as { messages: { body: string }[] };
    expect(again.messages.map((m) => m.body)).toEqual([DEPT, REPLY]);
  });
});

describe('举报的 POST 只接受本站页面发出的', () => {
  const paths = ['/api/reports', '/api/reports/lookup', '/api/reports/messages', '/report/status/'];
  const send = (t: TestApp, path: string, headers: Record<string, string>) =>
    t.app.request(path, { method: 'POST', body: reportForm(), headers: { accept: 'application/json', ...headers } });

  it('别的网站（Origin 不同、Sec-Fetch-Site: cross-site、没有同源证明的 Origin: null）：403，中文说明，什么都不保存', async () => {
    const t = await makeApp();
    for (const path of paths) {
      const foreign: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }, { origin: 'null', 'sec-fetch-site': 'same-site' }, { origin: 'http://localhost.evil.example', 'sec-fetch-site': 'same-origin' }];
      for (const headers of foreign) {
        const res = await send(t, path, headers);
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(await res.text()).toContain('不是从本站页面发出的');
      }
    }
    expect(await count(t, 'reports')).toBe(0);
  });

  it('本站页面：同源 Origin，或无脚本表单的 Origin: null 加 Sec-Fetch-Site: same-origin', async () => {
    const t = await makeApp();
    expect((await send(t, '/api/reports', { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await send(t, '/api/reports', { origin: 'null', 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect(await count(t, 'reports')).toBe(2);
  });
});

describe('Host 白名单', () => {
  it('不认识的主机名：421 和中文说明，不进任何路由', async () => {
    const t = await makeApp({ edge: { allowedHosts: parseEnv({ SITE_URL: 'https://aq.shanghe.example' }).allowedHosts } });
    for (const path of ['/', '/api/health', '/report/status/']) {
      const res = await t.app.request(`http://evil.example${path}`);
      expect(res.status).toBe(421);
      expect(await res.text()).toContain('主机名');
    }
    const post = await t.app.request('http://evil.example/api/reports', { method: 'POST', body: reportForm(), headers: JSON_ACCEPT });
    expect(post.status).toBe(421);
    expect(await count(t, 'reports')).toBe(0);
    expect((await t.app.request('http://aq.shanghe.example:8443/api/health')).status).toBe(200);
    expect((await t.app.request('http://127.0.0.1:4321/api/health')).status).toBe(200);
  });

  it('ALLOWED_HOSTS 取代默认名单；SITE_URL 必须是 http(s) 网址', () => {
    expect(parseEnv({ SITE_URL: 'https://aq.shanghe.example' }).allowedHosts).toEqual(['aq.shanghe.example', 'localhost', '127.0.0.1', '::1']);
    expect(parseEnv({ ALLOWED_HOSTS: 'aq.shanghe.example, WWW.aq.shanghe.example' }).allowedHosts).toEqual(['aq.shanghe.example', 'www.aq.shanghe.example']);
    expect(() => parseEnv({ ALLOWED_HOSTS: 'bad host/x' })).toThrow(/ALLOWED_HOSTS/);
    expect(() => parseEnv({ ALLOWED_HOSTS: ' , ' })).toThrow(/ALLOWED_HOSTS/);
    expect(() => parseEnv({ SITE_URL: 'ftp://aq.shanghe.example' })).toThrow(/SITE_URL/);
  });

  it('只允许 aq.shanghe.example 时，localhost 也被拒绝', async () => {
    const t = await makeApp({ edge: { allowedHosts: parseEnv({ ALLOWED_HOSTS: 'aq.shanghe.example' }).allowedHosts } });
    expect((await t.app.request('http://localhost/api/health')).status).toBe(421);
    expect((await t.app.request('http://aq.shanghe.example/api/health')).status).toBe(200);
  });
});

describe('每个路由都有请求体上限，在解析之前按实际收到的字节计', () => {
  /** A chunked body (no Content-Length) of `total` bytes; counts how much the server pulled. */
  function stream(total: number, chunk = 64 * 1024) {
    const state = { pulled: 0 };
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (state.pulled >= total) return controller.close();
        const n = Math.min(chunk, total - state.pulled);
        state.pulled += n;
        controller.enqueue(new Uint8Array(n).fill(0x20));
      },
    });
    return { body, state };
  }

  // Streams and Request objects read ahead a few chunks; what matters is that reading stops near the limit.
  const SLACK = 3 * 64 * 1024;

  it('所有接受请求体的路由：超过上限回答 413，读到的字节不超过上限加几块', async () => {
    const t = await makeApp({ fastReceipts: true });
    const routes = t.app.routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE', 'ALL'].includes(r.method) && !r.path.includes('*'));
    const paths = [...new Set(routes.map((r) => r.path.replace(/:\w+/g, 'x')))];
    expect(paths.length).toBeGreaterThan(15);
    for (const path of paths) {
      for (const type of ['application/json', 'application/x-www-form-urlencoded']) {
        const { body, state } = stream(DEFAULT_BODY_LIMIT + 512 * 1024);
        const req = new Request(`http://localhost${path}`, { method: 'POST', body, headers: { 'content-type': type }, duplex: 'half' } as RequestInit);
        const res = await t.app.request(req);
        expect(res.status, `${path} ${type}`).toBe(413);
        expect(state.pulled, path).toBeLessThanOrEqual(DEFAULT_BODY_LIMIT + SLACK);
      }
    }
  });

  it('留言接口发 60 MB JSON：读到 256 KB 出头就回答 413；只有上传表单才有大上限', async () => {
    const t = await makeApp();
    const { body, state } = stream(60 * 1024 * 1024);
    const req = new Request('http://localhost/api/reports/messages', { method: 'POST', body, headers: { 'content-type': 'application/json', accept: 'application/json' }, duplex: 'half' } as RequestInit);
    const res = await t.app.request(req);
    expect(res.status).toBe(413);
    expect(state.pulled).toBeLessThanOrEqual(DEFAULT_BODY_LIMIT + SLACK);
    for (const path of UPLOAD_PATHS) {
      const declared = await t.app.request(path, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(UPLOAD_BODY_LIMIT + 1), accept: 'application/json' }, body: 'x' });
      expect(declared.status, path).toBe(413);
    }
  });
});

describe('只显示一次的页面和回复令牌', () => {
  afterEach(() => vi.useRealTimers());

  async function statusView(t: TestApp, receipt: string) {
    const posted = await t.app.request('/report/status/', { method: 'POST', body: new URLSearchParams({ receipt }) });
    expect(posted.status).toBe(303);
    return posted.headers.get('location')!;
  }
  const reply = (t: TestApp, token: string, body: string) => {
    const form = new FormData();
    form.set('reply_token', token);
    form.set('body', body);
    return t.app.request('/api/reports/messages', { method: 'POST', body: form, headers: { accept: 'text/html' } });
  };

  it('结果页在有效期内只能打开一次；过了有效期一次也打不开', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t = await makeApp({ fastReceipts: true });
    const { body } = await submit(t.app, reportForm());
    const first = await statusView(t, body.receipt);
    vi.setSystemTime(Date.now() + VIEW_TOKEN_TTL_MS - 1000);
    expect((await t.app.request(first)).status).toBe(200);
    expect((await t.app.request(first)).status).toBe(410);
    const second = await statusView(t, body.receipt);
    vi.setSystemTime(Date.now() + VIEW_TOKEN_TTL_MS + 1);
    const late = await t.app.request(second);
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('只显示一次');
  });

  it('回复令牌过期：留言不发送，说明页面已失效', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t = await makeApp({ fastReceipts: true });
    const { body } = await submit(t.app, reportForm());
    const page = await (await t.app.request(await statusView(t, body.receipt))).text();
    expect(page).not.toContain(body.receipt);
    const token = /name="reply_token" value="([\w-]+)"/.exec(page)![1]!;
    vi.setSystemTime(Date.now() + REPLY_TOKEN_TTL_MS - 1000);
    const ok = await reply(t, token, '令牌有效期内的留言');
    expect(ok.status).toBe(303);
    expect(await count(t, 'report_messages')).toBe(1);
    vi.setSystemTime(Date.now() + 2000);
    const expired = await reply(t, token, '令牌过期后的留言');
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('这个页面打开太久，已经失效，留言没有发送。');
    expect(await count(t, 'report_messages')).toBe(1);
  });
});

describe('String.replace 的替换值：只许常量或函数', () => {
  it('整个代码树里没有把变量或拼接的字符串当作 replace 的替换值（$& 等会被展开）', async () => {
    const ts = (await import('typescript')).default;
    const { readdirSync: list, readFileSync: read, statSync: stat } = await import('node:fs');
    const { join: joinPath } = await import('node:path');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of list(dir)) {
        const p = joinPath(dir, name);
        if (stat(p).isDirectory()) walk(p);
        else if (/\.(ts|tsx|js|mjs)$/.test(name)) files.push(p);
      }
    };
    for (const dir of ['api', 'src', 'scripts', 'config', 'content/schemas', 'public/scripts', 'bench']) walk(dir);
    const offenders: string[] = [];
    const constant = (n: import('typescript').Node) => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n);
    const fn = (n: import('typescript').Node) => ts.isArrowFunction(n) || ts.isFunctionExpression(n);
    for (const file of files) {
      const source = ts.createSourceFile(file, read(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: import('typescript').Node) => {
        if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ['replace', 'replaceAll'].includes(node.expression.name.text) && node.arguments.length === 2) {
          const replacement = node.arguments[1]!;
          if (!constant(replacement) && !fn(replacement)) {
            const { line } = source.getLineAndCharacterOfPosition(node.getStart());
            offenders.push(`${file}:${line + 1}: ${node.getText().slice(0, 80)}`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(files.length).toBeGreaterThan(50);
    expect(offenders).toEqual([]);
  });
});
