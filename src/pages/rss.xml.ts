import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { COUNTY } from '../../config/county.ts';
import { escapeXml } from '../utils/xml.ts';

/** RSS 2.0 feed of new and updated guides, newest first. */
export const GET: APIRoute = async ({ site }) => {
  const guides = (await getCollection('guides')).sort((a, b) => b.data.updated.localeCompare(a.data.updated) || a.id.localeCompare(b.id));
  const items = guides.slice(0, 50).map((g) => {
    const link = new URL(`/guides/${g.id}/`, site).href;
    return `    <item>
      <title>${escapeXml(g.data.title)}</title>
      <link>${link}</link>
      <guid isPermaLink="true">${link}</guid>
      <pubDate>${new Date(`${g.data.updated}T00:00:00+08:00`).toUTCString()}</pubDate>
      <description>${escapeXml(g.data.summary)}</description>
    </item>`;
  });
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>${escapeXml(COUNTY.siteName)}——安全知识更新</title>
    <link>${new URL('/', site).href}</link>
    <description>${escapeXml(`${COUNTY.name}安全生产宣传教育平台的新内容`)}</description>
    <language>zh-cn</language>
${items.join('\n')}
  </channel>
</rss>
`;
  return new Response(xml, { headers: { 'Content-Type': 'application/rss+xml; charset=utf-8' } });
};
