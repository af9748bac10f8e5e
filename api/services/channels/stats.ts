/**
 * Figures by channel (issue 15) for the back office, the monthly 安委会 summary and /data/: every
 * channel counts in one set of figures, so 办结率 = closed ÷ accepted over web, phone, letter, visit,
 * transfer and 12345 alike. Day-precision plaintext columns only.
 */
import { and, eq, gte, lte } from 'drizzle-orm';
import { CHANNELS, channelName } from '../../../config/channels.ts';
import { first, type Db } from '../../db/client.ts';
import { caseTracking, hotlineOrders, reports, staffIntakes, staffUsers } from '../../db/schema.ts';
import { ensureTracking } from '../admin/cases/queue.ts';

const ACCEPTED = new Set(['accepted', 'assigned', 'investigating', 'extended', 'substantiated', 'unsubstantiated', 'rectifying', 'closed']);

export interface ChannelCount {
  channel: string;
  label: string;
  received: number;
  accepted: number;
  closed: number;
  /** Percent with one decimal; null when nothing was accepted. */
  closure_rate: number | null;
}

export interface ChannelFigures {
  by_channel: ChannelCount[];
  total: ChannelCount;
}

function rate(closed: number, accepted: number): number | null {
  return accepted ? Math.round((closed / accepted) * 1000) / 10 : null;
}

/** Received, accepted, closed and 办结率 per channel for reports received in [from, to] (YYYY-MM-DD, inclusive). */
export async function countsByChannel(db: Db, range: { from?: string; to?: string } = {}): Promise<ChannelFigures> {
  await ensureTracking(db);
  const conds = [range.from ? gte(reports.createdOn, range.from) : undefined, range.to ? lte(reports.createdOn, range.to) : undefined].filter((c) => c !== undefined);
  const rows = await db
    .select({ channel: reports.channel, status: reports.status })
    .from(reports)
    .innerJoin(caseTracking, eq(caseTracking.reportId, reports.id))
    .where(conds.length ? and(...conds) : undefined);
  const tally = (list: typeof rows, channel: string, label: string): ChannelCount => {
    const accepted = list.filter((r) => ACCEPTED.has(r.status)).length;
    const closed = list.filter((r) => r.status === 'closed').length;
    return { channel, label, received: list.length, accepted, closed, closure_rate: rate(closed, accepted) };
  };
  const known = new Set<string>(CHANNELS.map((c) => c.code));
  const extra = [...new Set(rows.map((r) => r.channel).filter((c) => !known.has(c)))];
  return {
    by_channel: [...CHANNELS.map((c) => c.code as string), ...extra].map((code) => tally(rows.filter((r) => r.channel === code), code, channelName(code))),
    total: tally(rows, 'all', '全部渠道'),
  };
}

/** Month range helper for the monthly summary: "2026-12" → 2026-12-01 … 2026-12-31. */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** Where one case came from, for the case page and 案卷 (plaintext only; no reporter data). */
export interface ChannelFacts {
  channel: string;
  channel_label: string;
  received_on: string | null;
  source_body: string | null;
  entered_by: string | null;
  order_no: string | null;
  hotline_due_on: string | null;
}

export async function channelFacts(db: Db, reportId: string): Promise<ChannelFacts> {
  const row = first(await db.select({ channel: reports.channel, receivedOn: reports.receivedOn }).from(reports).where(eq(reports.id, reportId)).limit(1));
  const intake = first(await db.select({ sourceBody: staffIntakes.sourceBody, name: staffUsers.displayName }).from(staffIntakes).leftJoin(staffUsers, eq(staffUsers.id, staffIntakes.enteredBy)).where(eq(staffIntakes.reportId, reportId)).limit(1));
  const order = first(await db.select().from(hotlineOrders).where(eq(hotlineOrders.reportId, reportId)).limit(1));
  const entered = intake?.name ?? (order ? (first(await db.select({ n: staffUsers.displayName }).from(staffUsers).where(eq(staffUsers.id, order.importedBy)).limit(1))?.n ?? null) : null);
  return {
    channel: row?.channel ?? 'web',
    channel_label: channelName(row?.channel),
    received_on: row?.receivedOn ?? null,
    source_body: intake?.sourceBody ?? null,
    entered_by: entered,
    order_no: order?.orderNo ?? null,
    hotline_due_on: order?.hotlineDueOn ?? null,
  };
}
