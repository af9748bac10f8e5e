import type { APIRoute } from 'astro';

/** robots.txt with an absolute sitemap address (required by the format). */
export const GET: APIRoute = ({ site }) =>
  new Response(
    `User-agent: *
Disallow: /admin/
Disallow: /api/
Disallow: /report/status/
Disallow: /server-shell/

Sitemap: ${new URL('/sitemap.xml', site).href}
`,
    { headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
  );
