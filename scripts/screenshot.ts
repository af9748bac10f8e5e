// Developer tool: screenshots of pages as a person sees them.
// node scripts/screenshot.ts <url-path> <out.png> [width] [text=standard|large|xlarge] [contrast=normal|high] [js=on|off] [full=1]
import { chromium } from 'playwright-core';

const [path = '/', out = '/tmp/shot.png', width = '390', text = 'standard', contrast = 'normal', js = 'on', full = '1'] =
  process.argv.slice(2);
const base = process.env.BASE_URL ?? 'http://127.0.0.1:4321';
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
const context = await browser.newContext({
  viewport: { width: Number(width), height: 900 },
  javaScriptEnabled: js === 'on',
  deviceScaleFactor: 1,
  locale: 'zh-CN',
});
await context.addInitScript(
  ([t, c]) => {
    localStorage.setItem('sh-text', t!);
    localStorage.setItem('sh-contrast', c!);
  },
  [text, contrast],
);
const page = await context.newPage();
await page.goto(base + path, { waitUntil: 'networkidle' });
await page.screenshot({ path: out, fullPage: full === '1' });
await browser.close();
console.log(out);
