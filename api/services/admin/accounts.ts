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
import type { Db } from '../../db/client.ts';
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
    inTx: (tx, user) => void requestRoleKeysIn(tx, keys, user, actor.user.id, 'new_account'),
  });
}

function target(db: Db, actor: StaffSession, userId: string, what: string): StaffRow {
  const u = db.select().from(staffUsers).where(eq(staffUsers.id, userId)).get();
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
  const u = target(db, actor, userId, '重置密码');
  if (!u.active) throw new UserError(409, 'inactive', '账号已停用，请先恢复再重置密码。');
  const password = readablePassword();
  const pw = await hashPassword(password, currentPasswordParams());
  const pair = generateKeyPair();
  const totpSecret = newTotpSecret();
  db.transaction(
    (tx) => {
      tx.update(staffUsers)
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
        .where(eq(staffUsers.id, u.id))
        .run();
      tx.delete(staffSessions).where(eq(staffSessions.userId, u.id)).run();
      wipeKeysIn(tx as unknown as Db, u.id, actor.user.id);
      appendAuditIn(tx as unknown as Db, { actor: actor.user.id, action: 'staff.password_reset', detail: { staff: u.id } });
      requestRoleKeysIn(tx as unknown as Db, keys, u, actor.user.id, 'password_reset');
    },
    { behavior: 'immediate' },
  );
  return { user: db.select().from(staffUsers).where(eq(staffUsers.id, u.id)).get()!, password, totpSecret };
}

/**
 * Lost phone: a new authenticator secret sealed to the account's public key (the administrator never
 * learns the password it would need to box it). The old codes stop working at once; the first login
 * with a new code moves the secret under the password. Keys and cases are untouched.
 */
export function reissueAuthenticator(db: Db, actor: StaffSession, userId: string): { user: StaffRow; totpSecret: string } {
  const u = target(db, actor, userId, '重新发放动态验证码给');
  if (!u.active) throw new UserError(409, 'inactive', '账号已停用，请先恢复。');
  const totpSecret = newTotpSecret();
  db.transaction(
    (tx) => {
      tx.update(staffUsers).set({ pendingTotpSealed: seal(u.publicKey, Buffer.from(totpSecret, 'utf8')) }).where(eq(staffUsers.id, u.id)).run();
      tx.delete(staffSessions).where(eq(staffSessions.userId, u.id)).run();
      appendAuditIn(tx as unknown as Db, { actor: actor.user.id, action: 'staff.authenticator_reissued', detail: { staff: u.id } });
    },
    { behavior: 'immediate' },
  );
  return { user: u, totpSecret };
}

export function unlockAccount(db: Db, actor: StaffSession, userId: string): void {
  const u = db.select().from(staffUsers).where(eq(staffUsers.id, userId)).get();
  if (!u) throw new UserError(404, 'not_found', '没有这个账号。');
  db.transaction(
    (tx) => {
      tx.update(staffUsers).set({ failedLogins: 0, lockedUntil: null }).where(eq(staffUsers.id, u.id)).run();
      appendAuditIn(tx as unknown as Db, { actor: actor.user.id, action: 'staff.unlocked', detail: { staff: u.id } });
    },
    { behavior: 'immediate' },
  );
}

/**
 * Deactivation: sessions end, keys are wiped, and the login name is freed for a new account (the audit
 * log names accounts by id, so old entries keep pointing at this one).
 */
export function deactivateAccount(db: Db, actor: StaffSession, userId: string): void {
  const u = target(db, actor, userId, '停用');
  if (!u.active) throw new UserError(409, 'inactive', '这个账号已经停用了。');
  db.transaction(
    (tx) => {
      tx.update(staffUsers).set({ active: false, retiredUsername: u.username, username: `~${u.id}` }).where(eq(staffUsers.id, u.id)).run();
      tx.delete(staffSessions).where(eq(staffSessions.userId, u.id)).run();
      wipeKeysIn(tx as unknown as Db, u.id, actor.user.id);
      appendAuditIn(tx as unknown as Db, { actor: actor.user.id, action: 'staff.deactivated', detail: { staff: u.id } });
    },
    { behavior: 'immediate' },
  );
}

/** Undo: the account comes back with its old name (when still free) and asks again for its keys. */
export function reactivateAccount(db: Db, keys: InstanceKeys, actor: StaffSession, userId: string): void {
  const u = target(db, actor, userId, '恢复');
  if (u.active) throw new UserError(409, 'active', '这个账号没有停用。');
  const name = u.retiredUsername ?? u.username;
  db.transaction(
    (tx) => {
      if (tx.select().from(staffUsers).where(and(eq(staffUsers.username, name), ne(staffUsers.id, u.id))).get()) {
        throw new UserError(409, 'username_taken', `登录名 ${name} 已经给了新账号，不能恢复这个旧账号；请为本人新建账号。`);
      }
      tx.update(staffUsers).set({ active: true, username: name, retiredUsername: null, failedLogins: 0, lockedUntil: null }).where(eq(staffUsers.id, u.id)).run();
      appendAuditIn(tx as unknown as Db, { actor: actor.user.id, action: 'staff.reactivated', detail: { staff: u.id } });
      requestRoleKeysIn(tx as unknown as Db, keys, u, actor.user.id, 'reactivated');
    },
    { behavior: 'immediate' },
  );
}

/** Display name for lists: a deactivated account shows the login name it had. */
export function loginNameOf(u: Pick<StaffRow, 'username' | 'retiredUsername'>): string {
  return u.retiredUsername ?? u.username;
}
