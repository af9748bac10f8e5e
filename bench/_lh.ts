import { startServer, stopServer } from './lib.ts';
const { default: lighthouse } = await import('lighthouse');
const chromeLauncher = await import('chrome-launcher');
const server = await startServer({ PORT: '4812', HOST: '127.0.0.1', DATA_DIR: '/tmp/lhdata' });
const chrome = await chromeLauncher.launch({ chromePath: '/usr/bin/chromium', chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
for (const p of ['/search/', '/guides/']) {
const r = await lighthouse('http://127.0.0.1:4812' + p, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
console.log(p, r?.lhr.categories.performance.score);
for (const k of ['first-contentful-paint','largest-contentful-paint','total-blocking-time','cumulative-layout-shift','speed-index']) { const a = r!.lhr.audits[k]!; console.log(k, a.score, a.displayValue); }
const bt = r!.lhr.audits['bootup-time']; console.log(JSON.stringify(bt.details).slice(0, 600));
}
await chrome.kill(); await stopServer(server);
