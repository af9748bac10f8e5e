/**
 * The queue: plaintext case summaries, deadlines and who may see which case (no decryption).
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { channelName } from '../../../../config/channels.ts';
import type { DepartmentCode } from '../../../../config/departments.ts';
import { REPORT_STATUS_NAMES, type ReportStatusCode } from '../../../../config/reporting.ts';
import { first, serialize, type Db } from '../../../db/client.ts';
import { caseAssignments, caseReads, caseTracking, reportMessages, reports, staffUsers } from '../../../db/schema.ts';
import { addDays, dayOf, formatCaseNumber, nextCaseSeq } from '../../reports/shared.ts';
import { handlingSettings } from '../settings.ts';
import { FINAL_STATUSES } from './rules.ts';

export type DeadlineState = 'overdue' | 'soon' | 'ok' | 'none';

export interface QueueItem {
  id: string;
  /** The office case number, 商安举〔2026〕0001号. */
  ref: string;
  case_year: number | null;
  case_seq: number | null;
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
  /** The one extension was used (the status itself stays where the work is). */
  extended: boolean;
  /** Reporter messages this staff member has not seen yet. */
  new_messages: number;
  accepted_on: string | null;
  closed_on: string | null;
  /** 核查结论: true 属实, false 不属实, null not yet verified. */
  substantiated: boolean | null;
  reward_amount_yuan: number | null;
  due_on: string;
  /** How the report reached us (config/channels.ts), issue 15. */
  channel: string;
  channel_label: string;
}

/** The older short reference (before case numbers), still accepted by the search. */
export function caseRef(id: string, createdOn: string): string {
  return `${createdOn.replaceAll('-', '')}-${id.replace(/[^A-Za-z0-9]/g, '').slice(0, 4).toUpperCase()}`;
}

/** Case numbers by report id (for the audit log, identity requests and exports). */
export async function caseNumbers(db: Db): Promise<Map<string, string>> {
  return new Map((await db.select({ id: reports.id, y: reports.caseYear, s: reports.caseSeq }).from(reports)).map((r) => [r.id, formatCaseNumber(r.y, r.s)]));
}

/** The plaintext summary shown in the queue and at the top of a case (no decryption needed). */
export function queueItemOf(
  r: typeof reports.$inferSelect,
  t: typeof caseTracking.$inferSelect,
  departments: DepartmentCode[],
  today: string,
  dueSoonDays: number,
  newMessages = 0,
): QueueItem {
  const status = r.status as ReportStatusCode;
  const d = deadlineOf(status, r.dueOn, t.acceptDueOn, t.rectifyDueOn, today, dueSoonDays);
  return {
    id: r.id,
    ref: formatCaseNumber(r.caseYear, r.caseSeq),
    case_year: r.caseYear,
    case_seq: r.caseSeq,
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
    extended: !!t.extensionDays,
    new_messages: newMessages,
    accepted_on: t.acceptedOn,
    closed_on: t.closedOn,
    substantiated: t.substantiated,
    reward_amount_yuan: r.rewardAmountYuan,
    due_on: r.dueOn,
    channel: r.channel,
    channel_label: channelName(r.channel),
  };
}

/**
 * Every report gets its tracking row (acceptance deadline) the first time the back office sees it,
 * and reports filed before case numbers existed get theirs, in order of receipt.
 */
export async function ensureTracking(db: Db): Promise<void> {
  const untracked = (tx: Db) => tx.select({ id: reports.id, createdOn: reports.createdOn }).from(reports).leftJoin(caseTracking, eq(caseTracking.reportId, reports.id)).where(isNull(caseTracking.reportId));
  const unnumbered = (tx: Db) => tx.select({ id: reports.id, createdOn: reports.createdOn }).from(reports).where(isNull(reports.caseSeq)).orderBy(asc(reports.createdOn), sql`rowid`);
  // Nearly always nothing to do: checked without a write transaction first.
  if (!(await untracked(db).limit(1)).length && !(await unnumbered(db).limit(1)).length) return;
  const s = await handlingSettings(db);
  await db.transaction(async (tx) => {
    await serialize(tx, 'case-number');
    const missing = await untracked(tx);
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500).map((r) => ({ reportId: r.id, acceptDueOn: addDays(r.createdOn, s.acceptDays) }));
      await tx.insert(caseTracking).values(chunk).onConflictDoNothing();
    }
    for (const r of await unnumbered(tx)) {
      const year = Number(r.createdOn.slice(0, 4));
      await tx.update(reports).set({ caseYear: year, caseSeq: await nextCaseSeq(tx, year) }).where(and(eq(reports.id, r.id), isNull(reports.caseSeq)));
    }
  });
}

/**
 * The deadline that matters now. Overdue: the day after the deadline (a case due on the 10th is
 * overdue from the 11th); due soon: within `soonDays` days, the deadline day included.
 */
export function deadlineOf(status: ReportStatusCode, dueOn: string, acceptDueOn: string, rectifyDueOn: string | null, today: string, soonDays: number): { date: string | null; kind: string; state: DeadlineState } {
  if (FINAL_STATUSES.includes(status)) return { date: null, kind: '', state: 'none' };
  const [date, kind] = status === 'received' ? [acceptDueOn, '受理期限'] : status === 'rectifying' && rectifyDueOn && rectifyDueOn < dueOn ? [rectifyDueOn, '整改期限'] : [dueOn, '办结期限'];
  const state: DeadlineState = date < today ? 'overdue' : date <= addDays(today, soonDays) ? 'soon' : 'ok';
  return { date, kind, state };
}

export async function departmentsOf(db: Db, reportIds: string[]): Promise<Map<string, DepartmentCode[]>> {
  const map = new Map<string, DepartmentCode[]>();
  if (!reportIds.length) return map;
  // Many ids (the whole queue): read every assignment rather than bind thousands of parameters.
  const wanted = reportIds.length > 500 ? new Set(reportIds) : null;
  // Departments of a case in a fixed order on both engines (the first is the lead on the 转办单).
  for (const row of await db.select().from(caseAssignments).where(wanted ? undefined : inArray(caseAssignments.reportId, reportIds)).orderBy(asc(caseAssignments.reportId), asc(caseAssignments.department))) {
    if (wanted && !wanted.has(row.reportId)) continue;
    map.set(row.reportId, [...(map.get(row.reportId) ?? []), row.department as DepartmentCode]);
  }
  return map;
}

/** Handlers see their department's cases only; intake officers, supervisors and auditors see all. */
export async function canSeeCase(db: Db, user: typeof staffUsers.$inferSelect, reportId: string): Promise<boolean> {
  if (user.role !== 'handler') return true;
  return !!first(await db.select().from(caseAssignments).where(and(eq(caseAssignments.reportId, reportId), eq(caseAssignments.department, user.department ?? ''))).limit(1));
}

/** Reporter messages newer than what this user last saw, per case. */
async function unseenReporterMessages(db: Db, userId: string): Promise<Map<string, number>> {
  const seen = new Map((await db.select().from(caseReads).where(eq(caseReads.userId, userId))).map((r) => [r.reportId, r.lastMessageId]));
  const out = new Map<string, number>();
  for (const m of await db.select({ id: reportMessages.id, reportId: reportMessages.reportId }).from(reportMessages).where(eq(reportMessages.author, 'reporter'))) {
    if (m.id > (seen.get(m.reportId) ?? 0)) out.set(m.reportId, (out.get(m.reportId) ?? 0) + 1);
  }
  return out;
}

export interface QueueFilter {
  status?: string;
  sector?: string;
  department?: string;
  deadline?: string;
  /** Case number (0007, 2026-0007, 商安举〔2026〕0007号) or the older short reference. */
  q?: string;
  /** YYYY-MM: cases received that month. */
  month?: string;
  /** Issue 15: one channel code (config/channels.ts). */
  channel?: string;
}

/** Reads what a clerk types into the search box as a case number; null when it is not one. */
export function parseCaseNumberQuery(q: string): { year: number | null; seq: number } | { legacy: string } | null {
  const s = q.normalize('NFKC').replace(/\s+/g, '');
  if (!s) return null;
  const legacy = /^(\d{8})-([A-Za-z0-9]{4})$/.exec(s);
  if (legacy) return { legacy: `${legacy[1]}-${legacy[2]!.toUpperCase()}` };
  const full = /^(?:商安举)?[〔\[(（]?(20\d{2})[〕\])）\-/年]?(\d{1,6})号?$/.exec(s);
  if (full && s.length > 4) return { year: Number(full[1]), seq: Number(full[2]) };
  const seqOnly = /^(\d{1,6})号?$/.exec(s);
  if (seqOnly) return { year: null, seq: Number(seqOnly[1]) };
  return null;
}

function matchesQuery(i: QueueItem, q: string): boolean {
  const parsed = parseCaseNumberQuery(q);
  if (!parsed) return false;
  if ('legacy' in parsed) return caseRef(i.id, i.created_on) === parsed.legacy;
  return i.case_seq === parsed.seq && (parsed.year === null || i.case_year === parsed.year);
}

export async function listQueue(db: Db, user: typeof staffUsers.$inferSelect, filter: QueueFilter, today: string = dayOf()): Promise<QueueItem[]> {
  await ensureTracking(db);
  const s = await handlingSettings(db);
  let rows = await db
    .select({ r: reports, t: caseTracking })
    .from(reports)
    .innerJoin(caseTracking, eq(caseTracking.reportId, reports.id))
    .orderBy(asc(reports.createdOn), asc(reports.caseSeq));
  const depts = await departmentsOf(db, rows.map((x) => x.r.id));
  if (user.role === 'handler') rows = rows.filter((x) => (depts.get(x.r.id) ?? []).includes(user.department as DepartmentCode));
  const unseen = user.role === 'auditor' ? new Map<string, number>() : await unseenReporterMessages(db, user.id);
  const items = rows.map(({ r, t }) => queueItemOf(r, t, depts.get(r.id) ?? [], today, s.dueSoonDays, unseen.get(r.id) ?? 0));
  const order: Record<DeadlineState, number> = { overdue: 0, soon: 1, ok: 2, none: 3 };
  return items
    .filter((i) => {
      if (!filter.status) return true;
      if (filter.status === 'open') return !FINAL_STATUSES.includes(i.status);
      // 延期办理: the extension does not replace the working status, so match on the extension itself.
      if (filter.status === 'extended') return i.extended && !FINAL_STATUSES.includes(i.status);
      if (filter.status === 'new_messages') return i.new_messages > 0;
      return i.status === filter.status;
    })
    .filter((i) => !filter.sector || i.sector === filter.sector)
    .filter((i) => !filter.department || i.departments.includes(filter.department as DepartmentCode))
    .filter((i) => !filter.deadline || i.deadline_state === filter.deadline)
    .filter((i) => !filter.channel || i.channel === filter.channel)
    .filter((i) => !filter.month || i.created_on.startsWith(`${filter.month}-`))
    .filter((i) => !filter.q || matchesQuery(i, filter.q))
    .sort((a, b) => order[a.deadline_state] - order[b.deadline_state] || (a.deadline ?? '9').localeCompare(b.deadline ?? '9') || (a.case_year ?? 0) - (b.case_year ?? 0) || (a.case_seq ?? 0) - (b.case_seq ?? 0));
}
