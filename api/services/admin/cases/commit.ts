/**
 * One transaction per workflow step: the reporter-visible message and event, row updates, an
 * optional staff-only note, and the audit entry. Staff-only notes are sealed to the report key like
 * everything else written about a case, but are stored apart from messages and never reach the
 * reporter's status page.
 */
import { eq } from 'drizzle-orm';
import type { ReportStatusCode } from '../../../../config/reporting.ts';
import { now } from '../../../clock.ts';
import type { Db } from '../../../db/client.ts';
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
export function commit(
  db: Db,
  session: StaffSession,
  reportId: string,
  status: ReportStatusCode | null,
  reporterText: string,
  update: Partial<typeof caseTracking.$inferInsert>,
  audit: StepAudit,
  reportUpdate: Partial<typeof reports.$inferInsert> = {},
  internalNote: string | null = null,
): void {
  const today = dayOf();
  const { r } = caseRow(db, reportId);
  db.transaction(
    (tx) => {
      const msg = tx.insert(reportMessages).values({ reportId, author: 'department', sealedBody: sealText(r.publicKey, reporterText), createdOn: today, staffId: session.user.id }).returning({ id: reportMessages.id }).get();
      if (status) {
        tx.insert(reportEvents).values({ reportId, status, actor: 'department', sealedNote: null, createdOn: today, staffId: session.user.id, messageId: msg.id }).run();
        if (status !== 'extended') reportUpdate = { ...reportUpdate, status };
      }
      tx.update(reports).set({ ...reportUpdate, updatedOn: today }).where(eq(reports.id, reportId)).run();
      if (Object.keys(update).length) tx.update(caseTracking).set(update).where(eq(caseTracking.reportId, reportId)).run();
      if (internalNote) tx.insert(caseNotes).values({ reportId, authorId: session.user.id, sealedBody: sealText(r.publicKey, internalNote), step: status ?? (audit.action === 'report.assigned' ? 'assigned' : null), createdAt: now().toISOString() }).run();
      appendAuditIn(tx as unknown as Db, { actor: session.user.id, action: audit.action, reportId, detail: { ...audit.detail, ...(internalNote ? { internal_note: true } : {}) } });
    },
    { behavior: 'immediate' },
  );
}

/** A staff-only note on its own (内部记录): sealed to the report key, shown to staff who can open the case. */
export function addInternalNote(db: Db, session: StaffSession, reportId: string, body: string): void {
  const { r } = visibleCase(db, session, reportId);
  const text = optionalInternalNote(body);
  if (!text) throw new UserError(400, 'invalid_field', '请填写内部记录的内容（只有后台工作人员看得到，举报人看不到）。', 'body');
  db.transaction(
    (tx) => {
      tx.insert(caseNotes).values({ reportId, authorId: session.user.id, sealedBody: sealText(r.publicKey, text), createdAt: now().toISOString() }).run();
      appendAuditIn(tx as unknown as Db, { actor: session.user.id, action: 'note.added', reportId });
    },
    { behavior: 'immediate' },
  );
}
