/**
 * Attachments as staff receive them (issue 10 item 3): a name made from the position and the detected
 * type (附件N.pdf) whatever was stored, PDFs only as page images, and the original only through an
 * explicit, audited download. Decryption here does not audit by itself: each route audits once for
 * what the person did (viewed the pages of a PDF, downloaded an original).
 */
import { and, eq, sql } from 'drizzle-orm';
import { ATTACHMENT_TYPES } from '../../../config/reporting.ts';
import { decryptFile, openJson } from '../../crypto/index.ts';
import { first, type Db } from '../../db/client.ts';
import { reportFiles } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import type { BlobStore } from '../blob-store.ts';
import { generatedFileName } from '../reports/attachments.ts';
import { formatCaseNumber, type FileMeta } from '../reports/shared.ts';
import { appendAuditIn, type AuditAction } from './audit.ts';
import { reportKeyFor, visibleCase } from './cases.ts';
import type { StaffSession } from './staff.ts';

export interface StaffFile {
  id: string;
  reportId: string;
  ref: string;
  /** 附件N.ext: N is the file's place among the case's attachments, ext from the detected type. */
  name: string;
  mime: FileMeta['mime'];
  kind: FileMeta['kind'];
  label: string;
  size: number;
  data(): Promise<Buffer>;
}

export async function staffFile(db: Db, store: BlobStore, session: StaffSession, reportId: string, fileId: string): Promise<StaffFile> {
  const { r } = await visibleCase(db, session, reportId);
  const key = await reportKeyFor(db, session, reportId);
  const all = await db.select({ id: reportFiles.id }).from(reportFiles).where(eq(reportFiles.reportId, reportId)).orderBy(sql`rowid`);
  const f = first(await db.select().from(reportFiles).where(and(eq(reportFiles.id, fileId), eq(reportFiles.reportId, reportId))).limit(1));
  if (!key || !f) throw new UserError(404, 'not_found', '没有这个附件（可能已按保存期限清除）。');
  const meta = openJson<FileMeta>(key, f.sealedMeta);
  return {
    id: f.id,
    reportId,
    ref: formatCaseNumber(r.caseYear, r.caseSeq),
    name: generatedFileName(all.findIndex((x) => x.id === f.id), meta.mime),
    mime: meta.mime,
    kind: meta.kind,
    label: ATTACHMENT_TYPES[meta.mime]?.label ?? meta.mime,
    size: meta.size,
    data: async () => decryptFile(Buffer.from(meta.key, 'base64'), await store.read(f.blobName)),
  };
}

export async function auditFile(db: Db, session: StaffSession, file: StaffFile, action: Extract<AuditAction, 'file.pdf_preview' | 'file.original'>): Promise<void> {
  await db.transaction((tx) => appendAuditIn(tx, { actor: session.user.id, action, reportId: file.reportId, detail: { file: file.id } }));
}
