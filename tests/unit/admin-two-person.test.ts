/**
 * Issue 10 item 6 (two-person rule for report keys) and issue 14 item 7 (account care). Each test here
 * fails on the code before this change: the administrator held the intake key and could create a
 * supervisor that read reports at once; there was no reset, re-issue, unlock, undo or name reuse.
 */
import { spawnSync } from 'node:child_process';
import { sql, type SQL } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { boxDecrypt, totpCode, verifyPassword } from '../../api/crypto/index.ts';
import { exec, row, rows } from '../../api/db/client.ts';
import { grantWithRecoveryKey } from '../../api/services/admin/grants.ts';
import { addStaff, call, fileReportAs, loginAs, makeApp, ORIGIN, PASSWORD, staffOf, type StaffLogin } from './admin-fixtures.ts';

type T = Awaited<ReturnType<typeof makeApp>>;

const count = async (t: T, query: SQL) => Number((await row<{ n: number }>(t.db, query))!.n);

async function loginWith(t: T, username: string, password: string, code: string): Promise<{ status: number; who: StaffLogin | null; json: any }> {
  const res = await t.app.request('/api/admin/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN }, body: JSON.stringify({ username, password, code }) });
  const json = (await res.json()) as any;
  if (res.status !== 200) return { status: res.status, who: null, json };
  const cookie = /shanghe_staff=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![0];
  return { status: 200, who: { cookie, csrf: json.csrf_token } as StaffLogin, json };
}

/**
 * The owner's first login: the initial password must be replaced first (everything else answers 403);
 * replacing it makes a new key pair and ends the session, so the owner logs in again.
 */
async function firstLogin(t: T, username: string, initial: string, totp: string, own = 'my own passphrase'): Promise<StaffLogin> {
  const first = await loginWith(t, username, initial, totpCode(totp));
  expect(first.status).toBe(200);
  expect((await call(t, first.who, 'GET', '/api/admin/reports')).json?.error?.code ?? 'ok').toMatch(/password_change_required|forbidden/);
  const changed = await call(t, first.who, 'POST', '/api/admin/password', { current_password: initial, new_password: own });
  expect(changed.json).toEqual({ ok: true, relogin: true });
  expect((await call(t, first.who, 'GET', '/api/admin/session')).status).toBe(401);
  const again = await loginWith(t, username, own, totpCode(totp, Date.now() + 30_000));
  expect(again.status).toBe(200);
  return again.who!;
}

/** Creates an account through the administrator's API; the owner logs in and sets their password. */
async function adminCreates(t: T, admin: StaffLogin, username: string, role: string, department = ''): Promise<{ id: string; who: StaffLogin; totp: string; password: string }> {
  const made = await call(t, admin, 'POST', '/api/admin/staff', { username, display_name: `新${username}`, role, department, password: 'initial password 1' });
  expect(made.status, JSON.stringify(made.json)).toBe(201);
  const totp = made.json.totp_secret as string;
  const who = await firstLogin(t, username, 'initial password 1', totp);
  return { id: made.json.user.id, who, totp, password: 'my own passphrase' };
}

describe('two-person rule for report keys', () => {
  it('an admin-only account cannot obtain report content by any route', async () => {
    const t = await makeApp({ fastReceipts: true });
    const secret = 'ZQX-uniquely-findable-hazard-text 仓库里堆放了大量无标识的化学品桶';
    const { reportId } = await fileReportAs(t, { description: secret, place: '某工业园区三号仓库 QPL-place' });
    const admin = await staffOf(t, 'root', 'admin');
    // 1. The admin itself: every registered route, with the report id filled in, shows none of it.
    const { rules } = (await import('../../api/routes/admin/index.ts')).adminRoutes(t.deps as any);
    for (const rule of rules.filter((r) => r.path !== '/api/admin/logout')) {
      const path = rule.path.replace(':id', reportId).replace(':fileId', 'x');
      const r = await call(t, admin, rule.method, path, rule.method === 'POST' ? {} : undefined);
      const text = r.json ? JSON.stringify(r.json) : await r.res.text();
      expect(text, `${rule.method} ${rule.path}`).not.toContain('ZQX-uniquely');
      expect(text, `${rule.method} ${rule.path}`).not.toContain('QPL-place');
    }
    expect(await count(t, sql`select count(*) as n from staff_key_grants where user_id = ${admin.id}`)).toBe(0);
    // 2. Through an account it creates: a supervisor made by the admin opens nothing until a key holder approves.
    const sup = await adminCreates(t, admin, 'puppet', 'supervisor');
    const denied = await call(t, sup.who, 'GET', `/api/admin/reports/${reportId}`);
    expect(denied.status).toBe(403);
    expect(JSON.stringify(denied.json)).not.toContain('ZQX-uniquely');
    // The admin cannot approve its own request (it holds no key, and the key page is not for its role).
    const reqId = (await row<{ id: string }>(t.db, sql`select id from key_grant_requests where user_id = ${sup.id} and status = 'pending'`))!.id;
    expect((await call(t, admin, 'POST', `/api/admin/key-requests/${reqId}/approve`, {})).status).toBe(403);
    // Nor can the new account approve its own.
    expect((await call(t, sup.who, 'POST', `/api/admin/key-requests/${reqId}/approve`, {})).status).toBe(403);
    // 3. Resetting a key holder's password or re-issuing its authenticator gives the admin nothing either.
    const clerk = await staffOf(t, 'clerk', 'intake');
    const reset = await call(t, admin, 'POST', `/api/admin/staff/${clerk.id}/reset-password`, { confirm: 'yes' });
    expect(reset.status).toBe(200);
    const asClerk = await firstLogin(t, 'clerk', reset.json.password, reset.json.totp_secret, 'admin chose this one');
    const afterReset = await call(t, asClerk, 'GET', `/api/admin/reports/${reportId}`);
    expect(afterReset.status).toBe(403);
    expect(JSON.stringify(afterReset.json)).not.toContain('ZQX-uniquely');
    // The web form no longer asks for the recovery key anywhere.
    const page = await t.app.request('/admin/staff/', { headers: { cookie: admin.cookie } });
    expect(await page.text()).not.toMatch(/recovery_key|恢复密钥（只有/);
  }, 30_000);

  it('a second key holder approves in the back office; grants, requests and refusals are audited', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { reportId } = await fileReportAs(t, { description: '配电箱长期无人检修，电线裸露在外，雨天有人触电的危险。' });
    const admin = await staffOf(t, 'root', 'admin');
    const holder = await staffOf(t, 'holder', 'supervisor');
    const fresh = await adminCreates(t, admin, 'newsup', 'supervisor');
    const other = await adminCreates(t, admin, 'refused', 'intake');
    const list = await call(t, holder, 'GET', '/api/admin/key-requests');
    expect(list.json.items.map((r: any) => [r.staff.username, r.key_id, r.reason])).toEqual(
      expect.arrayContaining([
        ['newsup', 'intake', 'new_account'],
        ['refused', 'intake', 'new_account'],
      ]),
    );
    const idOf = (u: string) => list.json.items.find((r: any) => r.staff.username === u).id;
    expect((await call(t, holder, 'POST', `/api/admin/key-requests/${idOf('newsup')}/approve`, {})).status).toBe(200);
    expect((await call(t, holder, 'POST', `/api/admin/key-requests/${idOf('refused')}/refuse`, {})).status).toBe(200);
    expect((await call(t, holder, 'POST', `/api/admin/key-requests/${idOf('newsup')}/approve`, {})).status).toBe(409);
    // The approved account opens the report; the refused one does not.
    const ok = await call(t, fresh.who, 'GET', `/api/admin/reports/${reportId}`);
    expect(ok.status).toBe(200);
    expect(ok.json.description).toContain('配电箱');
    expect((await call(t, other.who, 'GET', `/api/admin/reports/${reportId}`)).status).toBe(403);
    // A handler of another department cannot approve a department key it does not hold.
    const fireHandler = await staffOf(t, 'fireman', 'handler', 'fire_rescue');
    const newHandler = await call(t, admin, 'POST', '/api/admin/staff', { username: 'roadman', display_name: '交通办理', role: 'handler', department: 'transport', password: 'initial password 1' });
    expect(newHandler.status).toBe(201);
    const roadReq = (await row<{ id: string }>(t.db, sql`select id from key_grant_requests where user_id = ${newHandler.json.user.id} and status = 'pending'`))!.id;
    expect((await call(t, fireHandler, 'POST', `/api/admin/key-requests/${roadReq}/approve`, {})).status).toBe(403);
    expect((await call(t, fireHandler, 'GET', '/api/admin/key-requests')).json.items).toEqual([]);
    const audit = (await rows<{ actor: string; action: string; detail: string }>(t.db, sql`select actor, action, detail from audit_log where action like 'key.%'`)).map((r) => [r.action, r.actor === holder.id ? 'holder' : r.actor === admin.id ? 'admin' : r.actor]);
    expect(audit).toEqual(expect.arrayContaining([['key.requested', 'admin'], ['key.granted', 'holder'], ['key.refused', 'holder']]));
  }, 30_000);

  it('the recovery key grants on the command line (audited as cli), and a wrong one is refused', async () => {
    const t = await makeApp({ fastReceipts: true });
    const admin = await staffOf(t, 'root', 'admin');
    const made = await call(t, admin, 'POST', '/api/admin/staff', { username: 'firstcust', display_name: '保管人', role: 'custodian', department: '', password: 'initial password 1' });
    expect(made.status).toBe(201);
    expect(made.json.pending_keys).toEqual(['identity_custodian']);
    await expect(grantWithRecoveryKey(t.db, t.deps.keys, 'AAAA-BBBB', 'firstcust')).rejects.toThrow(/恢复密钥/);
    // Not while the initial password (which the administrator knows) is still in place.
    await expect(grantWithRecoveryKey(t.db, t.deps.keys, t.recoveryKey, 'firstcust')).rejects.toThrow(/初始密码/);
    await firstLogin(t, 'firstcust', 'initial password 1', made.json.totp_secret);
    expect(await grantWithRecoveryKey(t.db, t.deps.keys, t.recoveryKey, 'firstcust')).toEqual(['identity_custodian']);
    expect(await grantWithRecoveryKey(t.db, t.deps.keys, t.recoveryKey, 'firstcust')).toEqual([]);
    expect(await rows(t.db, sql`select status, decided_by from key_grant_requests where user_id = ${made.json.user.id}`)).toEqual([{ status: 'granted', decided_by: 'cli' }]);
    expect(await rows(t.db, sql`select actor from audit_log where action = 'key.granted'`)).toEqual([{ actor: 'cli' }]);
    await expect(grantWithRecoveryKey(t.db, t.deps.keys, t.recoveryKey, 'root')).rejects.toThrow(/不持有/);
  });

  it('npm run keys:grant works from the shell with RECOVERY_KEY and refuses a wrong key', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { closeDb, openDb, dbFile } = await import('../../api/db/client.ts');
    const { ensureInstanceKeys } = await import('../../api/services/keys.ts');
    const dir = mkdtempSync(join(tmpdir(), 'keys-grant-'));
    const db = await openDb(dbFile(dir));
    let recovery = '';
    const keys = await ensureInstanceKeys(db, (k) => (recovery = k), 2 ** 10);
    const { createStaff } = await import('../../api/services/admin/staff.ts');
    await createStaff(db, keys, { username: 'cliuser', displayName: '命令行', role: 'intake', department: null, password: 'x'.repeat(12) }, [], 'test');
    await closeDb(db);
    const run = (key: string) => spawnSync(process.execPath, ['scripts/keys-grant.ts', 'cliuser'], { env: { ...process.env, DATA_DIR: dir, RECOVERY_KEY: key }, encoding: 'utf8' });
    const bad = run('ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789-ABCD-EFGH-JKLM-NPQR-STUV-WXYZ');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/恢复密钥/);
    const good = run(recovery);
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/已给 cliuser 授予：受理密钥/);
  }, 30_000);
});

describe('keys held before the two-person rule', () => {
  it('are taken back at start from administrators (and any role that does not need them), audited', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { unlockWithRecoveryKey, KEY_IDS } = await import('../../api/services/keys.ts');
    const { createStaff } = await import('../../api/services/admin/staff.ts');
    const { revokeKeysOutsideRoles } = await import('../../api/services/admin/grants.ts');
    const { intakePrivateKey } = await unlockWithRecoveryKey(t.db, t.recoveryKey);
    // An administrator as the old code made it: holding the intake key.
    const { user } = await createStaff(t.db, t.deps.keys, { username: 'oldadmin', displayName: '旧管理员', role: 'admin', department: null, password: 'x'.repeat(12) }, [{ keyId: KEY_IDS.intake, privateKey: intakePrivateKey }], 'test');
    const sup = await staffOf(t, 'sup', 'supervisor');
    expect(await revokeKeysOutsideRoles(t.db)).toBe(1);
    expect(await rows(t.db, sql`select user_id from staff_key_grants`)).toEqual([{ user_id: sup.id }]);
    const revoked = await rows<{ actor: string; detail: string }>(t.db, sql`select actor, detail from audit_log where action = 'key.revoked'`);
    expect(revoked.map((r) => [r.actor, JSON.parse(r.detail)])).toEqual([['system', { staff: user.id, key: 'intake' }]]);
    expect(await revokeKeysOutsideRoles(t.db)).toBe(0);
  });
});

describe('account care by the administrator', () => {
  it('resets a forgotten password: new password and authenticator once, forced change, keys re-granted by a holder', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { reportId } = await fileReportAs(t);
    const admin = await staffOf(t, 'root', 'admin');
    const holder = await staffOf(t, 'holder', 'supervisor');
    const forgetful = await staffOf(t, 'forgot', 'intake');
    expect((await call(t, admin, 'POST', `/api/admin/staff/${forgetful.id}/reset-password`, {})).status).toBe(400); // confirmation needed
    const reset = await call(t, admin, 'POST', `/api/admin/staff/${forgetful.id}/reset-password`, { confirm: 'yes' });
    expect(reset.json.password).toMatch(/^[a-z2-9]{16}$/);
    expect(reset.json.pending_keys).toEqual(['intake']);
    // The old session and the old password are gone.
    expect((await call(t, forgetful, 'GET', '/api/admin/session')).status).toBe(401);
    expect((await loginAs(t, 'forgot', forgetful.totpSecret, totpCode(forgetful.totpSecret, Date.now() + 30_000))).res.status).toBe(401);
    const s = await loginWith(t, 'forgot', reset.json.password, totpCode(reset.json.totp_secret));
    expect(s.status).toBe(200);
    // Every page sends the user to the password form first.
    const home = await t.app.request('/admin/', { headers: { cookie: s.who!.cookie } });
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/admin/password');
    const pwPage = await t.app.request('/admin/password', { headers: { cookie: s.who!.cookie } });
    expect(await pwPage.text()).toContain('请先设置您自己的新密码');
    // The holder sees the request but cannot approve it while the administrator's password is in place.
    const early = (await call(t, holder, 'GET', '/api/admin/key-requests')).json.items.find((r: any) => r.staff.username === 'forgot');
    expect(early).toMatchObject({ reason: 'password_reset', waiting_for_password: true });
    const refused = await call(t, holder, 'POST', `/api/admin/key-requests/${early.id}/approve`, {});
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('initial_password');
    // Replacing it makes a new key pair (what the initial password wrapped is worth nothing) and a new login.
    const keyBefore = (await row<{ k: Buffer }>(t.db, sql`select public_key as k from staff_users where id = ${forgetful.id}`))!.k;
    const changed = await call(t, s.who, 'POST', '/api/admin/password', { current_password: reset.json.password, new_password: 'remembered this time' });
    expect(changed.json).toEqual({ ok: true, relogin: true });
    const keyAfter = (await row<{ k: Buffer }>(t.db, sql`select public_key as k from staff_users where id = ${forgetful.id}`))!.k;
    expect(keyAfter.equals(keyBefore)).toBe(false);
    const me = await loginWith(t, 'forgot', 'remembered this time', totpCode(reset.json.totp_secret, Date.now() + 30_000));
    expect((await call(t, me.who, 'GET', `/api/admin/reports/${reportId}`)).status).toBe(403);
    // The approver compares the check code with the one the owner sees after logging in.
    const mine = (await call(t, me.who, 'GET', '/api/admin/key-requests')).json.own;
    const req = (await call(t, holder, 'GET', '/api/admin/key-requests')).json.items.find((r: any) => r.staff.username === 'forgot');
    expect(req).toMatchObject({ waiting_for_password: false, check_code: mine.check_code });
    expect(mine.check_code).toMatch(/^\d{3} \d{3}$/);
    expect(mine.pending.map((p: any) => p.key_id)).toEqual(['intake']);
    expect((await call(t, holder, 'POST', `/api/admin/key-requests/${req.id}/approve`, {})).status).toBe(200);
    expect((await call(t, me.who, 'GET', `/api/admin/reports/${reportId}`)).status).toBe(200);
    expect(await count(t, sql`select count(*) as n from audit_log where action = 'staff.password_reset'`)).toBe(1);
  }, 30_000);

  it('re-issues a lost authenticator without touching keys: old codes stop, the new one works and moves under the password', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { reportId } = await fileReportAs(t);
    const admin = await staffOf(t, 'root', 'admin');
    const u = await staffOf(t, 'lostphone', 'supervisor');
    const r = await call(t, admin, 'POST', `/api/admin/staff/${u.id}/reissue-authenticator`, { confirm: 'yes' });
    expect(r.status).toBe(200);
    const later = (secret: string, n: number) => totpCode(secret, Date.now() + n * 30_000);
    expect((await loginAs(t, 'lostphone', u.totpSecret, later(u.totpSecret, 1))).res.status).toBe(401);
    const ok = await loginAs(t, 'lostphone', r.json.totp_secret, later(r.json.totp_secret, 1));
    expect(ok.res.status).toBe(200);
    expect((await call(t, { cookie: ok.cookie, csrf: ok.csrf } as StaffLogin, 'GET', `/api/admin/reports/${reportId}`)).status).toBe(200);
    // Moved under the password: it keeps working after the first use, the old one still does not.
    expect(await row(t.db, sql`select pending_totp_sealed as p from staff_users where id = ${u.id}`)).toEqual({ p: null });
    const stored = (await row<{ password_hash: string; totp_box: Buffer }>(t.db, sql`select password_hash, totp_box from staff_users where id = ${u.id}`))!;
    const key = await verifyPassword(PASSWORD, stored.password_hash);
    expect(boxDecrypt(key!, stored.totp_box, `staff-totp:${u.id}`).toString('utf8')).toBe(r.json.totp_secret);
  }, 30_000);

  it('unlocks a locked account', async () => {
    const t = await makeApp({ fastReceipts: true });
    const admin = await staffOf(t, 'root', 'admin');
    const { id, totpSecret } = await addStaff(t, 'locked', 'intake');
    await exec(t.db, sql`update staff_users set locked_until = ${new Date(Date.now() + 600_000).toISOString()} where id = ${id}`);
    expect((await loginAs(t, 'locked', totpSecret)).res.status).toBe(423);
    const list = await call(t, admin, 'GET', '/api/admin/staff');
    expect(list.json.items.find((u: any) => u.id === id).locked_until).not.toBeNull();
    expect((await call(t, admin, 'POST', `/api/admin/staff/${id}/unlock`, {})).status).toBe(200);
    expect((await loginAs(t, 'locked', totpSecret, totpCode(totpSecret, Date.now() + 30_000))).res.status).toBe(200);
    expect(await count(t, sql`select count(*) as n from audit_log where action = 'staff.unlocked'`)).toBe(1);
  }, 30_000);

  it('deactivation needs a confirmation, can be undone, and frees the login name; the audit keeps the old id', async () => {
    const t = await makeApp({ fastReceipts: true });
    const admin = await staffOf(t, 'root', 'admin');
    const holder = await staffOf(t, 'holder', 'supervisor');
    const leaver = await staffOf(t, 'wang', 'intake');
    const confirmPage = await t.app.request(`/admin/staff/${leaver.id}/confirm?action=deactivate`, { headers: { cookie: admin.cookie } });
    expect(await confirmPage.text()).toContain('确认停用');
    expect((await call(t, admin, 'POST', `/api/admin/staff/${leaver.id}/deactivate`, {})).status).toBe(400);
    expect((await call(t, admin, 'POST', `/api/admin/staff/${leaver.id}/deactivate`, { confirm: 'yes' })).status).toBe(200);
    expect((await loginAs(t, 'wang', leaver.totpSecret, totpCode(leaver.totpSecret, Date.now() + 30_000))).res.status).toBe(401);
    // Undo: back under the same name, keys asked for again.
    expect((await call(t, admin, 'POST', `/api/admin/staff/${leaver.id}/reactivate`, { confirm: 'yes' })).status).toBe(200);
    const back = await loginAs(t, 'wang', leaver.totpSecret, totpCode(leaver.totpSecret, Date.now() + 30_000));
    expect(back.res.status).toBe(200);
    const req = (await call(t, holder, 'GET', '/api/admin/key-requests')).json.items.find((r: any) => r.staff.username === 'wang');
    expect(req.reason).toBe('reactivated');
    // Deactivate again; the name goes to a new person, and the old account can no longer come back under it.
    expect((await call(t, admin, 'POST', `/api/admin/staff/${leaver.id}/deactivate`, { confirm: 'yes' })).status).toBe(200);
    const successor = await call(t, admin, 'POST', '/api/admin/staff', { username: 'wang', display_name: '王新', role: 'intake', department: '', password: 'initial password 1' });
    expect(successor.status).toBe(201);
    expect(successor.json.user.id).not.toBe(leaver.id);
    const undo = await call(t, admin, 'POST', `/api/admin/staff/${leaver.id}/reactivate`, { confirm: 'yes' });
    expect(undo.status).toBe(409);
    expect(undo.json.error.message).toMatch(/已经给了新账号/);
    const list = (await call(t, admin, 'GET', '/api/admin/staff')).json.items.filter((u: any) => u.username === 'wang');
    expect(list.map((u: any) => [u.id, u.active])).toEqual(expect.arrayContaining([[leaver.id, false], [successor.json.user.id, true]]));
    const deact = await rows<{ detail: string }>(t.db, sql`select detail from audit_log where action = 'staff.deactivated' order by id`);
    expect(deact.map((d) => JSON.parse(d.detail).staff)).toEqual([leaver.id, leaver.id]);
  }, 30_000);
});
