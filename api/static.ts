import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
  '.webmanifest': 'application/manifest+json',
  // Pagefind index chunks are pre-compressed binary blobs.
  '.pf_meta': 'application/octet-stream',
  '.pf_index': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream',
  '.pagefind': 'application/octet-stream',
};

/** Hashed build assets never change; everything else must be revalidated. */
function cacheControl(urlPath: string): string {
  if (urlPath.startsWith('/_astro/')) return 'public, max-age=31536000, immutable';
  if (/^\/pagefind\/.+\.pf_(fragment|index)$/.test(urlPath)) return 'public, max-age=31536000, immutable';
  if (urlPath.endsWith('.html') || urlPath.endsWith('/')) return 'no-cache';
  return 'public, max-age=3600, must-revalidate';
}

/** Maps a URL path to a file inside root, or null (never escapes root). */
export function resolveStaticFile(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const candidate = normalize(join(root, decoded));
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  const tries = decoded.endsWith('/') ? [join(candidate, 'index.html')] : [candidate, join(candidate, 'index.html')];
  for (const file of tries) {
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      /* try the next */
    }
  }
  return null;
}

/** Picks a precompressed sibling (.br, then .gz) the client accepts. */
function pickEncoding(file: string, acceptEncoding: string): { path: string; encoding?: string } {
  if (/\bbr\b/.test(acceptEncoding) && existsSync(`${file}.br`)) return { path: `${file}.br`, encoding: 'br' };
  if (/\bgzip\b/.test(acceptEncoding) && existsSync(`${file}.gz`)) return { path: `${file}.gz`, encoding: 'gzip' };
  return { path: file };
}

export function sendFile(c: Context, file: string, urlPath: string, status: 200 | 404 = 200): Response {
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const { path, encoding } = pickEncoding(file, c.req.header('accept-encoding') ?? '');
  const stat = statSync(path);
  const headers = new Headers({
    'Content-Type': type,
    'Content-Length': String(stat.size),
    'Cache-Control': status === 404 ? 'no-cache' : cacheControl(urlPath),
    'Last-Modified': statSync(file).mtime.toUTCString(),
    Vary: 'Accept-Encoding',
  });
  if (encoding) headers.set('Content-Encoding', encoding);
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}${encoding ? `-${encoding}` : ''}"`;
  headers.set('ETag', etag);
  if (status === 200 && c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
  if (c.req.method === 'HEAD') return new Response(null, { status, headers });
  const body = Readable.toWeb(createReadStream(path)) as ReadableStream;
  return new Response(body, { status, headers });
}

/** Reads the per-page inline-script hashes the postbuild step wrote (empty when absent). */
export function loadScriptHashes(siteDir: string): Map<string, string[]> {
  const file = join(siteDir, '.csp-hashes.json');
  if (!existsSync(file)) return new Map();
  return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>));
}
