import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml, html, type SafeHtml } from './html.ts';

export interface PageParts {
  title: string;
  description?: string;
  body: SafeHtml;
}

/** Renders server pages inside the site's own layout (dist/server-shell/index.html). */
export class PageShell {
  private readonly template: string;

  constructor(siteDir: string) {
    let template: string;
    try {
      template = readFileSync(join(siteDir, 'server-shell', 'index.html'), 'utf8');
    } catch {
      // Site not built (unit tests of the API alone): a plain but complete Chinese page.
      template =
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>__PAGE_TITLE__ - 商河安全</title><meta name="description" content="__PAGE_DESCRIPTION__"></head><body><main id="main"><!--PAGE_BODY--></main></body></html>';
    }
    this.template = template;
  }

  render({ title, description = '', body }: PageParts): string {
    // Function replacers: a string replacement would expand `$&`, `$'`, `` $` `` typed by a user
    // into pieces of the template (issue 10, observation 9).
    const safeTitle = escapeHtml(title);
    const safeDescription = escapeHtml(description);
    return this.template
      .replaceAll('__PAGE_TITLE__', () => safeTitle)
      .replaceAll('__PAGE_DESCRIPTION__', () => safeDescription)
      .replace('<!--PAGE_BODY-->', () => body.value);
  }

  /** A Chinese error page: what went wrong and what to do next. */
  error(title: string, message: string): string {
    return this.render({
      title,
      body: html`<div class="page-head"><h1>${title}</h1><p class="lead">${message}</p></div>
        <p><a class="button" href="/">回到首页</a></p>
        <p class="notice danger">遇到紧急情况，请立即拨打 119（火警）、120（急救）或 110（报警）。</p>`,
    });
  }
}
