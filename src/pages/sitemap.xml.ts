import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { AUDIENCES, SECTORS } from '../../config/taxonomy.ts';
import { CAMPAIGNS } from '../utils/campaigns.ts';

/** Every public page a search engine should know, with the content's own update date where known. */
export const GET: APIRoute = async ({ site }) => {
  const guides = await getCollection('guides');
  const entries: { path: string; lastmod?: string }[] = [
    { path: '/' },
    { path: '/guides/' },
    ...AUDIENCES.map((a) => ({ path: `/guides/audience/${a.slug}/` })),
    ...SECTORS.map((s) => ({ path: `/guides/sector/${s.slug}/` })),
    ...guides.map((g) => ({ path: `/guides/${g.id}/`, lastmod: g.data.updated })),
    { path: '/campaigns/' },
    ...CAMPAIGNS.map((c) => ({ path: `/campaigns/${c.slug}/` })),
    { path: '/privacy/' },
    { path: '/about/' },
  ];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${entries.map((e) => `  <url><loc>${new URL(e.path, site).href}</loc>${e.lastmod ? `<lastmod>${e.lastmod}</lastmod>` : ''}</url>`).join('\n')}
</urlset>
`;
  return new Response(xml, { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
};
