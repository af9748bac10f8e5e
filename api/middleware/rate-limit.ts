/**
 * One in-memory rate limiter for every public route (reports and quizzes).
 *
 * Counters are kept per client and per bucket, never globally, so one flooding client uses up only
 * its own budget. A client is known only by HMAC(secret, address): the address itself is never
 * stored, logged or kept past the request. The secret is random, lives in memory only, and is
 * replaced — with every counter discarded — when it rotates, so keys cannot be linked across
 * rotations. Lookups by secret (receipts, teacher links, certificate codes) are limited on their
 * failures only (`exhausted` + `hit` on a miss), so a correct code always opens while the client
 * still has failure budget, whatever anyone else sends. For lookups that wait on I/O, a failure is
 * counted before the lookup and refunded when the code was right (`refund`), so a burst of parallel
 * guesses is limited as strictly as a sequence.
 */
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

export interface Limit {
  limit: number;
  windowMs: number;
}

export interface RateLimiterOptions {
  /** How often the HMAC secret is replaced and every counter discarded (default: one hour). */
  rotateMs?: number;
  now?: () => number;
}

/** Above this many live counters, expired ones are swept before a new one is added. */
const SWEEP_AT = 50_000;

export class RateLimiter {
  private secret: KeyObject = createSecretKey(randomBytes(32));
  private rotatedAt: number;
  private readonly counters = new Map<string, { count: number; resetAt: number }>();
  private readonly rotateMs: number;
  private readonly now: () => number;

  constructor(opts: RateLimiterOptions = {}) {
    this.rotateMs = opts.rotateMs ?? 60 * 60 * 1000;
    this.now = opts.now ?? Date.now;
    this.rotatedAt = this.now();
  }

  private rotateIfDue(now: number): void {
    if (now - this.rotatedAt < this.rotateMs) return;
    this.secret = createSecretKey(randomBytes(32));
    this.counters.clear();
    this.rotatedAt = now;
  }

  /** Opaque key for a client address, valid until the next rotation. */
  clientKey(address: string): string {
    this.rotateIfDue(this.now());
    return createHmac('sha256', this.secret).update(address).digest('base64url').slice(0, 22);
  }

  /** Counts one event; false when the client has used up `limit` events in the current window. A limit of 0 never refuses. */
  hit(bucket: string, client: string, { limit, windowMs }: Limit): boolean {
    if (limit <= 0) return true;
    const now = this.now();
    this.rotateIfDue(now);
    const key = `${bucket}:${client}`;
    let entry = this.counters.get(key);
    if (!entry || entry.resetAt <= now) {
      if (this.counters.size > SWEEP_AT) this.sweep(now);
      entry = { count: 0, resetAt: now + windowMs };
      this.counters.set(key, entry);
    }
    entry.count++;
    return entry.count <= limit;
  }

  /** True when the client has already used up the bucket (checks without counting). */
  exhausted(bucket: string, client: string, { limit }: Limit): boolean {
    if (limit <= 0) return false;
    const now = this.now();
    this.rotateIfDue(now);
    const entry = this.counters.get(`${bucket}:${client}`);
    return !!entry && entry.resetAt > now && entry.count >= limit;
  }

  /**
   * Gives back one event counted by `hit` (a lookup that turned out right). Counting first and
   * refunding after means parallel requests cannot all pass a check made before any of them failed.
   */
  refund(bucket: string, client: string): void {
    const entry = this.counters.get(`${bucket}:${client}`);
    if (entry && entry.count > 0 && entry.resetAt > this.now()) entry.count--;
  }

  /** Whole minutes until the client's bucket resets (at least 1), for the refusal message. */
  minutesLeft(bucket: string, client: string): number {
    const now = this.now();
    const entry = this.counters.get(`${bucket}:${client}`);
    const resetAt = Math.min(entry?.resetAt ?? now, this.rotatedAt + this.rotateMs);
    return Math.max(1, Math.ceil((resetAt - now) / 60_000));
  }

  private sweep(now: number): void {
    for (const [k, v] of this.counters) if (v.resetAt <= now) this.counters.delete(k);
  }

  /** Number of live counters (for tests: nothing else is observable). */
  get size(): number {
    return this.counters.size;
  }
}

const HOUR = 60 * 60 * 1000;

/**
 * Reporter routes, per client per hour: generous for people, tight for scripts. Receipt lookups are
 * limited on wrong codes (`lookupFailures`) so guessing is slow but a correct receipt keeps opening;
 * `lookup` caps all lookups of one client, since each one costs a slow key derivation.
 */
export const DEFAULT_REPORT_LIMITS = { submit: 20, lookup: 600, lookupFailures: 60, message: 30 } as const;
export type ReportBucket = keyof typeof DEFAULT_REPORT_LIMITS;

/** Per-hour limits as the limiter wants them; a missing bucket is unlimited. */
export function hourly(limits: Partial<Record<string, number>>, bucket: string): Limit {
  return { limit: limits[bucket] ?? 0, windowMs: HOUR };
}
