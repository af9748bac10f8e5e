/**
 * The access guard (api/routes/admin/access.ts) in detail, on a small app built with defineRoute and
 * a real staff session: origin rules, input parsing, the session, role and CSRF checks and their exact
 * answers, cookies set and cleared, no-store on every guarded answer.
 */
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearSessionCookies, COOKIE_PATHS, defineRoute, guard, isFormRequest, SESSION_COOKIE, sessionOf, setSessionCookies, type AdminEnv, type RouteRule } from '../../api/routes/admin/access.ts';
import { makeApp, ORIGIN, staffOf, type StaffLogin } from './admin-fixtures.ts';

const t = await makeApp({ fastReceipts: true });
let intake: StaffLogin;
let auditor: StaffLogin;
const rules: RouteRule[] = [];
const probe = new Hono<AdminEnv>();
probe.onError((err, c) => {
  const e = err as { status?: number; code?: string; message: string };
  return c.json({ error: { code: e.code ?? 'error', message: e.message } }, (e.status ?? 500) as 400);
});
const echo = (c: Parameters<Parameters<typeof defineRoute>[4]>[0]) => c.json({ input: c.get('input'), who: c.get('session')?.user.username ?? null });
defineRoute(probe, t.db, rules, { method: 'GET', path: '/api/admin/p/public', allow: 'public' }, echo);
defineRoute(probe, t.db, rules, { method: 'POST', path: '/api/admin/p/public', allow: 'public' }, echo);
defineRoute(probe, t.db, rules, { method: 'GET', path: '/api/admin/p/intake', allow: ['intake'] }, echo);
defineRoute(probe, t.db, rules, { method: 'POST', path: '/api/admin/p/intake', allow: ['intake'] }, echo);
defineRoute(probe, t.db, rules, { method: 'POST', path: '/api/admin/p/whoami', allow: ['intake', 'auditor'] }, (c) => c.json({ user: sessionOf(c).user.username }));
probe.get('/api/admin/p/cookies', (c) => {
  setSessionCookies(c, 'token-value');
  return c.text('set');
});
probe.get('/api/admin/p/clear', (c) => {
  clearSessionCookies(c);
  return c.text('cleared');
});
probe.get('/api/admin/p/unguarded-session', (c) => {
  c.set('session', null);
  return c.json({ user: sessionOf(c).user.username });
});

async function req(path: string, init: { method?: string; who?: StaffLogin | null; headers?: Record<string, string>; body?: string; url?: string } = {}) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.who) headers.cookie = init.who.cookie;
  const res = await probe.request(init.url ?? path, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const type = res.headers.get('content-type') ?? '';
  const hasBody = init.method !== 'HEAD' && type.includes('json');
  return { status: res.status, res, json: hasBody ? ((await res.json()) as any) : null };
}

beforeAll(async () => {
  intake = await staffOf(t, 'macc-intake', 'intake');
  auditor = await staffOf(t, 'macc-auditor', 'auditor');
});

describe('访问检查的细节', () => {
  it('每个路由都登记了规则', () => {
    expect(rules.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.allow)}`)).toEqual([
      'GET /api/admin/p/public "public"',
      'POST /api/admin/p/public "public"',
      'GET /api/admin/p/intake ["intake"]',
      'POST /api/admin/p/intake ["intake"]',
      'POST /api/admin/p/whoami ["intake","auditor"]',
    ]);
  });

  it('公开路由：不要会话；GET 读查询参数；回答 no-store', async () => {
    const r = await req('/api/admin/p/public?a=1&b=two');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ input: { a: '1', b: 'two' }, who: null });
    expect(r.res.headers.get('cache-control')).toBe('no-store');
    // A session is still read when present.
    expect((await req('/api/admin/p/public', { who: intake })).json.who).toBe('macc-intake');
  });

  it('没有会话：401，说明要登录；角色不对：403', async () => {
    const anon = await req('/api/admin/p/intake');
    expect(anon.status).toBe(401);
    expect(anon.json.error).toEqual({ code: 'unauthenticated', message: '请先登录后台。登录已过期时请重新登录。' });
    expect(anon.res.headers.get('cache-control')).toBe('no-store');
    const bogus = await req('/api/admin/p/intake', { headers: { cookie: `${SESSION_COOKIE}=not-a-real-token` } });
    expect(bogus.status).toBe(401);
    const wrongRole = await req('/api/admin/p/intake', { who: auditor });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.json.error).toEqual({ code: 'forbidden', message: '您的账号角色没有这项权限。' });
    const right = await req('/api/admin/p/intake?x=1', { who: intake });
    expect(right.status).toBe(200);
    expect(right.json).toEqual({ input: { x: '1' }, who: 'macc-intake' });
  });

  it('修改类请求：必须同源', async () => {
    const json = { 'content-type': 'application/json' };
    const bad = (r: { status: number; json: any }) => r.status === 403 && r.json.error.code === 'bad_origin' && /Origin/.test(r.json.error.message);
    expect(bad(await req('/api/admin/p/public', { method: 'POST', headers: json, body: '{}' }))).toBe(true);
    expect(bad(await req('/api/admin/p/public', { method: 'POST', headers: { ...json, origin: 'null' }, body: '{}' }))).toBe(true);
    expect(bad(await req('/api/admin/p/public', { method: 'POST', headers: { ...json, origin: 'null', 'sec-fetch-site': 'cross-site' }, body: '{}' }))).toBe(true);
    expect(bad(await req('/api/admin/p/public', { method: 'POST', headers: { ...json, origin: 'http://evil.example' }, body: '{}' }))).toBe(true);
    expect(bad(await req('/api/admin/p/public', { method: 'POST', headers: { ...json, origin: 'not a url' }, body: '{}' }))).toBe(true);
    expect(bad(await req('/api/admin/p/public', { method: 'POST', headers: { ...json, origin: 'http://localhost', host: 'other.example' }, body: '{}' }))).toBe(true);
    // Same origin by header, by the Host header, or by the browser's own Sec-Fetch-Site.
    expect((await req('/api/admin/p/public', { method: 'POST', headers: { ...json, origin: ORIGIN }, body: '{"k":"v"}' })).json.input).toEqual({ k: 'v' });
    expect((await req('/api/admin/p/public', { method: 'POST', headers: { ...json, origin: 'http://site.example:8080', host: 'site.example:8080' }, body: '{}' })).status).toBe(200);
    expect((await req('/api/admin/p/public', { method: 'POST', headers: { ...json, 'sec-fetch-site': 'same-origin' }, body: '{}' })).status).toBe(200);
    expect((await req('/api/admin/p/public', { method: 'POST', headers: { ...json, origin: 'null', 'sec-fetch-site': 'same-origin' }, body: '{}' })).status).toBe(200);
    // GET and HEAD need no Origin; anything else does.
    expect((await req('/api/admin/p/public')).status).toBe(200);
    expect((await req('/api/admin/p/public', { method: 'HEAD' })).status).toBe(200);
    expect((await req('/api/admin/p/intake', { method: 'HEAD', who: intake })).status).toBe(200);
  });

  it('请求体：JSON 对象、表单、没有类型；数组、坏 JSON 和其他类型被拒绝', async () => {
    const post = (type: string | null, body: string) => req('/api/admin/p/public', { method: 'POST', headers: { origin: ORIGIN, ...(type ? { 'content-type': type } : {}) }, body });
    expect((await post('application/json; charset=utf-8', '{"a":[1,2]}')).json.input).toEqual({ a: [1, 2] });
    for (const body of ['[1,2]', '{broken', 'null', '"text"']) {
      const r = await post('application/json', body);
      expect(r.status, body).toBe(400);
      expect(r.json.error.code).toBe('bad_json');
      expect(r.json.error.message).toMatch(/JSON/);
    }
    expect((await post('application/x-www-form-urlencoded', 'a=1&b=2&b=3')).json.input).toEqual({ a: '1', b: ['2', '3'] });
    expect((await post('APPLICATION/X-WWW-FORM-URLENCODED', 'a=1')).json.input).toEqual({ a: '1' });
    const form = new FormData();
    form.set('name', '值');
    form.set('file', new File(['x'], 'x.txt'));
    const multipart = await probe.request('/api/admin/p/public', { method: 'POST', headers: { origin: ORIGIN }, body: form });
    // Uploaded files pass through to the handler (staff documents, issue 14); JSON shows a File as {}.
    expect(((await multipart.json()) as any).input).toEqual({ name: '值', file: {} });
    // No body and no type: an empty input (a string body would get text/plain from fetch).
    expect((await req('/api/admin/p/public', { method: 'POST', headers: { origin: ORIGIN } })).json.input).toEqual({});
    // JSON only when the type starts with it.
    expect((await post('text/plain; note=application/json', '{}')).status).toBe(415);
    const other = await post('text/plain', 'hello');
    expect(other.status).toBe(415);
    expect(other.json.error).toEqual({ code: 'unsupported_type', message: '请用 JSON 或表单格式提交。' });
  });

  it('CSRF：请求头或表单字段 _csrf，必须与会话一致', async () => {
    const base = { origin: ORIGIN, 'content-type': 'application/json' };
    const missing = await req('/api/admin/p/intake', { method: 'POST', who: intake, headers: base, body: '{}' });
    expect(missing.status).toBe(403);
    expect(missing.json.error).toEqual({ code: 'csrf', message: '页面已过期（安全校验码不匹配），请刷新页面后重新提交。' });
    expect((await req('/api/admin/p/intake', { method: 'POST', who: intake, headers: { ...base, 'x-csrf-token': `${intake.csrf}x` }, body: '{}' })).status).toBe(403);
    expect((await req('/api/admin/p/intake', { method: 'POST', who: intake, headers: { ...base, 'x-csrf-token': auditor.csrf }, body: '{}' })).status).toBe(403);
    expect((await req('/api/admin/p/intake', { method: 'POST', who: intake, headers: base, body: JSON.stringify({ _csrf: 5 }) })).status).toBe(403);
    expect((await req('/api/admin/p/intake', { method: 'POST', who: intake, headers: { ...base, 'x-csrf-token': intake.csrf }, body: '{"n":1}' })).json).toEqual({ input: { n: 1 }, who: 'macc-intake' });
    const viaField = await req('/api/admin/p/intake', { method: 'POST', who: intake, headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(intake.csrf)}&n=2` });
    expect(viaField.status).toBe(200);
    // Role is checked before CSRF; the guard lets the handler see the session.
    expect((await req('/api/admin/p/intake', { method: 'POST', who: auditor, headers: base, body: '{}' })).json.error.code).toBe('forbidden');
    expect((await req('/api/admin/p/whoami', { method: 'POST', who: auditor, headers: { ...base, 'x-csrf-token': auditor.csrf }, body: '{}' })).json).toEqual({ user: 'macc-auditor' });
  });

  it('sessionOf 没有会话时回答 401', async () => {
    const r = await req('/api/admin/p/unguarded-session');
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('unauthenticated');
    expect(r.json.error.message).toMatch(/登录/);
  });

  it('会话 Cookie：两个路径、HttpOnly、SameSite=Strict，https 下加 Secure；退出时清除', async () => {
    expect(COOKIE_PATHS).toEqual(['/admin', '/api/admin']);
    expect(SESSION_COOKIE).toBe('shanghe_staff');
    const plain = (await req('/api/admin/p/cookies')).res.headers.getSetCookie();
    expect(plain).toEqual(['shanghe_staff=token-value; Path=/admin; HttpOnly; SameSite=Strict', 'shanghe_staff=token-value; Path=/api/admin; HttpOnly; SameSite=Strict']);
    const secure = (await req('', { url: 'https://example.org/api/admin/p/cookies' })).res.headers.getSetCookie();
    for (const c of secure) expect(c).toMatch(/; Secure/);
    const cleared = (await req('/api/admin/p/clear')).res.headers.getSetCookie();
    expect(cleared).toHaveLength(2);
    expect(cleared.map((c) => /Path=([^;]+)/.exec(c)?.[1])).toEqual(['/admin', '/api/admin']);
    for (const c of cleared) expect(c).toMatch(/^shanghe_staff=; Max-Age=0/);
  });

  it('isFormRequest 只认表单', () => {
    const ctx = (type: string | undefined) => ({ req: { header: () => type } }) as never;
    expect(isFormRequest(ctx('application/x-www-form-urlencoded'))).toBe(true);
    expect(isFormRequest(ctx('multipart/form-data; boundary=x'))).toBe(true);
    expect(isFormRequest(ctx('application/json'))).toBe(false);
    expect(isFormRequest(ctx('text/x-www-form-urlencoded'))).toBe(false);
    // Only at the start of the header: a parameter that mentions a form type does not make a form.
    expect(isFormRequest(ctx('text/plain; note=application/x-www-form-urlencoded'))).toBe(false);
    expect(isFormRequest(ctx('text/plain; note=multipart/form-data'))).toBe(false);
    expect(isFormRequest(ctx(undefined))).toBe(false);
  });

  it('guard 是命名函数（出现在堆栈里）', () => {
    expect(guard(t.db, { method: 'GET', path: '/x', allow: 'public' }).name).toBe('accessGuard');
  });
});
