import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/**
 * In-memory fixed-window rate limiter for the quizzes: each bucket has its own window, and lookups by
 * secret can be refused once a client has failed too often (`exhausted`) without counting successes. Clients are keyed by HMAC(rotating secret, address): no IP
 * address is ever stored, and when the secret rotates every counter is discarded with it.
 */
export class QuizRateLimiter {
  private secret: KeyObject = createSecretKey(randomBytes(32));
  private rotatedAt: number;
  private readonly counters = new Map<string, { count: number; resetAt: number }>();
  private readonly rotateMs: number;
  private readonly now: () => number;

  constructor(opts: { rotateMs?: number; now?: () => number } = {}) {
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

  /** Counts one event; false when the client has used up `limit` events in the current window. */
  hit(bucket: string, client: string, limit: number, windowMs: number): boolean {
    const now = this.now();
    this.rotateIfDue(now);
    const key = `${bucket}:${client}`;
    let entry = this.counters.get(key);
    if (!entry || entry.resetAt <= now) {
      if (this.counters.size > 50_000) this.sweep(now);
      entry = { count: 0, resetAt: now + windowMs };
      this.counters.set(key, entry);
    }
    entry.count++;
    return entry.count <= limit;
  }

  /** True when the client has already used up the bucket (checks without counting). */
  exhausted(bucket: string, client: string, limit: number): boolean {
    const entry = this.counters.get(`${bucket}:${client}`);
    return !!entry && entry.resetAt > this.now() && entry.count >= limit;
  }

  private sweep(now: number): void {
    for (const [k, v] of this.counters) if (v.resetAt <= now) this.counters.delete(k);
  }

  /** Number of live counters (for tests). */
  get size(): number {
    return this.counters.size;
  }
}
