/**
 * Unknown and deactivated login names (api/services/admin/staff.ts, phantomAttempt): the same failure
 * count, lockout and answers as a real account, kept in memory per name; and a re-issued authenticator
 * moving under the password at its first use ('login.ok_new_authenticator'). In process, clock passed
 * in and the backoff timers faked, as in mutation-login.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOGIN_RULES } from '../../config/staff.ts';
import { boxDecrypt, totpCode, verifyPassword } from '../../api/crypto/index.ts';
import { row, rows } from '../../api/db/client.ts';
import { staffUsers } from '../../api/db/schema.ts';
import { reissueAuthenticator } from '../../api/services/admin/accounts.ts';
import { login, sessionFromToken } from '../../api/services/admin/staff.ts';
import { addStaff, makeApp, PASSWORD } from './admin-fixtures.ts';
import { at, settle, T0 } from './login-timers.ts';

const answer = (r: Awaited<ReturnType<typeof settle>>) => (r.ok ? 'ok' : [r.error.status, r.error.code, r.error.message]);
const GENERIC = [401, 'login_failed', '登录名、密码或动态验证码不正确。'];
const LOCKED_NOW = [423, 'locked', `登录失败次数太多，账号已锁定 ${LOGIN_RULES.lockMinutes} 分钟。忘记密码请联系系统管理员。`];
const lockedFor = (minutes: number) => [423, 'locked', `登录失败次数太多，账号已暂时锁定，请 ${minutes} 分钟后再试；忘记密码请联系系统管理员。`];
/** Phantom counters are per process and per name: a fresh name for each test. */
const ghost = () => `ghost-${randomBytes(6).toString('hex')}`;

describe('不存在和停用的登录名：与真实账号一样计数和锁定', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it(`不存在的登录名 ${LOGIN_RULES.maxFailures} 次失败后锁定 ${LOGIN_RULES.lockMinutes} 分钟，到锁定结束那一刻重新计数`, async () => {
    const t = await makeApp({ fastReceipts: true });
    const name = ghost();
    const answers: unknown[] = [];
    for (let i = 0; i < LOGIN_RULES.maxFailures; i++) answers.push(answer(await settle(login(t.db, name, PASSWORD, '000000', at(i * 1000)))));
    expect(answers).toEqual([...Array(LOGIN_RULES.maxFailures - 1).fill(GENERIC), LOCKED_NOW]);
    const lockedAt = (LOGIN_RULES.maxFailures - 1) * 1000;
    const until = lockedAt + LOGIN_RULES.lockMinutes * 60_000;
    // Locked, with the minutes left, the name trimmed as for real accounts.
    expect(answer(await settle(login(t.db, ` ${name} `, PASSWORD, '000000', at(lockedAt + 60_000))))).toEqual(lockedFor(LOGIN_RULES.lockMinutes - 1));
    expect(answer(await settle(login(t.db, name, PASSWORD, '000000', at(until - 1000))))).toEqual(lockedFor(1));
    // At lockedUntil itself the lock is over and counting starts again from 1.
    const again: unknown[] = [];
    for (let i = 0; i < LOGIN_RULES.maxFailures; i++) again.push(answer(await settle(login(t.db, name, PASSWORD, '000000', at(until + i * 1000)))));
    expect(again).toEqual([...Array(LOGIN_RULES.maxFailures - 1).fill(GENERIC), LOCKED_NOW]);
    // Nothing about unknown names is written anywhere.
    expect(await rows(t.db, sql`select action from audit_log where action like 'login%'`)).toEqual([]);
  });

  it('两个不存在的登录名交替尝试，各自计数', async () => {
    const t = await makeApp({ fastReceipts: true });
    const [a, b] = [ghost(), ghost()];
    const answers: unknown[] = [];
    for (let i = 0; i < LOGIN_RULES.maxFailures; i++) {
      answers.push(answer(await settle(login(t.db, a, PASSWORD, '000000', at(i * 1000)))));
      answers.push(answer(await settle(login(t.db, b, PASSWORD, '000000', at(i * 1000 + 500)))));
    }
    expect(answers).toEqual([...Array(2 * (LOGIN_RULES.maxFailures - 1)).fill(GENERIC), LOCKED_NOW, LOCKED_NOW]);
  });

  it('停用的账号即使密码和动态验证码都对，也按不存在的登录名计数和锁定，不写进账号', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { id, totpSecret } = await addStaff(t, `gone${randomBytes(3).toString('hex')}`, 'intake');
    const name = (await row<{ u: string }>(t.db, sql`select username as u from staff_users where id = ${id}`))!.u;
    await t.db.update(staffUsers).set({ active: false }).where(eq(staffUsers.id, id));
    const answers: unknown[] = [];
    for (let i = 0; i < LOGIN_RULES.maxFailures; i++) answers.push(answer(await settle(login(t.db, name, PASSWORD, totpCode(totpSecret, T0 + i * 30_000), at(i * 30_000)))));
    expect(answers).toEqual([...Array(LOGIN_RULES.maxFailures - 1).fill(GENERIC), LOCKED_NOW]);
    expect(await row(t.db, sql`select failed_logins as f, locked_until as l from staff_users where id = ${id}`)).toEqual({ f: 0, l: null });
  });

  it('重新发放的动态验证码第一次登录成功时记为“登录（启用新发放的动态验证码）”，并改由密码保管', async () => {
    const t = await makeApp({ fastReceipts: true });
    const admin = await addStaff(t, 'root', 'admin');
    const u = await addStaff(t, 'lostphone', 'supervisor');
    const adminLogin = await settle(login(t.db, 'root', PASSWORD, totpCode(admin.totpSecret, T0), at(0)));
    expect(adminLogin.ok).toBe(true);
    const session = (await sessionFromToken(t.db, (adminLogin as { value: { token: string } }).value.token, at(0)))!;
    const { totpSecret } = await reissueAuthenticator(t.db, session, u.id);
    // The old authenticator no longer works.
    expect(answer(await settle(login(t.db, 'lostphone', PASSWORD, totpCode(u.totpSecret, T0 + 30_000), at(30_000))))).toEqual(GENERIC);
    expect((await settle(login(t.db, 'lostphone', PASSWORD, totpCode(totpSecret, T0 + 60_000), at(60_000)))).ok).toBe(true);
    expect(await rows(t.db, sql`select action from audit_log where actor = ${u.id} and action like 'login%' order by id`)).toEqual([{ action: 'login.failed' }, { action: 'login.ok_new_authenticator' }]);
    const stored = (await row<{ p: unknown; password_hash: string; totp_box: Buffer }>(t.db, sql`select pending_totp_sealed as p, password_hash, totp_box from staff_users where id = ${u.id}`))!;
    expect(stored.p).toBeNull();
    const key = await verifyPassword(PASSWORD, stored.password_hash);
    expect(boxDecrypt(key!, stored.totp_box, `staff-totp:${u.id}`).toString('utf8')).toBe(totpSecret);
    // The next login is an ordinary one.
    expect((await settle(login(t.db, 'lostphone', PASSWORD, totpCode(totpSecret, T0 + 90_000), at(90_000)))).ok).toBe(true);
    expect((await rows<{ action: string }>(t.db, sql`select action from audit_log where actor = ${u.id} and action like 'login%' order by id`)).at(-1)).toEqual({ action: 'login.ok' });
  });
});
