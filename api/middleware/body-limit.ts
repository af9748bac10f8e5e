/**
 * One body limit for every route, counted on the streamed bytes before any handler parses them
 * (hono/body-limit answers 413 as soon as Content-Length or the running count passes the limit).
 * Only multipart uploads to the upload routes get the large limit; JSON and forms everywhere else —
 * the reporter's JSON reply included — get the small one.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export interface BodyLimits {
  /** Bytes for every request body not listed below. */
  defaultBytes: number;
  /** Bytes for multipart bodies posted to these paths (exact paths, or patterns for paths with ids). */
  uploads: { paths: readonly (string | RegExp)[]; bytes: number };
  onError: (c: Context) => Response | Promise<Response>;
}

export function limitFor(limits: BodyLimits, method: string, path: string, contentType: string): number {
  const listed = limits.uploads.paths.some((p) => (typeof p === 'string' ? p === path : p.test(path)));
  const upload = method === 'POST' && listed && /^multipart\/form-data/i.test(contentType);
  return upload ? limits.uploads.bytes : limits.defaultBytes;
}

export function bodyLimits(limits: BodyLimits): MiddlewareHandler {
  const small = bodyLimit({ maxSize: limits.defaultBytes, onError: limits.onError });
  const large = bodyLimit({ maxSize: limits.uploads.bytes, onError: limits.onError });
  return function bodyLimitMiddleware(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const bytes = limitFor(limits, c.req.method, c.req.path, c.req.header('content-type') ?? '');
    return (bytes === limits.uploads.bytes ? large : small)(c, next);
  };
}
