/**
 * Staff accounts, login and sessions, and the instance keys each account holds.
 *
 * A staff member's X25519 private key is boxed under their password-derived key (and sealed to the
 * escrow key for recovery). At login it is re-boxed under a key derived from the session token, which
 * only the browser's cookie holds; so the database alone opens nothing, and one live session per user
 * is simply one row per user.
 */
import { and, eq } from 'drizzle-orm';
import { DEPARTMENT_CODES, type DepartmentCode } from '../../../config/departments.ts';
import { LOGIN_RULES, STAFF_ROLE_CODES, type StaffRole } from '../../../config/staff.ts';
import {
  boxDecrypt,
  boxEncrypt,
  generateKeyPair,
  hashPassword,
  newSessionToken,
  newTotpSecret,
  open,
  PASSWORD_SCRYPT,
  randomBytes,
  randomId,
  seal,
  sessionIdOf,
  sessionKeyOf,
  verifyPassword,
  verifyTotp,
} from '../../crypto/index.ts';
import { first, serialize, type Db } from '../../db/client.ts';
import { cryptoKeys, staffKeyGrants, staffSessions, staffUsers } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import type { InstanceKeys } from '../keys.ts';
import { appendAudit, appendAuditIn } from './audit.ts';

export type StaffRow = typeof staffUsers.$inferSelect;

export interface StaffPublic {
  id: string;
  username: string;
  display_name: string;
  role: StaffRole;
  department: DepartmentCode | null;
  active: boolean;
  /** ISO time until which logins are refused, when locked now. */
  locked_until: string | null;
  must_change_password: boolean;
}

export function publicStaff(u: StaffRow, now: Date = new Date()): StaffPublic {
  return {
    id: u.id,
    username: u.retiredUsername ?? u.username,
    display_name: u.displayName,
    role: u.role as StaffRole,
    department: (u.department as DepartmentCode | null) ?? null,
    active: u.active,
    locked_until: u.lockedUntil && u.lockedUntil > now.toISOString() ? u.lockedUntil : null,
    must_change_password: u.mustChangePassword,
  };
}

/** Password cost; tests lower it. */
let passwordParams: { N: number; r: number; p: number } = PASSWORD_SCRYPT;
export function setPasswordCostForTests(N: number): void {
  passwordParams = { ...PASSWORD_SCRYPT, N };
}
export function currentPasswordParams(): { N: number; r: number; p: number } {
  return passwordParams;
}

export const deptKeyId = (code: DepartmentCode) => `dept:${code}`;

/**
 * A department's key pair (report keys are sealed to it on assignment). Created on first use with its
 * private key sealed to escrow; returns the private key when it was just made, so the caller grants it.
 */
export async function ensureDepartmentKey(db: Db, keys: InstanceKeys, code: DepartmentCode): Promise<{ publicKey: Buffer; newPrivateKey: Buffer | null }> {
  const id = deptKeyId(code);
  const row = first(await db.select().from(cryptoKeys).where(eq(cryptoKeys.id, id)).limit(1));
  if (row) return { publicKey: row.publicKey, newPrivateKey: null };
  const pair = generateKeyPair();
  // Another process may create the same department's key meanwhile: theirs wins, ours is dropped.
  const made = await db
    .insert(cryptoKeys)
    .values({ id, publicKey: pair.publicKey, escrowSealedPrivateKey: seal(keys.escrowPublicKey, pair.privateKey), createdAt: new Date().toISOString() })
    .onConflictDoNothing()
    .returning({ id: cryptoKeys.id });
  if (!made.length) return { publicKey: first(await db.select().from(cryptoKeys).where(eq(cryptoKeys.id, id)).limit(1))!.publicKey, newPrivateKey: null };
  return { publicKey: pair.publicKey, newPrivateKey: pair.privateKey };
}

export async function departmentPublicKey(db: Db, code: DepartmentCode): Promise<Buffer | null> {
  return first(await db.select().from(cryptoKeys).where(eq(cryptoKeys.id, deptKeyId(code))).limit(1))?.publicKey ?? null;
}

export interface NewStaff {
  username: string;
  displayName: string;
  role: StaffRole;
  department: DepartmentCode | null;
  password: string;
}

export function validateNewStaff(input: Record<string, unknown>): NewStaff {
  const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string).trim() : '');
  const username = str('username');
  const displayName = str('display_name');
  const role = str('role');
  const department = str('department');
  const password = typeof input.password === 'string' ? input.password : '';
  if (!/^[a-z][a-z0-9_.-]{2,31}$/.test(username)) throw new UserError(400, 'invalid_field', '登录名（username）要用 3–32 个小写英文字母、数字、点、短横线或下划线，以字母开头。', 'username');
  if (displayName.length < 2 || displayName.length > 30) throw new UserError(400, 'invalid_field', '姓名（display_name）要填 2–30 个字。', 'display_name');
  if (!(STAFF_ROLE_CODES as readonly string[]).includes(role)) throw new UserError(400, 'invalid_field', '角色（role）不正确，请从列表中选择。', 'role');
  if (role === 'handler' && !(DEPARTMENT_CODES as readonly string[]).includes(department)) throw new UserError(400, 'invalid_field', '办理人员必须选择所属部门（department）。', 'department');
  if (password.length < LOGIN_RULES.minPasswordLength) throw new UserError(400, 'invalid_field', `初始密码（password）至少 ${LOGIN_RULES.minPasswordLength} 位。`, 'password');
  return { username, displayName, role: role as StaffRole, department: role === 'handler' ? (department as DepartmentCode) : null, password };
}

/** Creates an account holding the given instance keys. Returns the TOTP secret to hand over once. */
export async function createStaff(
  db: Db,
  keys: InstanceKeys,
  input: NewStaff,
  grants: { keyId: string; privateKey: Buffer }[],
  actor: string,
  /** mustChangePassword: an initial password someone else chose; inTx: more writes in the same transaction. */
  options: { mustChangePassword?: boolean; inTx?: (tx: Db, user: StaffRow) => Promise<unknown> | void } = {},
): Promise<{ user: StaffRow; totpSecret: string }> {
  const taken = async (q: Db) => !!first(await q.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.username, input.username)).limit(1));
  const takenError = () => new UserError(409, 'username_taken', `登录名 ${input.username} 已经有人使用。`, 'username');
  if (await taken(db)) throw takenError();
  const pw = await hashPassword(input.password, passwordParams);
  const pair = generateKeyPair();
  const totpSecret = newTotpSecret();
  const id = randomId();
  const now = new Date().toISOString();
  await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    if (await taken(tx)) throw takenError(); // again: someone may have taken the name while the hash ran
    await tx.insert(staffUsers).values({
      id,
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      department: input.department,
      passwordHash: pw.hash,
      publicKey: pair.publicKey,
      passwordBoxedPrivateKey: boxEncrypt(pw.key, pair.privateKey, `staff-key:${id}`),
      escrowSealedPrivateKey: seal(keys.escrowPublicKey, pair.privateKey),
      totpBox: boxEncrypt(pw.key, Buffer.from(totpSecret, 'utf8'), `staff-totp:${id}`),
      createdAt: now,
      mustChangePassword: options.mustChangePassword ?? false,
    });
    for (const g of grants) await tx.insert(staffKeyGrants).values({ userId: id, keyId: g.keyId, sealedPrivateKey: seal(pair.publicKey, g.privateKey), createdAt: now });
    await appendAuditIn(tx, { actor, action: 'staff.created', detail: { staff: id, role: input.role, department: input.department } });
    if (options.inTx) await options.inTx(tx, first(await tx.select().from(staffUsers).where(eq(staffUsers.id, id)).limit(1))!);
  });
  return { user: first(await db.select().from(staffUsers).where(eq(staffUsers.id, id)).limit(1))!, totpSecret };
}

export class LoginError extends UserError {}

const GENERIC_LOGIN_ERROR = '登录名、密码或动态验证码不正确。';

/** Delay before answering a failed login: 0.5 s, 1 s, 2 s … capped at 4 s (backoff before the lockout). */
export function backoffMs(failures: number): number {
  return Math.min(4000, 250 * 2 ** Math.min(failures, 4));
}

export interface LoginResult {
  token: string;
  csrfToken: string;
  user: StaffRow;
}

/**
 * Unknown login names behave like real accounts: the same password-hash work (against a dummy hash
 * made with the real parameters), the same backoff and the same lockout answer, counted in memory
 * (bounded, never written anywhere). Otherwise timing or a missing "locked" answer tells which names exist.
 */
const phantomFailures = new Map<string, { failures: number; lockedUntil: string | null }>();
const PHANTOM_LIMIT = 10_000;
let dummyHash: { N: number; hash: string } | null = null;
async function dummyPasswordHash(): Promise<string> {
  if (!dummyHash || dummyHash.N !== passwordParams.N) dummyHash = { N: passwordParams.N, hash: (await hashPassword(randomBytes(18).toString('base64url'), passwordParams)).hash };
  return dummyHash.hash;
}

type Attempt = { outcome: 'ok'; step: number; privateKey: Buffer; totpBox: Buffer | null } | { outcome: 'failed'; failures: number; locked: boolean } | { outcome: 'locked'; until: string };

/** Failure accounting for a name with no active account; the same numbers a real account would show. */
function phantomAttempt(name: string, now: Date): Attempt {
  const at = now.toISOString();
  const entry = phantomFailures.get(name) ?? { failures: 0, lockedUntil: null };
  if (entry.lockedUntil && entry.lockedUntil > at) return { outcome: 'locked', until: entry.lockedUntil };
  const failures = entry.failures + 1;
  const locked = failures >= LOGIN_RULES.maxFailures;
  if (phantomFailures.size >= PHANTOM_LIMIT) phantomFailures.delete(phantomFailures.keys().next().value!);
  phantomFailures.set(name, { failures: locked ? 0 : failures, lockedUntil: locked ? new Date(now.getTime() + LOGIN_RULES.lockMinutes * 60_000).toISOString() : null });
  return { outcome: 'failed', failures, locked };
}

/**
 * Password and TOTP both required. Every failure counts toward the lockout; the answer never says
 * which part was wrong. A successful login replaces any other session of the same user.
 *
 * The only await is the password hash. Everything that reads and writes the failure counter, the lock
 * and the last used TOTP step happens after it, inside one serialised transaction on a freshly read
 * row, so parallel attempts (in this or another API process) cannot each see the old counter or the
 * same unused code.
 */
export async function login(db: Db, username: string, password: string, code: string, now: Date = new Date()): Promise<LoginResult> {
  const name = username.trim();
  const candidate = first(await db.select().from(staffUsers).where(eq(staffUsers.username, name)).limit(1));
  const known = candidate && candidate.active ? candidate : null;
  const key = await verifyPassword(password, known ? known.passwordHash : await dummyPasswordHash());
  const at = now.toISOString();
  // 'phantom': the account was deactivated meanwhile; counted in memory after the transaction, since
  // the body may run again on PostgreSQL and must have no side effect outside the database.
  type Outcome = Attempt | { outcome: 'phantom' };
  const txOutcome: { attempt: Outcome; result: LoginResult | null } = known
    ? await db.transaction(async (tx) => {
        await serialize(tx, 'audit');
        const user = first(await tx.select().from(staffUsers).where(eq(staffUsers.id, known.id)).limit(1));
        if (!user || !user.active) return { attempt: { outcome: 'phantom' as const }, result: null };
        if (user.lockedUntil && user.lockedUntil > at) return { attempt: { outcome: 'locked' as const, until: user.lockedUntil }, result: null };
        const ok = key && user.passwordHash === known.passwordHash ? checkSecondFactor(user, key, code, now) : null;
        if (!ok) {
          const failures = user.failedLogins + 1;
          const locked = failures >= LOGIN_RULES.maxFailures;
          const lockedUntil = locked ? new Date(now.getTime() + LOGIN_RULES.lockMinutes * 60_000).toISOString() : null;
          await tx.update(staffUsers).set({ failedLogins: locked ? 0 : failures, lockedUntil }).where(eq(staffUsers.id, user.id));
          await appendAuditIn(tx, { actor: user.id, action: locked ? 'login.locked' : 'login.failed', detail: { failures } });
          return { attempt: { outcome: 'failed' as const, failures, locked }, result: null };
        }
        const token = newSessionToken();
        const csrfToken = randomBytes(24).toString('base64url');
        await tx
          .update(staffUsers)
          .set({ failedLogins: 0, lockedUntil: null, totpLastStep: ok.step, ...(ok.totpBox ? { totpBox: ok.totpBox, pendingTotpSealed: null } : {}) })
          .where(eq(staffUsers.id, user.id));
        await tx.delete(staffSessions).where(eq(staffSessions.userId, user.id));
        await tx.insert(staffSessions).values({ id: sessionIdOf(token), userId: user.id, csrfToken, keyBox: boxEncrypt(sessionKeyOf(token), ok.privateKey, `session:${user.id}`), createdAt: at, lastSeenAt: at });
        await appendAuditIn(tx, { actor: user.id, action: ok.totpBox ? 'login.ok_new_authenticator' : 'login.ok' });
        return {
          attempt: { outcome: 'ok' as const, step: ok.step, privateKey: ok.privateKey, totpBox: ok.totpBox },
          result: { token, csrfToken, user: { ...user, totpLastStep: ok.step, failedLogins: 0, lockedUntil: null } },
        };
      })
    : { attempt: { outcome: 'phantom' }, result: null };
  const attempt: Attempt = txOutcome.attempt.outcome === 'phantom' ? phantomAttempt(name, now) : txOutcome.attempt;
  const result = txOutcome.result;
  if (attempt.outcome === 'ok' && result) return result;
  if (attempt.outcome === 'locked') {
    const minutes = Math.max(1, Math.ceil((Date.parse(attempt.until) - now.getTime()) / 60000));
    throw new LoginError(423, 'locked', `登录失败次数太多，账号已暂时锁定，请 ${minutes} 分钟后再试；忘记密码请联系系统管理员。`);
  }
  const failed = attempt as { failures: number; locked: boolean };
  await new Promise((r) => setTimeout(r, backoffMs(failed.failures)));
  if (failed.locked) throw new LoginError(423, 'locked', `登录失败次数太多，账号已锁定 ${LOGIN_RULES.lockMinutes} 分钟。忘记密码请联系系统管理员。`);
  throw new LoginError(401, 'login_failed', GENERIC_LOGIN_ERROR);
}

/**
 * The TOTP check on the row read inside the login transaction: the code's time step must be newer than
 * the last one used. A re-issued authenticator (sealed to the account's key) is tried and, when it
 * works, re-boxed under the password for next time.
 */
function checkSecondFactor(user: StaffRow, passwordKey: Buffer, code: string, now: Date): { step: number; privateKey: Buffer; totpBox: Buffer | null } | null {
  try {
    const privateKey = boxDecrypt(passwordKey, user.passwordBoxedPrivateKey, `staff-key:${user.id}`);
    const pending = user.pendingTotpSealed ? open(privateKey, user.pendingTotpSealed).toString('utf8') : null;
    const secret = pending ?? boxDecrypt(passwordKey, user.totpBox, `staff-totp:${user.id}`).toString('utf8');
    const step = verifyTotp(secret, code, now.getTime());
    if (step === null || step <= user.totpLastStep) return null; // a code is good once
    return { step, privateKey, totpBox: pending ? boxEncrypt(passwordKey, Buffer.from(pending, 'utf8'), `staff-totp:${user.id}`) : null };
  } catch {
    return null;
  }
}

export interface StaffSession {
  user: StaffRow;
  csrfToken: string;
  /** The staff private key, unwrapped with the session token. */
  privateKey(): Buffer;
}

/** Resolves a cookie token to a live session, or null (expired sessions are deleted). */
export async function sessionFromToken(db: Db, token: string | undefined, now: Date = new Date()): Promise<StaffSession | null> {
  if (!token || token.length > 100) return null;
  const row = first(await db.select().from(staffSessions).where(eq(staffSessions.id, sessionIdOf(token))).limit(1));
  if (!row) return null;
  const idleLimit = now.getTime() - LOGIN_RULES.idleMinutes * 60_000;
  const ageLimit = now.getTime() - LOGIN_RULES.maxHours * 3600_000;
  if (Date.parse(row.lastSeenAt) < idleLimit || Date.parse(row.createdAt) < ageLimit) {
    await db.delete(staffSessions).where(eq(staffSessions.id, row.id));
    return null;
  }
  const user = first(await db.select().from(staffUsers).where(eq(staffUsers.id, row.userId)).limit(1));
  if (!user || !user.active) return null;
  await db.update(staffSessions).set({ lastSeenAt: now.toISOString() }).where(eq(staffSessions.id, row.id));
  return {
    user,
    csrfToken: row.csrfToken,
    privateKey: () => boxDecrypt(sessionKeyOf(token), row.keyBox, `session:${user.id}`),
  };
}

export async function logout(db: Db, session: StaffSession): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.userId, session.user.id));
  await appendAudit(db, { actor: session.user.id, action: 'logout' });
}

/** Instance key ids this user holds. */
export async function heldKeyIds(db: Db, userId: string): Promise<string[]> {
  return (await db.select({ k: staffKeyGrants.keyId }).from(staffKeyGrants).where(eq(staffKeyGrants.userId, userId))).map((r) => r.k);
}

/** Opens one held instance key with the session's private key; null when the user does not hold it. */
export async function openHeldKey(db: Db, session: StaffSession, keyId: string): Promise<Buffer | null> {
  const g = first(await db.select().from(staffKeyGrants).where(and(eq(staffKeyGrants.userId, session.user.id), eq(staffKeyGrants.keyId, keyId))).limit(1));
  return g ? open(session.privateKey(), g.sealedPrivateKey) : null;
}

/**
 * First administrator, from the CLI (after the recovery key was checked there). The administrator holds
 * no key that opens reports (two-person rule, see grants.ts): it manages accounts only.
 */
export async function createFirstAdmin(db: Db, keys: InstanceKeys, input: NewStaff): Promise<{ user: StaffRow; totpSecret: string }> {
  // Every department's key exists from here on (sealed to escrow only), so cases can be assigned to a
  // department before its first handler has been granted the key.
  for (const code of DEPARTMENT_CODES) await ensureDepartmentKey(db, keys, code);
  return createStaff(db, keys, { ...input, role: 'admin', department: null }, [], 'cli');
}

/**
 * Changes one's own password: only the wrapping of the private key and TOTP secret changes; no case is
 * affected. Replacing an initial password (one an administrator chose and so knows) also replaces the
 * key pair, when the account holds no key yet: whatever the administrator could derive from the initial
 * password opens nothing, and keys are granted only to the new key (grants.ts refuses before this
 * change). The session then ends, so the next login carries the new key.
 */
export async function changePassword(db: Db, session: StaffSession, current: string, next: string, keys?: InstanceKeys): Promise<{ relogin: boolean }> {
  if (next.length < LOGIN_RULES.minPasswordLength) throw new UserError(400, 'invalid_field', `新密码至少 ${LOGIN_RULES.minPasswordLength} 位。`, 'new_password');
  if (next === current) throw new UserError(400, 'invalid_field', '新密码不能和当前密码相同。', 'new_password');
  const user = session.user;
  const oldKey = await verifyPassword(current, user.passwordHash);
  if (!oldKey) throw new UserError(400, 'wrong_password', '当前密码不正确。', 'current_password');
  const totpSecret = boxDecrypt(oldKey, user.totpBox, `staff-totp:${user.id}`);
  const pw = await hashPassword(next, passwordParams);
  const rotate = user.mustChangePassword && !!keys && (await heldKeyIds(db, user.id)).length === 0;
  const pair = rotate ? generateKeyPair() : null;
  const privateKey = pair ? pair.privateKey : session.privateKey();
  await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    await tx
      .update(staffUsers)
      .set({
        passwordHash: pw.hash,
        passwordBoxedPrivateKey: boxEncrypt(pw.key, privateKey, `staff-key:${user.id}`),
        totpBox: boxEncrypt(pw.key, totpSecret, `staff-totp:${user.id}`),
        mustChangePassword: false,
        ...(pair && keys ? { publicKey: pair.publicKey, escrowSealedPrivateKey: seal(keys.escrowPublicKey, pair.privateKey), pendingTotpSealed: null } : {}),
      })
      .where(eq(staffUsers.id, user.id));
    if (pair) await tx.delete(staffSessions).where(eq(staffSessions.userId, user.id));
    await appendAuditIn(tx, { actor: user.id, action: 'staff.password_changed', detail: user.mustChangePassword ? { initial: true, new_key_pair: !!pair } : {} });
  });
  return { relogin: !!pair };
}
