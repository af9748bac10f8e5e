/**
 * Short-lived, single-use tokens held in server memory only, so that the no-JavaScript reporter flow
 * can follow Post/Redirect/Get without the receipt or the report ever being re-sent by the browser:
 *
 * - a *view* token carries one rendered result (the status page, the receipt page, "not found") to
 *   the GET that follows the POST, once; Back, reload or history then find it spent;
 * - a *reply* token stands in for the receipt in the status page's reply form, so the page (and the
 *   browser's saved form state) never holds the receipt itself.
 *
 * Tokens are 128-bit random, never derived from the receipt, and vanish on restart.
 */
import { randomBytes } from 'node:crypto';

export interface TokenOptions {
  ttlMs: number;
  /** Oldest tokens are dropped beyond this many (memory bound under a flood). */
  max: number;
  now?: () => number;
}

export class TokenStore<T> {
  private readonly items = new Map<string, { value: T; expiresAt: number }>();
  private readonly opts: TokenOptions;

  constructor(opts: TokenOptions) {
    this.opts = opts;
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  issue(value: T): string {
    const token = randomBytes(16).toString('base64url');
    while (this.items.size >= this.opts.max) this.items.delete(this.items.keys().next().value!);
    this.items.set(token, { value, expiresAt: this.now() + this.opts.ttlMs });
    return token;
  }

  /** Returns the value once and forgets it; null when unknown, spent or expired. */
  take(token: unknown): T | null {
    if (typeof token !== 'string' || token.length > 64) return null;
    const item = this.items.get(token);
    if (!item) return null;
    this.items.delete(token);
    return item.expiresAt > this.now() ? item.value : null;
  }

  /** Returns the value without spending the token (reply tokens: one per page, several replies). */
  get(token: unknown): T | null {
    if (typeof token !== 'string' || token.length > 64) return null;
    const item = this.items.get(token);
    if (!item) return null;
    if (item.expiresAt > this.now()) return item.value;
    this.items.delete(token);
    return null;
  }

  get size(): number {
    return this.items.size;
  }
}
