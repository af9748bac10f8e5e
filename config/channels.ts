/**
 * How a report reached the county (issue 15). Codes are stored in reports.channel: never rename one,
 * add a new one instead. Every channel goes through the same workflow and the same figures.
 */
export const CHANNELS = [
  { code: 'web', name: '网上举报', short: '网上', staffEntered: false },
  { code: 'phone_12345', name: '12345 热线电话', short: '12345电话', staffEntered: true },
  { code: 'phone_12350', name: '12350 安全生产举报电话', short: '12350电话', staffEntered: true },
  { code: 'phone_other', name: '其他电话', short: '电话', staffEntered: true },
  { code: 'letter', name: '来信', short: '来信', staffEntered: true },
  { code: 'visit', name: '来访', short: '来访', staffEntered: true },
  { code: 'transfer', name: '其他单位转交', short: '转交', staffEntered: true },
  { code: 'hotline_order', name: '12345 工单', short: '12345工单', staffEntered: false },
] as const;

export type ChannelCode = (typeof CHANNELS)[number]['code'];
export const CHANNEL_CODES = CHANNELS.map((c) => c.code) as [ChannelCode, ...ChannelCode[]];
export const CHANNEL_NAMES = Object.fromEntries(CHANNELS.map((c) => [c.code, c.name])) as Record<ChannelCode, string>;
/** Channels an intake officer picks on the entry form (work orders come by import). */
export const STAFF_ENTRY_CHANNELS = CHANNELS.filter((c) => c.staffEntered);

export function channelName(code: string | null | undefined): string {
  return CHANNEL_NAMES[(code ?? 'web') as ChannelCode] ?? code ?? '网上举报';
}

export function isChannelCode(v: unknown): v is ChannelCode {
  return typeof v === 'string' && (CHANNEL_CODES as readonly string[]).includes(v);
}
