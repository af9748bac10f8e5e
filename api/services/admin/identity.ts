/**
 * Access to a real-name reporter's identity (after GlobaLeaks): a handler asks with a written reason,
 * the identity custodian approves or refuses, and only on approval is the identity re-sealed to the
 * requester's own key — to be opened once, then deleted. Every step is audited.
 */
import { and, asc, eq } from 'drizzle-orm';
import { now } from '../../clock.ts';
import { open, openJson, randomId, sealJson } from '../../crypto/index.ts';
import { first, serialize, type Db } from '../../db/client.ts';
import { identityRequests, reportIdentities, reports, staffUsers } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { KEY_IDS, type InstanceKeys } from '../keys.ts';
import { sealText } from '../reports/follow-up.ts';
import { appendAuditIn } from './audit.ts';
import { reportKeyFor, visibleCase } from './cases.ts';
import { formatCaseNumber } from '../reports/shared.ts';
import { openHeldKey, type StaffSession } from './staff.ts';

export async function requestIdentity(db: Db, keys: InstanceKeys, session: StaffSession, reportId: string, reason: string): Promise<string> {
  const { r } = await visibleCase(db, session, reportId);
  const hasIdentity = async (q: Db) => !!first(await q.select({ reportId: reportIdentities.reportId }).from(reportIdentities).where(eq(reportIdentities.reportId, reportId)).limit(1));
  const noIdentity = () => new UserError(409, 'no_identity', '这件举报是匿名的，或身份信息已按保存期限清除，没有可以查看的身份。');
  if (!r.realName || !(await hasIdentity(db))) throw noIdentity();
  const clean = reason.trim();
  if (clean.length < 10 || clean.length > 2000) throw new UserError(400, 'invalid_field', '请写明为什么必须联系举报人本人（10–2000 字），身份保管人据此审批。', 'reason');
  const id = randomId();
  const sealedReason = sealText(r.publicKey, clean);
  const custodianSealedReason = sealText(keys.custodianPublicKey, clean);
  await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    // Checked again inside the transaction: two requests sent at once make one pending request.
    if (!(await hasIdentity(tx))) throw noIdentity();
    const pending = first(
      await tx
        .select({ id: identityRequests.id })
        .from(identityRequests)
        .where(and(eq(identityRequests.reportId, reportId), eq(identityRequests.requesterId, session.user.id), eq(identityRequests.status, 'pending')))
        .limit(1),
    );
    if (pending) throw new UserError(409, 'already_requested', '您已经提出过申请，正在等待身份保管人审批。');
    await tx.insert(identityRequests).values({ id, reportId, requesterId: session.user.id, sealedReason, custodianSealedReason, status: 'pending', createdAt: now().toISOString() });
    await appendAuditIn(tx, { actor: session.user.id, action: 'identity.requested', reportId, detail: { request: id } });
  });
  return id;
}

export interface IdentityRequestView {
  id: string;
  report_id: string;
  ref: string;
  requester: string;
  status: string;
  created_at: string;
  /** Null only when no key the viewer holds opens it. */
  reason: string | null;
}

/** The custodian's list: the reason is read with the custodian key (the report itself stays closed to them). */
export async function listIdentityRequests(db: Db, session: StaffSession): Promise<IdentityRequestView[]> {
  const names = new Map((await db.select({ id: staffUsers.id, n: staffUsers.displayName }).from(staffUsers)).map((u) => [u.id, u.n]));
  const rows = await db
    .select({ q: identityRequests, r: reports })
    .from(identityRequests)
    .innerJoin(reports, eq(reports.id, identityRequests.reportId))
    .orderBy(asc(identityRequests.createdAt), asc(identityRequests.id));
  const custodianKey = await openHeldKey(db, session, KEY_IDS.custodian);
  const out: IdentityRequestView[] = [];
  for (const { q, r } of rows) {
    let reason: string | null = null;
    try {
      if (custodianKey) reason = open(custodianKey, q.custodianSealedReason).toString('utf8');
      else {
        const key = await reportKeyFor(db, session, r.id);
        if (key) reason = open(key, q.sealedReason).toString('utf8');
      }
    } catch {
      reason = null;
    }
    out.push({ id: q.id, report_id: r.id, ref: formatCaseNumber(r.caseYear, r.caseSeq), requester: names.get(q.requesterId) ?? q.requesterId, status: q.status, created_at: q.createdAt, reason });
  }
  return out;
}

export async function decideIdentityRequest(db: Db, session: StaffSession, requestId: string, approve: boolean): Promise<void> {
  // Checks and decision in one transaction: two custodians deciding at once make one decision.
  await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    const q = first(await tx.select().from(identityRequests).where(eq(identityRequests.id, requestId)).limit(1));
    if (!q) throw new UserError(404, 'not_found', '没有这个申请。');
    if (q.status !== 'pending') throw new UserError(409, 'already_decided', '这个申请已经处理过了。');
    if (q.requesterId === session.user.id) throw new UserError(403, 'forbidden', '不能审批自己的申请。');
    let sealedForRequester: Buffer | null = null;
    if (approve) {
      const custodianKey = await openHeldKey(tx, session, KEY_IDS.custodian);
      if (!custodianKey) throw new UserError(403, 'no_key', '您的账号没有身份保管密钥。');
      const identity = first(await tx.select().from(reportIdentities).where(eq(reportIdentities.reportId, q.reportId)).limit(1));
      if (!identity) throw new UserError(409, 'no_identity', '身份信息已按保存期限清除。');
      const requester = first(await tx.select().from(staffUsers).where(eq(staffUsers.id, q.requesterId)).limit(1))!;
      sealedForRequester = sealJson(requester.publicKey, openJson(custodianKey, identity.sealedIdentity));
    }
    await tx.update(identityRequests).set({ status: approve ? 'approved' : 'refused', deciderId: session.user.id, decidedAt: now().toISOString(), sealedForRequester }).where(eq(identityRequests.id, requestId));
    await appendAuditIn(tx, { actor: session.user.id, action: approve ? 'identity.approved' : 'identity.refused', reportId: q.reportId, detail: { request: requestId } });
  });
}

/** The requester opens the approved identity once; the re-sealed copy is deleted in the same step. */
export async function viewApprovedIdentity(db: Db, session: StaffSession, requestId: string): Promise<{ name: string; phone: string }> {
  // Read, open and delete in one transaction, so two requests sent at once cannot both open it.
  return db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    const q = first(await tx.select().from(identityRequests).where(and(eq(identityRequests.id, requestId), eq(identityRequests.requesterId, session.user.id))).limit(1));
    if (!q) throw new UserError(404, 'not_found', '没有这个申请。');
    if (q.status === 'viewed') throw new UserError(410, 'already_viewed', '身份信息只能查看一次，您已经查看过了。');
    if (q.status !== 'approved' || !q.sealedForRequester) throw new UserError(409, 'not_approved', '身份保管人还没有批准这个申请。');
    const identity = openJson<{ name: string; phone: string }>(session.privateKey(), q.sealedForRequester);
    await tx.update(identityRequests).set({ status: 'viewed', viewedAt: now().toISOString(), sealedForRequester: null }).where(eq(identityRequests.id, requestId));
    await appendAuditIn(tx, { actor: session.user.id, action: 'identity.viewed', reportId: q.reportId, detail: { request: requestId } });
    return identity;
  });
}
