/**
 * The queue: plaintext case summaries, deadlines and who may see which case (no decryption).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DepartmentCode } from '../../../../config/departments.ts';
import { REPORT_STATUS_NAMES, type ReportStatusCode } from '../../../../config/reporting.ts';
import type { Db } from '../../../db/client.ts';
import { caseAssignments, caseTracking, reports, staffUsers } from '../../../db/schema.ts';
import { addDays, dayOf } from '../../reports/shared.ts';
import { handlingSettings } from '../settings.ts';
import { FINAL_STATUSES } from './rules.ts';

export type DeadlineState = 'overdue' | 'soon' | 'ok' | 'none';

export interface QueueItem {
  id: string;
  ref: string;
  category: string;
  sector: string;
  township: string;
  status: ReportStatusCode;
  status_label: string;
  created_on: string;
  deadline: string | null;
  deadline_kind: string;
  deadline_state: DeadlineState;
  departments: DepartmentCode[];
  real_name: boolean;
  reward: string | null;
}

/** Short reference staff can say on the phone (not secret: derived from the random row id). */
export function caseRef(id: string, createdOn: string): string {
  return `${createdOn.replaceAll('-', '')}-${id.replace(/[^A-Za-z0-9]/g, '').slice(0, 4).toUpperCase()}`;
}

/** The plaintext summary shown in the queue and at the top of a case (no decryption needed). */
export function queueItemOf(
  r: typeof reports.$inferSelect,
  t: typeof caseTracking.$inferSelect,
  departments: DepartmentCode[],
  today: string,
  dueSoonDays: number,
): QueueItem {
  const status = r.status as ReportStatusCode;
  const d = deadlineOf(status, r.dueOn, t.acceptDueOn, t.rectifyDueOn, today, dueSoonDays);
  return {
    id: r.id,
    ref: caseRef(r.id, r.createdOn),
    category: r.category,
    sector: r.sector,
    township: r.township,
    status,
    status_label: REPORT_STATUS_NAMES[status] ?? r.status,
    created_on: r.createdOn,
    deadline: d.date,
    deadline_kind: d.kind,
    deadline_state: d.state,
    departments,
    real_name: r.realName,
    reward: r.rewardDecision,
  };
}

/** Every report gets its tracking row (acceptance deadline) the first time the back office sees it. */
export function ensureTracking(db: Db): void {
  const s = handlingSettings(db);
  db.run(sql`insert into case_tracking (report_id, accept_due_on)
    select id, date(created_on, ${`+${s.acceptDays} days`}) from reports
    where id not in (select report_id from case_tracking)`);
}

export function deadlineOf(status: ReportStatusCode, dueOn: string, acceptDueOn: string, rectifyDueOn: string | null, today: string, soonDays: number): { date: string | null; kind: string; state: DeadlineState } {
  if (FINAL_STATUSES.includes(status)) return { date: null, kind: '', state: 'none' };
  const [date, kind] = status === 'received' ? [acceptDueOn, '受理期限'] : status === 'rectifying' && rectifyDueOn && rectifyDueOn < dueOn ? [rectifyDueOn, '整改期限'] : [dueOn, '办结期限'];
  const state: DeadlineState = date < today ? 'overdue' : date <= addDays(today, soonDays) ? 'soon' : 'ok';
  return { date, kind, state };
}

export function departmentsOf(db: Db, reportIds: string[]): Map<string, DepartmentCode[]> {
  const map = new Map<string, DepartmentCode[]>();
  if (!reportIds.length) return map;
  for (const row of db.select().from(caseAssignments).where(inArray(caseAssignments.reportId, reportIds)).all()) {
    map.set(row.reportId, [...(map.get(row.reportId) ?? []), row.department as DepartmentCode]);
  }
  return map;
}

/** Handlers see their department's cases only; intake officers, supervisors and auditors see all. */
export function canSeeCase(db: Db, user: typeof staffUsers.$inferSelect, reportId: string): boolean {
  if (user.role !== 'handler') return true;
  return !!db.select().from(caseAssignments).where(and(eq(caseAssignments.reportId, reportId), eq(caseAssignments.department, user.department ?? ''))).get();
}

export interface QueueFilter {
  status?: string;
  sector?: string;
  department?: string;
  deadline?: string;
}

export function listQueue(db: Db, user: typeof staffUsers.$inferSelect, filter: QueueFilter, today: string = dayOf()): QueueItem[] {
  ensureTracking(db);
  const s = handlingSettings(db);
  let rows = db
    .select({ r: reports, t: caseTracking })
    .from(reports)
    .innerJoin(caseTracking, eq(caseTracking.reportId, reports.id))
    .orderBy(asc(reports.createdOn), asc(reports.id))
    .all();
  const depts = departmentsOf(db, rows.map((x) => x.r.id));
  if (user.role === 'handler') rows = rows.filter((x) => (depts.get(x.r.id) ?? []).includes(user.department as DepartmentCode));
  const items = rows.map(({ r, t }) => queueItemOf(r, t, depts.get(r.id) ?? [], today, s.dueSoonDays));
  const order: Record<DeadlineState, number> = { overdue: 0, soon: 1, ok: 2, none: 3 };
  return items
    .filter((i) => (!filter.status || (filter.status === 'open' ? !FINAL_STATUSES.includes(i.status) : i.status === filter.status)))
    .filter((i) => !filter.sector || i.sector === filter.sector)
    .filter((i) => !filter.department || i.departments.includes(filter.department as DepartmentCode))
    .filter((i) => !filter.deadline || i.deadline_state === filter.deadline)
    .sort((a, b) => order[a.deadline_state] - order[b.deadline_state] || (a.deadline ?? '9').localeCompare(b.deadline ?? '9'));
}

