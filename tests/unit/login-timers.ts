/** Shared by the login mutation tests: logins under fake timers, at fixed instants. */
import { vi } from 'vitest';
import { backoffMs } from '../../api/services/admin/staff.ts';

/**
 * Runs a login while advancing fake timers, so backoff delays pass instantly. Only the login's own
 * backoff timer is run forward, once it is set: a PostgreSQL pool's connection and idle timers (also
 * setTimeout) must not fire early while a query is on its way.
 */
export async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: any }> {
  let done: { ok: true; value: T } | { ok: false; error: any } | null = null;
  p.then((value) => (done = { ok: true, value }), (error) => (done = { ok: false, error }));
  const timers = vi.spyOn(globalThis, 'setTimeout');
  let seen = 0;
  try {
    while (!done) {
      const backoff = timers.mock.calls.slice(seen).find((c) => typeof c[1] === 'number' && c[1] <= backoffMs(99));
      seen = timers.mock.calls.length;
      if (backoff) await vi.advanceTimersByTimeAsync(backoff[1] as number);
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    timers.mockRestore();
  }
  return done;
}

export const T0 = Date.parse('2026-06-01T08:00:10.000Z');
export const at = (ms: number) => new Date(T0 + ms);
