/**
 * Opening a case: the report key through a key the user holds, the decrypted view, attachments.
 * Every read is audited.
 */
import { and, asc, eq } from 'drizzle-orm';
import { SECTOR_LEAD_UNITS, type DepartmentCode } from '../../../../config/departments.ts';
import type { ReportStatusCode } from '../../../../config/reporting.ts';
import type { SectorCode } from '../../../../config/taxonomy.ts';
import { decryptFile, open, openJson } from '../../../crypto/index.ts';
import type { Db } from '../../../db/client.ts';
import { caseTracking, identityRequests, reportEvents, reportFiles, reportKeyGrants, reportMessages, reports, rewardDecisions, staffUsers } from '../../../db/schema.ts';
import { UserError } from '../../../errors.ts';
import type { BlobStore } from '../../blob-store.ts';
import type { ReportContent } from '../../reports/intake.ts';
import { dayOf, timelineEntry, type FileMeta } from '../../reports/shared.ts';
import { appendAuditIn } from '../audit.ts';
import { handlingSettings } from '../settings.ts';
import { heldKeyIds, openHeldKey, type StaffSession } from '../staff.ts';
import { canSeeCase, departmentsOf, ensureTracking, queueItemOf, type QueueItem } from './queue.ts';
import { NEXT_STATUS } from './rules.ts';

/** The report's private key through a key this user holds (intake or their department), else null. */
export function reportKeyFor(db: Db, session: StaffSession, reportId: string): Buffer | null {
  const held = new Set(heldKeyIds(db, session.user.id));
  const grants = db.select().from(reportKeyGrants).where(eq(reportKeyGrants.reportId, reportId)).all();
  for (const g of grants) {
    if (!held.has(g.recipient)) continue;
    const instanceKey = openHeldKey(db, session, g.recipient);
    if (instanceKey) return open(instanceKey, g.sealedPrivateKey);
  }
  return null;
}

export function caseRow(db: Db, reportId: string) {
  const row = db.select({ r: reports, t: caseTracking }).from(reports).innerJoin(caseTracking, eq(caseTracking.reportId, reports.id)).where(eq(reports.id, reportId)).get();
  if (!row) throw new UserError(404, 'not_found', '没有这件案件。');
  return row;
}

/** Loads a case the user may see; refuses others with the same 404 so ids are not probed. */
export function visibleCase(db: Db, session: StaffSession, reportId: string) {
  ensureTracking(db);
  const row = caseRow(db, reportId);
  if (!canSeeCase(db, session.user, reportId)) throw new UserError(404, 'not_found', '没有这件案件，或它不归您的部门办理。');
  return row;
}

export interface CaseFile {
  id: string;
  name: string;
  type: string;
  kind: 'image' | 'video' | 'pdf';
  size: number;
  from_message: number | null;
}

export interface CaseView extends QueueItem {
  place: string;
  description: string;
  observed_at: string | null;
  accept_due_on: string;
  due_on: string;
  rectify_due_on: string | null;
  extension_days: number | null;
  closed_on: string | null;
  purged_on: string | null;
  substantiated: boolean | null;
  timeline: { on: string; status: string; label: string; note: string | null; actor: string }[];
  messages: { id: number; from: 'reporter' | 'department'; on: string; body: string }[];
  files: CaseFile[];
  next: ReportStatusCode[];
  suggested_departments: DepartmentCode[];
  reward: string | null;
  reward_amount_yuan: number | null;
  reward_basis: unknown;
  identity_requests: { id: string; status: string; requester: string; created_at: string; mine: boolean }[];
}

/** Decrypts a case for the user and records the read in the audit log. */
export function openCase(db: Db, session: StaffSession, reportId: string, today: string = dayOf()): CaseView {
  const { r, t } = visibleCase(db, session, reportId);
  const key = reportKeyFor(db, session, reportId);
  if (!key) throw new UserError(403, 'no_key', '您的账号还没有这件举报的解密密钥（可能尚未转办到您的部门）。');
  const content = openJson<ReportContent>(key, r.sealedContent);
  const events = db.select().from(reportEvents).where(eq(reportEvents.reportId, reportId)).orderBy(asc(reportEvents.id)).all();
  const messages = db.select().from(reportMessages).where(eq(reportMessages.reportId, reportId)).orderBy(asc(reportMessages.id)).all();
  const files = db.select().from(reportFiles).where(eq(reportFiles.reportId, reportId)).all();
  const s = handlingSettings(db);
  const depts = departmentsOf(db, [reportId]).get(reportId) ?? [];
  const item = queueItemOf(r, t, depts, today, s.dueSoonDays);
  const status = item.status;
  const reward = db.select().from(rewardDecisions).where(eq(rewardDecisions.reportId, reportId)).get();
  const requests = db.select().from(identityRequests).where(eq(identityRequests.reportId, reportId)).orderBy(asc(identityRequests.createdAt)).all();
  const names = new Map(db.select({ id: staffUsers.id, n: staffUsers.displayName }).from(staffUsers).all().map((u) => [u.id, u.n]));
  db.transaction((tx) => appendAuditIn(tx as unknown as Db, { actor: session.user.id, action: 'report.read', reportId }), { behavior: 'immediate' });
  return {
    ...item,
    place: content.place,
    description: content.description,
    observed_at: content.observedAt,
    accept_due_on: t.acceptDueOn,
    due_on: r.dueOn,
    rectify_due_on: t.rectifyDueOn,
    extension_days: t.extensionDays,
    closed_on: t.closedOn,
    purged_on: t.purgedOn,
    substantiated: t.substantiated,
    timeline: events.map((e) => ({ ...timelineEntry(e, key), actor: e.actor })),
    messages: messages.map((m) => ({ id: m.id, from: m.author === 'department' ? 'department' : 'reporter', on: m.createdOn, body: open(key, m.sealedBody).toString('utf8') })),
    files: files.map((f) => {
      const meta = openJson<FileMeta>(key, f.sealedMeta);
      return { id: f.id, name: meta.name, type: meta.mime, kind: meta.kind, size: meta.size, from_message: f.messageId };
    }),
    next: NEXT_STATUS[status] ?? [],
    suggested_departments: [...(SECTOR_LEAD_UNITS[r.sector as SectorCode] ?? ['emergency'])],
    reward_amount_yuan: r.rewardAmountYuan,
    reward_basis: reward ? JSON.parse(reward.basis) : null,
    identity_requests: requests.map((q) => ({ id: q.id, status: q.status, requester: names.get(q.requesterId) ?? q.requesterId, created_at: q.createdAt, mine: q.requesterId === session.user.id })),
  };
}

/** Decrypts one attachment for download or preview (audited). */
export function readCaseFile(db: Db, store: BlobStore, session: StaffSession, reportId: string, fileId: string): { meta: FileMeta; data: Buffer } {
  visibleCase(db, session, reportId);
  const key = reportKeyFor(db, session, reportId);
  const f = db.select().from(reportFiles).where(and(eq(reportFiles.id, fileId), eq(reportFiles.reportId, reportId))).get();
  if (!key || !f) throw new UserError(404, 'not_found', '没有这个附件（可能已按保存期限清除）。');
  const meta = openJson<FileMeta>(key, f.sealedMeta);
  const data = decryptFile(Buffer.from(meta.key, 'base64'), store.read(f.blobName));
  db.transaction((tx) => appendAuditIn(tx as unknown as Db, { actor: session.user.id, action: 'file.read', reportId, detail: { file: fileId } }), { behavior: 'immediate' });
  return { meta, data };
}

