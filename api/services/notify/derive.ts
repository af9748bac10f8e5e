/**
 * Notification events derived from database state (issue 15). No workflow function calls this: the
 * notifier job reads what the workflow already committed — new reports, new assignments, reporter
 * messages, deadlines — and writes an outbox. Each event has a dedupe key, so deriving twice (after a
 * crash, or two ticks) changes nothing; cursors and outbox rows commit in one transaction.
 */
import { and, eq, gt, notInArray, sql } from 'drizzle-orm';
import type { ReportStatusCode } from '../../../config/reporting.ts';
import { now as clockNow } from '../../clock.ts';
import { first, row, rows, serialize, type Db } from '../../db/client.ts';
import { appMeta, caseAssignments, caseTracking, hotlineOrders, notifyEvents, notifyItems, notifyPrefs, notifyWebhooks, reportMessages, reports, staffUsers } from '../../db/schema.ts';
import { deadlineOf, ensureTracking } from '../admin/cases/queue.ts';
import { FINAL_STATUSES } from '../admin/cases/rules.ts';
import { handlingSettings } from '../admin/settings.ts';
import { addDays, dayOf } from '../reports/shared.ts';

export type EventKind = 'new_case' | 'assigned' | 'reporter_reply' | 'due_soon' | 'overdue';

export const EVENT_LABELS: Record<EventKind, string> = {
  new_case: '新收到的案件',
  assigned: '新转办到本部门的案件',
  reporter_reply: '举报人有新留言',
  due_soon: '临近期限的案件',
  overdue: '已超过期限的案件',
};

const CURSOR_KEY = 'notify_cursor';

interface Cursor {
  reportsRowid: number;
  messageId: number;
  startedOn: string;
}

async function readCursor(db: Db, today: string): Promise<Cursor> {
  const saved = first(await db.select().from(appMeta).where(eq(appMeta.key, CURSOR_KEY)).limit(1));
  if (saved) return JSON.parse(saved.value) as Cursor;
  // First run: what was there before notifications existed is not announced (deadlines still are).
  const maxReport = Number((await row<{ m: number | null }>(db, sql`select max(rowid) as m from reports`))?.m ?? 0);
  const maxMessage = Number((await row<{ m: number | null }>(db, sql`select max(id) as m from report_messages`))?.m ?? 0);
  return { reportsRowid: maxReport, messageId: maxMessage, startedOn: today };
}

async function writeCursor(db: Db, c: Cursor): Promise<void> {
  const value = JSON.stringify(c);
  const now = new Date().toISOString();
  await db.insert(appMeta).values({ key: CURSOR_KEY, value, updatedAt: now }).onConflictDoUpdate({ target: appMeta.key, set: { value, updatedAt: now } });
}

/** Fixes the starting point at server start, so nothing filed before the first tick is skipped. */
export async function ensureCursor(db: Db, now: Date = clockNow()): Promise<void> {
  await db.transaction(async (tx) => {
    await serialize(tx, CURSOR_KEY);
    if (!first(await tx.select().from(appMeta).where(eq(appMeta.key, CURSOR_KEY)).limit(1))) await writeCursor(tx, await readCursor(tx, dayOf(now)));
  });
}

/** Recipients for an event: staff who chose e-mail or digest, and configured group robots. */
interface Audience {
  roles?: ('intake' | 'supervisor')[];
  departments?: string[];
  intakeHook?: boolean;
}

async function recipientsFor(db: Db, a: Audience): Promise<string[]> {
  const out = new Set<string>();
  const staff = await db
    .select({ id: staffUsers.id, role: staffUsers.role, department: staffUsers.department })
    .from(staffUsers)
    .innerJoin(notifyPrefs, eq(notifyPrefs.staffId, staffUsers.id))
    .where(and(eq(staffUsers.active, true), sql`${notifyPrefs.mode} != 'off'`, sql`${notifyPrefs.email} is not null`));
  for (const s of staff) {
    if (a.roles?.includes(s.role as 'intake' | 'supervisor')) out.add(`staff:${s.id}`);
    if (s.role === 'handler' && s.department && a.departments?.includes(s.department)) out.add(`staff:${s.id}`);
  }
  const hooks = new Set((await db.select({ scope: notifyWebhooks.scope }).from(notifyWebhooks)).map((h) => h.scope));
  if (a.intakeHook && hooks.has('intake')) out.add('hook:intake');
  for (const d of a.departments ?? []) if (hooks.has(d)) out.add(`hook:${d}`);
  return [...out];
}

async function addEvent(db: Db, key: string, kind: EventKind, reportId: string, audience: Audience, now: string): Promise<boolean> {
  const inserted = first(await db.insert(notifyEvents).values({ dedupeKey: key, kind, reportId, createdAt: now }).onConflictDoNothing().returning({ id: notifyEvents.id }));
  if (!inserted) return false;
  for (const r of await recipientsFor(db, audience)) await db.insert(notifyItems).values({ eventId: inserted.id, recipient: r, createdAt: now }).onConflictDoNothing();
  return true;
}

async function departmentsOf(db: Db, reportId: string): Promise<string[]> {
  return (await db.select({ d: caseAssignments.department }).from(caseAssignments).where(eq(caseAssignments.reportId, reportId))).map((x) => x.d);
}

/**
 * Derives every event due now; returns how many new events were written. `today` (deadlines, the day
 * assignments are compared with) follows the back office's clock (api/clock.ts: NOW in tests), `now`
 * only stamps the rows.
 */
export async function deriveEvents(db: Db, now: Date = new Date(), today: string = dayOf(now)): Promise<number> {
  const at = now.toISOString();
  await ensureTracking(db);
  const soonDays = (await handlingSettings(db)).dueSoonDays;
  return db.transaction(async (tx) => {
    // One deriver at a time across processes: the cursor is read, advanced and written back.
    await serialize(tx, CURSOR_KEY);
    let added = 0;
    const cursor = await readCursor(tx, today);
    // New cases: the intake office and supervisors.
    const fresh = await rows<{ seq: number; id: string }>(tx, sql`select rowid as seq, id from reports where rowid > ${cursor.reportsRowid} order by rowid`);
    for (const r of fresh) {
      if (await addEvent(tx, `new:${r.id}`, 'new_case', r.id, { roles: ['intake', 'supervisor'], intakeHook: true }, at)) added++;
      cursor.reportsRowid = Math.max(cursor.reportsRowid, Number(r.seq));
    }
    // Assignments since notifications started (re-assignment to the same unit on the same day is one event).
    for (const a of await tx.select().from(caseAssignments).where(sql`${caseAssignments.assignedOn} >= ${cursor.startedOn}`)) {
      if (await addEvent(tx, `assigned:${a.reportId}:${a.department}:${a.assignedOn}`, 'assigned', a.reportId, { departments: [a.department] }, at)) added++;
    }
    // Reporter replies: the assigned units, or the intake office while unassigned.
    const replies = await tx.select({ id: reportMessages.id, reportId: reportMessages.reportId, author: reportMessages.author }).from(reportMessages).where(gt(reportMessages.id, cursor.messageId));
    for (const m of replies) {
      cursor.messageId = Math.max(cursor.messageId, m.id);
      if (m.author !== 'reporter') continue;
      const depts = await departmentsOf(tx, m.reportId);
      const audience: Audience = depts.length ? { departments: depts } : { roles: ['intake'], intakeHook: true };
      if (await addEvent(tx, `reply:${m.id}`, 'reporter_reply', m.reportId, audience, at)) added++;
    }
    // Deadlines, by the same rule as the queue (handling settings' 临期 days). One event per deadline date.
    const open = await tx
      .select({ id: reports.id, status: reports.status, dueOn: reports.dueOn, acceptDueOn: caseTracking.acceptDueOn, rectifyDueOn: caseTracking.rectifyDueOn, hotlineDueOn: hotlineOrders.hotlineDueOn })
      .from(reports)
      .innerJoin(caseTracking, eq(caseTracking.reportId, reports.id))
      .leftJoin(hotlineOrders, eq(hotlineOrders.reportId, reports.id))
      .where(notInArray(reports.status, FINAL_STATUSES));
    for (const c of open) {
      // Our own deadline, and for a 12345 work order also the hotline's reply deadline, by the same 临期 rule.
      const deadlines = [deadlineOf(c.status as ReportStatusCode, c.dueOn, c.acceptDueOn, c.rectifyDueOn, today, soonDays)];
      if (c.hotlineDueOn) deadlines.push({ date: c.hotlineDueOn, kind: '热线回复时限', state: c.hotlineDueOn < today ? 'overdue' : c.hotlineDueOn <= addDays(today, soonDays) ? 'soon' : 'ok' });
      for (const d of deadlines) {
        if (d.state !== 'soon' && d.state !== 'overdue') continue;
        const depts = await departmentsOf(tx, c.id);
        const base: Audience = depts.length ? { departments: depts } : { roles: ['intake'], intakeHook: true };
        const audience: Audience = d.state === 'overdue' ? { ...base, roles: [...(base.roles ?? []), 'supervisor'] } : base;
        const kind: EventKind = d.state === 'overdue' ? 'overdue' : 'due_soon';
        if (await addEvent(tx, `${kind}:${c.id}:${d.kind === '热线回复时限' ? 'hotline:' : ''}${d.date}`, kind, c.id, audience, at)) added++;
      }
    }
    await writeCursor(tx, cursor);
    return added;
  });
}
