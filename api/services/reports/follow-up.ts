/**
 * The reporter's side after filing: open a report with the receipt, read the timeline and the
 * department's messages, reply, add evidence. The receipt-derived key is the only way in here.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { REPORT_STATUS_NAMES, REPORT_STATUSES, type ReportStatusCode } from '../../../config/reporting.ts';
import { boxDecrypt, deriveReceiptSecrets, normalizeReceipt, open, openJson, seal } from '../../crypto/index.ts';
import { first, row as oneRow, serialize } from '../../db/client.ts';
import { reportEvents, reportFiles, reportMessages, reports } from '../../db/schema.ts';
import { cleanAll, type IntakeDeps, type ReportContent } from './intake.ts';
import { commitStaged, dayOf, discardStaged, settleStaged, formatCaseNumber, stageFiles, summaryOf, timelineEntry, type AttachmentSummary, type FileMeta } from './shared.ts';

/** Attachments one report may gather over its life (first filing plus later evidence). */
export const MAX_FILES_PER_REPORT = 30;

export interface ReportView {
  /** Office case number (商安举〔2026〕0001号), the same one staff and letters use. */
  case_number: string;
  status: ReportStatusCode;
  status_label: string;
  status_hint: string;
  created_on: string;
  due_on: string;
  category: string;
  sector: string;
  township: string;
  place: string;
  description: string;
  observed_at: string | null;
  real_name: boolean;
  timeline: { on: string; status: string; label: string; note: string | null }[];
  messages: { id: number; from: 'reporter' | 'department'; on: string; body: string; attachments: AttachmentSummary[] }[];
  attachments: AttachmentSummary[];
  reward: { decision: 'pending' | 'granted' | 'not_granted'; amount_yuan: number | null; decided_on: string | null };
}

interface Opened {
  row: typeof reports.$inferSelect;
  privateKey: Buffer;
}

/** Finds and unlocks a report by receipt; null for any wrong, malformed or unknown code. */
export async function openByReceipt(deps: IntakeDeps, receiptInput: unknown): Promise<Opened | null> {
  const receipt = normalizeReceipt(receiptInput);
  // Malformed codes still pay for a derivation, so timing does not tell them apart from unknown ones.
  const secrets = await deriveReceiptSecrets(receipt ?? '00000000000000000000', deps.keys.receiptSalt, deps.keys.receiptScryptN);
  if (!receipt) return null;
  const row = first(await deps.db.select().from(reports).where(eq(reports.receiptLookup, secrets.lookupHash)).limit(1));
  if (!row) return null;
  try {
    return { row, privateKey: boxDecrypt(secrets.keyFor(row.receiptSalt), row.reporterKeyBox, row.id) };
  } catch {
    return null;
  }
}

export async function buildView(deps: IntakeDeps, opened: Opened): Promise<ReportView> {
  const { row, privateKey } = opened;
  const content = openJson<ReportContent>(privateKey, row.sealedContent);
  const events = await deps.db.select().from(reportEvents).where(eq(reportEvents.reportId, row.id)).orderBy(asc(reportEvents.id));
  const messages = await deps.db.select().from(reportMessages).where(eq(reportMessages.reportId, row.id)).orderBy(asc(reportMessages.id));
  // Documents staff attached (rectification photos, reports) are working papers: never shown here.
  const files = await deps.db.select().from(reportFiles).where(and(eq(reportFiles.reportId, row.id), isNull(reportFiles.uploadedBy)));
  const summaries = files.map((f) => ({ messageId: f.messageId, summary: summaryOf(openJson<FileMeta>(privateKey, f.sealedMeta)) }));
  const status = row.status as ReportStatusCode;
  return {
    case_number: formatCaseNumber(row.caseYear, row.caseSeq),
    status,
    status_label: REPORT_STATUS_NAMES[status] ?? row.status,
    status_hint: REPORT_STATUSES.find((s) => s.code === status)?.hint ?? '',
    created_on: row.createdOn,
    due_on: row.dueOn,
    category: row.category,
    sector: row.sector,
    township: row.township,
    place: content.place,
    description: content.description,
    observed_at: content.observedAt,
    real_name: row.realName,
    timeline: events.map((e) => timelineEntry(e, privateKey)),
    messages: messages.map((m) => ({
      id: m.id,
      from: m.author === 'department' ? 'department' : 'reporter',
      on: m.createdOn,
      body: open(privateKey, m.sealedBody).toString('utf8'),
      attachments: summaries.filter((s) => s.messageId === m.id).map((s) => s.summary),
    })),
    attachments: summaries.filter((s) => s.messageId === null).map((s) => s.summary),
    reward: {
      decision: (row.rewardDecision as 'granted' | 'not_granted' | null) ?? 'pending',
      amount_yuan: row.rewardAmountYuan,
      decided_on: row.rewardDecidedOn,
    },
  };
}

export async function lookupReport(deps: IntakeDeps, receipt: unknown): Promise<ReportView | null> {
  const opened = await openByReceipt(deps, receipt);
  return opened ? await buildView(deps, opened) : null;
}

export class TooManyFilesError extends Error {}

/** Adds a reporter message (text and/or evidence files). Returns null when the receipt opens nothing. */
export async function addReporterMessage(
  deps: IntakeDeps,
  receipt: unknown,
  body: string,
  files: File[],
): Promise<{ attachments: AttachmentSummary[] } | null> {
  const opened = await openByReceipt(deps, receipt);
  if (!opened) return null;
  const reportId = opened.row.id;
  const existing = Number((await oneRow<{ n: number }>(deps.db, sql`select count(*) as n from report_files where report_id = ${reportId} and uploaded_by is null`))?.n ?? 0);
  if (existing + files.length > MAX_FILES_PER_REPORT) throw new TooManyFilesError();
  const cleaned = await cleanAll(files);
  const staged = await stageFiles(deps.store, opened.row.publicKey, cleaned);
  const today = dayOf();
  const text = body || `（补充了 ${files.length} 个附件）`;
  try {
    await deps.db.transaction(async (tx) => {
      // Messages commit in the order of their ids (PostgreSQL), which notifications read.
      await serialize(tx, 'report_messages');
      const [msg] = await tx
        .insert(reportMessages)
        .values({ reportId, author: 'reporter', sealedBody: sealText(opened.row.publicKey, text), createdOn: today })
        .returning({ id: reportMessages.id });
      for (const s of staged) {
        await tx.insert(reportFiles).values({ id: s.id, reportId, messageId: msg!.id, blobName: s.blobName, sealedMeta: s.sealedMeta, createdOn: today });
      }
      await commitStaged(tx, deps.store, staged);
      await tx.update(reports).set({ updatedOn: today }).where(eq(reports.id, reportId));
    });
  } catch (e) {
    await discardStaged(deps.store, staged);
    throw e;
  } finally {
    settleStaged(deps.store, staged);
  }
  return { attachments: staged.map((s) => s.summary) };
}

export function sealText(publicKey: Buffer, text: string): Buffer {
  return seal(publicKey, Buffer.from(text, 'utf8'));
}
