/**
 * Opening a case: the report key through a key the user holds, the decrypted view (with the internal
 * timeline that names staff), attachments. Opening is audited once per login session; viewing an
 * image inline and downloading an original are audited as distinct actions.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { DEPARTMENT_NAMES, SECTOR_LEAD_UNITS, type DepartmentCode } from '../../../../config/departments.ts';
import type { ReportStatusCode } from '../../../../config/reporting.ts';
import { STAFF_ROLE_NAMES, type StaffRole } from '../../../../config/staff.ts';
import type { SectorCode } from '../../../../config/taxonomy.ts';
import { decryptFile, open, openJson, sha256Hex } from '../../../crypto/index.ts';
import { first, type Db } from '../../../db/client.ts';
import { caseNotes, caseReads, caseTracking, identityRequests, reportEvents, reportFiles, reportKeyGrants, reportMessages, reports, rewardDecisions, staffUsers } from '../../../db/schema.ts';
import { UserError } from '../../../errors.ts';
import type { BlobStore } from '../../blob-store.ts';
import { generatedFileName } from '../../reports/attachments.ts';
import type { ReportContent } from '../../reports/intake.ts';
import { dayOf, timelineEntry, type FileMeta } from '../../reports/shared.ts';
import { appendAuditIn } from '../audit.ts';
import { channelFacts, type ChannelFacts } from '../../channels/stats.ts';
import { handlingSettings } from '../settings.ts';
import { heldKeyIds, openHeldKey, type StaffSession } from '../staff.ts';
import { canSeeCase, departmentsOf, ensureTracking, queueItemOf, type QueueItem } from './queue.ts';
import { NEXT_STATUS } from './rules.ts';

/** The report's private key through a key this user holds (intake or their department), else null. */
export async function reportKeyFor(db: Db, session: StaffSession, reportId: string): Promise<Buffer | null> {
  const held = new Set(await heldKeyIds(db, session.user.id));
  const grants = await db.select().from(reportKeyGrants).where(eq(reportKeyGrants.reportId, reportId));
  for (const g of grants) {
    if (!held.has(g.recipient)) continue;
    const instanceKey = await openHeldKey(db, session, g.recipient);
    if (instanceKey) return open(instanceKey, g.sealedPrivateKey);
  }
  return null;
}

export async function caseRow(db: Db, reportId: string) {
  const row = first(await db.select({ r: reports, t: caseTracking }).from(reports).innerJoin(caseTracking, eq(caseTracking.reportId, reports.id)).where(eq(reports.id, reportId)).limit(1));
  if (!row) throw new UserError(404, 'not_found', '没有这件案件。');
  return row;
}

/** Loads a case the user may see; refuses others with the same 404 so ids are not probed. */
export async function visibleCase(db: Db, session: StaffSession, reportId: string) {
  await ensureTracking(db);
  const row = await caseRow(db, reportId);
  if (!(await canSeeCase(db, session.user, reportId))) throw new UserError(404, 'not_found', '没有这件案件，或它不归您的部门办理。');
  return row;
}

export interface CaseFile {
  id: string;
  name: string;
  type: string;
  kind: 'image' | 'video' | 'pdf';
  size: number;
  from_message: number | null;
  /** Who attached it: the reporter, or a staff member (staff documents never reach the reporter). */
  source: 'reporter' | 'staff';
  uploaded_by: string | null;
  created_on: string;
}

/** One line of the internal timeline: steps, messages, staff-only notes and staff documents, each with who. */
export interface InternalEntry {
  on: string;
  kind: 'step' | 'message_out' | 'message_in' | 'note' | 'file';
  label: string;
  /** "县应急局 张三" for staff; "举报人" / "系统" otherwise. */
  who: string;
  text: string | null;
  /** Who can read `text`: the reporter too, or staff only. */
  audience: 'reporter' | 'staff';
}

export interface CaseView extends QueueItem {
  place: string;
  description: string;
  observed_at: string | null;
  accept_due_on: string;
  accepted_on: string | null;
  due_on: string;
  rectify_due_on: string | null;
  extension_days: number | null;
  closed_on: string | null;
  purged_on: string | null;
  substantiated: boolean | null;
  timeline: { on: string; status: string; label: string; note: string | null; actor: string; staff: string | null; outcome: string | null }[];
  messages: { id: number; from: 'reporter' | 'department'; on: string; body: string; staff: string | null }[];
  notes: { id: number; at: string; author: string; body: string; step: string | null }[];
  internal: InternalEntry[];
  files: CaseFile[];
  next: ReportStatusCode[];
  suggested_departments: DepartmentCode[];
  reward: string | null;
  reward_amount_yuan: number | null;
  reward_decided_on: string | null;
  reward_basis: unknown;
  reward_revision: number;
  identity_requests: { id: string; status: string; requester: string; created_at: string; mine: boolean }[];
  /** Issue 15: channel, received date, who entered it, 12345 order number. */
  origin: ChannelFacts;
}

/** "县应急局 张三" / "主管领导 李四": how the internal timeline names a staff member. */
export async function staffLabels(db: Db): Promise<Map<string, string>> {
  return new Map(
    (await db.select({ id: staffUsers.id, n: staffUsers.displayName, role: staffUsers.role, d: staffUsers.department }).from(staffUsers))
      .map((u) => [u.id, `${u.d ? DEPARTMENT_NAMES[u.d as DepartmentCode] ?? u.d : STAFF_ROLE_NAMES[u.role as StaffRole] ?? u.role} ${u.n}`]),
  );
}

/** A short mark of the login session (never the token), so one session's opening is audited once. */
const sessionMark = (s: StaffSession) => sha256Hex(`case-read:${s.csrfToken}`).slice(0, 32);

/** Records that the user saw the case now; returns true when this session had not opened it before. */
async function markRead(tx: Db, session: StaffSession, reportId: string, lastMessageId: number): Promise<boolean> {
  const mark = sessionMark(session);
  const prev = first(await tx.select().from(caseReads).where(and(eq(caseReads.userId, session.user.id), eq(caseReads.reportId, reportId))).limit(1));
  const firstInSession = prev?.sessionMark !== mark;
  await tx
    .insert(caseReads)
    .values({ userId: session.user.id, reportId, lastMessageId, sessionMark: mark })
    .onConflictDoUpdate({ target: [caseReads.userId, caseReads.reportId], set: { lastMessageId: Math.max(lastMessageId, prev?.lastMessageId ?? 0), sessionMark: mark, ...(firstInSession ? { viewedInline: '' } : {}) } });
  return firstInSession;
}

/** Decrypts a case for the user; the first opening in each login session is recorded in the audit log. */
export async function openCase(db: Db, session: StaffSession, reportId: string, today: string = dayOf()): Promise<CaseView> {
  const { r, t } = await visibleCase(db, session, reportId);
  const key = await reportKeyFor(db, session, reportId);
  if (!key) throw new UserError(403, 'no_key', '您的账号还没有这件举报的解密密钥（可能尚未转办到您的部门）。');
  const content = openJson<ReportContent>(key, r.sealedContent);
  const events = await db.select().from(reportEvents).where(eq(reportEvents.reportId, reportId)).orderBy(asc(reportEvents.id));
  const messages = await db.select().from(reportMessages).where(eq(reportMessages.reportId, reportId)).orderBy(asc(reportMessages.id));
  const files = await db.select().from(reportFiles).where(eq(reportFiles.reportId, reportId)).orderBy(sql`rowid`);
  const notes = await db.select().from(caseNotes).where(eq(caseNotes.reportId, reportId)).orderBy(asc(caseNotes.id));
  const s = await handlingSettings(db);
  const depts = (await departmentsOf(db, [reportId])).get(reportId) ?? [];
  const item = queueItemOf(r, t, depts, today, s.dueSoonDays);
  const status = item.status;
  const reward = first(await db.select().from(rewardDecisions).where(eq(rewardDecisions.reportId, reportId)).limit(1));
  const requests = await db.select().from(identityRequests).where(eq(identityRequests.reportId, reportId)).orderBy(asc(identityRequests.createdAt));
  const names = new Map((await db.select({ id: staffUsers.id, n: staffUsers.displayName }).from(staffUsers)).map((u) => [u.id, u.n]));
  const labels = await staffLabels(db);
  const origin = await channelFacts(db, reportId);
  const who = (staffId: string | null, fallback: string) => (staffId ? labels.get(staffId) ?? staffId : fallback);
  const bodies = new Map(messages.map((m) => [m.id, open(key, m.sealedBody).toString('utf8')]));
  const lastReporterMessage = Math.max(0, ...messages.filter((m) => m.author === 'reporter').map((m) => m.id));
  await db.transaction(async (tx) => {
    const firstInSession = await markRead(tx, session, reportId, lastReporterMessage);
    if (firstInSession) await appendAuditIn(tx, { actor: session.user.id, action: 'case.opened', reportId });
  });
  const fileViews: CaseFile[] = files.map((f, i) => {
    const meta = openJson<FileMeta>(key, f.sealedMeta);
    // 附件N.ext from the detected type (issue 10 item 3), also for files stored before names were generated.
    return { id: f.id, name: generatedFileName(i, meta.mime), type: meta.mime, kind: meta.kind, size: meta.size, from_message: f.messageId, source: f.uploadedBy ? 'staff' : 'reporter', uploaded_by: f.uploadedBy ? who(f.uploadedBy, '') : null, created_on: f.createdOn };
  });
  const timeline = events.map((e) => ({ ...timelineEntry(e, key), actor: e.actor, staff: e.staffId ? who(e.staffId, '') : null, outcome: e.messageId ? bodies.get(e.messageId) ?? null : null }));
  const stepMessages = new Set(events.map((e) => e.messageId).filter((x): x is number => x !== null));
  const internal: InternalEntry[] = [
    ...timeline.map((e) => ({ on: e.on, kind: 'step' as const, label: e.label, who: e.staff ?? (e.actor === 'system' ? '系统' : '办理部门'), text: e.outcome ?? e.note, audience: 'reporter' as const })),
    ...messages
      .filter((m) => !stepMessages.has(m.id))
      .map((m) =>
        m.author === 'reporter'
          ? { on: m.createdOn, kind: 'message_in' as const, label: '举报人留言', who: '举报人', text: bodies.get(m.id) ?? '', audience: 'reporter' as const }
          : { on: m.createdOn, kind: 'message_out' as const, label: '给举报人的留言', who: who(m.staffId, '办理部门'), text: bodies.get(m.id) ?? '', audience: 'reporter' as const },
      ),
    ...notes.map((n) => ({ on: dayOf(new Date(n.createdAt)), kind: 'note' as const, label: '内部记录', who: who(n.authorId, ''), text: open(key, n.sealedBody).toString('utf8'), audience: 'staff' as const })),
    ...fileViews.filter((f) => f.source === 'staff').map((f) => ({ on: f.created_on, kind: 'file' as const, label: '上传工作材料', who: f.uploaded_by ?? '', text: f.name, audience: 'staff' as const })),
  ];
  // Stable by day; within a day steps keep their order (the sort is stable).
  internal.sort((a, b) => a.on.localeCompare(b.on));
  return {
    ...item,
    new_messages: 0,
    place: content.place,
    description: content.description,
    observed_at: content.observedAt,
    accept_due_on: t.acceptDueOn,
    accepted_on: t.acceptedOn,
    due_on: r.dueOn,
    rectify_due_on: t.rectifyDueOn,
    extension_days: t.extensionDays,
    closed_on: t.closedOn,
    purged_on: t.purgedOn,
    substantiated: t.substantiated,
    timeline,
    messages: messages.map((m) => ({ id: m.id, from: m.author === 'department' ? 'department' : 'reporter', on: m.createdOn, body: bodies.get(m.id) ?? '', staff: m.staffId ? who(m.staffId, '') : null })),
    notes: notes.map((n) => ({ id: n.id, at: n.createdAt, author: who(n.authorId, ''), body: open(key, n.sealedBody).toString('utf8'), step: n.step })),
    internal,
    files: fileViews,
    next: NEXT_STATUS[status] ?? [],
    suggested_departments: [...(SECTOR_LEAD_UNITS[r.sector as SectorCode] ?? ['emergency'])],
    reward_amount_yuan: r.rewardAmountYuan,
    reward_decided_on: r.rewardDecidedOn,
    reward_basis: reward ? JSON.parse(reward.basis) : null,
    reward_revision: reward?.revision ?? 0,
    origin,
    identity_requests: requests.map((q) => ({ id: q.id, status: q.status, requester: names.get(q.requesterId) ?? q.requesterId, created_at: q.createdAt, mine: q.requesterId === session.user.id })),
  };
}

/**
 * Decrypts one attachment. `inline` (an image shown on the case page) and `download` (the original
 * file saved to the computer) are audited as different actions, so the log says which happened.
 */
export async function readCaseFile(db: Db, store: BlobStore, session: StaffSession, reportId: string, fileId: string, mode: 'inline' | 'download' = 'download'): Promise<{ meta: FileMeta; data: Buffer }> {
  await visibleCase(db, session, reportId);
  const key = await reportKeyFor(db, session, reportId);
  const f = first(await db.select().from(reportFiles).where(and(eq(reportFiles.id, fileId), eq(reportFiles.reportId, reportId))).limit(1));
  if (!key || !f) throw new UserError(404, 'not_found', '没有这个附件（可能已按保存期限清除）。');
  const meta = openJson<FileMeta>(key, f.sealedMeta);
  const inline = mode === 'inline' && meta.kind === 'image';
  const data = decryptFile(Buffer.from(meta.key, 'base64'), await store.read(f.blobName));
  await db.transaction(async (tx) => {
    if (!inline) {
      await appendAuditIn(tx, { actor: session.user.id, action: 'file.downloaded', reportId, detail: { file: fileId } });
      return;
    }
    // An image shown on the case page is logged once per login session, not on every reload of the page.
    const mark = sessionMark(session);
    const row = first(await tx.select().from(caseReads).where(and(eq(caseReads.userId, session.user.id), eq(caseReads.reportId, reportId))).limit(1));
    const seen = row && row.sessionMark === mark ? row.viewedInline.split(',').filter(Boolean) : [];
    if (seen.includes(fileId)) return;
    const viewedInline = [...seen, fileId].join(',');
    await tx
      .insert(caseReads)
      .values({ userId: session.user.id, reportId, lastMessageId: 0, sessionMark: mark, viewedInline })
      .onConflictDoUpdate({ target: [caseReads.userId, caseReads.reportId], set: { sessionMark: mark, viewedInline } });
    await appendAuditIn(tx, { actor: session.user.id, action: 'file.viewed_inline', reportId, detail: { file: fileId } });
  });
  return { meta, data };
}
