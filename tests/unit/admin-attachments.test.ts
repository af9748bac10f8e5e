/**
 * Issue 10 item 3: polyglot attachments reach staff only as pixels or as 附件N.pdf with `attachment`;
 * the original only through an audited, confirmed download; videos lose their container metadata.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { row, rows } from '../../api/db/client.ts';
import { PDF_PREVIEW_LIMITS, setPdfPreviewLimitsForTests, setPdfToolsForTests, takePeakConcurrentRenders } from '../../api/services/reports/pdf-preview.ts';
import { attachmentList } from '../../api/views/report-pages.ts';
import { call, fileReportAs, makeApp, staffOf } from './admin-fixtures.ts';
import { fileOf, reportForm, submit } from './report-fixtures.ts';

/** A one-page PDF that is also an HTML page (and, with the batch lines, a Windows batch file). */
function polyglot(tail: string): Buffer {
  return Buffer.from(`%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj
4 0 obj<</Length 44>>stream
BT /F1 24 Tf 40 100 Td (Polyglot PDF) Tj ET
endstream endobj
5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj
trailer<</Root 1 0 R>>
${tail}
%%EOF
`);
}
const HTML_TAIL = '<html><body><script>document.title="PWNED-BY-POLYGLOT"</script></body></html>';
const BAT_TAIL = '\r\n@echo off\r\nstart calc.exe REM BATCH-CANARY\r\n';

afterEach(() => {
  setPdfPreviewLimitsForTests({});
  setPdfToolsForTests({});
});

describe('attachments for staff', () => {
  it('PDF polyglots named .html and .bat reach staff only as 附件N.pdf downloads or page images', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { reportId } = await fileReportAs(t, {}, [fileOf(polyglot(HTML_TAIL), '证据.html', 'text/html'), fileOf(polyglot(BAT_TAIL), '整改说明.bat', 'application/x-bat')]);
    const boss = await staffOf(t, 'boss', 'supervisor');
    const view = await call(t, boss, 'GET', `/api/admin/reports/${reportId}`);
    expect(view.json.files.map((f: any) => [f.name, f.type])).toEqual([
      ['附件1.pdf', 'application/pdf'],
      ['附件2.pdf', 'application/pdf'],
    ]);
    expect(JSON.stringify(view.json)).not.toMatch(/证据|整改说明|\.html|\.bat/);
    for (const [i, f] of (view.json.files as any[]).entries()) {
      // The plain download link never hands over the PDF: it goes to the page images.
      const dl = await call(t, boss, 'GET', `/api/admin/reports/${reportId}/files/${f.id}`);
      expect(dl.status).toBe(303);
      expect(dl.res.headers.get('location')).toBe(`/admin/cases/${reportId}/files/${f.id}`);
      const page = await call(t, boss, 'GET', `/admin/cases/${reportId}/files/${f.id}`);
      const body = await page.res.text();
      expect(page.status).toBe(200);
      expect(body).toContain('共 1 页');
      expect(body).not.toMatch(/PWNED-BY-POLYGLOT|BATCH-CANARY/);
      expect(body).toContain(`/api/admin/reports/${reportId}/files/${f.id}/pages/1`);
      const img = await call(t, boss, 'GET', `/api/admin/reports/${reportId}/files/${f.id}/pages/1`);
      expect(img.status).toBe(200);
      expect(img.res.headers.get('content-type')).toBe('image/png');
      expect(img.res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(img.res.headers.get('content-security-policy')).toMatch(/^sandbox/);
      const png = Buffer.from(await img.res.arrayBuffer());
      const meta = await sharp(png).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(100);
      expect(png.includes('PWNED')).toBe(false);
      expect(png.includes('BATCH-CANARY')).toBe(false);
      // The original: only after the warning's confirmation, as an attachment named 附件N.pdf, audited.
      const url = `/api/admin/reports/${reportId}/files/${f.id}/original`;
      expect((await call(t, boss, 'POST', url, {})).status).toBe(400);
      const orig = await call(t, boss, 'POST', url, { confirm: 'yes' });
      expect(orig.status).toBe(200);
      expect(orig.res.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent(`附件${i + 1}.pdf`)}`);
      expect(orig.res.headers.get('content-type')).toBe('application/octet-stream');
      expect(orig.res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(orig.res.headers.get('content-security-policy')).toMatch(/^sandbox/);
    }
    const actions = (await rows<{ action: string }>(t.db, sql`select action from audit_log where report_id = ${reportId}`)).map((r) => r.action);
    expect(actions.filter((a) => a === 'file.pdf_preview')).toHaveLength(2);
    expect(actions.filter((a) => a === 'file.original')).toHaveLength(2);
  }, 30_000);

  it('the renderer is killed at its time limit, and the page says the PDF could not be shown', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { reportId } = await fileReportAs(t, {}, [fileOf(polyglot(HTML_TAIL), 'x.pdf')]);
    const boss = await staffOf(t, 'boss', 'supervisor');
    const f = (await call(t, boss, 'GET', `/api/admin/reports/${reportId}`)).json.files[0];
    // A renderer that hangs (here: sleep) is killed at the time limit.
    setPdfToolsForTests({ pdfinfo: ['sleep', '20'], pdftoppm: ['sleep', '20'] });
    setPdfPreviewLimitsForTests({ timeoutMs: 300 });
    const started = Date.now();
    const page = await call(t, boss, 'GET', `/admin/cases/${reportId}/files/${f.id}`);
    expect(await page.res.text()).toContain('无法转成图片（渲染超时或超出内存限制，已终止）');
    const img = await call(t, boss, 'GET', `/api/admin/reports/${reportId}/files/${f.id}/pages/1`);
    expect(img.status).toBe(422);
    expect(Date.now() - started).toBeLessThan(15_000);
    setPdfToolsForTests({});
    // A memory limit too small for the renderer also ends in a refusal, not a crash.
    setPdfPreviewLimitsForTests({ memoryBytes: 4 * 1024 * 1024 });
    expect((await call(t, boss, 'GET', `/api/admin/reports/${reportId}/files/${f.id}/pages/1`)).status).toBe(422);
  }, 30_000);

  it('renders at most two pages at once however many are asked for', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { reportId } = await fileReportAs(t, {}, [fileOf(polyglot(HTML_TAIL), 'x.pdf')]);
    const boss = await staffOf(t, 'boss', 'supervisor');
    const f = (await call(t, boss, 'GET', `/api/admin/reports/${reportId}`)).json.files[0];
    takePeakConcurrentRenders();
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(t, boss, 'GET', `/api/admin/reports/${reportId}/files/${f.id}/pages/1`)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(takePeakConcurrentRenders()).toBe(PDF_PREVIEW_LIMITS.concurrent);
  }, 30_000);

  it('images download as 附件N.jpg attachments (inline only when previewed)', async () => {
    const t = await makeApp({ fastReceipts: true });
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c00' } }).jpeg().toBuffer();
    const { reportId } = await fileReportAs(t, {}, [fileOf(jpeg, '张三的工资条.html', 'text/html')]);
    const boss = await staffOf(t, 'boss', 'supervisor');
    const f = (await call(t, boss, 'GET', `/api/admin/reports/${reportId}`)).json.files[0];
    expect(f.name).toBe('附件1.jpg');
    const dl = await call(t, boss, 'GET', `/api/admin/reports/${reportId}/files/${f.id}`);
    expect(dl.res.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('附件1.jpg')}`);
    expect(dl.res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('videos are remuxed without their container metadata (Debian ffmpeg)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'video-'));
    const src = join(dir, 'in.mp4');
    const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1', '-c:v', 'mpeg4', '-metadata', 'title=TITLE-CANARY', '-metadata', 'location=+39.9042+116.4074/', '-metadata', 'make=MAKE-CANARY', src]);
    expect(made.status, 'ffmpeg must be installed (.ci/run installs it)').toBe(0);
    const input = readFileSync(src);
    expect(input.includes('TITLE-CANARY')).toBe(true);
    const t = await makeApp({ fastReceipts: true });
    const { res, body } = await submit(t.app, reportForm({}, [fileOf(input, 'VID_20261101_GPS.mp4', 'video/mp4')]));
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.attachments[0]).toMatchObject({ name: '附件1.mp4', kind: 'video', metadata_may_remain: false });
    // The reporter's receipt says what happened to this file, not the generic warning.
    const receiptHtml = attachmentList(body.attachments).toString();
    expect(receiptHtml).toContain('已清除视频文件附带的拍摄时间、拍摄位置、手机型号等信息');
    expect(receiptHtml).not.toContain('本站无法可靠清除');
    const boss = await staffOf(t, 'boss', 'supervisor');
    const reportId = (await row<{ id: string }>(t.db, sql`select id from reports`))!.id;
    const f = (await call(t, boss, 'GET', `/api/admin/reports/${reportId}`)).json.files[0];
    const dl = await call(t, boss, 'GET', `/api/admin/reports/${reportId}/files/${f.id}`);
    const out = Buffer.from(await dl.res.arrayBuffer());
    for (const canary of ['TITLE-CANARY', 'MAKE-CANARY', '+39.9042', 'Lavf']) expect(out.includes(canary), canary).toBe(false);
    expect(out.length).toBeGreaterThan(1000);
  }, 30_000);
});
