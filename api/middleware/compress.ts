import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

/** Below this, compression costs more than it saves. */
export const MIN_COMPRESS_BYTES = 512;

/**
 * Compresses HTML the server renders itself (/data/, /search/, quiz and error pages) with br or
 * gzip, whichever the client accepts; static files come precompressed from the build.
 *
 * Responses marked `Cache-Control: no-store` are left alone: they carry secrets (receipt codes,
 * staff CSRF tokens) next to text a visitor typed, and compressing both together would let an
 * observer of response sizes guess the secret (BREACH).
 */
export function compressHtml(): MiddlewareHandler {
  return async function compressHtmlMiddleware(c, next) {
    await next();
    const res = c.res;
    if (c.req.method === 'HEAD' || !res.body || res.status === 204 || res.status === 304) return;
    if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) return;
    if (res.headers.has('content-encoding')) return;
    if (/no-store/i.test(res.headers.get('cache-control') ?? '')) return;
    const accept = c.req.header('accept-encoding') ?? '';
    const encoding = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : null;
    const headers = new Headers(res.headers);
    headers.append('Vary', 'Accept-Encoding');
    const raw = Buffer.from(await res.arrayBuffer());
    if (!encoding || raw.length < MIN_COMPRESS_BYTES) {
      c.res = new Response(raw, { status: res.status, headers });
      return;
    }
    const body = encoding === 'br' ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : gzipSync(raw, { level: 6 });
    headers.set('Content-Encoding', encoding);
    headers.set('Content-Length', String(body.length));
    c.res = new Response(body, { status: res.status, headers });
  };
}
