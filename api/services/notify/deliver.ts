/**
 * From outbox to messages (issue 15). Pending items are grouped per recipient into one delivery —
 * at once for "instant", once a day after NOTIFY_DIGEST_HOUR (Beijing) for "digest". A delivery is a
 * count and case numbers with links to the back office, never report text, place, names or receipts.
 * Failed sends retry with doubling delays; after NOTIFY_MAX_ATTEMPTS the delivery is marked failed
 * and shown to the administrator, who can send it again. Reports never wait on any of this.
 */
import { and, asc, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { first, row, serialize, type Db } from '../../db/client.ts';
import { notifyDeliveries, notifyEvents, notifyItems, reports, staffUsers } from '../../db/schema.ts';
import { dayOf, formatCaseNumber } from '../reports/shared.ts';
import type { NotifyConfig } from './config.ts';
import { EVENT_LABELS, type EventKind } from './derive.ts';
import { prefsOf, webhookOf } from './settings.ts';
import { describeError, type Message, type Transports } from './transports.ts';

/** When today's digest goes out (UTC instant of digestHour:00 Beijing time). */
export function digestAt(now: Date, digestHour: number): Date {
  return new Date(`${dayOf(now)}T${String(digestHour).padStart(2, '0')}:00:00+08:00`);
}

/** Delay before the next attempt: the notifier interval, doubled per failure, at most 6 hours. */
export function backoffSeconds(attempts: number, intervalSeconds: number): number {
  return Math.min(6 * 3600, intervalSeconds * 2 ** Math.max(0, attempts - 1));
}

async function recipientMode(db: Db, recipient: string): Promise<{ channel: 'email' | 'webhook'; mode: 'instant' | 'digest' } | null> {
  if (recipient.startsWith('staff:')) {
    // A deactivated account gets nothing more.
    if (!first(await db.select({ active: staffUsers.active }).from(staffUsers).where(eq(staffUsers.id, recipient.slice(6))).limit(1))?.active) return null;
    const p = await prefsOf(db, recipient.slice(6));
    if (p.mode === 'off' || !p.email) return null;
    return { channel: 'email', mode: p.mode };
  }
  const w = await webhookOf(db, recipient.slice(5));
  return w ? { channel: 'webhook', mode: w.mode } : null;
}

/** Groups waiting items into deliveries; returns how many deliveries were created. */
export async function planDeliveries(db: Db, config: NotifyConfig, now: Date = new Date()): Promise<number> {
  const at = now.toISOString();
  const digestTime = digestAt(now, config.digestHour);
  return db.transaction(async (tx) => {
    // Two notifier processes must not both turn the same waiting items into deliveries.
    await serialize(tx, 'notify_plan');
    let created = 0;
    const waiting = await tx.select({ recipient: notifyItems.recipient }).from(notifyItems).where(isNull(notifyItems.deliveryId)).groupBy(notifyItems.recipient);
    for (const { recipient } of waiting) {
      const how = await recipientMode(tx, recipient);
      if (!how) {
        // The person turned notifications off or the robot was removed: nothing to send to.
        await tx.delete(notifyItems).where(and(eq(notifyItems.recipient, recipient), isNull(notifyItems.deliveryId)));
        continue;
      }
      const digest = how.mode === 'digest';
      if (digest) {
        if (now < digestTime) continue;
        const last = first(
          await tx
            .select({ createdAt: notifyDeliveries.createdAt })
            .from(notifyDeliveries)
            .where(and(eq(notifyDeliveries.recipient, recipient), eq(notifyDeliveries.digest, true)))
            .orderBy(desc(notifyDeliveries.id))
            .limit(1),
        );
        if (last && new Date(last.createdAt) >= digestTime) continue;
      }
      const items = await tx.select({ id: notifyItems.id }).from(notifyItems).where(and(eq(notifyItems.recipient, recipient), isNull(notifyItems.deliveryId)));
      const [d] = await tx
        .insert(notifyDeliveries)
        .values({ recipient, channel: how.channel, status: 'pending', attempts: 0, nextAttemptAt: at, itemCount: items.length, digest, createdAt: at })
        .returning({ id: notifyDeliveries.id });
      await tx
        .update(notifyItems)
        .set({ deliveryId: d!.id })
        .where(inArray(notifyItems.id, items.map((i) => i.id)));
      created++;
    }
    return created;
  });
}

const KIND_ORDER: EventKind[] = ['overdue', 'due_soon', 'new_case', 'assigned', 'reporter_reply'];
const MAX_LISTED = 30;

/** The message of a delivery: counts per kind and case numbers with back-office links. Nothing else. */
export async function composeMessage(db: Db, config: NotifyConfig, deliveryId: number, digest: boolean, now: Date = new Date()): Promise<Message> {
  const rows = await db
    .select({ kind: notifyEvents.kind, reportId: notifyEvents.reportId, found: reports.id, caseYear: reports.caseYear, caseSeq: reports.caseSeq })
    .from(notifyItems)
    .innerJoin(notifyEvents, eq(notifyEvents.id, notifyItems.eventId))
    .leftJoin(reports, eq(reports.id, notifyEvents.reportId))
    .where(eq(notifyItems.deliveryId, deliveryId))
    .orderBy(asc(notifyItems.id));
  const lines: string[] = ['本提醒不含任何举报内容。请登录办理后台查看和处理：', `${config.siteUrl}/admin/`, ''];
  let total = 0;
  for (const kind of KIND_ORDER) {
    const ofKind = rows.filter((r) => r.kind === kind && r.reportId && r.found);
    if (!ofKind.length) continue;
    const cases = [...new Map(ofKind.map((r) => [r.reportId!, formatCaseNumber(r.caseYear, r.caseSeq)])).entries()];
    total += ofKind.length;
    lines.push(`${EVENT_LABELS[kind]}：${kind === 'reporter_reply' ? `${ofKind.length} 条，涉及 ${cases.length} 件案件` : `${cases.length} 件`}`);
    for (const [id, number] of cases.slice(0, MAX_LISTED)) lines.push(`  ${number}  ${config.siteUrl}/admin/cases/${id}`);
    if (cases.length > MAX_LISTED) lines.push(`  ……另有 ${cases.length - MAX_LISTED} 件，请在案件列表中查看`);
    lines.push('');
  }
  lines.push('此消息由商河安全办理后台自动发送，请勿回复。提醒设置：' + `${config.siteUrl}/admin/notifications/me`);
  const subject = digest ? `【商河安全】${dayOf(now)} 办理提醒汇总：${total} 条` : `【商河安全】办理提醒：${total} 条新情况`;
  return { subject, text: lines.join('\n') };
}

/**
 * While one notifier sends a delivery, it is not due for anyone else for this long (several server
 * processes each run a notifier). Only a process that dies mid-send leaves a delivery waiting this long.
 */
export const SEND_LEASE_MS = 10 * 60 * 1000;

/** Sends every delivery that is due; never throws (failures are recorded for the administrator). */
export async function sendDue(db: Db, config: NotifyConfig, transports: Transports, now: Date = new Date()): Promise<{ sent: number; failed: number }> {
  const due = await db
    .select()
    .from(notifyDeliveries)
    .where(and(eq(notifyDeliveries.status, 'pending'), lte(notifyDeliveries.nextAttemptAt, now.toISOString())))
    .orderBy(asc(notifyDeliveries.id))
    .limit(100);
  let sent = 0;
  let failed = 0;
  for (const d of due) {
    // Claim it: of two notifiers that read the same due delivery, only one sends it.
    const claimed = await db
      .update(notifyDeliveries)
      .set({ nextAttemptAt: new Date(now.getTime() + SEND_LEASE_MS).toISOString() })
      .where(and(eq(notifyDeliveries.id, d.id), eq(notifyDeliveries.status, 'pending'), eq(notifyDeliveries.nextAttemptAt, d.nextAttemptAt)))
      .returning({ id: notifyDeliveries.id });
    if (!claimed.length) continue;
    const message = await composeMessage(db, config, d.id, d.digest, now);
    try {
      if (d.channel === 'email') {
        const p = await prefsOf(db, d.recipient.slice(6));
        if (!p.email) throw new Error('这个人已删除邮箱');
        await transports.email(p.email, message);
      } else {
        const w = await webhookOf(db, d.recipient.slice(5));
        if (!w) throw new Error('机器人已被删除');
        await transports.webhook(w, message);
      }
      await db.update(notifyDeliveries).set({ status: 'sent', attempts: d.attempts + 1, sentAt: new Date().toISOString(), lastError: null }).where(eq(notifyDeliveries.id, d.id));
      sent++;
    } catch (e) {
      const attempts = d.attempts + 1;
      const gaveUp = attempts >= config.maxAttempts;
      const next = new Date(now.getTime() + backoffSeconds(attempts, config.intervalSeconds) * 1000).toISOString();
      await db
        .update(notifyDeliveries)
        .set({ status: gaveUp ? 'failed' : 'pending', attempts, nextAttemptAt: next, lastError: (e instanceof Error && /^[\u4e00-\u9fa5]/.test(e.message) ? e.message : describeError(e)).slice(0, 200) })
        .where(eq(notifyDeliveries.id, d.id));
      failed++;
    }
  }
  return { sent, failed };
}

/** The administrator's 重发: a failed delivery gets a fresh set of attempts, starting now. */
export async function retryDelivery(db: Db, id: number, now: Date = new Date()): Promise<boolean> {
  const r = await db
    .update(notifyDeliveries)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now.toISOString() })
    .where(and(eq(notifyDeliveries.id, id), eq(notifyDeliveries.status, 'failed')))
    .returning({ id: notifyDeliveries.id });
  return r.length > 0;
}

export interface DeliveryView {
  id: number;
  recipient: string;
  channel: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  item_count: number;
  digest: boolean;
  created_at: string;
  sent_at: string | null;
}

export async function recentDeliveries(db: Db, limit = 50): Promise<DeliveryView[]> {
  const list = await db
    .select()
    .from(notifyDeliveries)
    .orderBy(sql`case ${notifyDeliveries.status} when 'failed' then 0 when 'pending' then 1 else 2 end`, desc(notifyDeliveries.id))
    .limit(limit);
  return list.map((d) => ({ id: d.id, recipient: d.recipient, channel: d.channel, status: d.status, attempts: d.attempts, next_attempt_at: d.nextAttemptAt, last_error: d.lastError, item_count: d.itemCount, digest: d.digest, created_at: d.createdAt, sent_at: d.sentAt }));
}

export async function deliveryCounts(db: Db): Promise<{ pending: number; failed: number; sent: number; waiting_items: number }> {
  const c = async (status: string) => Number((await row<{ n: number }>(db, sql`select count(*) as n from notify_deliveries where status = ${status}`))?.n ?? 0);
  const waiting = Number((await row<{ n: number }>(db, sql`select count(*) as n from notify_items where delivery_id is null`))?.n ?? 0);
  return { pending: await c('pending'), failed: await c('failed'), sent: await c('sent'), waiting_items: waiting };
}
