/**
 * One transaction per workflow step: the reporter-visible message and event, row updates, an
 * optional staff-only note, and the audit entry. Staff-only notes are sealed to the report key like
 * everything else written about a case, but are stored apart from messages and never reach the
 * reporter's status page.
 */
import { eq } from 'drizzle-orm';
import type { ReportStatusCode } from '../../../../config/reporting.ts';
import { now } from '../../../clock.ts';
import { serialize, type Db } from '../../../db/client.ts';
import { caseNotes, caseTracking, reportEvents, reportMessages, reports } from '../../../db/schema.ts';
import { UserError } from '../../../errors.ts';
import { sealText } from '../../reports/follow-up.ts';
import { dayOf } from '../../reports/shared.ts';
import { appendAuditIn, type AuditAction } from '../audit.ts';
import type { StaffSession } from '../staff.ts';
import { caseRow, visibleCase } from './open.ts';

export const NOTE_MAX = 5000;

/** A text the reporter will read: required, with the field named and who reads it. */
export function requireNote(note: string, what: string, min = 2, field = 'note'): string {
  const clean = note.trim();
  if (clean.length < min) throw new UserError(400, 'invalid_field', `请填写${what}（举报人会看到）。`, field);
  if (clean.length > NOTE_MAX) throw new UserError(400, 'invalid_field', `${what}最多 ${NOTE_MAX} 字。`, field);
  return clean;
}

/** An optional staff-only note: empty is fine, too long is refused. */
export function optionalInternalNote(text: string | undefined): string | null {
  const clean = (text ?? '').trim();
  if (clean.length > NOTE_MAX) throw new UserError(400, 'invalid_field', `内部记录最多 ${NOTE_MAX} 字。`, 'internal_note');
  return clean || null;
}

export interface StepAudit {
  action: AuditAction;
  detail: Record<string, string | number | boolean | null>;
}

/** Posts the reporter-visible message and event, updates the row, keeps the staff note, audits — all in one transaction. */
export async function commit(
  db: Db,
  session: StaffSession,
  reportId: string,
  status: ReportStatusCode | null,
  reporterText: string,
  update: Partial<typeof caseTracking.$inferInsert>,
  audit: StepAudit,
  reportUpdate: Partial<typeof reports.$inferInsert> = {},
  internalNote: string | null = null,
): Promise<void> {
  const today = dayOf();
  const { r } = await caseRow(db, reportId);
  // Sealed before the transaction (the body may run again on PostgreSQL; sealing is not a database effect).
  const sealedReporterText = sealText(r.publicKey, reporterText);
  const sealedNote = internalNote ? sealText(r.publicKey, internalNote) : null;
  const createdAt = now().toISOString();
  const rowUpdate = status && status !== 'extended' ? { ...reportUpdate, status } : reportUpdate;
  await db.transaction(async (tx) => {
    // Message ids are read in order by notifications (api/services/notify/derive.ts).
    await serialize(tx, 'report_messages');
    const [msg] = await tx.insert(reportMessages).values({ reportId, author: 'department', sealedBody: sealedReporterText, createdOn: today, staffId: session.user.id }).returning({ id: reportMessages.id });
    if (status) await tx.insert(reportEvents).values({ reportId, status, actor: 'department', sealedNote: null, createdOn: today, staffId: session.user.id, messageId: msg!.id });
    await tx.update(reports).set({ ...rowUpdate, updatedOn: today }).where(eq(reports.id, reportId));
    if (Object.keys(update).length) await tx.update(caseTracking).set(update).where(eq(caseTracking.reportId, reportId));
    if (sealedNote) await tx.insert(caseNotes).values({ reportId, authorId: session.user.id, sealedBody: sealedNote, step: status ?? (audit.action === 'report.assigned' ? 'assigned' : null), createdAt });
    await appendAuditIn(tx, { actor: session.user.id, action: audit.action, reportId, detail: { ...audit.detail, ...(internalNote ? { internal_note: true } : {}) } });
  });
}

/** A staff-only note on its own (内部记录): sealed to the report key, shown to staff who can open the case. */
export async function addInternalNote(db: Db, session: StaffSession, reportId: string, body: string): Promise<void> {
  const { r } = await visibleCase(db, session, reportId);
  const text = optionalInternalNote(body);
  if (!text) throw new UserError(400, 'invalid_field', '请填写内部记录的内容（只有后台工作人员看得到，举报人看不到）。', 'body');
  const sealedBody = sealText(r.publicKey, text);
  const createdAt = now().toISOString();
  await db.transaction(async (tx) => {
    await tx.insert(caseNotes).values({ reportId, authorId: session.user.id, sealedBody, createdAt });
    await appendAuditIn(tx, { actor: session.user.id, action: 'note.added', reportId });
  });
}
