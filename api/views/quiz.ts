import QRCode from 'qrcode';
import type { Certificate } from '../services/quiz/exams.ts';
import { html, SafeHtml } from './html.ts';
import type { PageParts } from './shell.ts';

function dateZh(isoDay: string): string {
  const [y, m, d] = isoDay.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** Where anyone holding the paper can check it: the certificate's own page, and the verification form. */
export function certificateUrls(cert: Pick<Certificate, 'code'>, siteUrl: string): { page: string; verify: string } {
  return { page: `${siteUrl}/quiz/certificate/${cert.code}/`, verify: `${siteUrl}/quiz/verify/` };
}

function certificateBody(cert: Certificate, urls: { page: string; verify: string }, qrSvg: string): SafeHtml {
  return html`<article class="certificate" aria-labelledby="cert-title">
    <p class="cert-org">商河安全 · 商河县安全生产宣传教育平台</p>
    <h1 id="cert-title">安全知识测验合格证书</h1>
    <p class="cert-name">${cert.name || '（持证人未填写姓名）'}</p>
    <p class="cert-text">参加“${cert.title}”在线测验，答对 ${cert.correct} 题（共 ${cert.total} 题），成绩 <strong>${cert.score} 分</strong>，成绩合格。</p>
    <dl class="cert-facts">
      <div><dt>日期</dt><dd><time datetime="${cert.issuedOn}">${dateZh(cert.issuedOn)}</time></dd></div>
      ${cert.attempt ? html`<div><dt>考试次数</dt><dd data-attempt="${cert.attempt}">第 ${cert.attempt} 次</dd></div>` : ''}
      <div><dt>验证码</dt><dd class="cert-code">${cert.code}</dd></div>
    </dl>
    <div class="cert-check">
      <figure class="cert-qr" aria-hidden="true">${new SafeHtml(qrSvg)}</figure>
      <p class="cert-verify">核验方法：用手机扫描二维码，或打开 <span class="cert-url">${urls.verify}</span> 输入验证码 <span class="cert-code">${cert.code}</span>。</p>
    </div>
  </article>`;
}

export async function certificatePage(cert: Certificate, siteUrl: string): Promise<PageParts> {
  const urls = certificateUrls(cert, siteUrl);
  const qrSvg = await QRCode.toString(urls.page, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return {
    title: '安全知识测验合格证书',
    description: '商河安全在线测验合格证书',
    body: html`${certificateBody(cert, urls, qrSvg)}
      <div class="cert-actions no-print">
        <button type="button" class="button" data-print hidden>打印证书</button>
        <a class="button secondary" href="/quiz/verify/">验证证书</a>
        <a class="button secondary" href="/quiz/">回到安全测验</a>
      </div>
      <p class="notice no-print">证书只保存上面显示的内容：姓名、成绩、日期、考试次数和验证码。请记下验证码，凭它可以随时核验和重新打开证书。</p>`,
  };
}

export function verifyResultPage(input: string, cert: Certificate | null): PageParts {
  const result = !input
    ? html`<p class="notice warn" role="alert">请填写证书上的验证码。</p>`
    : cert
      ? html`<div class="notice ok" role="status"><p class="notice-title"><strong>证书有效</strong></p>
          <p>持证人：${cert.name || '（未填写姓名）'}；测验：${cert.title}；成绩：${cert.score} 分（答对 ${cert.correct}/${cert.total} 题）；日期：${dateZh(cert.issuedOn)}${cert.attempt ? `；第 ${cert.attempt} 次考试` : ''}；验证码：${cert.code}。</p>
          <p><a href="/quiz/certificate/${cert.code}/">查看和打印这张证书</a></p></div>`
      : html`<p class="notice danger" role="alert">没有找到验证码为“${input}”的证书。请核对后重试：验证码是 12 位字母和数字，例如 7KQ4-MX2P-9HTD。</p>`;
  return {
    title: cert ? '证书有效' : '证书验证',
    body: html`<div class="page-head"><h1>证书验证</h1></div>
      ${result}
      <form class="verify-form" method="post" action="/quiz/verify/">
        <div class="field"><label for="code">验证码</label>
          <input id="code" name="code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required value="${input}">
        </div>
        <button class="button" type="submit">查询</button>
      </form>`,
  };
}
