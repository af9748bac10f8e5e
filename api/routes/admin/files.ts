/**
 * Attachment routes for staff (issue 10 item 3). Every answer that carries file bytes is a download
 * (`attachment`, generated name) or a re-encoded image, always with `nosniff` and a sandboxing CSP;
 * a PDF is never sent to the browser as a PDF except through the audited "下载原件".
 */
import type { Context, Handler } from 'hono';
import type { StaffRole } from '../../../config/staff.ts';
import type { Db } from '../../db/client.ts';
import { UserError } from '../../errors.ts';
import { auditFile, staffFile, type StaffFile } from '../../services/admin/case-files.ts';
import type { BlobStore } from '../../services/blob-store.ts';
import { PDF_PREVIEW_LIMITS, pdfPageCount, PdfPreviewError, renderPdfPage } from '../../services/reports/pdf-preview.ts';
import { originalWarningPage, pdfPreviewPage } from '../../views/admin/files.ts';
import type { SafeHtml } from '../../views/html.ts';
import { sessionOf, type AdminEnv, type RouteRule } from './access.ts';

const CASE_ROLES = ['intake', 'handler', 'supervisor'] as const satisfies readonly StaffRole[];
type Page = (c: Context, title: string, body: SafeHtml, status?: 200 | 400 | 404) => Response | Promise<Response>;

/** Headers for any response carrying attachment bytes. */
export function fileHeaders(f: Pick<StaffFile, 'name'>, disposition: 'attachment' | 'inline', type: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Content-Disposition': `${disposition}; filename*=UTF-8''${encodeURIComponent(f.name)}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'; img-src 'self'",
    'Cache-Control': 'no-store',
  };
}

export function fileRoutes(db: Db, store: BlobStore, route: (rule: RouteRule, handler: Handler<AdminEnv>) => void, page: Page): void {
  const fileOf = async (c: Context<AdminEnv>) => staffFile(db, store, sessionOf(c), c.req.param('id') ?? '', c.req.param('fileId') ?? '');

  route({ method: 'GET', path: '/admin/cases/:id/files/:fileId', allow: CASE_ROLES }, async function filePreviewPage(c) {
    const s = sessionOf(c);
    const f = await fileOf(c);
    if (f.kind !== 'pdf') return c.redirect(`/api/admin/reports/${f.reportId}/files/${f.id}`, 303);
    let pages = 0;
    let error: string | null = null;
    try {
      pages = await pdfPageCount(await f.data());
      if (!pages) error = '读不出页数';
    } catch (e) {
      if (!(e instanceof PdfPreviewError)) throw e;
      error = e.message;
    }
    await auditFile(db, s, f, 'file.pdf_preview');
    return page(c, `${f.name} - 页面图像`, pdfPreviewPage(s, f, pages, PDF_PREVIEW_LIMITS.maxPages, error));
  });

  route({ method: 'GET', path: '/api/admin/reports/:id/files/:fileId/pages/:page', allow: CASE_ROLES }, async function pdfPageImage(c) {
    const f = await fileOf(c);
    if (f.kind !== 'pdf') throw new UserError(404, 'not_found', '只有 PDF 附件有页面图像。');
    try {
      const png = await renderPdfPage(await f.data(), Number(c.req.param('page')));
      return c.body(new Uint8Array(png), 200, fileHeaders({ name: `${f.name}-${c.req.param('page')}.png` }, 'inline', 'image/png'));
    } catch (e) {
      if (e instanceof PdfPreviewError) throw new UserError(422, 'pdf_render_failed', `这一页无法转成图片：${e.message}。`);
      throw e;
    }
  });

  route({ method: 'GET', path: '/admin/cases/:id/files/:fileId/original', allow: CASE_ROLES }, async function originalWarning(c) {
    const f = await fileOf(c);
    return page(c, `下载原件 ${f.name}`, originalWarningPage(sessionOf(c), f));
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/files/:fileId/original', allow: CASE_ROLES }, async function originalDownload(c) {
    const v = c.get('input').confirm;
    if (v !== 'yes' && v !== true) throw new UserError(400, 'confirm', '请在警告页面上确认后再下载原件。', 'confirm');
    const f = await fileOf(c);
    const data = await f.data();
    await auditFile(db, sessionOf(c), f, 'file.original');
    return c.body(new Uint8Array(data), 200, fileHeaders(f, 'attachment', 'application/octet-stream'));
  });
}
