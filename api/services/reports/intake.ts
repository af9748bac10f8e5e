/**
 * Filing a report. Order matters for "nothing acknowledged is ever lost": validate, clean the files,
 * encrypt, write and fsync the blobs, then commit one database transaction (SQLite synchronous=FULL,
 * or PostgreSQL); only then is the receipt returned. A refused request leaves nothing behind.
 */
import { ATTACHMENT_LIMITS } from '../../../config/reporting.ts';
import { boxEncrypt, deriveReceiptSecrets, generateKeyPair, generateReceipt, randomBytes, randomId, seal, sealJson } from '../../crypto/index.ts';
import { serialize, type Db } from '../../db/client.ts';
import { reportEvents, reportFiles, reportIdentities, reportKeyGrants, reports } from '../../db/schema.ts';
import type { BlobStore } from '../blob-store.ts';
import type { InstanceKeys } from '../keys.ts';
import { cleanAttachment, type CleanAttachment } from './attachments.ts';
import { handlingSettings } from '../admin/settings.ts';
import { addDays, commitStaged, dayOf, discardStaged, nextCaseSeq, settleStaged, stageFiles, type AttachmentSummary } from './shared.ts';
import type { ReportInput } from './validation.ts';

export interface ReportContent {
  place: string;
  description: string;
  observedAt: string | null;
}

export interface IntakeDeps {
  db: Db;
  store: BlobStore;
  keys: InstanceKeys;
}

export interface FiledReport {
  receipt: string;
  attachments: AttachmentSummary[];
  /** Row id (staff-side callers need it; never shown to a reporter). */
  reportId: string;
}

/**
 * Where a staff-entered report came from (issue 15, api/services/channels/): its channel, the day it
 * was received (deadlines count from it) and rows to write in the same transaction (who entered it,
 * the 12345 work order), so a report and its origin commit together or not at all.
 */
export interface FilingOrigin {
  channel: string;
  receivedOn: string;
  /** Runs inside the filing transaction (may run again if PostgreSQL retries it): write only through `tx`. */
  inTransaction?: (tx: Db, reportId: string) => Promise<void> | void;
}

export async function cleanAll(files: File[]): Promise<CleanAttachment[]> {
  const out: CleanAttachment[] = [];
  for (const [i, f] of files.entries()) out.push(await cleanAttachment(f, i));
  return out;
}

export async function fileReport(deps: IntakeDeps, input: ReportInput, files: File[], origin?: FilingOrigin): Promise<FiledReport> {
  if (files.length > ATTACHMENT_LIMITS.maxFiles) throw new Error('too many files');
  const cleaned = await cleanAll(files);
  const receipt = generateReceipt();
  const secrets = await deriveReceiptSecrets(receipt, deps.keys.receiptSalt, deps.keys.receiptScryptN);
  const reportId = randomId();
  const reportKey = generateKeyPair();
  const receiptSalt = randomBytes(16);
  const content: ReportContent = { place: input.place, description: input.description, observedAt: input.observedAt };
  const today = dayOf();
  const filedOn = origin?.receivedOn ?? today;
  // The administrator's 办结期限 setting applies to every report filed from then on (counted from the
  // day it was received: a letter received last week is due a week earlier than one filed today).
  const dueOn = addDays(filedOn, (await handlingSettings(deps.db)).closeDays);
  // Case numbers run per year of receipt (商安举〔年〕号).
  const caseYear = Number(filedOn.slice(0, 4));

  const staged = await stageFiles(deps.store, reportKey.publicKey, cleaned);
  try {
    await deps.db.transaction(async (tx) => {
      // First: on PostgreSQL reports then commit in the order of their rowid (notifications read new
      // reports by rowid), and no other process can take the same case number in between.
      await serialize(tx, 'reports');
      const caseSeq = await nextCaseSeq(tx, caseYear);
      await tx
        .insert(reports)
        .values({
          id: reportId,
          receiptLookup: secrets.lookupHash,
          receiptSalt,
          category: input.category,
          sector: input.sector,
          township: input.township,
          status: 'received',
          realName: input.identity !== null,
          createdOn: filedOn,
          updatedOn: today,
          dueOn,
          caseYear,
          caseSeq,
          ...(origin ? { channel: origin.channel, receivedOn: origin.receivedOn } : {}),
          publicKey: reportKey.publicKey,
          sealedContent: sealJson(reportKey.publicKey, content),
          reporterKeyBox: boxEncrypt(secrets.keyFor(receiptSalt), reportKey.privateKey, reportId),
        });
      await tx
        .insert(reportKeyGrants)
        .values({ reportId, recipient: 'intake', sealedPrivateKey: seal(deps.keys.intakePublicKey, reportKey.privateKey), createdOn: today });
      if (input.identity) {
        // Sealed to the identity custodian only: the report key (and so every handler) cannot open it.
        await tx.insert(reportIdentities).values({ reportId, sealedIdentity: sealJson(deps.keys.custodianPublicKey, input.identity), createdOn: today });
      }
      await tx.insert(reportEvents).values({ reportId, status: 'received', actor: 'system', sealedNote: null, createdOn: filedOn });
      for (const s of staged) {
        await tx.insert(reportFiles).values({ id: s.id, reportId, messageId: null, blobName: s.blobName, sealedMeta: s.sealedMeta, createdOn: today });
      }
      await commitStaged(tx, deps.store, staged);
      await origin?.inTransaction?.(tx, reportId);
    });
  } catch (e) {
    await discardStaged(deps.store, staged);
    throw e;
  } finally {
    settleStaged(deps.store, staged);
  }
  return { receipt, attachments: staged.map((s) => s.summary), reportId };
}
