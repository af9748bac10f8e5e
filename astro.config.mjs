// @ts-check
import mdx from '@astrojs/mdx';
import react from '@astrojs/react';
import { defineConfig } from 'astro/config';

export default defineConfig({
  // Canonical origin for sitemap, RSS, QR codes and share metadata; override with SITE_URL.
  site: process.env.SITE_URL ?? 'http://127.0.0.1:4321',
  output: 'static',
  // The benchmark builds synthetic copies elsewhere; everything else uses ./dist.
  outDir: process.env.OUT_DIR ?? './dist',
  trailingSlash: 'always',
  build: {
    format: 'directory',
    // External stylesheets only: the Content-Security-Policy allows no inline styles.
    inlineStylesheets: 'never',
  },
  integrations: [mdx(), react()],
  vite: {
    build: { assetsInlineLimit: 0 },
  },
});
