/**
 * Public figures for /data/: received, accepted, closed, closure rate, median days to close and
 * rewards, by month and by sector. Only plaintext columns are used. Any count below the threshold is
 * suppressed (with everything derived from it), so a small cell cannot point at a reporter.
 */
import { eq } from 'drizzle-orm';
import { SECTOR_CODES, SECTOR_NAMES, type SectorCode } from '../../../config/taxonomy.ts';
import { CHANNELS } from '../../../config/channels.ts';
import type { Db } from '../../db/client.ts';
import { caseTracking, reports } from '../../db/schema.ts';
import { dayOf } from '../reports/shared.ts';
import { ensureTracking } from './cases.ts';

export const SUPPRESS_BELOW = 3;

export interface StatsRow {
  key: string;
  label: string;
  /** null = suppressed (fewer than SUPPRESS_BELOW). */
  received: number | null;
  accepted: number | null;
  closed: number | null;
  closure_rate: number | null;
  median_days_to_close: number | null;
  rewards_granted: number | null;
  rewards_total_yuan: number | null;
}

export interface PublicStats {
  generated_on: string;
  suppress_below: number;
  totals: StatsRow;
  by_month: StatsRow[];
  by_sector: StatsRow[];
  /** Issue 15: web, phone, letter, visit, transfer and 12345 in the same figures. */
  by_channel: StatsRow[];
}

interface CaseFacts {
  month: string;
  channel: string;
  sector: string;
  accepted: boolean;
  closed: boolean;
  daysToClose: number | null;
  reward: number | null;
}

const ACCEPTED_STATUSES = new Set(['accepted', 'assigned', 'investigating', 'extended', 'substantiated', 'unsubstantiated', 'rectifying', 'closed']);

function days(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400_000);
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function summarise(key: string, label: string, facts: CaseFacts[]): StatsRow {
  const ok = (n: number) => n >= SUPPRESS_BELOW;
  const received = facts.length;
  const accepted = facts.filter((f) => f.accepted);
  const closed = facts.filter((f) => f.closed);
  const rewards = facts.filter((f) => f.reward !== null);
  if (!ok(received)) return { key, label, received: null, accepted: null, closed: null, closure_rate: null, median_days_to_close: null, rewards_granted: null, rewards_total_yuan: null };
  const closedOk = ok(closed.length);
  const acceptedOk = ok(accepted.length);
  return {
    key,
    label,
    received,
    accepted: acceptedOk ? accepted.length : null,
    closed: closedOk ? closed.length : null,
    closure_rate: closedOk && acceptedOk ? Math.round((closed.length / accepted.length) * 1000) / 10 : null,
    median_days_to_close: closedOk ? median(closed.map((c) => c.daysToClose ?? 0)) : null,
    rewards_granted: ok(rewards.length) ? rewards.length : null,
    rewards_total_yuan: ok(rewards.length) ? rewards.reduce((n, f) => n + (f.reward ?? 0), 0) : null,
  };
}

export function publicStats(db: Db, today: string = dayOf()): PublicStats {
  ensureTracking(db);
  const rows = db
    .select({ createdOn: reports.createdOn, sector: reports.sector, status: reports.status, reward: reports.rewardDecision, amount: reports.rewardAmountYuan, closedOn: caseTracking.closedOn, channel: reports.channel })
    .from(reports)
    .innerJoin(caseTracking, eq(caseTracking.reportId, reports.id))
    .all();
  const facts: CaseFacts[] = rows.map((r) => ({
    month: r.createdOn.slice(0, 7),
    channel: r.channel,
    sector: r.sector,
    accepted: ACCEPTED_STATUSES.has(r.status),
    closed: r.status === 'closed',
    daysToClose: r.status === 'closed' && r.closedOn ? days(r.createdOn, r.closedOn) : null,
    reward: r.reward === 'granted' ? (r.amount ?? 0) : null,
  }));
  // The last 12 months including this one, oldest first, so gaps show as zeros (suppressed).
  const months: string[] = [];
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  for (let i = 11; i >= 0; i--) {
    const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i, 1));
    months.push(m.toISOString().slice(0, 7));
  }
  return {
    generated_on: today,
    suppress_below: SUPPRESS_BELOW,
    totals: summarise('all', '合计', facts),
    by_month: months.map((m) => summarise(m, `${m.slice(0, 4)}年${Number(m.slice(5))}月`, facts.filter((f) => f.month === m))),
    by_sector: SECTOR_CODES.map((s) => summarise(s, SECTOR_NAMES[s as SectorCode], facts.filter((f) => f.sector === s))),
    by_channel: CHANNELS.map((ch) => summarise(ch.code, ch.name, facts.filter((f) => f.channel === ch.code))),
  };
}
