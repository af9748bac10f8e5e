/**
 * Reports received by phone (12345 / 12350 / other), letter, visit or transfer, entered by an intake
 * officer (issue 15). They go through exactly the web path — the same validation, attachment clean-up
 * (type from the bytes, metadata stripped), per-file encryption, sealing to the report key and the
 * identity sealed to the custodian only (services/reports/intake.ts fileReport) — plus the channel,
 * the day received (deadlines count from it), who entered it and an audit entry, in one transaction.
 * The receipt is returned once, for the officer to read out or post; it is never stored or logged.
 */
import { channelName, isChannelCode, STAFF_ENTRY_CHANNELS, type ChannelCode } from '../../../config/channels.ts';
import type { Db } from '../../db/client.ts';
import { staffIntakes } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { appendAuditIn } from '../admin/audit.ts';
import { fileReport, type IntakeDeps } from '../reports/intake.ts';
import { addDays, dayOf, type AttachmentSummary } from '../reports/shared.ts';
import { fieldError, fileParts, parseReportFields, textField } from '../reports/validation.ts';

/** How far back a received date may lie (a letter found in a drawer still gets entered, with its date). */
export const MAX_RECEIVED_AGE_DAYS = 366;

export interface StaffEntry {
  channel: ChannelCode;
  receivedOn: string;
  sourceBody: string | null;
}

/** The day a report was received: YYYY-MM-DD, not after today and not more than a year back. */
export function parseReceivedOn(value: string, today: string = dayOf()): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UserError(400, 'invalid_field', '收到日期（received_on）要写成 2026-05-01 这样的日期。', 'received_on');
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) throw new UserError(400, 'invalid_field', '收到日期（received_on）不是一个有效的日期。', 'received_on');
  if (value > today) throw new UserError(400, 'invalid_field', '收到日期（received_on）不能晚于今天。', 'received_on');
  if (value < addDays(today, -MAX_RECEIVED_AGE_DAYS)) throw new UserError(400, 'invalid_field', `收到日期（received_on）不能早于 ${MAX_RECEIVED_AGE_DAYS} 天以前。`, 'received_on');
  return value;
}

export function parseStaffEntry(form: FormData, today: string = dayOf()): StaffEntry {
  const channel = textField(form, 'channel', 32);
  if (!channel) throw new UserError(400, 'invalid_field', '收到方式（channel）必须选择一项。', 'channel');
  if (!isChannelCode(channel) || !STAFF_ENTRY_CHANNELS.some((c) => c.code === channel)) {
    throw new UserError(400, 'invalid_field', `收到方式（channel）只能是：${STAFF_ENTRY_CHANNELS.map((c) => c.name).join('、')}。12345 工单请用"导入工单"。`, 'channel');
  }
  const receivedOn = parseReceivedOn(textField(form, 'received_on', 20), today);
  const sourceBody = textField(form, 'source_body', 60) || null;
  if (channel === 'transfer' && !sourceBody) throw new UserError(400, 'invalid_field', '转交单位（source_body）：其他单位转交的举报，请填写转交单位的名称。', 'source_body');
  return { channel, receivedOn, sourceBody: channel === 'transfer' ? sourceBody : null };
}

export interface EnteredReport {
  receipt: string;
  reportId: string;
  channel: ChannelCode;
  channelName: string;
  receivedOn: string;
  realName: boolean;
  attachments: AttachmentSummary[];
}

/**
 * Validates and files one staff-entered report. Refusals are Chinese UserErrors naming the field and
 * leave nothing behind (fileReport stages blobs only after validation and removes them on failure).
 */
export async function enterStaffReport(deps: IntakeDeps, staffId: string, form: FormData, today: string = dayOf()): Promise<EnteredReport> {
  const entry = parseStaffEntry(form, today);
  const input = parseReportFields(form);
  if (input.observedAt && input.observedAt.slice(0, 10) > entry.receivedOn) throw fieldError('observed_at', '不能晚于收到日期。');
  const files = fileParts(form);
  const enteredAt = new Date().toISOString();
  const filed = await fileReport(deps, input, files, {
    channel: entry.channel,
    receivedOn: entry.receivedOn,
    async inTransaction(tx: Db, reportId: string) {
      await tx.insert(staffIntakes).values({ reportId, enteredBy: staffId, sourceBody: entry.sourceBody, enteredAt });
      await appendAuditIn(tx, { actor: staffId, action: 'report.entered', reportId, detail: { channel: entry.channel, received_on: entry.receivedOn, files: files.length } });
    },
  });
  return { receipt: filed.receipt, reportId: filed.reportId, channel: entry.channel, channelName: channelName(entry.channel), receivedOn: entry.receivedOn, realName: input.identity !== null, attachments: filed.attachments };
}
