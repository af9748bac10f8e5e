/**
 * Back-office routes of issue 15, registered on the back-office app with their access rules (one
 * line in ./index.ts): staff-entered reports, 12345 work orders, channel figures and notifications.
 *
 *   GET  /admin/intake/                       entry form (intake officers, supervisors)
 *   POST /api/admin/intake                    multipart → receipt page (HTML) or 201 JSON
 *   GET  /admin/hotline/                      work-order import and export page
 *   POST /api/admin/hotline/import            multipart `file` (CSV/JSON) → page or JSON
 *   GET  /api/admin/hotline/results.csv|json  results for the hotline (?filter=all for open ones too)
 *   GET  /api/admin/channels/stats            counts and 办结率 by channel (?from=&to=)
 *   GET  /admin/notifications/me, POST /api/admin/notifications/me            own e-mail and mode
 *   GET  /admin/notifications/, POST …/webhooks, …/webhooks/delete, …/test, …/deliveries/:id/retry  (admin)
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HOTLINE_IMPORT_LIMITS } from '../../../config/hotline.ts';
import type { StaffRole } from '../../../config/staff.ts';
import type { Db } from '../../db/client.ts';
import { staffUsers } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { appendAudit } from '../../services/admin/audit.ts';
import { reportKeyFor } from '../../services/admin/cases/open.ts';
import { importOrders, orderResults, recordExport, resultsCsv, type ResultFilter } from '../../services/channels/hotline.ts';
import { enterStaffReport } from '../../services/channels/staff-intake.ts';
import { countsByChannel } from '../../services/channels/stats.ts';
import type { BlobStore } from '../../services/blob-store.ts';
import type { InstanceKeys } from '../../services/keys.ts';
import type { NotifyConfig } from '../../services/notify/config.ts';
import { deliveryCounts, recentDeliveries, retryDelivery } from '../../services/notify/deliver.ts';
import { deleteWebhook, parsePrefs, parseWebhook, prefsOf, savePrefs, saveWebhook, scopeName, webhookOf, webhooks } from '../../services/notify/settings.ts';
import { realTransports, type Transports } from '../../services/notify/transports.ts';
import { dayOf } from '../../services/reports/shared.ts';
import { intakeFormPage, intakeReceiptPage } from '../../views/admin/channel-intake.ts';
import { hotlinePage } from '../../views/admin/hotline.ts';
import { myNotificationsPage, notificationsAdminPage } from '../../views/admin/notifications.ts';
import type { SafeHtml } from '../../views/html.ts';
import { defineRoute, isFormRequest, sessionOf, type AdminEnv, type RouteRule } from './access.ts';

export interface ChannelRouteDeps {
  db: Db;
  store: BlobStore;
  keys: InstanceKeys;
  /** The back office's page renderer (StaffLayout, api/routes/admin/index.ts). */
  page: (c: Context, title: string, body: SafeHtml, status?: 200 | 201 | 400 | 409 | 413) => Response | Promise<Response>;
  /** Notification settings parsed at start (null: notifications not configured, e.g. unit tests). */
  notify?: NotifyConfig | null;
  /** Tests may pass their own; default sends for real. */
  transports?: Transports;
}

/** Staff-entered reports: multipart with attachments, same size limit as the web form (app.ts). */
export const INTAKE_UPLOAD_PATH = /^\/api\/admin\/intake$/;
/** 12345 import: multipart work-order file; the app's upload limit lets it through, the tighter one below applies. */
export const HOTLINE_IMPORT_PATH = /^\/api\/admin\/hotline\/import$/;
/** Multipart routes of issue 15 that get the per-route upload body limit (api/app.ts `uploads.paths`). */
export const CHANNEL_UPLOAD_PATHS: readonly RegExp[] = [INTAKE_UPLOAD_PATH, HOTLINE_IMPORT_PATH];

const ENTRY_ROLES = ['intake', 'supervisor'] as const satisfies readonly StaffRole[];
const ALL_ROLES = ['intake', 'handler', 'supervisor', 'custodian', 'auditor', 'admin'] as const satisfies readonly StaffRole[];
const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

/** API clients ask for JSON (Accept: application/json); the pages' own forms get HTML. */
function wantsJson(c: Context): boolean {
  return /application\/json/i.test(c.req.header('accept') ?? '') && !/text\/html/i.test(c.req.header('accept') ?? '');
}

/** The multipart body the guard already parsed (Hono keeps it, files included); anything else is 415. */
async function multipartOf(c: Context): Promise<FormData> {
  if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) throw new UserError(415, 'unsupported_type', '请用 multipart/form-data 格式提交（附件和工单文件需要它）。');
  return c.req.formData();
}

function jsonError(c: Context, e: UserError) {
  return c.json({ error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } }, e.status);
}

export function registerChannelRoutes(app: Hono<AdminEnv>, rules: RouteRule[], deps: ChannelRouteDeps): void {
  const { db, store, keys, page } = deps;
  const route = (rule: RouteRule, handler: Parameters<typeof defineRoute>[4]) => defineRoute(app, db, rules, rule, handler);
  const intakeDeps = { db, store, keys };
  const siteUrl = (c: Context) => deps.notify?.siteUrl ?? new URL(c.req.url).origin;
  const transports = () => deps.transports ?? realTransports(deps.notify?.smtp ?? null);

  const uploadLimit = (max: number) =>
    bodyLimit({
      maxSize: max,
      onError: () => {
        throw new UserError(413, 'too_large', `上传的内容太大：工单文件不超过 ${HOTLINE_IMPORT_LIMITS.maxBytes / 1024 / 1024} MB。`);
      },
    });
  app.use('/api/admin/hotline/import', uploadLimit(HOTLINE_IMPORT_LIMITS.maxBytes + 64 * 1024));

  // ---- Staff-entered reports ---------------------------------------------------------------
  route({ method: 'GET', path: '/admin/intake/', allow: ENTRY_ROLES }, function intakeForm(c) {
    return page(c, '录入来电来信', intakeFormPage(sessionOf(c), dayOf()));
  });

  route({ method: 'POST', path: '/api/admin/intake', allow: ENTRY_ROLES }, async function intakeSubmit(c) {
    const s = sessionOf(c);
    const form = await multipartOf(c);
    try {
      const entered = await enterStaffReport(intakeDeps, s.user.id, form);
      if (wantsJson(c)) return c.json({ receipt: entered.receipt, report_id: entered.reportId, channel: entered.channel, received_on: entered.receivedOn, attachments: entered.attachments }, 201);
      return page(c, '举报已录入', intakeReceiptPage(s, entered, siteUrl(c)), 201);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      if (wantsJson(c)) return jsonError(c, e);
      // Keep what was typed (files have to be chosen again).
      const values = Object.fromEntries([...form.entries()].filter(([k, v]) => typeof v === 'string' && k !== '_csrf') as [string, string][]);
      return page(c, '录入来电来信', intakeFormPage(s, dayOf(), values, `没有保存：${e.message}${form.getAll('files').some((f) => f instanceof File && f.size > 0) ? '（附件需要重新选择）' : ''}`), e.status as 400 | 413);
    }
  });

  // ---- 12345 work orders -------------------------------------------------------------------
  /** With replies (decrypted: only for the audited export), or without (the page's list). */
  const results = async (c: Context<AdminEnv>, filter: ResultFilter, withReplies = false) => {
    const s = sessionOf(c);
    return orderResults(db, withReplies ? (id) => reportKeyFor(db, s, id) : () => null, filter);
  };

  route({ method: 'GET', path: '/admin/hotline/', allow: ENTRY_ROLES }, async function hotlineRoute(c) {
    return page(c, '12345 工单', hotlinePage(sessionOf(c), (await results(c, 'all')).slice(0, 100)));
  });

  route({ method: 'POST', path: '/api/admin/hotline/import', allow: ENTRY_ROLES }, async function hotlineImport(c) {
    const s = sessionOf(c);
    const form = await multipartOf(c);
    const file = form.get('file');
    try {
      if (!(file instanceof File)) throw new UserError(400, 'bad_file', '请选择要导入的工单文件（CSV 或 JSON）。', 'file');
      const skipExisting = form.get('skip_existing') === '1';
      const { imported, skipped } = await importOrders(intakeDeps, s.user.id, file.name, new Uint8Array(await file.arrayBuffer()), dayOf(), { skipExisting });
      if (wantsJson(c)) return c.json({ imported: imported.map((i) => i.orderNo), skipped }, 201);
      const text = [
        imported.length ? `已导入 ${imported.length} 张工单：${imported.map((i) => i.orderNo).join('、')}。它们已进入案件列表，等待受理。` : '没有新的工单需要导入。',
        skipped.length ? `跳过了 ${skipped.length} 张以前导入过的工单：${skipped.join('、')}。` : '',
      ].filter(Boolean).join('\n');
      return page(c, '12345 工单', hotlinePage(s, (await results(c, 'all')).slice(0, 100), { kind: 'ok', text }), 201);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      if (wantsJson(c)) return jsonError(c, e);
      return page(c, '12345 工单', hotlinePage(s, (await results(c, 'all')).slice(0, 100), { kind: 'error', text: e.message }), e.status as 400 | 409 | 413);
    }
  });

  const exportResults = async (c: Context<AdminEnv>, format: 'csv' | 'json') => {
    const filter: ResultFilter = str(c.get('input').filter) === 'all' ? 'all' : 'done';
    const list = await results(c, filter, true);
    await recordExport(db, sessionOf(c).user.id, list.map((r) => r.order_no));
    const name = `12345-results-${dayOf()}.${format}`;
    c.header('Content-Disposition', `attachment; filename="${name}"`);
    if (format === 'json') return c.body(JSON.stringify({ exported_on: dayOf(), orders: list }, null, 2), 200, { 'Content-Type': 'application/json; charset=utf-8' });
    return c.body(resultsCsv(list), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  };
  route({ method: 'GET', path: '/api/admin/hotline/results.csv', allow: ENTRY_ROLES }, function resultsCsvRoute(c) {
    return exportResults(c, 'csv');
  });
  route({ method: 'GET', path: '/api/admin/hotline/results.json', allow: ENTRY_ROLES }, function resultsJsonRoute(c) {
    return exportResults(c, 'json');
  });

  // ---- Figures by channel ------------------------------------------------------------------
  route({ method: 'GET', path: '/api/admin/channels/stats', allow: ['intake', 'supervisor', 'auditor'] }, async function channelStats(c) {
    const i = c.get('input');
    const day = (v: string, field: string) => {
      if (v && !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new UserError(400, 'invalid_field', `${field === 'from' ? '开始' : '结束'}日期（${field}）要写成 2026-05-01 这样的日期。`, field);
      return v || undefined;
    };
    return c.json(await countsByChannel(db, { from: day(str(i.from), 'from'), to: day(str(i.to), 'to') }));
  });

  // ---- Notifications -----------------------------------------------------------------------
  route({ method: 'GET', path: '/admin/notifications/me', allow: ALL_ROLES }, async function myPrefs(c) {
    const s = sessionOf(c);
    return page(c, '我的提醒', myNotificationsPage(s, await prefsOf(db, s.user.id), deps.notify ?? null, deps.notify?.digestHour ?? 8, c.get('input').saved === '1'));
  });

  route({ method: 'POST', path: '/api/admin/notifications/me', allow: ALL_ROLES }, async function savePrefsRoute(c) {
    const s = sessionOf(c);
    const prefs = parsePrefs(c.get('input'));
    await savePrefs(db, s.user.id, prefs);
    await appendAudit(db, { actor: s.user.id, action: 'notify.settings_changed', detail: { mode: prefs.mode } });
    return isFormRequest(c) ? c.redirect('/admin/notifications/me?saved=1', 303) : c.json(prefs);
  });

  const names = async () => new Map((await db.select({ id: staffUsers.id, n: staffUsers.displayName }).from(staffUsers)).map((u) => [u.id, u.n] as [string, string]));
  const adminPage = async (c: Context<AdminEnv>, notice?: { kind: 'ok' | 'error'; text: string }, status: 200 | 400 = 200) => {
    const people: ({ name: string } & Awaited<ReturnType<typeof prefsOf>>)[] = [];
    for (const u of (await db.select().from(staffUsers)).filter((u) => u.active)) people.push({ name: u.displayName, ...(await prefsOf(db, u.id)) });
    return page(c, '提醒发送情况', notificationsAdminPage(sessionOf(c), deps.notify ?? null, await webhooks(db), await recentDeliveries(db), await deliveryCounts(db), people, await names(), notice), status);
  };
  const noticeOf = (c: Context<AdminEnv>) => {
    const i = c.get('input');
    const text = { saved: '已保存。', deleted: '已删除。', retried: '已重新排队，下一轮发送。', sent: '测试消息已发出，请查收。' }[str(i.done)];
    return text ? { kind: 'ok' as const, text } : undefined;
  };

  route({ method: 'GET', path: '/admin/notifications/', allow: ['admin'] }, function notificationsRoute(c) {
    return adminPage(c, noticeOf(c));
  });

  route({ method: 'GET', path: '/api/admin/notifications/deliveries', allow: ['admin'] }, async function deliveriesJson(c) {
    return c.json({ counts: await deliveryCounts(db), items: await recentDeliveries(db, 200) });
  });

  route({ method: 'POST', path: '/api/admin/notifications/webhooks', allow: ['admin'] }, async function saveHook(c) {
    const s = sessionOf(c);
    const input = c.get('input');
    const w = parseWebhook(input, await webhookOf(db, str(input.scope)));
    await saveWebhook(db, w);
    await appendAudit(db, { actor: s.user.id, action: 'notify.settings_changed', detail: { webhook: w.scope, kind: w.kind } });
    return isFormRequest(c) ? c.redirect('/admin/notifications/?done=saved', 303) : c.json({ scope: w.scope, kind: w.kind, mode: w.mode, secret_set: !!w.secret });
  });

  route({ method: 'POST', path: '/api/admin/notifications/webhooks/delete', allow: ['admin'] }, async function deleteHook(c) {
    const s = sessionOf(c);
    const scope = str(c.get('input').scope);
    await deleteWebhook(db, scope);
    await appendAudit(db, { actor: s.user.id, action: 'notify.settings_changed', detail: { webhook: scope, removed: true } });
    return isFormRequest(c) ? c.redirect('/admin/notifications/?done=deleted', 303) : c.json({ ok: true });
  });

  route({ method: 'POST', path: '/api/admin/notifications/test', allow: ['admin'] }, async function testSend(c) {
    const s = sessionOf(c);
    const target = str(c.get('input').target);
    const message = { subject: '【商河安全】提醒测试', text: `这是一条测试消息，说明提醒设置可以使用。正式提醒只包含案件数量、案件编号和后台链接：${siteUrl(c)}/admin/` };
    try {
      if (target === 'email:me') {
        const p = await prefsOf(db, s.user.id);
        if (!p.email) throw new UserError(400, 'invalid_field', '请先在"我的提醒"里填写您的邮箱。', 'target');
        await transports().email(p.email, message);
      } else if (target.startsWith('hook:')) {
        const w = await webhookOf(db, target.slice(5));
        if (!w) throw new UserError(404, 'not_found', '这个部门还没有设置群机器人。', 'target');
        await transports().webhook(w, message);
      } else throw new UserError(400, 'invalid_field', '测试对象不正确。', 'target');
    } catch (e) {
      const text = `测试消息没有发出：${(e as Error).message}`;
      if (!isFormRequest(c)) throw e instanceof UserError ? e : new UserError(502, 'send_failed', text);
      return adminPage(c, { kind: 'error', text }, 400);
    }
    return isFormRequest(c) ? c.redirect('/admin/notifications/?done=sent', 303) : c.json({ ok: true, target: target.startsWith('hook:') ? scopeName(target.slice(5)) : 'email' });
  });

  route({ method: 'POST', path: '/api/admin/notifications/deliveries/:id/retry', allow: ['admin'] }, async function retry(c) {
    const s = sessionOf(c);
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || !(await retryDelivery(db, id))) throw new UserError(404, 'not_found', '没有这封发送失败的提醒（可能已经重发）。');
    await appendAudit(db, { actor: s.user.id, action: 'notify.retried', detail: { delivery: id } });
    return isFormRequest(c) ? c.redirect('/admin/notifications/?done=retried', 303) : c.json({ ok: true });
  });


}
