/** A PDF shown as page images, and the warning before the original is downloaded. No script. */
import type { StaffFile } from '../../services/admin/case-files.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { adminNav } from '../admin-pages.ts';
import { html, type SafeHtml } from '../html.ts';

const csrfField = (s: StaffSession) => html`<input type="hidden" name="_csrf" value="${s.csrfToken}">`;
const kb = (n: number) => `${Math.max(1, Math.round(n / 1024)).toLocaleString('zh-CN')} KB`;

export function pdfPreviewPage(s: StaffSession, f: StaffFile, pages: number, maxPages: number, error: string | null): SafeHtml {
  const shown = Math.min(pages, maxPages);
  return html`${adminNav(s, '')}<div class="page-head"><h1>${f.name}（案件 ${f.ref}）</h1>
    <p class="lead">${f.label}，${kb(f.size)}${pages ? `，共 ${pages} 页` : ''}。为安全起见，PDF 在服务器上的隔离程序里转成图片后显示：您看到的是页面的图像，文件本身没有在您的电脑上打开。</p></div>
    ${error ? html`<p class="notice danger" role="alert">这个 PDF 无法转成图片（${error}）。它可能已损坏，也可能是故意构造的恶意文件。</p>` : ''}
    ${pages > maxPages ? html`<p class="notice">只显示前 ${maxPages} 页。其余页面请在下载原件后，在不联网的专用电脑上查看。</p>` : ''}
    <div class="pdf-pages">${Array.from({ length: shown }, (_, i) => html`<figure><img src="/api/admin/reports/${f.reportId}/files/${f.id}/pages/${i + 1}" alt="${f.name} 第 ${i + 1} 页" loading="lazy" width="900"><figcaption>第 ${i + 1} 页</figcaption></figure>`)}</div>
    <p class="button-row"><a class="button secondary" href="/admin/cases/${f.reportId}">返回案件</a> <a class="button secondary" href="/admin/cases/${f.reportId}/files/${f.id}/original">下载原件……</a></p>`;
}

export function originalWarningPage(s: StaffSession, f: StaffFile): SafeHtml {
  return html`${adminNav(s, '')}<div class="page-head"><h1>下载原件：${f.name}</h1></div>
    <section class="card notice danger"><h2>请先读完再下载</h2><ul>
      <li>这是举报人上传的原始文件，没有经过任何处理。它可能含有病毒或恶意代码，也可能同时是网页或程序（伪装成 PDF 的文件）。</li>
      <li>只在确有必要时下载（例如作为证据移交），并在不联网、不存放工作文件的专用电脑上打开。</li>
      <li>文件名由系统生成（${f.name}），不会使用举报人起的名字；不要把扩展名改成别的。</li>
      <li>下载会以您的名义记入审计日志。</li></ul></section>
    <div class="button-row"><form method="post" action="/api/admin/reports/${f.reportId}/files/${f.id}/original">${csrfField(s)}<input type="hidden" name="confirm" value="yes">
      <button type="submit" class="button">我已了解风险，下载原件</button></form>
      <a class="button secondary" href="/admin/cases/${f.reportId}/files/${f.id}">返回页面图像</a></div>`;
}
