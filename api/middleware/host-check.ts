/**
 * Host allowlist: answer only to the site's own names (from SITE_URL, plus localhost for
 * development, or ALLOWED_HOSTS). Another name pointing at this server — DNS rebinding, a stray
 * vhost, a forged Host behind a proxy — gets a clear 421 in Chinese and reaches no route.
 */
import type { MiddlewareHandler } from 'hono';
import { escapeHtml } from '../views/html.ts';

export const DEV_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;

/** The hostname of a Host header value, lower-cased, without port or IPv6 brackets; null when malformed. */
export function hostnameOf(host: string): string | null {
  const h = host.trim().toLowerCase();
  const v6 = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(h);
  if (v6) return v6[1]!;
  const m = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(h);
  return m ? m[1]!.replace(/\.$/, '') : null;
}

export const MISDIRECTED = '这个网址不属于本站：请求里的主机名（Host）不在本站允许的名单里。请检查网址是否输入正确。';

export function hostCheck(allowed: readonly string[]): MiddlewareHandler {
  const names = new Set(allowed.map((h) => h.toLowerCase()));
  return async function hostCheckMiddleware(c, next) {
    const raw = c.req.header('host') ?? new URL(c.req.url).host;
    const name = hostnameOf(raw);
    if (name && names.has(name)) return next();
    c.header('Cache-Control', 'no-store');
    if (c.req.path.startsWith('/api/')) return c.json({ error: { code: 'misdirected', message: MISDIRECTED } }, 421);
    return c.html(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>网址不正确</title></head><body><h1>网址不正确</h1><p>${escapeHtml(MISDIRECTED)}</p></body></html>`,
      421,
    );
  };
}
