/**
 * How the audit details written by issue 15 read in the Chinese audit log view (spread into the
 * DETAIL table of services/admin/audit-labels.ts). Presentation only; stored entries are unchanged.
 */
import { channelName } from '../../../config/channels.ts';
import { NOTIFY_MODES, scopeName, WEBHOOK_KINDS } from '../notify/settings.ts';

export const CHANNEL_AUDIT_DETAILS: Record<string, (v: unknown) => string> = {
  channel: (v) => `渠道：${channelName(String(v))}`,
  received_on: (v) => `收到日期：${v}`,
  order_no: (v) => `工单编号：${v}`,
  orders: (v) => `${v} 张工单`,
  mode: (v) => `提醒方式：${NOTIFY_MODES.find((m) => m.code === v)?.name ?? String(v)}`,
  webhook: (v) => `群机器人：${scopeName(String(v))}`,
  kind: (v) => WEBHOOK_KINDS.find((k) => k.code === v)?.name ?? String(v),
  removed: (v) => (v ? '已删除' : ''),
  delivery: (v) => `发送记录 ${v} 号`,
};
