/**
 * The one clock the back office and the public figures read. In tests (NODE_ENV=test, or the
 * explicit flag TEST_CLOCK=1) the environment variable NOW (an ISO date or date-time, e.g.
 * `NOW=2026-12-07T09:00:00+08:00`) replaces the real time, so deadlines, overdue / due-soon states
 * and "whole days before today" can be tested at their boundaries. Anywhere else NOW is ignored, and
 * api/env.ts refuses to start a server that sets it (so nobody runs production on a fake date).
 */

export function testClockAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV === 'test' || env.TEST_CLOCK === '1';
}

/** Parses NOW; a bare date means 09:00 Beijing time that day (an office morning). */
export function parseNow(value: string): Date | null {
  const v = value.trim();
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T09:00:00+08:00`) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The current time: NOW when the test clock is allowed and set, the real time otherwise. */
export function now(env: NodeJS.ProcessEnv = process.env): Date {
  if (env.NOW && testClockAllowed(env)) {
    const d = parseNow(env.NOW);
    if (d) return d;
  }
  return new Date();
}

const TIME_FORMAT = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

/** A stored ISO time shown to staff in Beijing time: "2026-12-07 09:05". */
export function beijingTime(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  const parts = Object.fromEntries(TIME_FORMAT.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
}

/** The instant a Beijing calendar day starts, as an ISO string (for comparing with stored times). */
export function beijingDayStart(day: string): string {
  return new Date(`${day}T00:00:00+08:00`).toISOString();
}
