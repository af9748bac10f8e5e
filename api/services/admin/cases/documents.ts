/**
 * Documents staff attach to a case (rectification photos, 整改报告, 现场检查记录): checked and cleaned by
 * the same pipeline as reporter files (type from the bytes, image metadata stripped), encrypted with
 * their own key sealed to the report key, written and fsynced before the row commits. They are working
 * papers: the reporter's status page never lists them.
 */
import { sql } from 'drizzle-orm';
import { ATTACHMENT_LIMITS } from '../../../../config/reporting.ts';
import { row, serialize, type Db } from '../../../db/client.ts';
import { reportFiles } from '../../../db/schema.ts';
import { UserError } from '../../../errors.ts';
import type { BlobStore } from '../../blob-store.ts';
import { cleanAll } from '../../reports/intake.ts';
import { commitStaged, dayOf, discardStaged, settleStaged, stageFiles, type AttachmentSummary } from '../../reports/shared.ts';
import { appendAuditIn } from '../audit.ts';
import type { StaffSession } from '../staff.ts';
import { visibleCase } from './open.ts';

/** Staff documents one case may gather. */
export const MAX_STAFF_FILES_PER_CASE = 30;

export async function addStaffFiles(db: Db, store: BlobStore, session: StaffSession, reportId: string, files: File[]): Promise<AttachmentSummary[]> {
  const { r } = await visibleCase(db, session, reportId);
  if (!files.length) throw new UserError(400, 'invalid_field', '请选择要上传的文件（照片、视频或 PDF）。', 'files');
  if (files.length > ATTACHMENT_LIMITS.maxFiles) throw new UserError(400, 'invalid_field', `一次最多上传 ${ATTACHMENT_LIMITS.maxFiles} 个文件。`, 'files');
  const existing = Number((await row<{ n: number }>(db, sql`select count(*) as n from report_files where report_id = ${reportId} and uploaded_by is not null`))?.n ?? 0);
  if (existing + files.length > MAX_STAFF_FILES_PER_CASE) throw new UserError(400, 'invalid_field', `一件案件最多保存 ${MAX_STAFF_FILES_PER_CASE} 个工作材料，已有 ${existing} 个。`, 'files');
  const cleaned = await cleanAll(files);
  const staged = await stageFiles(store, r.publicKey, cleaned);
  const today = dayOf();
  try {
    await db.transaction(async (tx) => {
      // Counted again inside the transaction: parallel uploads cannot pass the limit together.
      await serialize(tx, `staff-files:${reportId}`);
      const now = Number((await row<{ n: number }>(tx, sql`select count(*) as n from report_files where report_id = ${reportId} and uploaded_by is not null`))?.n ?? 0);
      if (now + staged.length > MAX_STAFF_FILES_PER_CASE) throw new UserError(400, 'invalid_field', `一件案件最多保存 ${MAX_STAFF_FILES_PER_CASE} 个工作材料，已有 ${now} 个。`, 'files');
      for (const s of staged) await tx.insert(reportFiles).values({ id: s.id, reportId, messageId: null, blobName: s.blobName, sealedMeta: s.sealedMeta, createdOn: today, uploadedBy: session.user.id });
      await commitStaged(tx, store, staged);
      await appendAuditIn(tx, { actor: session.user.id, action: 'file.uploaded', reportId, detail: { files: staged.length } });
    });
  } catch (e) {
    await discardStaged(store, staged);
    throw e;
  } finally {
    settleStaged(store, staged);
  }
  return staged.map((s) => s.summary);
}
