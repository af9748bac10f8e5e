/**
 * Acceptance and handling steps (accept / refuse, investigate, verify, rectify, close), the one
 * extension and messages to the reporter.
 */
import { REPORT_STATUS_NAMES, type ReportStatusCode } from '../../../../config/reporting.ts';
import type { StaffRole } from '../../../../config/staff.ts';
import type { Db } from '../../../db/client.ts';
import type { caseTracking } from '../../../db/schema.ts';
import { UserError } from '../../../errors.ts';
import { addDays, dayOf } from '../../reports/shared.ts';
import { handlingSettings } from '../settings.ts';
import type { StaffSession } from '../staff.ts';
import { commit, NOTE_MAX, optionalInternalNote, requireNote } from './commit.ts';
import { acceptanceStep } from './intake.ts';
import { visibleCase } from './open.ts';
import { FINAL_STATUSES, NEXT_STATUS, TRANSITION_ROLES } from './rules.ts';

/** What the reporter reads on the status page for each transition (the text for the reporter follows it). */
export const REPORTER_TEXT: Partial<Record<ReportStatusCode, string>> = {
  investigating: '办理部门已开始核查。',
  substantiated: '经核查，您举报的问题属实，正在依法处理。',
  unsubstantiated: '经核查，您举报的问题不属实。说明：',
  rectifying: '已责令整改，整改期限至',
  closed: '您的举报已办结。办理结果：',
};

export interface TransitionInput {
  status: string;
  /** Text for the reporter (shown on the status page after the standard sentence). */
  note: string;
  /** Staff-only note kept with the step (never shown to the reporter). */
  internalNote?: string;
  rectifyDueOn?: string;
}

export async function transitionCase(db: Db, session: StaffSession, reportId: string, input: TransitionInput): Promise<void> {
  const { r } = await visibleCase(db, session, reportId);
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
  const internalNote = optionalInternalNote(input.internalNote);
  if (note.length > NOTE_MAX) throw new UserError(400, 'invalid_field', `给举报人的说明最多 ${NOTE_MAX} 字。`, 'note');
  const acceptance = acceptanceStep(to, note, today);
  if (acceptance) {
    await commit(db, session, reportId, to, acceptance.text, acceptance.update, { action: 'report.transition', detail: { from, to } }, {}, internalNote);
    return;
  }
  switch (to) {
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
    default:
      if (note) text += ` ${note}`;
  }
  await commit(db, session, reportId, to, text, update, { action: 'report.transition', detail: { from, to } }, {}, internalNote);
}

/** The one extension allowed, with a reason the reporter sees. */
export async function extendCase(db: Db, session: StaffSession, reportId: string, days: number, reason: string, internalNote?: string): Promise<void> {
  const { r, t } = await visibleCase(db, session, reportId);
  const max = (await handlingSettings(db)).maxExtensionDays;
  if (FINAL_STATUSES.includes(r.status as ReportStatusCode) || r.status === 'received') throw new UserError(409, 'bad_transition', '只有正在办理的案件可以延期。');
  if (t.extensionDays) throw new UserError(409, 'already_extended', '这件案件已经延期过一次，不能再延期。');
  // An extension is decided before the deadline runs out, not after.
  if (r.dueOn < dayOf()) throw new UserError(409, 'overdue', `办结期限（${r.dueOn}）已过，不能再延期：延期须在期限届满前办理。请尽快办结，并在内部记录中写明超期原因。`, 'days');
  if (!Number.isInteger(days) || days < 1 || days > max) throw new UserError(400, 'invalid_field', `延期天数要填 1–${max} 的整数。`, 'days');
  const why = requireNote(reason, '延期原因', 4);
  const due = addDays(r.dueOn, days);
  await commit(db, session, reportId, 'extended', `情况较复杂，办理期限延长 ${days} 天，至 ${due}。原因：${why}`, { extensionDays: days }, { action: 'report.extended', detail: { days } }, { dueOn: due }, optionalInternalNote(internalNote));
}

export async function messageReporter(db: Db, session: StaffSession, reportId: string, body: string): Promise<void> {
  await visibleCase(db, session, reportId);
  const text = requireNote(body, '留言内容', 1, 'body');
  await commit(db, session, reportId, null, text, {}, { action: 'report.message', detail: {} });
}
