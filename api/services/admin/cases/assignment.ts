/** Assignment to lead departments: the report key is re-sealed to each department's key. */
import { and, eq, sql } from 'drizzle-orm';
import { DEPARTMENT_NAMES, isDepartmentCode } from '../../../../config/departments.ts';
import type { ReportStatusCode } from '../../../../config/reporting.ts';
import { seal } from '../../../crypto/index.ts';
import type { Db } from '../../../db/client.ts';
import { caseAssignments, reportKeyGrants } from '../../../db/schema.ts';
import { UserError } from '../../../errors.ts';
import { dayOf } from '../../reports/shared.ts';
import { departmentPublicKey, type StaffSession } from '../staff.ts';
import { commit, optionalInternalNote } from './commit.ts';
import { reportKeyFor, visibleCase } from './open.ts';
import { FINAL_STATUSES } from './rules.ts';

/** Assigns (or re-assigns) a case to lead departments; re-seals the report key to each department key. */
export async function assignCase(db: Db, session: StaffSession, reportId: string, departments: string[], note: string, internalNote?: string): Promise<void> {
  const { r } = await visibleCase(db, session, reportId);
  const status = r.status as ReportStatusCode;
  if (status === 'received') throw new UserError(409, 'bad_transition', '请先受理，再转办。');
  if (FINAL_STATUSES.includes(status)) throw new UserError(409, 'bad_transition', '案件已经结束，不能再转办。');
  const codes = [...new Set(departments)];
  if (!codes.length || !codes.every(isDepartmentCode)) throw new UserError(400, 'invalid_field', '请至少选择一个办理部门。', 'departments');
  const key = await reportKeyFor(db, session, reportId);
  if (!key) throw new UserError(403, 'no_key', '您的账号打不开这件举报，无法转办。');
  const today = dayOf();
  const grants: { code: (typeof codes)[number]; sealed: Buffer }[] = [];
  for (const code of codes) {
    const pub = await departmentPublicKey(db, code);
    if (!pub) throw new UserError(409, 'no_department_key', `${DEPARTMENT_NAMES[code]}还没有办理人员账号，请先由管理员创建。`, 'departments');
    grants.push({ code, sealed: seal(pub, key) });
  }
  const names = codes.map((c) => DEPARTMENT_NAMES[c]).join('、');
  if (note.trim().length > 5000) throw new UserError(400, 'invalid_field', '给举报人的说明最多 5000 字。', 'note');
  await db.transaction(async (tx) => {
    await tx.delete(caseAssignments).where(eq(caseAssignments.reportId, reportId));
    await tx.delete(reportKeyGrants).where(and(eq(reportKeyGrants.reportId, reportId), sql`${reportKeyGrants.recipient} like 'dept:%'`));
    for (const g of grants) {
      await tx.insert(caseAssignments).values({ reportId, department: g.code, assignedOn: today });
      await tx.insert(reportKeyGrants).values({ reportId, recipient: `dept:${g.code}`, sealedPrivateKey: g.sealed, createdOn: today });
    }
  });
  const nextStatus = status === 'accepted' ? 'assigned' : null;
  await commit(db, session, reportId, nextStatus, `您的举报已转交${names}办理。${note.trim()}`, {}, { action: 'report.assigned', detail: { departments: codes.join(',') } }, { department: codes[0]! }, optionalInternalNote(internalNote));
}

