// After `astro build`: record inline-script hashes for the CSP (for the server, and as an nginx map for
// nginx serving dist/ itself in a province-scale deployment), precompress text assets, stamp the build.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { contentSecurityPolicy } from '../api/middleware/security-headers.ts';
import { writeSearchIndex } from './search-index.ts';
import { writeSitemap } from './sitemap.ts';

const DIST = process.env.OUT_DIR ?? 'dist';
const COMPRESSIBLE = /\.(html|css|js|mjs|json|svg|xml|txt|webmanifest)$/;

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** URL path a built HTML file answers to: dist/guides/x/index.html → /guides/x/. */
export function urlPathOf(file: string): string {
  const rel = relative(DIST, file).split(sep).join('/');
  if (rel === 'index.html') return '/';
  if (rel.endsWith('/index.html')) return `/${rel.slice(0, -'index.html'.length)}`;
  return `/${rel}`;
}

/** sha256 CSP sources for every inline <script> (no src) in a page. */
export function inlineScriptHashes(htmlText: string): string[] {
  const hashes = new Set<string>();
  for (const m of htmlText.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attrs = m[1] ?? '';
    const body = m[2] ?? '';
    if (/\bsrc\s*=/.test(attrs) || body.length === 0) continue;
    if (/type\s*=\s*["']?application\/(ld\+)?json/i.test(attrs)) continue;
    hashes.add(`sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}`);
  }
  return [...hashes];
}

/**
 * Astro puts `<style>astro-island,…{display:contents}</style>` before the first island of a page;
 * the CSP allows no inline styles, so the same rule lives in global.css and the inline copy goes.
 */
export const ISLAND_STYLE_TAG = '<style>astro-island,astro-slot,astro-static-slot{display:contents}</style>';
export function stripIslandStyles(htmlText: string): string {
  return htmlText.split(ISLAND_STYLE_TAG).join('');
}

/** File name (in dist/) of the nginx map with each page's Content-Security-Policy (docs/deploy.md). */
export const NGINX_CSP_MAP = '.nginx-csp.map';

/** A string as an nginx configuration token in double quotes (map keys are literal; a policy has no `$`). */
function nginxQuoted(s: string): string {
  return `"${s.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

/**
 * nginx `map $uri $shanghe_csp {…}`: the same Content-Security-Policy the server sends for each built
 * page (its inline-script hashes), the hash-free policy for everything else. Included by the
 * province-scale nginx configuration in docs/deploy.md, where nginx serves dist/ without the server.
 */
export function nginxCspMap(hashes: Record<string, readonly string[]>): string {
  // nginx matches map strings ignoring case: paths that differ only in case share one entry with
  // both pages' hashes (an unmerged duplicate would make nginx refuse the file).
  const merged = new Map<string, Set<string>>();
  for (const [path, list] of Object.entries(hashes)) {
    const key = path.toLowerCase();
    const set = merged.get(key) ?? new Set<string>();
    for (const h of list) set.add(h);
    merged.set(key, set);
  }
  const paths = [...merged.keys()].sort();
  const longest = Math.max(0, ...paths.map((p) => Buffer.byteLength(p)));
  // nginx refuses to start when the map's hash table does not fit; size it for this build.
  let bucket = 64;
  while (bucket < longest + 32) bucket *= 2;
  let max = 2048;
  while (max < paths.length * 4) max *= 2;
  const lines = [
    '# Written by `npm run build` (scripts/postbuild.ts) from dist/.csp-hashes.json; do not edit.',
    '# Each page\'s Content-Security-Policy with the hashes of its inline scripts, as the server sends it.',
    `map_hash_bucket_size ${bucket};`,
    `map_hash_max_size ${max};`,
    'map $uri $shanghe_csp {',
    `    default ${nginxQuoted(contentSecurityPolicy())};`,
    ...paths.map((p) => `    ${nginxQuoted(p)} ${nginxQuoted(contentSecurityPolicy([...merged.get(p)!]))};`),
    '}',
    '',
  ];
  return lines.join('\n');
}

if (import.meta.main) {
  const pages = writeSearchIndex(DIST, process.env.CONTENT_ROOT ?? 'content');
  console.log(`postbuild: 搜索索引收录 ${pages} 个页面`);
  const listed = writeSitemap(DIST, process.env.SITE_URL ?? 'http://127.0.0.1:4321', process.env.CONTENT_ROOT ?? 'content');
  console.log(`postbuild: 站点地图收录 ${listed} 个公开页面`);
  const hashes: Record<string, string[]> = {};
  let compressed = 0;
  for (const file of walk(DIST)) {
    if (file.endsWith('.html')) {
      const original = readFileSync(file, 'utf8');
      const html = stripIslandStyles(original);
      if (html !== original) writeFileSync(file, html);
      const h = inlineScriptHashes(html);
      if (h.length) {
        hashes[urlPathOf(file)] = h;
        if (file.endsWith('index.html')) hashes[urlPathOf(file) + 'index.html'] = h;
      }
    }
    if (COMPRESSIBLE.test(file) && statSync(file).size > 512) {
      const data = readFileSync(file);
      writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
      compressed++;
    }
  }
  // Error page is served for any unknown path: its hashes apply there too (looked up by file at serve time).
  writeFileSync(join(DIST, '.csp-hashes.json'), JSON.stringify(hashes));
  writeFileSync(join(DIST, NGINX_CSP_MAP), nginxCspMap(hashes));
  writeFileSync(join(DIST, '.build-stamp'), new Date().toISOString());
  console.log(`postbuild: ${Object.keys(hashes).length} 个页面含内联脚本，已预压缩 ${compressed} 个文件`);
}
