/**
 * The department's side, as far as the reporter sees it: status transitions, messages and the
 * reward decision. Writing needs only the report's public key; reading (openReportAsIntake) needs
 * the intake private key, which staff hold under their passwords (issue 7) or the recovery key.
 */
import { asc, eq } from 'drizzle-orm';
import { REPORT_STATUS_CODES, type ReportStatusCode, type RewardDecisionCode } from '../../../config/reporting.ts';
import { decryptFile, open, openJson } from '../../crypto/index.ts';
import { first, serialize, type Db } from '../../db/client.ts';
import { reportEvents, reportFiles, reportIdentities, reportKeyGrants, reportMessages, reports } from '../../db/schema.ts';
import type { BlobStore } from '../blob-store.ts';
import { sealText } from './follow-up.ts';
import type { ReportContent } from './intake.ts';
import { dayOf, type FileMeta } from './shared.ts';

async function reportRow(db: Db, reportId: string) {
  const row = first(await db.select().from(reports).where(eq(reports.id, reportId)).limit(1));
  if (!row) throw new Error(`report ${reportId} not found`);
  return row;
}

/** A message from the handling department to the reporter, optionally with a status transition. */
export async function postDepartmentMessage(db: Db, reportId: string, body: string, transition?: { status: ReportStatusCode; note?: string }): Promise<void> {
  const row = await reportRow(db, reportId);
  const today = dayOf();
  await db.transaction(async (tx) => {
    // Messages commit in the order of their ids (PostgreSQL), which notifications read.
    await serialize(tx, 'report_messages');
    await tx.insert(reportMessages).values({ reportId, author: 'department', sealedBody: sealText(row.publicKey, body), createdOn: today });
    if (transition) await applyTransition(tx, row.publicKey, reportId, transition.status, transition.note, today);
    await tx.update(reports).set({ updatedOn: today }).where(eq(reports.id, reportId));
  });
}

export async function setReportStatus(db: Db, reportId: string, status: ReportStatusCode, note?: string): Promise<void> {
  const row = await reportRow(db, reportId);
  await db.transaction((tx) => applyTransition(tx, row.publicKey, reportId, status, note, dayOf()));
}

async function applyTransition(tx: Db, publicKey: Buffer, reportId: string, status: ReportStatusCode, note: string | undefined, today: string): Promise<void> {
  if (!REPORT_STATUS_CODES.includes(status)) throw new Error(`unknown status ${status}`);
  await tx.insert(reportEvents).values({ reportId, status, actor: 'department', sealedNote: note ? sealText(publicKey, note) : null, createdOn: today });
  await tx.update(reports).set({ status, updatedOn: today }).where(eq(reports.id, reportId));
}

export async function decideReward(db: Db, reportId: string, decision: RewardDecisionCode, amountYuan: number | null): Promise<void> {
  await reportRow(db, reportId);
  const today = dayOf();
  await db
    .update(reports)
    .set({ rewardDecision: decision, rewardAmountYuan: decision === 'granted' ? amountYuan : null, rewardDecidedOn: today, updatedOn: today })
    .where(eq(reports.id, reportId));
}

export interface OpenedReport {
  id: string;
  content: ReportContent;
  messages: { author: string; body: string }[];
  files: (FileMeta & { data: Buffer })[];
}

/** Everything a handler with the intake private key sees (never the sealed identity). */
export async function openReportAsIntake(db: Db, store: BlobStore, reportId: string, intakePrivateKey: Buffer): Promise<OpenedReport> {
  const row = await reportRow(db, reportId);
  const grant = (await db.select().from(reportKeyGrants).where(eq(reportKeyGrants.reportId, reportId))).find((g) => g.recipient === 'intake');
  if (!grant) throw new Error('no intake grant');
  const key = open(intakePrivateKey, grant.sealedPrivateKey);
  const messages = await db.select().from(reportMessages).where(eq(reportMessages.reportId, reportId)).orderBy(asc(reportMessages.id));
  const files = await db.select().from(reportFiles).where(eq(reportFiles.reportId, reportId));
  return {
    id: row.id,
    content: openJson<ReportContent>(key, row.sealedContent),
    messages: messages.map((m) => ({ author: m.author, body: open(key, m.sealedBody).toString('utf8') })),
    files: await Promise.all(
      files.map(async (f) => {
        const meta = openJson<FileMeta>(key, f.sealedMeta);
        return { ...meta, data: decryptFile(Buffer.from(meta.key, 'base64'), await store.read(f.blobName)) };
      }),
    ),
  };
}

/** The identity custodian's view of a sealed identity (the audited access procedure is issue 7). */
export async function openIdentityAsCustodian(db: Db, reportId: string, custodianPrivateKey: Buffer): Promise<{ name: string; phone: string } | null> {
  const row = first(await db.select().from(reportIdentities).where(eq(reportIdentities.reportId, reportId)).limit(1));
  return row ? openJson(custodianPrivateKey, row.sealedIdentity) : null;
}

/** Blobs with no row are leftovers of requests interrupted before commit: nothing was acknowledged. */
export async function sweepOrphanBlobs(db: Db, store: BlobStore): Promise<number> {
  const known = new Set((await db.select({ b: reportFiles.blobName }).from(reportFiles)).map((r) => r.b));
  let removed = 0;
  for (const name of await store.list()) {
    if (!known.has(name)) {
      await store.remove(name);
      removed++;
    }
  }
  return removed;
}

/** For tests and the back office: the report id a receipt belongs to (needs the receipt). */
export { openByReceipt } from './follow-up.ts';
