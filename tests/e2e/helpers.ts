import { expect, type Page } from '@playwright/test';

/** Collects console errors and failed or third-party requests while a page is used. */
export function watchPage(page: Page, origin: string) {
  const consoleErrors: string[] = [];
  const failed: string[] = [];
  const thirdParty: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) thirdParty.push(url);
  });
  return {
    consoleErrors,
    failed,
    thirdParty,
    expectClean() {
      expect(consoleErrors, '控制台错误').toEqual([]);
      expect(failed, '失败的请求').toEqual([]);
      expect(thirdParty, '第三方请求').toEqual([]);
    },
  };
}

export const PHONE = { width: 390, height: 844 } as const;
