/**
 * Account care by the administrator (issue 14 item 7): create, reset a forgotten password, re-issue a
 * lost authenticator, unlock, deactivate (after a confirmation) and undo a deactivation.
 *
 * None of these gives the administrator a way into reports (issue 10 item 6): a new, reset or
 * re-activated account gets the keys of its role only after a second key holder approves, or from the
 * recovery key on the command line (grants.ts). A password reset cannot keep the account's private
 * key (it is boxed under the forgotten password), so it makes a new key pair and wipes the old keys.
 */
import { and, eq, ne } from 'drizzle-orm';
import { boxEncrypt, generateKeyPair, hashPassword, newTotpSecret, randomBytes, seal } from '../../crypto/index.ts';
import { first, serialize, type Db } from '../../db/client.ts';
import { staffSessions, staffUsers } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import type { InstanceKeys } from '../keys.ts';
import { appendAuditIn } from './audit.ts';
import { requestRoleKeysIn, wipeKeysIn } from './grants.ts';
import { createStaff, currentPasswordParams, type NewStaff, type StaffRow, type StaffSession } from './staff.ts';

/** An account made in the back office: the initial password must be changed at first login. */
export async function createAccount(db: Db, keys: InstanceKeys, actor: StaffSession, input: NewStaff): Promise<{ user: StaffRow; totpSecret: string }> {
  return createStaff(db, keys, input, [], actor.user.id, {
    mustChangePassword: true,
    inTx: async (tx, user) => void (await requestRoleKeysIn(tx, keys, user, actor.user.id, 'new_account')),
  });
}

async function target(db: Db, actor: StaffSession, userId: string, what: string): Promise<StaffRow> {
  const u = first(await db.select().from(staffUsers).where(eq(staffUsers.id, userId)).limit(1));
  if (!u) throw new UserError(404, 'not_found', '没有这个账号。');
  if (u.id === actor.user.id) throw new UserError(400, 'own_account', `不能${what}自己的账号${what === '重置密码' ? '，请用"修改密码"' : ''}。`);
  return u;
}

// Letters and digits that are hard to confuse when read aloud or copied from paper.
const READABLE = 'abcdefghjkmnpqrstuvwxyz23456789';
export function readablePassword(length = 16): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (const b of bytes) {
    if (b >= 256 - (256 % READABLE.length)) continue; // no modulo bias
    out += READABLE[b % READABLE.length];
    if (out.length === length) break;
  }
  return out.length === length ? out : readablePassword(length);
}

/**
 * Forgotten password: a new initial password (shown once, to be changed at first login), a new
 * authenticator (the old secret was boxed under the old password) and a new key pair; sessions end,
 * held keys are wiped and requests for the role's keys are opened for a key holder to approve.
 */
export async function resetPassword(db: Db, keys: InstanceKeys, actor: StaffSession, userId: string): Promise<{ user: StaffRow; password: string; totpSecret: string }> {
  const inactive = () => new UserError(409, 'inactive', '账号已停用，请先恢复再重置密码。');
  if (!(await target(db, actor, userId, '重置密码')).active) throw inactive();
  const password = readablePassword();
  const pw = await hashPassword(password, currentPasswordParams());
  const pair = generateKeyPair();
  const totpSecret = newTotpSecret();
  // Checked again inside the transaction (the account may have been deactivated while the hash ran).
  const u = await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    const u = await target(tx, actor, userId, '重置密码');
    if (!u.active) throw inactive();
    await tx
      .update(staffUsers)
      .set({
        passwordHash: pw.hash,
        publicKey: pair.publicKey,
        passwordBoxedPrivateKey: boxEncrypt(pw.key, pair.privateKey, `staff-key:${u.id}`),
        escrowSealedPrivateKey: seal(keys.escrowPublicKey, pair.privateKey),
        totpBox: boxEncrypt(pw.key, Buffer.from(totpSecret, 'utf8'), `staff-totp:${u.id}`),
        pendingTotpSealed: null,
        totpLastStep: 0,
        failedLogins: 0,
        lockedUntil: null,
        mustChangePassword: true,
      })
      .where(eq(staffUsers.id, u.id));
    await tx.delete(staffSessions).where(eq(staffSessions.userId, u.id));
    await wipeKeysIn(tx, u.id, actor.user.id);
    await appendAuditIn(tx, { actor: actor.user.id, action: 'staff.password_reset', detail: { staff: u.id } });
    await requestRoleKeysIn(tx, keys, u, actor.user.id, 'password_reset');
    return u;
  });
  return { user: first(await db.select().from(staffUsers).where(eq(staffUsers.id, u.id)).limit(1))!, password, totpSecret };
}

/**
 * Lost phone: a new authenticator secret sealed to the account's public key (the administrator never
 * learns the password it would need to box it). The old codes stop working at once; the first login
 * with a new code moves the secret under the password. Keys and cases are untouched.
 */
export async function reissueAuthenticator(db: Db, actor: StaffSession, userId: string): Promise<{ user: StaffRow; totpSecret: string }> {
  const totpSecret = newTotpSecret();
  const u = await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    const u = await target(tx, actor, userId, '重新发放动态验证码给');
    if (!u.active) throw new UserError(409, 'inactive', '账号已停用，请先恢复。');
    const pendingTotpSealed = seal(u.publicKey, Buffer.from(totpSecret, 'utf8'));
    await tx.update(staffUsers).set({ pendingTotpSealed }).where(eq(staffUsers.id, u.id));
    await tx.delete(staffSessions).where(eq(staffSessions.userId, u.id));
    await appendAuditIn(tx, { actor: actor.user.id, action: 'staff.authenticator_reissued', detail: { staff: u.id } });
    return u;
  });
  return { user: u, totpSecret };
}

export async function unlockAccount(db: Db, actor: StaffSession, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    const u = first(await tx.select().from(staffUsers).where(eq(staffUsers.id, userId)).limit(1));
    if (!u) throw new UserError(404, 'not_found', '没有这个账号。');
    await tx.update(staffUsers).set({ failedLogins: 0, lockedUntil: null }).where(eq(staffUsers.id, u.id));
    await appendAuditIn(tx, { actor: actor.user.id, action: 'staff.unlocked', detail: { staff: u.id } });
  });
}

/**
 * Deactivation: sessions end, keys are wiped, and the login name is freed for a new account (the audit
 * log names accounts by id, so old entries keep pointing at this one).
 */
export async function deactivateAccount(db: Db, actor: StaffSession, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    const u = await target(tx, actor, userId, '停用');
    if (!u.active) throw new UserError(409, 'inactive', '这个账号已经停用了。');
    await tx.update(staffUsers).set({ active: false, retiredUsername: u.username, username: `~${u.id}` }).where(eq(staffUsers.id, u.id));
    await tx.delete(staffSessions).where(eq(staffSessions.userId, u.id));
    await wipeKeysIn(tx, u.id, actor.user.id);
    await appendAuditIn(tx, { actor: actor.user.id, action: 'staff.deactivated', detail: { staff: u.id } });
  });
}

/** Undo: the account comes back with its old name (when still free) and asks again for its keys. */
export async function reactivateAccount(db: Db, keys: InstanceKeys, actor: StaffSession, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    const u = await target(tx, actor, userId, '恢复');
    if (u.active) throw new UserError(409, 'active', '这个账号没有停用。');
    const name = u.retiredUsername ?? u.username;
    if (first(await tx.select({ id: staffUsers.id }).from(staffUsers).where(and(eq(staffUsers.username, name), ne(staffUsers.id, u.id))).limit(1))) {
      throw new UserError(409, 'username_taken', `登录名 ${name} 已经给了新账号，不能恢复这个旧账号；请为本人新建账号。`);
    }
    await tx.update(staffUsers).set({ active: true, username: name, retiredUsername: null, failedLogins: 0, lockedUntil: null }).where(eq(staffUsers.id, u.id));
    await appendAuditIn(tx, { actor: actor.user.id, action: 'staff.reactivated', detail: { staff: u.id } });
    await requestRoleKeysIn(tx, keys, u, actor.user.id, 'reactivated');
  });
}

/** Display name for lists: a deactivated account shows the login name it had. */
export function loginNameOf(u: Pick<StaffRow, 'username' | 'retiredUsername'>): string {
  return u.retiredUsername ?? u.username;
}
