/** Staff login: password + TOTP, replay refusal, backoff and lockout, one live session, cookies, CSRF. */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { row, rows } from '../../api/db/client.ts';
import { totpCode } from '../../api/crypto/index.ts';
import { addStaff, call, fileReportAs, loginAs, makeApp, ORIGIN, PASSWORD } from './admin-fixtures.ts';

describe('staff login', () => {
  it('needs the right password and the current TOTP code, and sets a strict, scoped, HttpOnly cookie', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { totpSecret } = await addStaff(t, 'alice', 'intake');
    const wrongCode = await loginAs(t, 'alice', totpSecret, totpCode(totpSecret, Date.now() - 10 * 60_000));
    expect(wrongCode.res.status).toBe(401);
    expect(((await wrongCode.res.json()) as any).error.message).toBe('登录名、密码或动态验证码不正确。');
    const ok = await loginAs(t, 'alice', totpSecret);
    expect(ok.res.status).toBe(200);
    const cookies = ok.res.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    for (const c of cookies) {
      expect(c).toMatch(/HttpOnly/);
      expect(c).toMatch(/SameSite=Strict/);
      expect(c).not.toMatch(/Secure/); // plain http in the test; https requests get Secure
    }
    expect(cookies.map((c) => /Path=([^;]+)/.exec(c)?.[1]).sort()).toEqual(['/admin', '/api/admin']);
    const me = await call(t, { cookie: ok.cookie, csrf: ok.csrf } as any, 'GET', '/api/admin/session');
    expect(me.json.user.username).toBe('alice');
  });

  it('marks the cookie Secure over https', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { totpSecret } = await addStaff(t, 'sam', 'intake');
    const res = await t.app.request('https://localhost/api/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://localhost' },
      body: JSON.stringify({ username: 'sam', password: PASSWORD, code: totpCode(totpSecret) }),
    });
    expect(res.status).toBe(200);
    for (const c of res.headers.getSetCookie()) expect(c).toMatch(/; Secure/);
  });

  it('refuses a TOTP code that was already used', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { totpSecret } = await addStaff(t, 'bob', 'intake');
    const code = totpCode(totpSecret);
    expect((await loginAs(t, 'bob', totpSecret, code)).res.status).toBe(200);
    expect((await loginAs(t, 'bob', totpSecret, code)).res.status).toBe(401);
  });

  it('locks the account after 5 failures, even for the right password, and audits it', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { totpSecret } = await addStaff(t, 'carol', 'handler', 'fire_rescue');
    const started = Date.now();
    for (let i = 0; i < 4; i++) expect((await loginAs(t, 'carol', totpSecret, '000000')).res.status).toBe(401);
    const fifth = await loginAs(t, 'carol', totpSecret, '000000');
    expect(fifth.res.status).toBe(423);
    expect(Date.now() - started).toBeGreaterThan(500 + 1000 + 2000); // backoff grows with each failure
    const right = await loginAs(t, 'carol', totpSecret);
    expect(right.res.status).toBe(423);
    expect(((await right.res.json()) as any).error.message).toMatch(/锁定/);
    const actions = (await rows<{ action: string }>(t.db, sql`select action from audit_log`)).map((r) => r.action);
    expect(actions.filter((a) => a === 'login.failed')).toHaveLength(4);
    expect(actions).toContain('login.locked');
  }, 30_000);

  it('keeps one live session per user: a new login ends the old one', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { totpSecret } = await addStaff(t, 'dan', 'supervisor');
    const first = await loginAs(t, 'dan', totpSecret, totpCode(totpSecret));
    // The next time step's code (accepted within the ±1 window): a used code never works twice.
    const second = await loginAs(t, 'dan', totpSecret, totpCode(totpSecret, Date.now() + 30_000));
    expect(second.res.status).toBe(200);
    expect((await call(t, { cookie: first.cookie, csrf: first.csrf } as any, 'GET', '/api/admin/session')).status).toBe(401);
    expect((await call(t, { cookie: second.cookie, csrf: second.csrf } as any, 'GET', '/api/admin/session')).status).toBe(200);
  });

  it('refuses state changes without the CSRF token or from another origin, and logs out', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { totpSecret } = await addStaff(t, 'erin', 'admin');
    const s = await loginAs(t, 'erin', totpSecret);
    const settings = { acceptDays: 5, closeDays: 60, maxExtensionDays: 30, dueSoonDays: 7, retentionDays: 365 };
    const noToken = await t.app.request('/api/admin/settings', { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN, cookie: s.cookie }, body: JSON.stringify(settings) });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as any).error.code).toBe('csrf');
    const wrongOrigin = await t.app.request('/api/admin/settings', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example', cookie: s.cookie, 'x-csrf-token': s.csrf }, body: JSON.stringify(settings) });
    expect(wrongOrigin.status).toBe(403);
    const noOrigin = await t.app.request('/api/admin/settings', { method: 'POST', headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf }, body: JSON.stringify(settings) });
    expect(noOrigin.status).toBe(403);
    // `Origin: null` (no-referrer pages) passes only with the browser's own same-origin Sec-Fetch-Site.
    const nullOrigin = (site: string) => t.app.request('/api/admin/settings', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'null', 'sec-fetch-site': site, cookie: s.cookie, 'x-csrf-token': s.csrf }, body: JSON.stringify(settings) });
    expect((await nullOrigin('cross-site')).status).toBe(403);
    expect((await nullOrigin('same-origin')).status).toBe(200);
    // A form post carries the token as a hidden field.
    const form = new URLSearchParams({ ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])), _csrf: s.csrf });
    const viaForm = await t.app.request('/api/admin/settings', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, cookie: s.cookie }, body: form.toString() });
    expect(viaForm.status).toBe(303);
    const ok = await call(t, { cookie: s.cookie, csrf: s.csrf } as any, 'POST', '/api/admin/settings', { ...settings, acceptDays: 0 });
    expect(ok.status).toBe(400);
    expect(ok.json.error.message).toMatch(/受理期限/);
    const out = await call(t, { cookie: s.cookie, csrf: s.csrf } as any, 'POST', '/api/admin/logout', {});
    expect(out.status).toBe(200);
    expect((await call(t, { cookie: s.cookie, csrf: s.csrf } as any, 'GET', '/api/admin/session')).status).toBe(401);
  });

  it('changes a password without losing access, and deactivation ends the account', async () => {
    const t = await makeApp({ fastReceipts: true });
    const admin = await addStaff(t, 'root', 'admin');
    const { totpSecret } = await addStaff(t, 'fay', 'supervisor');
    const s = await loginAs(t, 'fay', totpSecret);
    const who = { cookie: s.cookie, csrf: s.csrf } as any;
    expect((await call(t, who, 'POST', '/api/admin/password', { current_password: 'wrong', new_password: 'a brand new passphrase' })).json.error.message).toBe('当前密码不正确。');
    expect((await call(t, who, 'POST', '/api/admin/password', { current_password: PASSWORD, new_password: 'short' })).status).toBe(400);
    expect((await call(t, who, 'POST', '/api/admin/password', { current_password: PASSWORD, new_password: 'a brand new passphrase' })).status).toBe(200);
    const later = (n: number) => totpCode(totpSecret, Date.now() + n * 30_000);
    const old = await t.app.request('/api/admin/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN }, body: JSON.stringify({ username: 'fay', password: PASSWORD, code: later(1) }) });
    expect(old.status).toBe(401);
    const fresh = await t.app.request('/api/admin/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN }, body: JSON.stringify({ username: 'fay', password: 'a brand new passphrase', code: later(1) }) });
    expect(fresh.status).toBe(200);
    const cookie = /shanghe_staff=([^;]+)/.exec(fresh.headers.get('set-cookie') ?? '')![0];
    const csrf = ((await fresh.json()) as any).csrf_token;
    // The private key still opens the intake key: the queue and a report open as before.
    const { reportId } = await fileReportAs(t);
    expect((await call(t, { cookie, csrf } as any, 'GET', `/api/admin/reports/${reportId}`)).status).toBe(200);

    const root = await loginAs(t, 'root', admin.totpSecret);
    const rootWho = { cookie: root.cookie, csrf: root.csrf } as any;
    const fayId = (await call(t, rootWho, 'GET', '/api/admin/staff')).json.items.find((u: any) => u.username === 'fay').id;
    expect((await call(t, rootWho, 'POST', `/api/admin/staff/${fayId}/deactivate`, {})).status).toBe(400); // needs the confirmation
    expect((await call(t, rootWho, 'POST', `/api/admin/staff/${fayId}/deactivate`, { confirm: 'yes' })).status).toBe(200);
    expect((await call(t, { cookie, csrf } as any, 'GET', '/api/admin/session')).status).toBe(401);
    expect(Number((await row<{ n: number }>(t.db, sql`select count(*) as n from staff_key_grants where user_id = ${fayId}`))!.n)).toBe(0);
  });
});
