import { ATTACHMENT_TYPES, CASE_NUMBER_PREFIX, REPORT_STATUS_NAMES, type AttachmentMime, type ReportStatusCode } from '../../../config/reporting.ts';
import { now } from '../../clock.ts';
import { encryptFileChunks, open, randomId, randomKey, sealJson } from '../../crypto/index.ts';
import { sql } from 'drizzle-orm';
import { row, serialize, type Db } from '../../db/client.ts';
import type { BlobStore } from '../blob-store.ts';
import type { CleanAttachment } from './attachments.ts';

const DAY_FORMAT = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Calendar day in Beijing time (YYYY-MM-DD): the only time precision stored for reporters. */
export function dayOf(date: Date = now()): string {
  return DAY_FORMAT.format(date);
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from one calendar day to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400_000);
}

/** What is sealed next to each blob: the file key and what the reporter and handlers need to know. */
export interface FileMeta {
  key: string;
  name: string;
  mime: AttachmentMime;
  kind: 'image' | 'video' | 'pdf';
  size: number;
  removed: string[];
  metadataMayRemain: boolean;
}

export interface StagedFile {
  id: string;
  blobName: string;
  sealedMeta: Buffer;
  summary: AttachmentSummary;
}


/** What the reporter is shown about each stored attachment. */
export interface AttachmentSummary {
  name: string;
  kind: 'image' | 'video' | 'pdf';
  type: string;
  size: number;
  removed: string[];
  metadata_may_remain: boolean;
}

export function summaryOf(meta: Omit<FileMeta, 'key'>): AttachmentSummary {
  return {
    name: meta.name,
    kind: meta.kind,
    type: ATTACHMENT_TYPES[meta.mime]?.label ?? meta.mime,
    size: meta.size,
    removed: meta.removed,
    metadata_may_remain: meta.metadataMayRemain,
  };
}

/**
 * Encrypts each attachment with its own key, writes and fsyncs the blobs and their directory, and
 * returns the rows to insert. On failure, blobs written so far are removed.
 */
export async function stageFiles(store: BlobStore, reportPublicKey: Buffer, files: CleanAttachment[]): Promise<StagedFile[]> {
  const staged: StagedFile[] = [];
  try {
    for (const f of files) {
      const key = randomKey();
      const blobName = randomId();
      // Counted as staged before writing, so a failed write is cleaned up too.
      const entry = { id: randomId(), blobName } as StagedFile;
      staged.push(entry);
      await store.write(blobName, encryptFileChunks(key, f.data));
      const meta: FileMeta = { key: key.toString('base64'), name: f.name, mime: f.mime, kind: f.kind, size: f.data.length, removed: f.removed, metadataMayRemain: f.metadataMayRemain };
      entry.sealedMeta = sealJson(reportPublicKey, meta);
      entry.summary = summaryOf(meta);
    }
    if (staged.length) await store.syncDir();
    return staged;
  } catch (e) {
    await discardStaged(store, staged);
    throw e;
  }
}

/**
 * Inside the transaction that inserts the report_files rows: on PostgreSQL the sealed bytes are
 * inserted here, so the acknowledgement and the attachment commit together (files: already on disk).
 */
export async function commitStaged(tx: Db, store: BlobStore, staged: StagedFile[]): Promise<void> {
  for (const s of staged) await store.commit(tx, s.blobName);
}

/** After the acknowledging transaction committed: drop staged bytes kept in memory. */
export function settleStaged(store: BlobStore, staged: StagedFile[]): void {
  for (const s of staged) store.settle(s.blobName);
}

export async function discardStaged(store: BlobStore, staged: StagedFile[]): Promise<void> {
  for (const s of staged) {
    try {
      await store.remove(s.blobName);
    } catch {
      /* best effort; orphans are swept at start */
    }
  }
}

/** One status event as reporter and staff both see it: status label and the note opened with the report key. */
export function timelineEntry(
  e: { createdOn: string; status: string; sealedNote: Buffer | Uint8Array | null },
  reportKey: Buffer,
): { on: string; status: string; label: string; note: string | null } {
  return {
    on: e.createdOn,
    status: e.status,
    label: REPORT_STATUS_NAMES[e.status as ReportStatusCode] ?? e.status,
    note: e.sealedNote ? open(reportKey, e.sealedNote).toString('utf8') : null,
  };
}

/**
 * The next sequential case number of a year (call inside the writing transaction, with its `tx`).
 * Takes the 'reports' lock itself (PostgreSQL; re-entrant within a transaction), so no other process
 * can hand out the same number in between.
 */
export async function nextCaseSeq(tx: Db, year: number): Promise<number> {
  await serialize(tx, 'reports');
  return Number((await row<{ n: number }>(tx, sql`select coalesce(max(case_seq), 0) as n from reports where case_year = ${year}`))?.n ?? 0) + 1;
}

/** 商安举〔2026〕0001号 — the office number staff, letters and the reporter all use. */
export function formatCaseNumber(year: number | null, seq: number | null): string {
  if (!year || !seq) return '（未编号）';
  return `${CASE_NUMBER_PREFIX}〔${year}〕${String(seq).padStart(4, '0')}号`;
}
