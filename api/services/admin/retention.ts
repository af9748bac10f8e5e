/**
 * Retention: once a case has been closed (or refused) for longer than the configured period, its
 * attachments and sealed identity are deleted. The row, dates, status and reward stay, so the
 * public statistics do not change; each purge leaves an audit entry.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { caseTracking, identityRequests, reportFiles, reportIdentities, reports } from '../../db/schema.ts';
import type { BlobStore } from '../blob-store.ts';
import { addDays, dayOf } from '../reports/shared.ts';
import { appendAuditIn } from './audit.ts';
import { ensureTracking } from './cases.ts';
import { handlingSettings } from './settings.ts';

export interface PurgeResult {
  cases: number;
  files: number;
  identities: number;
}

export function purgeExpired(db: Db, store: BlobStore, actor: string, today: string = dayOf()): PurgeResult {
  ensureTracking(db);
  const cutoff = addDays(today, -handlingSettings(db).retentionDays);
  const due = db
    .select({ id: reports.id, closedOn: caseTracking.closedOn, updatedOn: reports.updatedOn, status: reports.status })
    .from(reports)
    .innerJoin(caseTracking, eq(caseTracking.reportId, reports.id))
    .where(and(isNull(caseTracking.purgedOn), inArray(reports.status, ['closed', 'not_accepted'])))
    .all()
    .filter((r) => (r.closedOn ?? r.updatedOn) <= cutoff);
  const result: PurgeResult = { cases: 0, files: 0, identities: 0 };
  for (const c of due) {
    const files = db.select().from(reportFiles).where(eq(reportFiles.reportId, c.id)).all();
    const hadIdentity = !!db.select().from(reportIdentities).where(eq(reportIdentities.reportId, c.id)).get();
    db.transaction(
      (tx) => {
        tx.delete(reportFiles).where(eq(reportFiles.reportId, c.id)).run();
        tx.delete(reportIdentities).where(eq(reportIdentities.reportId, c.id)).run();
        tx.update(identityRequests).set({ sealedForRequester: null }).where(eq(identityRequests.reportId, c.id)).run();
        tx.update(caseTracking).set({ purgedOn: today }).where(eq(caseTracking.reportId, c.id)).run();
        appendAuditIn(tx as unknown as Db, { actor, action: 'retention.purged', reportId: c.id, detail: { files: files.length, identity: hadIdentity, closed_on: c.closedOn ?? c.updatedOn } });
      },
      { behavior: 'immediate' },
    );
    // Blobs go after the rows: a crash in between leaves orphans, which the start-up sweep removes.
    for (const f of files) {
      try {
        store.remove(f.blobName);
      } catch {
        /* orphan sweep at start */
      }
    }
    result.cases++;
    result.files += files.length;
    result.identities += hadIdentity ? 1 : 0;
  }
  return result;
}
