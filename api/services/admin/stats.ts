/**
 * Figures for /data/ (public) and the monthly 安委会 summary (staff), from one set of case facts so the
 * two always agree for the same month.
 *
 * No live counts (issue 10): every figure describes the situation at the end of yesterday (Beijing
 * time) — reports received, accepted, closed and rewarded on or before that day — so filing a report,
 * or acting on one, changes nothing public until the day is over and a watcher cannot time a report.
 * Public cells of 1 or 2 are suppressed with everything derived from them; 0 is shown as 0.
 */
import { eq } from 'drizzle-orm';
import { TOWNSHIPS } from '../../../config/county.ts';
import { SECTOR_CODES, SECTOR_NAMES, type SectorCode } from '../../../config/taxonomy.ts';
import { CHANNELS } from '../../../config/channels.ts';
import type { Db } from '../../db/client.ts';
import { caseTracking, reports } from '../../db/schema.ts';
import { addDays, dayOf, daysBetween } from '../reports/shared.ts';
import { auditCheckpoint, type AuditCheckpoint } from './audit.ts';
import { ensureTracking } from './cases/queue.ts';
import { handlingSettings } from './settings.ts';

export const SUPPRESS_BELOW = 3;

export interface StatsRow {
  key: string;
  label: string;
  /** null = suppressed (1 or 2, see SUPPRESS_BELOW). */
  received: number | null;
  accepted: number | null;
  closed: number | null;
  closure_rate: number | null;
  median_days_to_close: number | null;
  rewards_granted: number | null;
  rewards_total_yuan: number | null;
}

export interface PublicStats {
  /** The last whole day the figures cover (yesterday, Beijing time); nothing from today is counted. */
  generated_on: string;
  suppress_below: number;
  /** The handling period in force (办结期限 setting), so the page states the current rule. */
  close_days: number;
  max_extension_days: number;
  totals: StatsRow;
  by_month: StatsRow[];
  by_sector: StatsRow[];
  /** Issue 15: web, phone, letter, visit, transfer and 12345 in the same figures. */
  by_channel: StatsRow[];
  /** The audit chain at the end of that day: anyone may keep it and check it later. */
  audit_checkpoint: AuditCheckpoint;
}

/** One report as the statistics see it at the end of `asOf` (plaintext columns only). */
export interface CaseFacts {
  month: string;
  createdOn: string;
  /** How the report reached us (config/channels.ts), issue 15. */
  channel: string;
  sector: string;
  township: string;
  accepted: boolean;
  closed: boolean;
  closedOn: string | null;
  daysToClose: number | null;
  reward: number | null;
  extended: boolean;
  /** The deadline passed before the case was closed (or it is still open past it at `asOf`). */
  overdue: boolean;
}

const ACCEPTED_STATUSES = new Set(['accepted', 'assigned', 'investigating', 'extended', 'substantiated', 'unsubstantiated', 'rectifying', 'closed']);

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The last whole day public figures may cover. */
export function lastWholeDay(today: string = dayOf()): string {
  return addDays(today, -1);
}

/** Facts of every report received on or before `asOf`, each as it stood at the end of that day. */
export async function caseFacts(db: Db, asOf: string): Promise<CaseFacts[]> {
  await ensureTracking(db);
  const rows = (await db.select({ r: reports, t: caseTracking }).from(reports).innerJoin(caseTracking, eq(caseTracking.reportId, reports.id))).filter(({ r }) => r.createdOn <= asOf);
  return rows.map(({ r, t }) => {
    const closed = r.status === 'closed' && !!t.closedOn && t.closedOn <= asOf;
    const accepted = t.acceptedOn ? t.acceptedOn <= asOf : ACCEPTED_STATUSES.has(r.status) && r.updatedOn <= asOf;
    const rewarded = r.rewardDecision === 'granted' && !!r.rewardDecidedOn && r.rewardDecidedOn <= asOf;
    const open = !closed && r.status !== 'not_accepted';
    return {
      month: r.createdOn.slice(0, 7),
      createdOn: r.createdOn,
      channel: r.channel,
      sector: r.sector,
      township: r.township,
      accepted,
      closed,
      closedOn: closed ? t.closedOn : null,
      daysToClose: closed ? daysBetween(r.createdOn, t.closedOn!) : null,
      reward: rewarded ? (r.rewardAmountYuan ?? 0) : null,
      extended: !!t.extensionDays,
      overdue: closed ? t.closedOn! > r.dueOn : open && r.dueOn < asOf,
    };
  });
}

export interface Counts {
  received: number;
  accepted: number;
  closed: number;
  closure_rate: number | null;
  median_days_to_close: number | null;
  rewards_granted: number;
  rewards_total_yuan: number;
  overdue: number;
  extended: number;
}

/** Unsuppressed counts (staff only). */
export function countFacts(facts: CaseFacts[]): Counts {
  const accepted = facts.filter((f) => f.accepted).length;
  const closed = facts.filter((f) => f.closed);
  const rewards = facts.filter((f) => f.reward !== null);
  return {
    received: facts.length,
    accepted,
    closed: closed.length,
    closure_rate: accepted ? Math.round((closed.length / accepted) * 1000) / 10 : null,
    median_days_to_close: median(closed.map((c) => c.daysToClose ?? 0)),
    rewards_granted: rewards.length,
    rewards_total_yuan: rewards.reduce((n, f) => n + (f.reward ?? 0), 0),
    overdue: facts.filter((f) => f.overdue).length,
    extended: facts.filter((f) => f.extended).length,
  };
}

/** Public row: 1 and 2 are suppressed (with what is derived from them); 0 stays 0. */
function summarise(key: string, label: string, facts: CaseFacts[]): StatsRow {
  const ok = (n: number) => n === 0 || n >= SUPPRESS_BELOW;
  const c = countFacts(facts);
  if (!ok(c.received)) return { key, label, received: null, accepted: null, closed: null, closure_rate: null, median_days_to_close: null, rewards_granted: null, rewards_total_yuan: null };
  const closedOk = ok(c.closed);
  const acceptedOk = ok(c.accepted);
  const rewardsOk = ok(c.rewards_granted);
  return {
    key,
    label,
    received: c.received,
    accepted: acceptedOk ? c.accepted : null,
    closed: closedOk ? c.closed : null,
    closure_rate: closedOk && acceptedOk ? c.closure_rate : null,
    median_days_to_close: closedOk ? c.median_days_to_close : null,
    rewards_granted: rewardsOk ? c.rewards_granted : null,
    rewards_total_yuan: rewardsOk ? c.rewards_total_yuan : null,
  };
}

export const monthLabel = (m: string) => `${m.slice(0, 4)}年${Number(m.slice(5))}月`;

/** The 12 months ending with the month of `day`, oldest first. */
function monthsEnding(day: string): string[] {
  const months: string[] = [];
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  for (let i = 11; i >= 0; i--) months.push(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
  return months;
}

export async function publicStats(db: Db, today: string = dayOf()): Promise<PublicStats> {
  const asOf = lastWholeDay(today);
  const facts = await caseFacts(db, asOf);
  const s = await handlingSettings(db);
  return {
    generated_on: asOf,
    suppress_below: SUPPRESS_BELOW,
    close_days: s.closeDays,
    max_extension_days: s.maxExtensionDays,
    totals: summarise('all', '合计', facts),
    by_month: monthsEnding(asOf).map((m) => summarise(m, monthLabel(m), facts.filter((f) => f.month === m))),
    by_sector: SECTOR_CODES.map((code) => summarise(code, SECTOR_NAMES[code as SectorCode], facts.filter((f) => f.sector === code))),
    by_channel: CHANNELS.map((ch) => summarise(ch.code, ch.name, facts.filter((f) => f.channel === ch.code))),
    audit_checkpoint: await auditCheckpoint(db, asOf),
  };
}

// ---------------------------------------------------------------------------------------------
// Monthly summary for the 安委会 (staff only, unsuppressed): the reports received in one month, as they
// stood at the end of the last whole day — the same facts /data/ shows for that month.

export interface MonthlySummary {
  month: string;
  label: string;
  /** End of the last whole day counted (the month's last day, or yesterday for the current month). */
  as_of: string;
  complete: boolean;
  totals: Counts;
  by_sector: ({ key: string; label: string } & Counts)[];
  by_township: ({ key: string; label: string } & Counts)[];
  /** Issue 15: channels that brought reports this month (phone, letter, 12345 … counted like web). */
  by_channel: ({ key: string; label: string } & Counts)[];
  audit_checkpoint: AuditCheckpoint;
}

export function isMonth(v: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(v);
}

export async function monthlySummary(db: Db, month: string, today: string = dayOf()): Promise<MonthlySummary> {
  const lastDay = addDays(new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10), -1);
  const yesterday = lastWholeDay(today);
  const asOf = yesterday;
  const facts = (await caseFacts(db, asOf)).filter((f) => f.month === month);
  const group = <K extends string>(keys: readonly { key: K; label: string }[], pick: (f: CaseFacts) => string) =>
    keys.map(({ key, label }) => ({ key, label, ...countFacts(facts.filter((f) => pick(f) === key)) })).filter((row) => row.received > 0);
  return {
    month,
    label: monthLabel(month),
    as_of: asOf,
    complete: lastDay <= yesterday,
    totals: countFacts(facts),
    by_sector: group(SECTOR_CODES.map((c) => ({ key: c, label: SECTOR_NAMES[c as SectorCode] })), (f) => f.sector),
    by_township: group(TOWNSHIPS.map((t) => ({ key: t.code, label: t.name })), (f) => f.township),
    by_channel: group(CHANNELS.map((ch) => ({ key: ch.code, label: ch.name })), (f) => f.channel),
    audit_checkpoint: await auditCheckpoint(db, lastDay < yesterday ? lastDay : yesterday),
  };
}
