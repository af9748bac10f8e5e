import { spawnSync } from 'node:child_process';
import { expect, type Page } from '@playwright/test';
import { serverNode } from './fixtures.ts';

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

/**
 * An account made by the administrator must replace its initial password at first login (that makes
 * a new key pair and ends the session). Then the first holder of the role's key gets it on the
 * server's command line with the recovery key (`npm run keys:grant`, the two-person rule's way in
 * without a second key holder). The caller logs in again with `newPassword`.
 */
export function replaceInitialPassword(
  page: Page,
  opts: { username: string; password: string; newPassword: string; dataDir: string; recoveryKey: string; grantKeys?: boolean; env?: Record<string, string> },
): Promise<void> {
  return (async () => {
    await page.getByLabel('当前密码').fill(opts.password);
    await page.getByLabel('新密码（至少 12 位）').fill(opts.newPassword);
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect(page.getByText('请用新密码和动态验证码重新登录')).toBeVisible();
    if (opts.grantKeys === false) return;
    const grant = spawnSync(serverNode(), ['scripts/keys-grant.ts', opts.username], {
      env: { ...process.env, DATA_DIR: opts.dataDir, RECOVERY_KEY: opts.recoveryKey, ...opts.env },
      encoding: 'utf8',
    });
    expect(grant.status, grant.stderr).toBe(0);
  })();
}
