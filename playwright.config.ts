import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { chromium } from 'playwright-core';

/** Playwright's own browser when installed, else Debian's chromium (or CHROME_PATH). */
function browserPath(): string | undefined {
  if (process.env.CHROME_PATH) return process.env.CHROME_PATH;
  try {
    if (existsSync(chromium.executablePath())) return undefined;
  } catch {
    /* no bundled browser */
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

// Each worker starts its own server (tests/e2e/fixtures.ts): E2E_PORT + 1 + worker index.
const workers = Number(process.env.E2E_WORKERS ?? 2);
const executablePath = browserPath();

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: true,
  workers,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  // Measured on a busy 2-core machine (another CPU-heavy job beside it), every test stays under half of this.
  timeout: 60_000,
  use: {
    locale: 'zh-CN',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], channel: undefined } },
  ],
});
