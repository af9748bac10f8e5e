// @ts-check
import mdx from '@astrojs/mdx';
import react from '@astrojs/react';
import { defineConfig } from 'astro/config';
import { satteri } from '@astrojs/markdown-satteri';
import { cjkEmphasis } from './src/integrations/cjk-emphasis.mjs';

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
  // CommonMark leaves **bold** literal next to Chinese punctuation (做到**“六不”**：); the plugin
  // turns those pairs into <strong> for every guide and case body (.md and .mdx share the processor).
  markdown: { processor: satteri({ mdastPlugins: [cjkEmphasis] }) },
  integrations: [mdx(), react()],
  vite: {
    build: { assetsInlineLimit: 0 },
  },
});
