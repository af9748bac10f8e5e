/**
 * Staff login and sessions (api/services/admin/staff.ts) in detail, with the clock passed in and the
 * backoff timers faked, so the whole lockout cycle runs in well under a second of real waiting.
 */
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOGIN_RULES } from '../../config/staff.ts';
import { publicKeyFromPrivate, sessionIdOf, totpCode } from '../../api/crypto/index.ts';
import { dbKind, exec, row, rows } from '../../api/db/client.ts';
import { staffUsers } from '../../api/db/schema.ts';
import { backoffMs, login, logout, sessionFromToken } from '../../api/services/admin/staff.ts';
import { addStaff, makeApp, PASSWORD } from './admin-fixtures.ts';
import { at, settle, T0 } from './login-timers.ts';


describe('登录和会话的细节', () => {
  // clearTimeout too: a PostgreSQL pool clears the idle timer of a connection it hands out again.
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('失败后的延迟：0.25 s 起逐次加倍，最多 4 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(backoffMs)).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
  });

  it('不存在、停用的账号和错误的密码得到同样的回答；登录名去掉空格', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { id, totpSecret } = await addStaff(t, 'lina', 'intake');
    const generic = { status: 401, code: 'login_failed', message: '登录名、密码或动态验证码不正确。' };
    const shape = (r: Awaited<ReturnType<typeof settle>>) => (r.ok ? 'ok' : { status: r.error.status, code: r.error.code, message: r.error.message });
    expect(shape(await settle(login(t.db, 'nobody', PASSWORD, totpCode(totpSecret, T0), at(0))))).toEqual(generic);
    expect(shape(await settle(login(t.db, 'lina', `${PASSWORD}x`, totpCode(totpSecret, T0), at(0))))).toEqual(generic);
    expect(shape(await settle(login(t.db, 'lina', PASSWORD, '000000', at(0))))).toEqual(generic);
    const account = async () => (await row<{ f: number; l: string | null; s: number }>(t.db, sql`select failed_logins as f, locked_until as l, totp_last_step as s from staff_users where id = ${id}`))!;
    expect((await account()).f).toBe(2);
    const audit = await rows(t.db, sql`select action, actor, detail from audit_log where action like 'login%' order by id`);
    expect(audit).toEqual([
      { action: 'login.failed', actor: id, detail: '{"failures":1}' },
      { action: 'login.failed', actor: id, detail: '{"failures":2}' },
    ]);
    const ok = await settle(login(t.db, '  lina ', PASSWORD, totpCode(totpSecret, T0), at(0)));
    expect(ok.ok).toBe(true);
    expect(await account()).toMatchObject({ f: 0, l: null, s: Math.floor(T0 / 30_000) });
    // The same code is good once; the next step's code works.
    expect(shape(await settle(login(t.db, 'lina', PASSWORD, totpCode(totpSecret, T0), at(5_000))))).toEqual(generic);
    expect((await settle(login(t.db, 'lina', PASSWORD, totpCode(totpSecret, T0 + 30_000), at(30_000)))).ok).toBe(true);
    // A deactivated account cannot log in even with everything right.
    await t.db.update(staffUsers).set({ active: false }).where(eq(staffUsers.id, id));
    expect(shape(await settle(login(t.db, 'lina', PASSWORD, totpCode(totpSecret, T0 + 60_000), at(60_000))))).toEqual(generic);
  });

  it(`${LOGIN_RULES.maxFailures} 次失败后锁定 ${LOGIN_RULES.lockMinutes} 分钟，锁定期间对的密码也不行，到期后可以登录`, async () => {
    const t = await makeApp({ fastReceipts: true });
    const { id, totpSecret } = await addStaff(t, 'mo', 'auditor');
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_RULES.maxFailures; i++) {
      const r = await settle(login(t.db, 'mo', 'wrong password', '000000', at(i * 1000)));
      statuses.push(r.ok ? 200 : r.error.status);
      if (!r.ok && i === LOGIN_RULES.maxFailures - 1) expect(r.error.code).toBe('locked');
      if (!r.ok && i === LOGIN_RULES.maxFailures - 1) expect(r.error.message).toBe(`登录失败次数太多，账号已锁定 ${LOGIN_RULES.lockMinutes} 分钟。忘记密码请联系系统管理员。`);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    const account = (await row<{ f: number; l: string }>(t.db, sql`select failed_logins as f, locked_until as l from staff_users where id = ${id}`))!;
    expect(account.f).toBe(0);
    expect(account.l).toBe(new Date(T0 + 4000 + LOGIN_RULES.lockMinutes * 60_000).toISOString());
    expect((await row<{ detail: string }>(t.db, sql`select detail from audit_log where action = 'login.locked'`))!.detail).toBe('{"failures":5}');
    // Locked: the right password is refused, with the minutes left.
    const during = await settle(login(t.db, 'mo', PASSWORD, totpCode(totpSecret, T0 + 60_000), at(4000 + 60_000)));
    expect(during.ok ? 200 : [during.error.status, during.error.code, during.error.message]).toEqual([423, 'locked', '登录失败次数太多，账号已暂时锁定，请 14 分钟后再试；忘记密码请联系系统管理员。']);
    const lastSecond = await settle(login(t.db, 'mo', PASSWORD, totpCode(totpSecret, T0), at(4000 + LOGIN_RULES.lockMinutes * 60_000 - 1000)));
    expect(lastSecond.ok ? 200 : lastSecond.error.message).toMatch(/请 1 分钟后再试/);
    // The lock ends at lockedUntil itself.
    const until = 4000 + LOGIN_RULES.lockMinutes * 60_000;
    expect((await settle(login(t.db, 'mo', PASSWORD, totpCode(totpSecret, T0 + until), at(until)))).ok).toBe(true);
  });

  it('账号数据损坏（动态验证码密钥打不开）时拒绝登录并计入失败次数', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { id, totpSecret } = await addStaff(t, 'rui', 'intake');
    await exec(t.db, sql`update staff_users set totp_box = ${Buffer.alloc(40, 1)} where id = ${id}`);
    const r = await settle(login(t.db, 'rui', PASSWORD, totpCode(totpSecret, T0), at(0)));
    expect(r.ok ? 200 : [r.error.status, r.error.code]).toEqual([401, 'login_failed']);
    expect((await row<{ f: number }>(t.db, sql`select failed_logins as f from staff_users where id = ${id}`))!.f).toBe(1);
  });

  it('失败的回答要等一会儿（延迟随失败次数增加）', async () => {
    const t = await makeApp({ fastReceipts: true });
    await addStaff(t, 'pat', 'auditor');
    // The backoff timer, told apart from the timers a PostgreSQL pool keeps for its idle connections.
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const backoffTimers = () => timers.mock.calls.filter((c) => c[1] === backoffMs(1)).length;
    const p = login(t.db, 'pat', 'wrong password', '000000', at(0));
    let settled = false;
    p.catch(() => (settled = true));
    // Give scrypt time to finish in real time; the 500 ms backoff (first failure) must still hold the answer.
    const deadline = Date.now() + 10_000;
    while (backoffTimers() === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(backoffTimers()).toBe(1);
    if (dbKind(t.db) === 'sqlite') expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    for (let i = 0; i < 5 && !settled; i++) await new Promise((r) => setImmediate(r));
    expect(settled).toBe(true);
  });

  it('会话：令牌不直接存；30 分钟不用或 10 小时后失效；停用后失效；只保留一个；退出清除', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { id, totpSecret } = await addStaff(t, 'quinn', 'intake');
    const first = await settle(login(t.db, 'quinn', PASSWORD, totpCode(totpSecret, T0), at(0)));
    if (!first.ok) throw first.error;
    const { token, csrfToken, user } = first.value;
    expect(user.id).toBe(id);
    expect(token.length).toBeGreaterThan(30);
    expect(csrfToken.length).toBeGreaterThanOrEqual(32);
    const stored = await rows<{ id: string; c: string; ca: string; ls: string }>(t.db, sql`select id, csrf_token as c, created_at as ca, last_seen_at as ls from staff_sessions`);
    expect(stored).toEqual([{ id: sessionIdOf(token), c: csrfToken, ca: at(0).toISOString(), ls: at(0).toISOString() }]);
    expect(stored[0]!.id).not.toBe(token);
    expect(Number((await row<{ n: number }>(t.db, sql`select count(*) as n from audit_log where action = 'login.ok' and actor = ${id}`))!.n)).toBe(1);

    expect(await sessionFromToken(t.db, undefined, at(0))).toBeNull();
    expect(await sessionFromToken(t.db, '', at(0))).toBeNull();
    expect(await sessionFromToken(t.db, token + 'x'.repeat(100), at(0))).toBeNull();
    expect(await sessionFromToken(t.db, 'unknown-token', at(0))).toBeNull();
    const s = (await sessionFromToken(t.db, token, at(29 * 60_000)))!;
    expect(s.user.username).toBe('quinn');
    expect(s.csrfToken).toBe(csrfToken);
    // The session unwraps the staff member's own private key.
    expect(publicKeyFromPrivate(s.privateKey()).equals(s.user.publicKey)).toBe(true);
    expect((await row<{ ls: string }>(t.db, sql`select last_seen_at as ls from staff_sessions`))!.ls).toBe(at(29 * 60_000).toISOString());
    // Idle: 30 minutes after the last request, plus a moment.
    // Exactly 30 minutes after the last request the session still counts; a moment later it does not.
    expect(await sessionFromToken(t.db, token, at(29 * 60_000 + LOGIN_RULES.idleMinutes * 60_000))).not.toBeNull();
    expect(await sessionFromToken(t.db, token, at(29 * 60_000 + 2 * LOGIN_RULES.idleMinutes * 60_000 + 1000))).toBeNull();
    expect(Number((await row<{ n: number }>(t.db, sql`select count(*) as n from staff_sessions`))!.n)).toBe(0);

    // Age: kept busy, the session still ends after 10 hours.
    const second = await settle(login(t.db, 'quinn', PASSWORD, totpCode(totpSecret, T0 + 30_000), at(30_000)));
    if (!second.ok) throw second.error;
    let now = 30_000;
    while (now < LOGIN_RULES.maxHours * 3600_000 - 20 * 60_000) {
      now += 20 * 60_000;
      expect(await sessionFromToken(t.db, second.value.token, at(now)), `${now / 60_000} 分钟`).not.toBeNull();
    }
    expect(await sessionFromToken(t.db, second.value.token, at(30_000 + LOGIN_RULES.maxHours * 3600_000))).not.toBeNull();
    expect(await sessionFromToken(t.db, second.value.token, at(30_000 + LOGIN_RULES.maxHours * 3600_000 + 1000))).toBeNull();

    // One live session per person: a new login ends the previous one.
    const a = await settle(login(t.db, 'quinn', PASSWORD, totpCode(totpSecret, T0 + 60_000), at(60_000)));
    const b = await settle(login(t.db, 'quinn', PASSWORD, totpCode(totpSecret, T0 + 90_000), at(90_000)));
    if (!a.ok || !b.ok) throw new Error('login failed');
    expect(await sessionFromToken(t.db, a.value.token, at(91_000))).toBeNull();
    const live = (await sessionFromToken(t.db, b.value.token, at(91_000)))!;
    expect(live).not.toBeNull();
    await logout(t.db, live);
    expect(await sessionFromToken(t.db, b.value.token, at(92_000))).toBeNull();
    expect((await row<{ actor: string }>(t.db, sql`select actor from audit_log where action = 'logout'`))!.actor).toBe(id);

    // Deactivated: an existing session stops working.
    const c = await settle(login(t.db, 'quinn', PASSWORD, totpCode(totpSecret, T0 + 120_000), at(120_000)));
    if (!c.ok) throw c.error;
    await t.db.update(staffUsers).set({ active: false }).where(eq(staffUsers.id, id));
    expect(await sessionFromToken(t.db, c.value.token, at(121_000))).toBeNull();
  });
});
