/**
 * The notifier job (issue 15): every NOTIFY_INTERVAL_SECONDS it derives events from the database,
 * groups them per recipient and sends what is due. It runs beside the workflow, never inside it:
 * a slow or broken mail server or robot only delays notifications, never a report.
 */
import type { Db } from '../../db/client.ts';
import { dayOf } from '../reports/shared.ts';
import type { NotifyConfig } from './config.ts';
import { deriveEvents, ensureCursor } from './derive.ts';
import { planDeliveries, sendDue } from './deliver.ts';
import { realTransports, type Transports } from './transports.ts';

/**
 * One round. `now` times deliveries (digest hour, retries with backoff: real time); `today` is the
 * back office's day for deadlines (api/clock.ts, so a test clock moves reminders with the queue).
 */
export async function runNotifierOnce(db: Db, config: NotifyConfig, transports: Transports, now: Date = new Date(), today: string = dayOf(now)) {
  const events = await deriveEvents(db, now, today);
  const planned = await planDeliveries(db, config, now);
  const result = await sendDue(db, config, transports, now);
  return { events, planned, ...result };
}

/** Fixes the notification cursor (resolving once it is stored), then ticks. Resolves to a stop function. */
export async function startNotifier(db: Db, config: NotifyConfig, transports: Transports = realTransports(config.smtp)): Promise<() => void> {
  await ensureCursor(db);
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await runNotifierOnce(db, config, transports, new Date(), dayOf());
    } catch (e) {
      // Operator-only trace; the job holds no report content to leak.
      console.error('[notify] 提醒任务出错，下一轮会重试：', e);
    } finally {
      running = false;
    }
  };
  const first = setTimeout(tick, 1000);
  const timer = setInterval(tick, config.intervalSeconds * 1000);
  first.unref();
  timer.unref();
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
  };
}

export { realTransports };
export type { NotifyConfig, Transports };
