/**
 * Case handling in the back office: the queue, opening a case, and the workflow transitions.
 * Every transition posts a message to the reporter's status page (services/reports/workflow.ts)
 * and an audit entry, in one transaction.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { DEPARTMENT_NAMES, isDepartmentCode, SECTOR_LEAD_UNITS, type DepartmentCode } from '../../../config/departments.ts';
import { channelName } from '../../../config/channels.ts';
import { REPORT_STATUS_NAMES, type ReportStatusCode } from '../../../config/reporting.ts';
import type { StaffRole } from '../../../config/staff.ts';
import type { SectorCode } from '../../../config/taxonomy.ts';
import { decryptFile, open, openJson, seal } from '../../crypto/index.ts';
import type { Db } from '../../db/client.ts';
import { caseAssignments, caseTracking, identityRequests, reportEvents, reportFiles, reportKeyGrants, reportMessages, reports, rewardDecisions, staffUsers } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import type { BlobStore } from '../blob-store.ts';
import { sealText } from '../reports/follow-up.ts';
import type { ReportContent } from '../reports/intake.ts';
import { addDays, dayOf, timelineEntry, type FileMeta } from '../reports/shared.ts';
import { appendAuditIn } from './audit.ts';
import { channelFacts, type ChannelFacts } from '../channels/stats.ts';
import { handlingSettings } from './settings.ts';
import { departmentPublicKey, heldKeyIds, openHeldKey, type StaffSession } from './staff.ts';

export const OPEN_STATUSES: ReportStatusCode[] = ['accepted', 'assigned', 'investigating', 'substantiated', 'unsubstantiated', 'rectifying', 'extended'];
export const FINAL_STATUSES: ReportStatusCode[] = ['closed', 'not_accepted'];

/** Which actions each status allows next (assignment is its own action, see assignCase). */
export const NEXT_STATUS: Partial<Record<ReportStatusCode, ReportStatusCode[]>> = {
  received: ['accepted', 'not_accepted'],
  assigned: ['investigating'],
  investigating: ['substantiated', 'unsubstantiated'],
  substantiated: ['rectifying', 'closed'],
  unsubstantiated: ['closed'],
  rectifying: ['closed'],
};

/** Who may make each transition. */
export const TRANSITION_ROLES: Partial<Record<ReportStatusCode, StaffRole[]>> = {
  accepted: ['intake', 'supervisor'],
  not_accepted: ['intake', 'supervisor'],
  investigating: ['handler', 'supervisor'],
  substantiated: ['handler', 'supervisor'],
  unsubstantiated: ['handler', 'supervisor'],
  rectifying: ['handler', 'supervisor'],
  closed: ['handler', 'supervisor'],
};

/** What the reporter reads on the status page for each transition (the staff note follows it). */
const REPORTER_TEXT: Partial<Record<ReportStatusCode, string>> = {
  accepted: '您的举报已受理，我们会尽快安排负责的部门核查。',
  not_accepted: '您的举报不予受理。原因：',
  investigating: '办理部门已开始核查。',
  substantiated: '经核查，您举报的问题属实，正在依法处理。',
  unsubstantiated: '经核查，您举报的问题不属实。说明：',
  rectifying: '已责令整改，整改期限至',
  closed: '您的举报已办结。办理结果：',
};

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
  /** How the report reached us (config/channels.ts), issue 15. */
  channel: string;
  channel_label: string;
}

/** Short reference staff can say on the phone (not secret: derived from the random row id). */
export function caseRef(id: string, createdOn: string): string {
  return `${createdOn.replaceAll('-', '')}-${id.replace(/[^A-Za-z0-9]/g, '').slice(0, 4).toUpperCase()}`;
}

/** The plaintext summary shown in the queue and at the top of a case (no decryption needed). */
function queueItemOf(
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
    channel: r.channel,
    channel_label: channelName(r.channel),
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

function departmentsOf(db: Db, reportIds: string[]): Map<string, DepartmentCode[]> {
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
  /** Issue 15: one channel code (config/channels.ts). */
  channel?: string;
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
    .filter((i) => !filter.channel || i.channel === filter.channel)
    .sort((a, b) => order[a.deadline_state] - order[b.deadline_state] || (a.deadline ?? '9').localeCompare(b.deadline ?? '9'));
}

/** The report's private key through a key this user holds (intake or their department), else null. */
export function reportKeyFor(db: Db, session: StaffSession, reportId: string): Buffer | null {
  const held = new Set(heldKeyIds(db, session.user.id));
  const grants = db.select().from(reportKeyGrants).where(eq(reportKeyGrants.reportId, reportId)).all();
  for (const g of grants) {
    if (!held.has(g.recipient)) continue;
    const instanceKey = openHeldKey(db, session, g.recipient);
    if (instanceKey) return open(instanceKey, g.sealedPrivateKey);
  }
  return null;
}

function caseRow(db: Db, reportId: string) {
  const row = db.select({ r: reports, t: caseTracking }).from(reports).innerJoin(caseTracking, eq(caseTracking.reportId, reports.id)).where(eq(reports.id, reportId)).get();
  if (!row) throw new UserError(404, 'not_found', '没有这件案件。');
  return row;
}

/** Loads a case the user may see; refuses others with the same 404 so ids are not probed. */
export function visibleCase(db: Db, session: StaffSession, reportId: string) {
  ensureTracking(db);
  const row = caseRow(db, reportId);
  if (!canSeeCase(db, session.user, reportId)) throw new UserError(404, 'not_found', '没有这件案件，或它不归您的部门办理。');
  return row;
}

export interface CaseFile {
  id: string;
  name: string;
  type: string;
  kind: 'image' | 'video' | 'pdf';
  size: number;
  from_message: number | null;
}

export interface CaseView extends QueueItem {
  place: string;
  description: string;
  observed_at: string | null;
  accept_due_on: string;
  due_on: string;
  rectify_due_on: string | null;
  extension_days: number | null;
  closed_on: string | null;
  purged_on: string | null;
  substantiated: boolean | null;
  timeline: { on: string; status: string; label: string; note: string | null; actor: string }[];
  messages: { id: number; from: 'reporter' | 'department'; on: string; body: string }[];
  files: CaseFile[];
  next: ReportStatusCode[];
  suggested_departments: DepartmentCode[];
  reward: string | null;
  reward_amount_yuan: number | null;
  reward_basis: unknown;
  identity_requests: { id: string; status: string; requester: string; created_at: string; mine: boolean }[];
  /** Issue 15: channel, received date, who entered it, 12345 order number. */
  origin: ChannelFacts;
}

/** Decrypts a case for the user and records the read in the audit log. */
export function openCase(db: Db, session: StaffSession, reportId: string, today: string = dayOf()): CaseView {
  const { r, t } = visibleCase(db, session, reportId);
  const key = reportKeyFor(db, session, reportId);
  if (!key) throw new UserError(403, 'no_key', '您的账号还没有这件举报的解密密钥（可能尚未转办到您的部门）。');
  const content = openJson<ReportContent>(key, r.sealedContent);
  const events = db.select().from(reportEvents).where(eq(reportEvents.reportId, reportId)).orderBy(asc(reportEvents.id)).all();
  const messages = db.select().from(reportMessages).where(eq(reportMessages.reportId, reportId)).orderBy(asc(reportMessages.id)).all();
  const files = db.select().from(reportFiles).where(eq(reportFiles.reportId, reportId)).all();
  const s = handlingSettings(db);
  const depts = departmentsOf(db, [reportId]).get(reportId) ?? [];
  const item = queueItemOf(r, t, depts, today, s.dueSoonDays);
  const status = item.status;
  const reward = db.select().from(rewardDecisions).where(eq(rewardDecisions.reportId, reportId)).get();
  const requests = db.select().from(identityRequests).where(eq(identityRequests.reportId, reportId)).orderBy(asc(identityRequests.createdAt)).all();
  const names = new Map(db.select({ id: staffUsers.id, n: staffUsers.displayName }).from(staffUsers).all().map((u) => [u.id, u.n]));
  db.transaction((tx) => appendAuditIn(tx as unknown as Db, { actor: session.user.id, action: 'report.read', reportId }), { behavior: 'immediate' });
  return {
    ...item,
    place: content.place,
    description: content.description,
    observed_at: content.observedAt,
    accept_due_on: t.acceptDueOn,
    due_on: r.dueOn,
    rectify_due_on: t.rectifyDueOn,
    extension_days: t.extensionDays,
    closed_on: t.closedOn,
    purged_on: t.purgedOn,
    substantiated: t.substantiated,
    timeline: events.map((e) => ({ ...timelineEntry(e, key), actor: e.actor })),
    messages: messages.map((m) => ({ id: m.id, from: m.author === 'department' ? 'department' : 'reporter', on: m.createdOn, body: open(key, m.sealedBody).toString('utf8') })),
    files: files.map((f) => {
      const meta = openJson<FileMeta>(key, f.sealedMeta);
      return { id: f.id, name: meta.name, type: meta.mime, kind: meta.kind, size: meta.size, from_message: f.messageId };
    }),
    next: NEXT_STATUS[status] ?? [],
    suggested_departments: [...(SECTOR_LEAD_UNITS[r.sector as SectorCode] ?? ['emergency'])],
    reward_amount_yuan: r.rewardAmountYuan,
    reward_basis: reward ? JSON.parse(reward.basis) : null,
    origin: channelFacts(db, reportId),
    identity_requests: requests.map((q) => ({ id: q.id, status: q.status, requester: names.get(q.requesterId) ?? q.requesterId, created_at: q.createdAt, mine: q.requesterId === session.user.id })),
  };
}

/** Decrypts one attachment for download or preview (audited). */
export function readCaseFile(db: Db, store: BlobStore, session: StaffSession, reportId: string, fileId: string): { meta: FileMeta; data: Buffer } {
  visibleCase(db, session, reportId);
  const key = reportKeyFor(db, session, reportId);
  const f = db.select().from(reportFiles).where(and(eq(reportFiles.id, fileId), eq(reportFiles.reportId, reportId))).get();
  if (!key || !f) throw new UserError(404, 'not_found', '没有这个附件（可能已按保存期限清除）。');
  const meta = openJson<FileMeta>(key, f.sealedMeta);
  const data = decryptFile(Buffer.from(meta.key, 'base64'), store.read(f.blobName));
  db.transaction((tx) => appendAuditIn(tx as unknown as Db, { actor: session.user.id, action: 'file.read', reportId, detail: { file: fileId } }), { behavior: 'immediate' });
  return { meta, data };
}

function requireNote(note: string, what: string, min = 2): string {
  const clean = note.trim();
  if (clean.length < min) throw new UserError(400, 'invalid_field', `请填写${what}（举报人会看到）。`, 'note');
  if (clean.length > 5000) throw new UserError(400, 'invalid_field', `${what}最多 5000 字。`, 'note');
  return clean;
}

/** Posts the reporter-visible message and event, updates the row, audits — all in one transaction. */
function commit(db: Db, session: StaffSession, reportId: string, status: ReportStatusCode | null, reporterText: string, update: Partial<typeof caseTracking.$inferInsert>, audit: { action: 'report.transition' | 'report.assigned' | 'report.extended' | 'report.message'; detail: Record<string, string | number | boolean | null> }, reportUpdate: Partial<typeof reports.$inferInsert> = {}): void {
  const today = dayOf();
  const { r } = caseRow(db, reportId);
  db.transaction(
    (tx) => {
      tx.insert(reportMessages).values({ reportId, author: 'department', sealedBody: sealText(r.publicKey, reporterText), createdOn: today }).run();
      if (status) {
        tx.insert(reportEvents).values({ reportId, status, actor: 'department', sealedNote: null, createdOn: today }).run();
        if (status !== 'extended') reportUpdate = { ...reportUpdate, status };
      }
      tx.update(reports).set({ ...reportUpdate, updatedOn: today }).where(eq(reports.id, reportId)).run();
      if (Object.keys(update).length) tx.update(caseTracking).set(update).where(eq(caseTracking.reportId, reportId)).run();
      appendAuditIn(tx as unknown as Db, { actor: session.user.id, action: audit.action, reportId, detail: audit.detail });
    },
    { behavior: 'immediate' },
  );
}

export interface TransitionInput {
  status: string;
  note: string;
  rectifyDueOn?: string;
}

export function transitionCase(db: Db, session: StaffSession, reportId: string, input: TransitionInput): void {
  const { r } = visibleCase(db, session, reportId);
  const from = r.status as ReportStatusCode;
  const to = input.status as ReportStatusCode;
  if (!(NEXT_STATUS[from] ?? []).includes(to)) {
    throw new UserError(409, 'bad_transition', `案件现在是"${REPORT_STATUS_NAMES[from] ?? from}"，不能直接改为"${REPORT_STATUS_NAMES[to] ?? input.status}"。`, 'status');
  }
  if (!(TRANSITION_ROLES[to] ?? []).includes(session.user.role as StaffRole)) throw new UserError(403, 'forbidden', '您的角色不能做这一步。');
  const today = dayOf();
  const update: Partial<typeof caseTracking.$inferInsert> = {};
  let text = REPORTER_TEXT[to] ?? '';
  const note = input.note.trim();
  switch (to) {
    case 'not_accepted':
      text += requireNote(note, '不予受理的原因', 4);
      break;
    case 'unsubstantiated':
      text += requireNote(note, '核查说明', 4);
      update.substantiated = false;
      break;
    case 'substantiated':
      update.substantiated = true;
      if (note) text += ` ${note}`;
      break;
    case 'rectifying': {
      const due = input.rectifyDueOn ?? '';
      if (!/^\d{4}-\d{2}-\d{2}$/.test(due) || due < today) throw new UserError(400, 'invalid_field', '请填写整改期限（今天或以后的日期，例如 2026-12-31）。', 'rectify_due_on');
      update.rectifyDueOn = due;
      text += ` ${due}。${note ? note : ''}`;
      break;
    }
    case 'closed':
      text += requireNote(note, '办理结果', 4);
      update.closedOn = today;
      break;
    case 'accepted':
      update.acceptedOn = today;
      if (note) text += ` ${note}`;
      break;
    default:
      if (note) text += ` ${note}`;
  }
  commit(db, session, reportId, to, text, update, { action: 'report.transition', detail: { from, to } });
}

/** Assigns (or re-assigns) a case to lead departments; re-seals the report key to each department key. */
export function assignCase(db: Db, session: StaffSession, reportId: string, departments: string[], note: string): void {
  const { r } = visibleCase(db, session, reportId);
  const status = r.status as ReportStatusCode;
  if (status === 'received') throw new UserError(409, 'bad_transition', '请先受理，再转办。');
  if (FINAL_STATUSES.includes(status)) throw new UserError(409, 'bad_transition', '案件已经结束，不能再转办。');
  const codes = [...new Set(departments)];
  if (!codes.length || !codes.every(isDepartmentCode)) throw new UserError(400, 'invalid_field', '请至少选择一个办理部门。', 'departments');
  const key = reportKeyFor(db, session, reportId);
  if (!key) throw new UserError(403, 'no_key', '您的账号打不开这件举报，无法转办。');
  const today = dayOf();
  const grants = codes.map((code) => {
    const pub = departmentPublicKey(db, code);
    if (!pub) throw new UserError(409, 'no_department_key', `${DEPARTMENT_NAMES[code]}还没有办理人员账号，请先由管理员创建。`, 'departments');
    return { code, sealed: seal(pub, key) };
  });
  const names = codes.map((c) => DEPARTMENT_NAMES[c]).join('、');
  db.transaction((tx) => {
    tx.delete(caseAssignments).where(eq(caseAssignments.reportId, reportId)).run();
    tx.delete(reportKeyGrants).where(and(eq(reportKeyGrants.reportId, reportId), sql`${reportKeyGrants.recipient} like 'dept:%'`)).run();
    for (const g of grants) {
      tx.insert(caseAssignments).values({ reportId, department: g.code, assignedOn: today }).run();
      tx.insert(reportKeyGrants).values({ reportId, recipient: `dept:${g.code}`, sealedPrivateKey: g.sealed, createdOn: today }).run();
    }
  });
  const nextStatus = status === 'accepted' ? 'assigned' : null;
  commit(db, session, reportId, nextStatus, `您的举报已转交${names}办理。${note.trim()}`, {}, { action: 'report.assigned', detail: { departments: codes.join(',') } }, { department: codes[0]! });
}

/** The one extension allowed, with a reason the reporter sees. */
export function extendCase(db: Db, session: StaffSession, reportId: string, days: number, reason: string): void {
  const { r, t } = visibleCase(db, session, reportId);
  const max = handlingSettings(db).maxExtensionDays;
  if (FINAL_STATUSES.includes(r.status as ReportStatusCode) || r.status === 'received') throw new UserError(409, 'bad_transition', '只有正在办理的案件可以延期。');
  if (t.extensionDays) throw new UserError(409, 'already_extended', '这件案件已经延期过一次，不能再延期。');
  if (!Number.isInteger(days) || days < 1 || days > max) throw new UserError(400, 'invalid_field', `延期天数要填 1–${max} 的整数。`, 'days');
  const why = requireNote(reason, '延期原因', 4);
  const due = addDays(r.dueOn, days);
  commit(db, session, reportId, 'extended', `情况较复杂，办理期限延长 ${days} 天，至 ${due}。原因：${why}`, { extensionDays: days }, { action: 'report.extended', detail: { days } }, { dueOn: due });
}

export function messageReporter(db: Db, session: StaffSession, reportId: string, body: string): void {
  visibleCase(db, session, reportId);
  const text = requireNote(body, '留言内容', 1);
  commit(db, session, reportId, null, text, {}, { action: 'report.message', detail: {} });
}
