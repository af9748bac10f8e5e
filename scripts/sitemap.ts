// sitemap.xml from what the build actually produced (issue 13): every built page that is not
// noindex, plus the public pages the server renders itself, so no public page can be left out.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { guideSchema } from '../content/schemas/guide.ts';
import { loadMdxCollection } from '../content/schemas/load-mdx.ts';

/** Public pages rendered by the server on each request (api/routes). */
export const SERVER_PUBLIC_PAGES = ['/data/'] as const;
/** Built files that are templates, not pages. */
const NOT_PAGES = [/^\/server-shell\//];

function* htmlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(path);
    else if (entry.name === 'index.html') yield path;
  }
}

export function publicPaths(siteDir: string): string[] {
  const paths: string[] = [];
  for (const file of htmlFiles(siteDir)) {
    const rel = relative(siteDir, file).split(sep).join('/');
    const path = rel === 'index.html' ? '/' : `/${rel.slice(0, -'index.html'.length)}`;
    if (NOT_PAGES.some((re) => re.test(path))) continue;
    if (/<meta name="robots" content="noindex"/.test(readFileSync(file, 'utf8'))) continue;
    paths.push(path);
  }
  return [...new Set([...paths, ...SERVER_PUBLIC_PAGES])].sort();
}

export function sitemapXml(site: string, paths: readonly string[], lastmod: ReadonlyMap<string, string> = new Map()): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const urls = paths.map((p) => {
    const mod = lastmod.get(p);
    return `  <url><loc>${esc(new URL(p, site).href)}</loc>${mod ? `<lastmod>${mod}</lastmod>` : ''}</url>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

export function writeSitemap(siteDir: string, site: string, contentDir = 'content'): number {
  const lastmod = new Map(loadMdxCollection(join(contentDir, 'guides'), guideSchema).map((g) => [`/guides/${g.slug}/`, g.data.updated]));
  const paths = publicPaths(siteDir);
  writeFileSync(join(siteDir, 'sitemap.xml'), sitemapXml(site, paths, lastmod));
  return paths.length;
}
