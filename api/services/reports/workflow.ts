/**
 * The department's side, as far as the reporter sees it: status transitions, messages and the
 * reward decision. Writing needs only the report's public key; reading (openReportAsIntake) needs
 * the intake private key, which staff hold under their passwords (issue 7) or the recovery key.
 */
import { asc, eq } from 'drizzle-orm';
import { REPORT_STATUS_CODES, type ReportStatusCode, type RewardDecisionCode } from '../../../config/reporting.ts';
import { decryptFile, open, openJson } from '../../crypto/index.ts';
import type { Db } from '../../db/client.ts';
import { reportEvents, reportFiles, reportIdentities, reportKeyGrants, reportMessages, reports } from '../../db/schema.ts';
import type { BlobStore } from '../blob-store.ts';
import { sealText } from './follow-up.ts';
import type { ReportContent } from './intake.ts';
import { dayOf, type FileMeta } from './shared.ts';

function reportRow(db: Db, reportId: string) {
  const row = db.select().from(reports).where(eq(reports.id, reportId)).get();
  if (!row) throw new Error(`report ${reportId} not found`);
  return row;
}

/** A message from the handling department to the reporter, optionally with a status transition. */
export function postDepartmentMessage(db: Db, reportId: string, body: string, transition?: { status: ReportStatusCode; note?: string }): void {
  const row = reportRow(db, reportId);
  const today = dayOf();
  db.transaction((tx) => {
    tx.insert(reportMessages).values({ reportId, author: 'department', sealedBody: sealText(row.publicKey, body), createdOn: today }).run();
    if (transition) applyTransition(tx as unknown as Db, row.publicKey, reportId, transition.status, transition.note, today);
    tx.update(reports).set({ updatedOn: today }).where(eq(reports.id, reportId)).run();
  });
}

export function setReportStatus(db: Db, reportId: string, status: ReportStatusCode, note?: string): void {
  const row = reportRow(db, reportId);
  db.transaction((tx) => applyTransition(tx as unknown as Db, row.publicKey, reportId, status, note, dayOf()));
}

function applyTransition(db: Db, publicKey: Buffer, reportId: string, status: ReportStatusCode, note: string | undefined, today: string) {
  if (!REPORT_STATUS_CODES.includes(status)) throw new Error(`unknown status ${status}`);
  db.insert(reportEvents).values({ reportId, status, actor: 'department', sealedNote: note ? sealText(publicKey, note) : null, createdOn: today }).run();
  db.update(reports).set({ status, updatedOn: today }).where(eq(reports.id, reportId)).run();
}

export function decideReward(db: Db, reportId: string, decision: RewardDecisionCode, amountYuan: number | null): void {
  reportRow(db, reportId);
  const today = dayOf();
  db.update(reports)
    .set({ rewardDecision: decision, rewardAmountYuan: decision === 'granted' ? amountYuan : null, rewardDecidedOn: today, updatedOn: today })
    .where(eq(reports.id, reportId))
    .run();
}

export interface OpenedReport {
  id: string;
  content: ReportContent;
  messages: { author: string; body: string }[];
  files: (FileMeta & { data: Buffer })[];
}

/** Everything a handler with the intake private key sees (never the sealed identity). */
export function openReportAsIntake(db: Db, store: BlobStore, reportId: string, intakePrivateKey: Buffer): OpenedReport {
  const row = reportRow(db, reportId);
  const grant = db.select().from(reportKeyGrants).where(eq(reportKeyGrants.reportId, reportId)).all().find((g) => g.recipient === 'intake');
  if (!grant) throw new Error('no intake grant');
  const key = open(intakePrivateKey, grant.sealedPrivateKey);
  const messages = db.select().from(reportMessages).where(eq(reportMessages.reportId, reportId)).orderBy(asc(reportMessages.id)).all();
  const files = db.select().from(reportFiles).where(eq(reportFiles.reportId, reportId)).all();
  return {
    id: row.id,
    content: openJson<ReportContent>(key, row.sealedContent),
    messages: messages.map((m) => ({ author: m.author, body: open(key, m.sealedBody).toString('utf8') })),
    files: files.map((f) => {
      const meta = openJson<FileMeta>(key, f.sealedMeta);
      return { ...meta, data: decryptFile(Buffer.from(meta.key, 'base64'), store.read(f.blobName)) };
    }),
  };
}

/** The identity custodian's view of a sealed identity (the audited access procedure is issue 7). */
export function openIdentityAsCustodian(db: Db, reportId: string, custodianPrivateKey: Buffer): { name: string; phone: string } | null {
  const row = db.select().from(reportIdentities).where(eq(reportIdentities.reportId, reportId)).get();
  return row ? openJson(custodianPrivateKey, row.sealedIdentity) : null;
}

/** Blobs with no row are leftovers of requests interrupted before commit: nothing was acknowledged. */
export function sweepOrphanBlobs(db: Db, store: BlobStore): number {
  const known = new Set(db.select({ b: reportFiles.blobName }).from(reportFiles).all().map((r) => r.b));
  let removed = 0;
  for (const name of store.list()) {
    if (!known.has(name)) {
      store.remove(name);
      removed++;
    }
  }
  return removed;
}

/** For tests and the back office: the report id a receipt belongs to (needs the receipt). */
export { openByReceipt } from './follow-up.ts';
