/**
 * Reporter routes (audience: anonymous public). No cookies, no logging, no client identifier kept;
 * receipts only in POST bodies; every response `Cache-Control: no-store`.
 *
 *   POST /api/reports            multipart → 201 {"receipt"} (JSON) or 303 to the receipt view (HTML)
 *   POST /api/reports/lookup     JSON {"receipt"} → 200 report view | 404
 *   POST /api/reports/messages   multipart or JSON {receipt | reply_token, body[, files]} → 201 | 303 | 404
 *   POST /report/status/         form {receipt} → 303 to a single-use view of the status page
 *   GET  /report/view/?t=…       the result of the POST before it, shown once (Post/Redirect/Get)
 *
 * Post/Redirect/Get with single-use views means Back, reload and history never show a report or a
 * receipt again, and the browser never holds a POST it could re-send; the status page's reply form
 * carries a reply token instead of the receipt (api/services/reports/view-tokens.ts).
 */
import type { Context } from 'hono';
import { Hono, type MiddlewareHandler } from 'hono';
import { ATTACHMENT_LIMITS, FIELD_LIMITS } from '../../config/reporting.ts';
import type { Db } from '../db/client.ts';
import { UserError } from '../errors.ts';
import { clientAddress } from '../middleware/client.ts';
import { hourly, type RateLimiter, type ReportBucket } from '../middleware/rate-limit.ts';
import type { BlobStore } from '../services/blob-store.ts';
import type { InstanceKeys } from '../services/keys.ts';
import { addReporterMessage, lookupReport, TooManyFilesError, type ReportView } from '../services/reports/follow-up.ts';
import { fileReport } from '../services/reports/intake.ts';
import { fieldError, fileParts, parseReportFields, textField } from '../services/reports/validation.ts';
import { TokenStore } from '../services/reports/view-tokens.ts';
import { expiredViewPage, formErrorPage, lookupForm, notFoundPage, quickExit, receiptPage, REPLY_EXPIRED, statusPage } from '../views/report-pages.ts';
import { html, type SafeHtml } from '../views/html.ts';
import type { PageShell } from '../views/shell.ts';

export interface ReportRouteDeps {
  db: Db;
  store: BlobStore;
  keys: InstanceKeys;
  shell: PageShell;
  limiter: RateLimiter;
  /** Per-client limits per hour by bucket (DEFAULT_REPORT_LIMITS); a missing bucket is unlimited. */
  limits: Partial<Record<ReportBucket, number>>;
  /** Lookups and replies take at least this long, right code or wrong. */
  lookupFloorMs?: number;
  now?: () => number;
}

/** Upload routes carry their own body limit: 5 files × 20 MB plus the text fields (multipart only). */
export const UPLOAD_BODY_LIMIT = ATTACHMENT_LIMITS.maxFiles * ATTACHMENT_LIMITS.maxBytes + 2 * 1024 * 1024;
export const UPLOAD_PATHS = ['/api/reports', '/api/reports/messages'];

/** A single-use view lives this long between the POST and the GET it redirects to. */
export const VIEW_TOKEN_TTL_MS = 2 * 60_000;
/** A reply token (the status page's stand-in for the receipt) lasts as long as writing a reply may take. */
export const REPLY_TOKEN_TTL_MS = 2 * 60 * 60_000;
export const VIEW_PATH = '/report/view/';

const NOT_FOUND_MESSAGE = '没有找到与这个查询码对应的举报。请核对 20 位数字是否抄写正确。';

/** JSON when the client asks for it (Accept: application/json); otherwise server-rendered HTML. */
function wantsJson(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return /application\/json/i.test(accept) && !/text\/html/i.test(accept);
}

async function padTo(startedAt: number, floorMs: number): Promise<void> {
  const wait = floorMs - (performance.now() - startedAt);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

async function readForm(c: Context): Promise<FormData> {
  const type = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data|^application\/x-www-form-urlencoded/i.test(type)) {
    throw new UserError(415, 'unsupported_type', '请用 multipart/form-data 格式提交表单。');
  }
  try {
    return await c.req.raw.formData();
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (e instanceof Error && /too large|body limit/i.test(e.message)) throw e;
    throw new UserError(400, 'bad_form', '表单数据不完整或格式损坏，请重新提交。');
  }
}

interface PendingView {
  title: string;
  body: SafeHtml;
  status: 200 | 404;
}

export function reportRoutes(deps: ReportRouteDeps): Hono {
  const app = new Hono();
  const floor = deps.lookupFloorMs ?? 400;
  const intake = { db: deps.db, store: deps.store, keys: deps.keys };
  const tokenClock = deps.now ? { now: deps.now } : {};
  const views = new TokenStore<PendingView>({ ttlMs: VIEW_TOKEN_TTL_MS, max: 5_000, ...tokenClock });
  const replies = new TokenStore<string>({ ttlMs: REPLY_TOKEN_TTL_MS, max: 20_000, ...tokenClock });

  const page = (c: Context, title: string, body: SafeHtml, status: 200 | 201 | 400 | 404 | 410 | 413 | 415 | 429 = 200) =>
    c.html(deps.shell.render({ title, body }), status);

  /** Post/Redirect/Get: the result waits in memory for one GET, then is gone. */
  const showOnce = (c: Context, view: PendingView) => c.redirect(`${VIEW_PATH}?t=${views.issue(view)}`, 303);

  /** The status page, with a fresh reply token standing in for the receipt. */
  const statusView = (view: ReportView, receipt: string, notice?: { kind: 'ok' | 'danger'; text: string }): PendingView => ({
    title: '举报办理情况',
    body: statusPage(view, replies.issue(receipt), notice),
    status: 200,
  });

  /** Refusals: JSON with the field named, or a Chinese page saying what to fix. */
  const refuse = (c: Context, err: UserError) => {
    const status = err.status as 400 | 404 | 413 | 415 | 429;
    if (wantsJson(c)) return c.json({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } }, status);
    return page(c, '举报没有提交', formErrorPage(err.message), status);
  };

  // Rate limits per client (HMAC of its address), never one budget shared by everyone.
  const clientKeys = new WeakMap<Context, string>();
  const client = (c: Context) => {
    let k = clientKeys.get(c);
    if (!k) clientKeys.set(c, (k = deps.limiter.clientKey(clientAddress(c))));
    return k;
  };
  const tooMany = (c: Context, bucket: ReportBucket) =>
    new UserError(429, 'rate_limited', `提交太频繁了，请 ${deps.limiter.minutesLeft(bucket, client(c))} 分钟后再试。紧急情况请直接拨打 119、120 或 110。`);
  const limit = (c: Context, bucket: ReportBucket) => {
    if (!deps.limiter.hit(bucket, client(c), hourly(deps.limits, bucket))) throw tooMany(c, bucket);
  };
  /**
   * Receipt lookups: refused once this client has guessed wrong too often. Each lookup counts as a
   * failure before it starts (so parallel guesses cannot slip past the check) and is refunded when
   * the code was right: a right code costs no failure budget.
   */
  const beforeLookup = (c: Context) => {
    limit(c, 'lookupFailures');
    limit(c, 'lookup');
  };
  const lookupSucceeded = (c: Context) => deps.limiter.refund('lookupFailures', client(c));

  // Only the reporter routes themselves: this sub-app is mounted at the root.
  const noStore: MiddlewareHandler = async function noStore(c, next) {
    await next();
    c.header('Cache-Control', 'no-store');
    c.res.headers.delete('Set-Cookie');
  };
  for (const path of [...UPLOAD_PATHS, '/api/reports/lookup', '/report/status/']) app.post(path, noStore);
  app.get(VIEW_PATH, noStore);

  app.post('/api/reports', async function submitReport(c) {
    try {
      limit(c, 'submit');
      const form = await readForm(c);
      const input = parseReportFields(form);
      const files = fileParts(form);
      const filed = await fileReport(intake, input, files);
      if (wantsJson(c)) return c.json({ receipt: filed.receipt, attachments: filed.attachments }, 201);
      return showOnce(c, { title: '举报已提交', body: receiptPage(filed.receipt, filed.attachments), status: 200 });
    } catch (e) {
      if (e instanceof UserError) return refuse(c, e);
      throw e;
    }
  });

  app.post('/api/reports/lookup', async function lookup(c) {
    const started = performance.now();
    try {
      beforeLookup(c);
      let body: unknown;
      try {
        body = await c.req.json();
      } catch (e) {
        if (e instanceof UserError) throw e;
        throw new UserError(400, 'bad_json', '请求格式不正确：需要 JSON，例如 {"receipt": "1234 5678 9012 3456 7890"}。', 'receipt');
      }
      const receipt = (body as { receipt?: unknown } | null)?.receipt;
      if (typeof receipt !== 'string') throw fieldError('receipt', '缺少或不是文字。');
      const view = await lookupReport(intake, receipt);
      if (view) lookupSucceeded(c);
      await padTo(started, floor);
      if (!view) return c.json({ error: { code: 'not_found', message: NOT_FOUND_MESSAGE } }, 404);
      return c.json(view, 200);
    } catch (e) {
      await padTo(started, floor);
      if (e instanceof UserError) return c.json({ error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } }, e.status as 400 | 413 | 429);
      throw e;
    }
  });

  app.post('/api/reports/messages', async function reporterMessage(c) {
    const started = performance.now();
    const json = wantsJson(c);
    try {
      beforeLookup(c);
      limit(c, 'message');
      let receipt: unknown;
      let text: string;
      let files: File[] = [];
      if (/^application\/json/i.test(c.req.header('content-type') ?? '')) {
        let body: { receipt?: unknown; body?: unknown } | null;
        try {
          body = await c.req.json();
        } catch (e) {
          if (e instanceof UserError) throw e;
          throw new UserError(400, 'bad_json', '请求格式不正确：需要 JSON {"receipt": "…", "body": "…"}。');
        }
        receipt = body?.receipt;
        if (typeof body?.body !== 'string') throw fieldError('body', '缺少或不是文字。');
        const form = new FormData();
        form.set('body', body.body);
        text = textField(form, 'body', FIELD_LIMITS.message.max);
      } else {
        const form = await readForm(c);
        // The status page's form sends a reply token; API clients may send the receipt itself.
        const token = textField(form, 'reply_token', 64);
        receipt = token ? replies.get(token) : textField(form, 'receipt', 100);
        if (token && receipt === null) {
          await padTo(started, floor);
          return page(c, '页面已经失效', expiredViewPage(REPLY_EXPIRED), 410);
        }
        text = textField(form, 'body', FIELD_LIMITS.message.max);
        files = fileParts(form);
      }
      if (typeof receipt !== 'string') throw fieldError('receipt', '缺少或不是文字。');
      if (!text && files.length === 0) throw fieldError('body', '没有填写：请写下留言，或选择要补充的附件。');
      let added;
      try {
        added = await addReporterMessage(intake, receipt, text, files);
      } catch (e) {
        if (e instanceof TooManyFilesError) throw fieldError('files', '：这件举报的附件已经很多了，不能再添加。需要时请在留言里说明，办理部门会联系您。');
        throw e;
      }
      if (added) lookupSucceeded(c);
      await padTo(started, floor);
      if (!added) {
        if (json) return c.json({ error: { code: 'not_found', message: NOT_FOUND_MESSAGE } }, 404);
        return page(c, '没有找到对应的举报', notFoundPage(), 404);
      }
      if (json) return c.json({ ok: true, attachments: added.attachments }, 201);
      const view = await lookupReport(intake, receipt);
      const note = added.attachments.length ? `留言已发送，补充的 ${added.attachments.length} 个附件已加密保存。` : '留言已发送。';
      return showOnce(c, statusView(view!, receipt, { kind: 'ok', text: note }));
    } catch (e) {
      await padTo(started, floor);
      if (e instanceof UserError) {
        if (json) return refuse(c, e);
        return page(c, '留言没有发送', formErrorPage(e.message, '留言没有发送'), e.status as 400);
      }
      throw e;
    }
  });

  app.post('/report/status/', async function statusPageRoute(c) {
    const started = performance.now();
    try {
      beforeLookup(c);
      const form = await readForm(c);
      const receipt = textField(form, 'receipt', 100);
      const view = await lookupReport(intake, receipt);
      if (view) lookupSucceeded(c);
      const result: PendingView = view ? statusView(view, receipt) : { title: '没有找到对应的举报', body: notFoundPage(), status: 404 };
      await padTo(started, floor);
      return showOnce(c, result);
    } catch (e) {
      await padTo(started, floor);
      if (e instanceof UserError) return page(c, '举报查询', html`${quickExit()}<div class="page-head"><h1>举报查询</h1></div>${lookupForm(e.message)}`, e.status as 400 | 413 | 429);
      throw e;
    }
  });

  app.get(VIEW_PATH, function showView(c) {
    const view = views.take(c.req.query('t'));
    if (!view) return page(c, '页面已经失效', expiredViewPage(), 410);
    return page(c, view.title, view.body, view.status);
  });

  return app;
}
