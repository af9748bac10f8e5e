/**
 * The back office's own plain layout: no public header, search, reading controls or the public
 * footer's "本站不使用 Cookie" note (staff pages do use a session cookie). It reuses only the site's
 * built stylesheets (colours, text sizes, buttons) and adds public/styles/admin.css.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml, type SafeHtml } from '../html.ts';

export class StaffLayout {
  private readonly styles: string[];

  constructor(siteDir: string | null) {
    let styles: string[] = [];
    if (siteDir) {
      try {
        const template = readFileSync(join(siteDir, 'server-shell', 'index.html'), 'utf8');
        const head = template.slice(0, Math.max(0, template.indexOf('</head>')));
        styles = [...head.matchAll(/<link rel="stylesheet" href="(\/_astro\/[^"]+\.css)">/g)].map((m) => m[1]!);
      } catch {
        // Site not built (unit tests of the API alone): admin.css alone still gives a usable page.
      }
    }
    this.styles = [...styles, '/styles/admin.css'];
  }

  /** A complete staff page. Every page says it is the back office, in the title and at the top. */
  render({ title, body, print = false }: { title: string; body: SafeHtml; print?: boolean }): string {
    const links = this.styles.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('');
    return (
      '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
      `<title>${escapeHtml(title)} - 商河安全办理后台</title><meta name="robots" content="noindex, nofollow"><link rel="icon" href="/favicon.svg" type="image/svg+xml">${links}</head>` +
      `<body class="staff${print ? ' staff-print' : ''}"><a class="skip-link" href="#main">跳到正文</a>` +
      (print ? '' : '<header class="staff-header"><div class="wrap"><span class="staff-brand">商河安全 · 办理后台</span><span class="staff-tag">工作人员专用，所有操作记入审计日志</span></div></header>') +
      `<main id="main" class="wrap staff-main">${body.value}</main></body></html>`
    );
  }
}
