/**
 * Two-person rule for the keys that open reports (issue 10 item 6).
 *
 * The administrator manages accounts but holds no instance key. An account receives a key that opens
 * reports — the intake key (受理员, 主管领导), a department's key (办理人员) or the identity-custodian key
 * (身份保管人) — only in one of two ways:
 *  1. a second, existing holder of that key approves the request in the back office: their own session
 *     opens the key and re-seals it to the new account's public key (nobody else can); or
 *  2. on the server's command line with the recovery key (`npm run keys:grant`), never in a web page.
 * Every request, grant, refusal and withdrawal is audited, in the same transaction as the change.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { DEPARTMENT_NAMES, type DepartmentCode } from '../../../config/departments.ts';
import type { StaffRole } from '../../../config/staff.ts';
import { createHash } from 'node:crypto';
import { decodeRecoveryKey, open, publicKeyFromPrivate, randomId, seal } from '../../crypto/index.ts';
import { first, serialize, type Db } from '../../db/client.ts';
import { cryptoKeys, keyGrantRequests, staffKeyGrants, staffUsers } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { KEY_IDS, RecoveryKeyError, type InstanceKeys } from '../keys.ts';
import { appendAuditIn } from './audit.ts';
import { deptKeyId, ensureDepartmentKey, heldKeyIds, openHeldKey, type StaffRow, type StaffSession } from './staff.ts';

export type GrantReason = 'new_account' | 'password_reset' | 'reactivated';
export const GRANT_REASON_NAMES: Record<GrantReason, string> = {
  new_account: '新建账号',
  password_reset: '管理员重置了密码（原有密钥已清除）',
  reactivated: '停用后恢复的账号（原有密钥已清除）',
};

/** Instance keys an account of this role needs to do its work; admin and auditor hold none. */
export function roleKeyIds(role: StaffRole, department: string | null): string[] {
  switch (role) {
    case 'intake':
    case 'supervisor':
      return [KEY_IDS.intake];
    case 'handler':
      return department ? [deptKeyId(department as DepartmentCode)] : [];
    case 'custodian':
      return [KEY_IDS.custodian];
    case 'auditor':
    case 'admin':
      return [];
  }
}

export function keyName(keyId: string): string {
  if (keyId === KEY_IDS.intake) return '受理密钥（打开全部举报）';
  if (keyId === KEY_IDS.custodian) return '身份保管密钥（实名举报人身份）';
  if (keyId.startsWith('dept:')) return `${DEPARTMENT_NAMES[keyId.slice(5) as DepartmentCode] ?? keyId.slice(5)}部门密钥（本部门案件）`;
  return keyId;
}

/**
 * Opens pending requests for the role's keys the account does not hold yet (inside the caller's
 * transaction). Department keys are created here when missing, sealed to escrow only, so the first
 * holder of a new department's key can only come from the recovery key.
 */
export async function requestRoleKeysIn(tx: Db, keys: InstanceKeys, user: Pick<StaffRow, 'id' | 'role' | 'department'>, requestedBy: string, reason: GrantReason): Promise<string[]> {
  const wanted = roleKeyIds(user.role as StaffRole, user.department);
  for (const id of wanted) if (id.startsWith('dept:')) await ensureDepartmentKey(tx, keys, id.slice(5) as DepartmentCode);
  const held = new Set(await heldKeyIds(tx, user.id));
  const pending = new Set(
    (
      await tx
        .select({ k: keyGrantRequests.keyId })
        .from(keyGrantRequests)
        .where(and(eq(keyGrantRequests.userId, user.id), eq(keyGrantRequests.status, 'pending')))
    ).map((r) => r.k),
  );
  const made: string[] = [];
  const now = new Date().toISOString();
  for (const keyId of wanted) {
    if (held.has(keyId) || pending.has(keyId)) continue;
    const id = randomId();
    await tx.insert(keyGrantRequests).values({ id, userId: user.id, keyId, requestedBy, reason, status: 'pending', createdAt: now });
    await appendAuditIn(tx, { actor: requestedBy, action: 'key.requested', detail: { staff: user.id, key: keyId, request: id, reason } });
    made.push(id);
  }
  return made;
}

/** Removes every key an account holds and withdraws its open requests (inside the caller's transaction). */
export async function wipeKeysIn(tx: Db, userId: string, actor: string): Promise<void> {
  await tx.delete(staffKeyGrants).where(eq(staffKeyGrants.userId, userId));
  const open = await tx
    .select({ id: keyGrantRequests.id })
    .from(keyGrantRequests)
    .where(and(eq(keyGrantRequests.userId, userId), eq(keyGrantRequests.status, 'pending')))
    .orderBy(asc(keyGrantRequests.createdAt), asc(keyGrantRequests.id));
  for (const r of open) {
    await tx.update(keyGrantRequests).set({ status: 'withdrawn', decidedBy: actor, decidedAt: new Date().toISOString() }).where(eq(keyGrantRequests.id, r.id));
    await appendAuditIn(tx, { actor, action: 'key.withdrawn', detail: { staff: userId, request: r.id } });
  }
}

/**
 * A short code made from the account's public key. The account's owner sees it on their own 密钥授权
 * page; the approver sees it beside the request and compares it with the owner in person, so a key goes
 * to the key pair the real person controls (not one the administrator set up and kept).
 */
export function accountCheckCode(publicKey: Buffer): string {
  const n = createHash('sha256').update('shanghe-account-check-v1').update(publicKey).digest().readUInt32BE(0) % 1_000_000;
  const d = String(n).padStart(6, '0');
  return `${d.slice(0, 3)} ${d.slice(3)}`;
}

const INITIAL_PASSWORD_MESSAGE = '对方还没有改掉管理员设置的初始密码（初始密码管理员知道）。请等本人首次登录、设置自己的密码后再授予。';

export interface GrantRequestView {
  id: string;
  key_id: string;
  key_name: string;
  reason: GrantReason;
  reason_name: string;
  status: string;
  created_at: string;
  staff: { id: string; username: string; display_name: string; role: string; department: string | null };
  requested_by: string;
  /** Compare with what the account's owner sees (accountCheckCode). */
  check_code: string;
  /** True while the owner has not replaced the initial password: no approval until then. */
  waiting_for_password: boolean;
}

function viewOf(r: typeof keyGrantRequests.$inferSelect, u: StaffRow, names: Map<string, string>): GrantRequestView {
  return {
    id: r.id,
    key_id: r.keyId,
    key_name: keyName(r.keyId),
    reason: r.reason as GrantReason,
    reason_name: GRANT_REASON_NAMES[r.reason as GrantReason] ?? r.reason,
    status: r.status,
    created_at: r.createdAt,
    staff: { id: u.id, username: u.username, display_name: u.displayName, role: u.role, department: u.department },
    requested_by: names.get(r.requestedBy) ?? r.requestedBy,
    check_code: accountCheckCode(u.publicKey),
    waiting_for_password: u.mustChangePassword,
  };
}

/** Pending requests this key holder could approve: for keys they hold, never for their own account. */
export async function approvableRequests(db: Db, session: StaffSession): Promise<GrantRequestView[]> {
  const held = await heldKeyIds(db, session.user.id);
  if (!held.length) return [];
  const rows = (
    await db
      .select({ r: keyGrantRequests, u: staffUsers })
      .from(keyGrantRequests)
      .innerJoin(staffUsers, eq(staffUsers.id, keyGrantRequests.userId))
      .where(and(eq(keyGrantRequests.status, 'pending'), inArray(keyGrantRequests.keyId, held)))
      .orderBy(asc(keyGrantRequests.createdAt), asc(keyGrantRequests.id))
  ).filter(({ r }) => r.userId !== session.user.id && r.requestedBy !== session.user.id);
  const names = await staffNames(db);
  return rows.map(({ r, u }) => viewOf(r, u, names));
}

/** The signed-in account's own open requests (shown with its check code on its 密钥授权 page). */
export async function ownPendingRequests(db: Db, session: StaffSession): Promise<GrantRequestView[]> {
  const u = first(await db.select().from(staffUsers).where(eq(staffUsers.id, session.user.id)).limit(1))!;
  const names = await staffNames(db);
  return (
    await db
      .select()
      .from(keyGrantRequests)
      .where(and(eq(keyGrantRequests.userId, u.id), eq(keyGrantRequests.status, 'pending')))
      .orderBy(asc(keyGrantRequests.createdAt), asc(keyGrantRequests.id))
  ).map((r) => viewOf(r, u, names));
}

/** Every request about one account (the administrator's account page shows where each key stands). */
export async function requestsForAccounts(db: Db): Promise<Map<string, GrantRequestView[]>> {
  const rows = await db
    .select({ r: keyGrantRequests, u: staffUsers })
    .from(keyGrantRequests)
    .innerJoin(staffUsers, eq(staffUsers.id, keyGrantRequests.userId))
    .where(eq(keyGrantRequests.status, 'pending'))
    .orderBy(asc(keyGrantRequests.createdAt), asc(keyGrantRequests.id));
  const names = await staffNames(db);
  const out = new Map<string, GrantRequestView[]>();
  for (const { r, u } of rows) out.set(u.id, [...(out.get(u.id) ?? []), viewOf(r, u, names)]);
  return out;
}

async function staffNames(db: Db): Promise<Map<string, string>> {
  const all = await db.select({ id: staffUsers.id, n: staffUsers.displayName }).from(staffUsers);
  return new Map([['cli', '命令行（恢复密钥）'], ['system', '系统'], ...all.map((u) => [u.id, u.n] as [string, string])]);
}

/**
 * The second person: a holder of the key approves. Their session opens the key and seals it to the
 * account's public key; the check of the request, the grant and the audit entry are one transaction.
 */
export async function approveGrant(db: Db, session: StaffSession, requestId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    const r = first(await tx.select().from(keyGrantRequests).where(eq(keyGrantRequests.id, requestId)).limit(1));
    if (!r) throw new UserError(404, 'not_found', '没有这条密钥申请。');
    if (r.status !== 'pending') throw new UserError(409, 'already_decided', '这条申请已经处理过了。');
    if (r.userId === session.user.id) throw new UserError(403, 'own_request', '不能批准给自己的账号授予密钥：需要另一位持有这把密钥的工作人员批准。');
    if (r.requestedBy === session.user.id) throw new UserError(403, 'own_request', '申请人不能自己批准：需要另一位持有这把密钥的工作人员批准。');
    const target = first(await tx.select().from(staffUsers).where(eq(staffUsers.id, r.userId)).limit(1));
    if (!target || !target.active) throw new UserError(409, 'inactive', '这个账号已停用，不能授予密钥。');
    const privateKey = await openHeldKey(tx, session, r.keyId);
    if (!privateKey) throw new UserError(403, 'key_missing', '您的账号没有这把密钥，不能批准这条申请。');
    if (target.mustChangePassword) throw new UserError(409, 'initial_password', INITIAL_PASSWORD_MESSAGE);
    const now = new Date().toISOString();
    await tx.insert(staffKeyGrants).values({ userId: target.id, keyId: r.keyId, sealedPrivateKey: seal(target.publicKey, privateKey), createdAt: now }).onConflictDoNothing();
    await tx.update(keyGrantRequests).set({ status: 'granted', decidedBy: session.user.id, decidedAt: now }).where(eq(keyGrantRequests.id, r.id));
    await appendAuditIn(tx, { actor: session.user.id, action: 'key.granted', detail: { staff: target.id, key: r.keyId, request: r.id, via: 'approval' } });
  });
}

export async function refuseGrant(db: Db, session: StaffSession, requestId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    const r = first(await tx.select().from(keyGrantRequests).where(eq(keyGrantRequests.id, requestId)).limit(1));
    if (!r) throw new UserError(404, 'not_found', '没有这条密钥申请。');
    if (r.status !== 'pending') throw new UserError(409, 'already_decided', '这条申请已经处理过了。');
    if (!(await heldKeyIds(tx, session.user.id)).includes(r.keyId) || r.userId === session.user.id) throw new UserError(403, 'key_missing', '只有持有这把密钥的其他工作人员可以处理这条申请。');
    const now = new Date().toISOString();
    await tx.update(keyGrantRequests).set({ status: 'refused', decidedBy: session.user.id, decidedAt: now }).where(eq(keyGrantRequests.id, r.id));
    await appendAuditIn(tx, { actor: session.user.id, action: 'key.refused', detail: { staff: r.userId, key: r.keyId, request: r.id } });
  });
}

/**
 * The command-line path (`npm run keys:grant`): the recovery key opens each instance key the account's
 * role needs from its escrow copy, and seals it to the account. Audited as actor 'cli'.
 */
export async function grantWithRecoveryKey(db: Db, keys: InstanceKeys, recoveryKeyText: string, username: string): Promise<string[]> {
  const escrowPrivate = decodeRecoveryKey(recoveryKeyText);
  if (!escrowPrivate) throw new RecoveryKeyError('恢复密钥格式不正确或有抄写错误（校验失败）。');
  if (!publicKeyFromPrivate(escrowPrivate).equals(keys.escrowPublicKey)) throw new RecoveryKeyError('这个恢复密钥不属于本系统的数据。');
  const user = first(await db.select().from(staffUsers).where(eq(staffUsers.username, username.trim())).limit(1));
  if (!user || !user.active) throw new UserError(404, 'not_found', `没有在用的账号 ${username}。`);
  if (user.mustChangePassword) throw new UserError(409, 'initial_password', INITIAL_PASSWORD_MESSAGE);
  const wanted = roleKeyIds(user.role as StaffRole, user.department);
  if (!wanted.length) throw new UserError(400, 'no_keys_for_role', '这个角色（系统管理员或审计员）不持有打开举报的密钥，不需要授予。');
  // Returned from the body (not pushed from inside it): on PostgreSQL the body may run more than once.
  return db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    const granted: string[] = [];
    const held = new Set(await heldKeyIds(tx, user.id));
    const now = new Date().toISOString();
    for (const keyId of wanted) {
      if (keyId.startsWith('dept:')) await ensureDepartmentKey(tx, keys, keyId.slice(5) as DepartmentCode);
      if (held.has(keyId)) continue;
      const row = first(await tx.select().from(cryptoKeys).where(eq(cryptoKeys.id, keyId)).limit(1));
      if (!row?.escrowSealedPrivateKey) throw new RecoveryKeyError(`缺少密钥 ${keyId} 的恢复副本。`);
      const privateKey = open(escrowPrivate, row.escrowSealedPrivateKey);
      await tx.insert(staffKeyGrants).values({ userId: user.id, keyId, sealedPrivateKey: seal(user.publicKey, privateKey), createdAt: now });
      const pending = await tx
        .select()
        .from(keyGrantRequests)
        .where(and(eq(keyGrantRequests.userId, user.id), eq(keyGrantRequests.keyId, keyId), eq(keyGrantRequests.status, 'pending')));
      for (const p of pending) await tx.update(keyGrantRequests).set({ status: 'granted', decidedBy: 'cli', decidedAt: now }).where(eq(keyGrantRequests.id, p.id));
      await appendAuditIn(tx, { actor: 'cli', action: 'key.granted', detail: { staff: user.id, key: keyId, via: 'recovery_key' } });
      granted.push(keyId);
    }
    return granted;
  });
}

/**
 * At start: takes back every key an account holds that its role does not need — above all the intake
 * and department keys that administrators held before the two-person rule. Audited per key.
 */
export async function revokeKeysOutsideRoles(db: Db): Promise<number> {
  const rows = await db.select({ g: staffKeyGrants, u: staffUsers }).from(staffKeyGrants).innerJoin(staffUsers, eq(staffUsers.id, staffKeyGrants.userId));
  const extra = rows.filter(({ g, u }) => !roleKeyIds(u.role as StaffRole, u.department).includes(g.keyId));
  if (!extra.length) return 0;
  // Two processes starting together may both see the same grants; only the one that deletes a grant audits it.
  return db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    let revoked = 0;
    for (const { g } of extra) {
      const gone = await tx
        .delete(staffKeyGrants)
        .where(and(eq(staffKeyGrants.userId, g.userId), eq(staffKeyGrants.keyId, g.keyId)))
        .returning({ userId: staffKeyGrants.userId });
      if (!gone.length) continue;
      await appendAuditIn(tx, { actor: 'system', action: 'key.revoked', detail: { staff: g.userId, key: g.keyId } });
      revoked++;
    }
    return revoked;
  });
}
