/**
 * Reporter routes (audience: anonymous public). No cookies, no logging, no client identifier kept;
 * receipts only in POST bodies; every response `Cache-Control: no-store`.
 *
 *   POST /api/reports            multipart → 201 {"receipt"} (JSON) or the receipt page (HTML)
 *   POST /api/reports/lookup     JSON {"receipt"} → 200 report view | 404
 *   POST /api/reports/messages   multipart or JSON {receipt, body[, files]} → 201 | 404
 *   POST /report/status/         form {receipt} → status page (HTML, works without JavaScript)
 */
import type { Context } from 'hono';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ATTACHMENT_LIMITS, FIELD_LIMITS } from '../../config/reporting.ts';
import type { Db } from '../db/client.ts';
import { MESSAGES, UserError } from '../errors.ts';
import { clientAddress, type RateLimiter } from '../middleware/rate-limit.ts';
import type { BlobStore } from '../services/blob-store.ts';
import type { InstanceKeys } from '../services/keys.ts';
import { addReporterMessage, lookupReport, TooManyFilesError } from '../services/reports/follow-up.ts';
import { fileReport } from '../services/reports/intake.ts';
import { fieldError, fileParts, parseReportFields, textField } from '../services/reports/validation.ts';
import { formErrorPage, lookupForm, notFoundPage, receiptPage, statusPage } from '../views/report-pages.ts';
import { html } from '../views/html.ts';
import type { PageShell } from '../views/shell.ts';

export interface ReportRouteDeps {
  db: Db;
  store: BlobStore;
  keys: InstanceKeys;
  shell: PageShell;
  limiter: RateLimiter;
  /** Lookups and replies take at least this long, right code or wrong. */
  lookupFloorMs?: number;
}

/** Upload routes carry their own body limit: 5 files × 20 MB plus the text fields. */
export const UPLOAD_BODY_LIMIT = ATTACHMENT_LIMITS.maxFiles * ATTACHMENT_LIMITS.maxBytes + 2 * 1024 * 1024;
export const UPLOAD_PATHS = ['/api/reports', '/api/reports/messages'];

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

export function reportRoutes(deps: ReportRouteDeps): Hono {
  const app = new Hono();
  const floor = deps.lookupFloorMs ?? 400;
  const intake = { db: deps.db, store: deps.store, keys: deps.keys };

  const page = (c: Context, title: string, body: Parameters<PageShell['render']>[0]['body'], status: 200 | 201 | 400 | 404 | 413 | 415 | 429 = 200) =>
    c.html(deps.shell.render({ title, body }), status);

  /** Refusals: JSON with the field named, or a Chinese page saying what to fix. */
  const refuse = (c: Context, err: UserError) => {
    const status = err.status as 400 | 404 | 413 | 415 | 429;
    if (wantsJson(c)) return c.json({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } }, status);
    return page(c, '举报没有提交', formErrorPage(err.message), status);
  };

  const limit = (c: Context, bucket: string) => {
    if (!deps.limiter.hit(bucket, clientAddress(c))) {
      throw new UserError(429, 'rate_limited', `提交太频繁了，请 ${deps.limiter.minutesLeft()} 分钟后再试。紧急情况请直接拨打 119、120 或 110。`);
    }
  };

  // Only the reporter routes themselves: this sub-app is mounted at the root.
  const noStore: MiddlewareHandler = async function noStore(c, next) {
    await next();
    c.header('Cache-Control', 'no-store');
    c.res.headers.delete('Set-Cookie');
  };
  for (const path of [...UPLOAD_PATHS, '/api/reports/lookup', '/report/status/']) app.post(path, noStore);

  const uploadLimit = bodyLimit({
    maxSize: UPLOAD_BODY_LIMIT,
    onError: (c) => refuse(c, new UserError(413, 'too_large', `${MESSAGES.tooLarge}附件最多 ${ATTACHMENT_LIMITS.maxFiles} 个，每个不超过 20 MB。`)),
  });

  app.post('/api/reports', uploadLimit, async function submitReport(c) {
    try {
      limit(c, 'submit');
      const form = await readForm(c);
      const input = parseReportFields(form);
      const files = fileParts(form);
      const filed = await fileReport(intake, input, files);
      if (wantsJson(c)) return c.json({ receipt: filed.receipt, attachments: filed.attachments }, 201);
      return page(c, '举报已提交', receiptPage(filed.receipt, filed.attachments), 201);
    } catch (e) {
      if (e instanceof UserError) return refuse(c, e);
      throw e;
    }
  });

  app.post('/api/reports/lookup', async function lookup(c) {
    const started = performance.now();
    try {
      limit(c, 'lookup');
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        throw new UserError(400, 'bad_json', '请求格式不正确：需要 JSON，例如 {"receipt": "1234 5678 9012 3456 7890"}。', 'receipt');
      }
      const receipt = (body as { receipt?: unknown } | null)?.receipt;
      if (typeof receipt !== 'string') throw fieldError('receipt', '缺少或不是文字。');
      const view = await lookupReport(intake, receipt);
      await padTo(started, floor);
      if (!view) return c.json({ error: { code: 'not_found', message: NOT_FOUND_MESSAGE } }, 404);
      return c.json(view, 200);
    } catch (e) {
      await padTo(started, floor);
      if (e instanceof UserError) return c.json({ error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } }, e.status as 400 | 429);
      throw e;
    }
  });

  app.post('/api/reports/messages', uploadLimit, async function reporterMessage(c) {
    const started = performance.now();
    const json = wantsJson(c);
    try {
      limit(c, 'message');
      let receipt: unknown;
      let text: string;
      let files: File[] = [];
      if (/^application\/json/i.test(c.req.header('content-type') ?? '')) {
        let body: { receipt?: unknown; body?: unknown } | null;
        try {
          body = await c.req.json();
        } catch {
          throw new UserError(400, 'bad_json', '请求格式不正确：需要 JSON {"receipt": "…", "body": "…"}。');
        }
        receipt = body?.receipt;
        if (typeof body?.body !== 'string') throw fieldError('body', '缺少或不是文字。');
        const form = new FormData();
        form.set('body', body.body);
        text = textField(form, 'body', FIELD_LIMITS.message.max);
      } else {
        const form = await readForm(c);
        receipt = textField(form, 'receipt', 100);
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
      await padTo(started, floor);
      if (!added) {
        if (json) return c.json({ error: { code: 'not_found', message: NOT_FOUND_MESSAGE } }, 404);
        return page(c, '没有找到对应的举报', notFoundPage(), 404);
      }
      if (json) return c.json({ ok: true, attachments: added.attachments }, 201);
      const view = await lookupReport(intake, receipt);
      const note = added.attachments.length ? `留言已发送，补充的 ${added.attachments.length} 个附件已加密保存。` : '留言已发送。';
      return page(c, '举报办理情况', statusPage(view!, receipt, { kind: 'ok', text: note }), 201);
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
      limit(c, 'lookup');
      const form = await readForm(c);
      const receipt = textField(form, 'receipt', 100);
      const view = await lookupReport(intake, receipt);
      await padTo(started, floor);
      if (!view) return page(c, '没有找到对应的举报', notFoundPage(), 404);
      return page(c, '举报办理情况', statusPage(view, receipt));
    } catch (e) {
      await padTo(started, floor);
      if (e instanceof UserError) return page(c, '举报查询', html`<div class="page-head"><h1>举报查询</h1></div>${lookupForm(e.message)}`, e.status as 400 | 429);
      throw e;
    }
  });

  return app;
}
