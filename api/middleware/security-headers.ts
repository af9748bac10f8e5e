import type { MiddlewareHandler } from 'hono';
import { getClient } from './client.ts';

/** Inline-script hashes of each built HTML page, written by scripts/postbuild.ts. */
export type ScriptHashes = ReadonlyMap<string, readonly string[]>;

export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
  'browsing-topics=()',
].join(', ');

/** One year, as browsers' preload rules expect; the site is HTTPS-only once deployed behind TLS. */
export const HSTS_MAX_AGE = 31_536_000;

/**
 * Content-Security-Policy: only this origin, no inline script except the exact hashes Astro's
 * build emitted for that page, WebAssembly allowed for Pagefind, never framed.
 */
export function contentSecurityPolicy(scriptHashes: readonly string[] = []): string {
  const scripts = ["'self'", "'wasm-unsafe-eval'", ...scriptHashes.map((h) => `'${h}'`)].join(' ');
  return [
    "default-src 'self'",
    `script-src ${scripts}`,
    // No inline styles at all: postbuild removes the one Astro adds for islands (global.css has it).
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Sets the security headers on every response, with the page's own script hashes for HTML. */
export function securityHeaders(hashes: ScriptHashes = new Map()): MiddlewareHandler {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    const h = c.res.headers;
    const pageHashes = (h.get('content-type') ?? '').startsWith('text/html') ? hashes.get(c.req.path) : undefined;
    // A route may set a stricter, sandboxed policy (staff attachment downloads); keep it.
    if (!/^sandbox\b/.test(h.get('Content-Security-Policy') ?? '')) h.set('Content-Security-Policy', contentSecurityPolicy(pageHashes));
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Referrer-Policy', 'no-referrer');
    h.set('X-Frame-Options', 'DENY');
    h.set('Permissions-Policy', PERMISSIONS_POLICY);
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    h.delete('X-Powered-By');
    // Only over HTTPS (directly or per a trusted proxy): browsers ignore it on plain HTTP anyway,
    // and sending it from a development server on localhost would pin that name to HTTPS.
    if (getClient(c).https) h.set('Strict-Transport-Security', `max-age=${HSTS_MAX_AGE}`);
  };
}
