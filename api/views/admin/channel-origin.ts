/** Issue 15: where a case came from, for the case page and the printed 案卷 (plaintext facts, no reporter data). */
import type { ChannelFacts } from '../../services/channels/stats.ts';

/** Channel, transferring body, 12345 order number, the hotline's deadline and who entered it. */
export function originText(o: ChannelFacts): string {
  return [o.channel_label, o.source_body ? `转交单位：${o.source_body}` : '', o.order_no ? `工单编号 ${o.order_no}` : '', o.hotline_due_on ? `热线办理时限 ${o.hotline_due_on}` : '', o.entered_by ? `录入：${o.entered_by}` : ''].filter(Boolean).join('，');
}
