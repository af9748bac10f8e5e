/**
 * Retention: once a case has been closed (or refused) for longer than the configured period, its
 * attachments and sealed identity are deleted. The row, dates, status and reward stay, so the
 * public statistics do not change; each purge leaves an audit entry.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { first, serialize, type Db } from '../../db/client.ts';
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

export async function purgeExpired(db: Db, store: BlobStore, actor: string, today: string = dayOf()): Promise<PurgeResult> {
  await ensureTracking(db);
  const cutoff = addDays(today, -(await handlingSettings(db)).retentionDays);
  const due = (
    await db
      .select({ id: reports.id, closedOn: caseTracking.closedOn, updatedOn: reports.updatedOn, status: reports.status })
      .from(reports)
      .innerJoin(caseTracking, eq(caseTracking.reportId, reports.id))
      .where(and(isNull(caseTracking.purgedOn), inArray(reports.status, ['closed', 'not_accepted'])))
      .orderBy(sql`${reports}.rowid`)
  ).filter((r) => (r.closedOn ?? r.updatedOn) <= cutoff);
  const result: PurgeResult = { cases: 0, files: 0, identities: 0 };
  for (const c of due) {
    // Read inside the transaction, and skipped when another run (another process) purged it meanwhile.
    const purged = await db.transaction(async (tx) => {
      await serialize(tx, 'audit');
      const open = first(await tx.select({ id: caseTracking.reportId }).from(caseTracking).where(and(eq(caseTracking.reportId, c.id), isNull(caseTracking.purgedOn))).limit(1));
      if (!open) return null;
      const files = await tx.select({ blobName: reportFiles.blobName }).from(reportFiles).where(eq(reportFiles.reportId, c.id));
      const hadIdentity = !!first(await tx.select({ reportId: reportIdentities.reportId }).from(reportIdentities).where(eq(reportIdentities.reportId, c.id)).limit(1));
      await tx.delete(reportFiles).where(eq(reportFiles.reportId, c.id));
      await tx.delete(reportIdentities).where(eq(reportIdentities.reportId, c.id));
      await tx.update(identityRequests).set({ sealedForRequester: null }).where(eq(identityRequests.reportId, c.id));
      await tx.update(caseTracking).set({ purgedOn: today }).where(eq(caseTracking.reportId, c.id));
      await appendAuditIn(tx, { actor, action: 'retention.purged', reportId: c.id, detail: { files: files.length, identity: hadIdentity, closed_on: c.closedOn ?? c.updatedOn } });
      return { files, hadIdentity };
    });
    if (!purged) continue;
    // Blobs go after the rows: a crash in between leaves orphans, which the start-up sweep removes.
    for (const f of purged.files) {
      try {
        await store.remove(f.blobName);
      } catch {
        /* orphan sweep at start */
      }
    }
    result.cases++;
    result.files += purged.files.length;
    result.identities += purged.hadIdentity ? 1 : 0;
  }
  return result;
}
