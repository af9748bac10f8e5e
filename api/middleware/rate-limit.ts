/**
 * Rate limits without tracking: counters live only in memory, keyed by HMAC(secret, client address)
 * with a random secret that is replaced — and every counter discarded — at the end of each window.
 * The address itself is never stored, logged or kept past the request.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export interface RateLimiterOptions {
  windowMs: number;
  /** Allowed requests per window and bucket; 0 disables a bucket's limit. */
  limits: Record<string, number>;
  now?: () => number;
}

export class RateLimiter {
  private secret = randomBytes(32);
  private counters = new Map<string, number>();
  private windowStart: number;
  private readonly opts: RateLimiterOptions;

  constructor(opts: RateLimiterOptions) {
    this.opts = opts;
    this.windowStart = this.now();
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  private rotateIfDue(): void {
    if (this.now() - this.windowStart >= this.opts.windowMs) {
      this.secret = randomBytes(32);
      this.counters = new Map();
      this.windowStart = this.now();
    }
  }

  /** Counts one request; false when the bucket's limit for this address is used up. */
  hit(bucket: string, address: string): boolean {
    const limit = this.opts.limits[bucket] ?? 0;
    if (limit <= 0) return true;
    this.rotateIfDue();
    const key = createHmac('sha256', this.secret).update(bucket).update('\0').update(address).digest('base64url');
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    return n <= limit;
  }

  /** Number of distinct keys held (for tests: nothing else is observable). */
  get size(): number {
    return this.counters.size;
  }

  /** Minutes until counters reset, for the refusal message. */
  minutesLeft(): number {
    return Math.max(1, Math.ceil((this.opts.windowMs - (this.now() - this.windowStart)) / 60_000));
  }
}

/** The TCP peer address for the limiter only; '' when unknown (in-process tests). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? '';
  } catch {
    return '';
  }
}

/** Default limits per address per hour: generous for people, tight for scripts. */
export const DEFAULT_REPORT_LIMITS = { submit: 20, lookup: 60, message: 30 } as const;
