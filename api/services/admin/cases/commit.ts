/** One transaction per workflow step: reporter-visible message and event, row updates, audit entry. */
import { eq } from 'drizzle-orm';
import type { ReportStatusCode } from '../../../../config/reporting.ts';
import type { Db } from '../../../db/client.ts';
import { caseTracking, reportEvents, reportMessages, reports } from '../../../db/schema.ts';
import { UserError } from '../../../errors.ts';
import { sealText } from '../../reports/follow-up.ts';
import { dayOf } from '../../reports/shared.ts';
import { appendAuditIn } from '../audit.ts';
import type { StaffSession } from '../staff.ts';
import { caseRow } from './open.ts';

export function requireNote(note: string, what: string, min = 2): string {
  const clean = note.trim();
  if (clean.length < min) throw new UserError(400, 'invalid_field', `请填写${what}（举报人会看到）。`, 'note');
  if (clean.length > 5000) throw new UserError(400, 'invalid_field', `${what}最多 5000 字。`, 'note');
  return clean;
}

/** Posts the reporter-visible message and event, updates the row, audits — all in one transaction. */
export function commit(db: Db, session: StaffSession, reportId: string, status: ReportStatusCode | null, reporterText: string, update: Partial<typeof caseTracking.$inferInsert>, audit: { action: 'report.transition' | 'report.assigned' | 'report.extended' | 'report.message'; detail: Record<string, string | number | boolean | null> }, reportUpdate: Partial<typeof reports.$inferInsert> = {}): void {
  const today = dayOf();
  const { r } = caseRow(db, reportId);
  db.transaction(
    (tx) => {
      tx.insert(reportMessages).values({ reportId, author: 'department', sealedBody: sealText(r.publicKey, reporterText), createdOn: today }).run();
      if (status) {
        tx.insert(reportEvents).values({ reportId, status, actor: 'department', sealedNote: null, createdOn: today }).run();
        if (status !== 'extended') reportUpdate = { ...reportUpdate, status };
      }
      tx.update(reports).set({ ...reportUpdate, updatedOn: today }).where(eq(reports.id, reportId)).run();
      if (Object.keys(update).length) tx.update(caseTracking).set(update).where(eq(caseTracking.reportId, reportId)).run();
      appendAuditIn(tx as unknown as Db, { actor: session.user.id, action: audit.action, reportId, detail: audit.detail });
    },
    { behavior: 'immediate' },
  );
}

