/**
 * Reporter POSTs must come from this site's own pages, so no other website can make its visitors'
 * browsers file reports or send messages. Browsers mark every request: `Origin` (a page script
 * cannot forge it) and `Sec-Fetch-Site`. Accepted:
 *   - `Origin` equal to this site's origin (scheme ignored: TLS may end at the proxy);
 *   - `Origin: null` only with `Sec-Fetch-Site: same-origin` — Chromium sends `null` for form posts
 *     from our own no-JavaScript pages because the whole site uses `Referrer-Policy: no-referrer`;
 *   - neither header: not a browser (curl, scripts, the API's own tests) and so no cross-site forgery.
 * Anything else gets 403 with a Chinese message and changes nothing.
 */
import type { Context, MiddlewareHandler } from 'hono';

export const CROSS_SITE = '这个请求不是从本站页面发出的，已被拒绝。请直接打开本站的举报页面填写。';

export function isSameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return false;
  if (origin === undefined) return true;
  if (origin === 'null') return site === 'same-origin';
  try {
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host).toLowerCase();
  } catch {
    return false;
  }
}

export function sameOriginPosts(): MiddlewareHandler {
  return async function sameOriginMiddleware(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || isSameOrigin(c)) return next();
    c.header('Cache-Control', 'no-store');
    if (c.req.path.startsWith('/api/')) return c.json({ error: { code: 'cross_site', message: CROSS_SITE } }, 403);
    return c.html(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>请求被拒绝</title></head><body><h1>请求被拒绝</h1><p>${CROSS_SITE}</p><p><a href="/report/">打开举报页面</a></p></body></html>`,
      403,
    );
  };
}
