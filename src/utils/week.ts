/**
 * Week numbering for the home page's "警示案例" that changes every Monday at 00:00 Beijing time
 * (UTC+8, no daylight saving). Shared by the build (which renders this week and the next few) and
 * the browser script (which shows the one for today), so both always agree.
 */
const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
/** 1970-01-01 was a Thursday: the first Monday is four days later. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

/** Number of whole Beijing weeks (Monday to Sunday) since the week of 1970-01-05. */
export function weekIndex(date: Date): number {
  return Math.floor((date.getTime() + BEIJING_OFFSET_MS - FIRST_MONDAY_MS) / (7 * DAY_MS));
}

/** Item for a week: a fixed cycle through the list, one per week. */
export function itemForWeek<T>(items: readonly T[], week: number): T | undefined {
  if (items.length === 0) return undefined;
  return items[((week % items.length) + items.length) % items.length];
}
