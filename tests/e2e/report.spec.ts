import { expect, test } from './fixtures.ts';
import { type Page } from '@playwright/test';
import sharp from 'sharp';
import { closeDb, dbFile, openDb } from '../../api/db/client.ts';
import { ensureInstanceKeys } from '../../api/services/keys.ts';
import { openByReceipt } from '../../api/services/reports/follow-up.ts';
import { postDepartmentMessage } from '../../api/services/reports/workflow.ts';
import { fileBlobStore } from '../../api/services/blob-store.ts';
import { PHONE, watchPage } from './helpers.ts';

/** A phone photo with the metadata that can identify a reporter. */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: '#7a5' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'Huawei', Model: 'P60 Pro', Artist: '王某某' },
      IFD2: { BodySerialNumber: 'SERIAL-4711', DateTimeOriginal: '2026:11:01 08:00:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 18/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '117/1 9/1 0/1' },
    })
    .toBuffer();
}

/** What a handling department does in the back office (issue 7), through the service layer. */
async function departmentReplies(dataDir: string, receipt: string, body: string) {
  const db = await openDb(dbFile(dataDir));
  try {
    const keys = await ensureInstanceKeys(db, () => {
      throw new Error('keys should already exist');
    });
    const opened = await openByReceipt({ db, store: fileBlobStore(dataDir), keys }, receipt);
    expect(opened, '查询码能打开举报').not.toBeNull();
    await postDepartmentMessage(db, opened!.row.id, body, { status: 'investigating' });
  } finally {
    await closeDb(db);
  }
}

async function followUp(page: Page, receipt: string) {
  await page.goto('/report/status/');
  await page.getByLabel('查询码').fill(receipt);
  await page.getByRole('button', { name: '查看办理情况' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '举报办理情况' })).toBeVisible();
  expect(page.url()).not.toContain(receipt.replace(/\s/g, '').slice(0, 8));
  await expect(page.locator('.status-badge')).toHaveText('核查中');
  await expect(page.getByText('请问堵塞的是哪一个出口？')).toBeVisible();
  await page.getByLabel('留言内容').fill('是北侧二号安全出口，晚上锁着。');
  await page.getByRole('button', { name: '发送' }).click();
  await expect(page.getByText('留言已发送')).toBeVisible();
  await expect(page.getByText('是北侧二号安全出口，晚上锁着。')).toBeVisible();
  expect(await page.context().cookies()).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

async function fillWhat(page: Page) {
  await page.getByRole('radio', { name: /一般事故隐患/ }).check();
  await page.getByLabel('行业领域').selectOption('fire');
}
async function fillWhere(page: Page) {
  await page.getByLabel(/所在镇/).selectOption('xushang');
  await page.getByLabel('具体地点').fill('某商场北侧二号安全出口');
}
async function fillEvidence(page: Page, photo: Buffer) {
  await page.getByLabel('问题描述').fill('商场的安全出口晚上被铁链锁住，里面还有顾客和员工。');
  await page.getByLabel(/照片、视频或 PDF/).setInputFiles({ name: 'IMG_20261101.jpg', mimeType: 'image/jpeg', buffer: photo });
}

test.describe('举报（手机，开 JavaScript）', () => {
  // Own server: reporter routes are rate-limited per address, and the department reply writes to its database.
  test.use({ viewport: PHONE, isolated: true });
  // Starting a server of its own is part of the test's time (several seconds on a busy machine).
  test.describe.configure({ timeout: 90_000 });

  test('分步填写、带照片提交、得到查询码、查询并回复', async ({ page, baseURL, server }) => {
    const watch = watchPage(page, baseURL!);
    const photo = await phonePhoto();
    await page.goto('/report/');
    await expect(page.getByRole('heading', { level: 1, name: '我要举报' })).toBeVisible();
    // Step 1 is checked before moving on.
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(page.getByRole('alert')).toContainText('请选择举报类别');
    await fillWhat(page);
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(page.getByLabel('具体地点')).toBeVisible();
    await expect(page.getByLabel('行业领域')).toBeHidden();
    await fillWhere(page);
    await page.getByRole('button', { name: '下一步' }).click();
    await fillEvidence(page, photo);
    // Identity fields appear only for real-name reports.
    const name = page.getByLabel('姓名', { exact: true });
    await expect(name).toBeHidden();
    await page.getByRole('radio', { name: /保密实名举报/ }).check();
    await expect(name).toBeVisible();
    await page.getByRole('radio', { name: /匿名举报/ }).check();
    await expect(name).toBeHidden();
    await page.getByRole('button', { name: '提交举报' }).click();
    const code = page.locator('[data-receipt-view] [data-receipt-code]');
    await expect(code).toHaveText(/^\d{4}( \d{4}){4}$/);
    const receipt = (await code.textContent())!;
    await expect(page.getByText(/已清除隐藏信息：.*拍摄位置（GPS）/)).toBeVisible();
    await expect(page.getByText(/设备序列号/)).toBeVisible();
    await expect(page.getByRole('button', { name: '复制查询码' })).toBeVisible();
    expect(page.url()).not.toContain(receipt.replace(/\s/g, '').slice(0, 8));
    expect(await page.context().cookies()).toEqual([]);
    watch.expectClean();

    await departmentReplies(server.dataDir, receipt, '您好，收到举报。请问堵塞的是哪一个出口？');
    await followUp(page, receipt);
    // With JavaScript the reply form is checked before anything is sent.
    await page.getByRole('button', { name: '发送' }).click();
    await expect(page.getByText('请写下留言，或选择要补充的附件。')).toBeVisible();
    watch.expectClean();
  });
});

test.describe('举报（手机，不开 JavaScript）', () => {
  test.use({ viewport: PHONE, javaScriptEnabled: false, isolated: true });
  test.describe.configure({ timeout: 90_000 });

  test('普通表单提交、服务器回执页面、查询并回复', async ({ page, baseURL, server }) => {
    const watch = watchPage(page, baseURL!);
    const photo = await phonePhoto();
    await page.goto('/report/');
    // Without JavaScript every step is on the page at once and the step buttons are hidden.
    await expect(page.getByRole('button', { name: '下一步' })).toBeHidden();
    await fillWhat(page);
    await fillWhere(page);
    await fillEvidence(page, photo);
    await page.getByRole('button', { name: '提交举报' }).click();
    await expect(page.getByRole('heading', { level: 1, name: '举报已提交' })).toBeVisible();
    const receipt = (await page.locator('#receipt-code').textContent())!.trim();
    expect(receipt).toMatch(/^\d{4}( \d{4}){4}$/);
    await expect(page.getByText(/已清除隐藏信息：.*拍摄位置（GPS）/)).toBeVisible();
    await expect(page.getByText('查询码只显示这一次，丢失后无法找回。')).toBeVisible();
    // Post/Redirect/Get: the receipt is shown once at a single-use address, never at the POST's.
    expect(new URL(page.url()).pathname).toBe('/report/view/');
    watch.expectClean();

    await departmentReplies(server.dataDir, receipt, '您好，收到举报。请问堵塞的是哪一个出口？');
    await followUp(page, receipt);
  });

});

test.describe('查询（手机，不开 JavaScript）', () => {
  test.use({ viewport: PHONE, javaScriptEnabled: false });

  test('错误的查询码得到同样形式的回答', async ({ page }) => {
    await page.goto('/report/status/');
    await page.getByLabel('查询码').fill('1234 5678 9012 3456 7890');
    await page.getByRole('button', { name: '查看办理情况' }).click();
    await expect(page.getByRole('heading', { level: 1, name: '没有找到对应的举报' })).toBeVisible();
  });
});

test('举报接口不设 Cookie，回答不缓存', async ({ request }) => {
  const form = { category: 'other', sector: 'other', township: 'unknown', place: '测试地点', description: '这是一条接口测试举报内容。' };
  const res = await request.post('/api/reports', { multipart: form, headers: { accept: 'application/json' } });
  expect(res.status()).toBe(201);
  expect(res.headers()['set-cookie']).toBeUndefined();
  expect(res.headers()['cache-control']).toBe('no-store');
  const { receipt } = await res.json();
  const look = await request.post('/api/reports/lookup', { data: { receipt } });
  expect(look.status()).toBe(200);
  expect((await look.json()).place).toBe('测试地点');
  const page = await request.get('/report/');
  expect(page.headers()['set-cookie']).toBeUndefined();
});

test.describe('无障碍（axe）', () => {
  test.use({ viewport: PHONE });
  for (const path of ['/report/', '/report/status/']) {
    test(`${path} 没有 axe 违规`, async ({ page }) => {
      await page.goto(path);
      const { default: AxeBuilder } = await import('@axe-core/playwright');
      const results = await new AxeBuilder({ page }).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    });
  }

  test('服务器渲染的状态页没有 axe 违规', async ({ page, request }) => {
    const { default: AxeBuilder } = await import('@axe-core/playwright');
    const res = await request.post('/api/reports', { multipart: { category: 'other', sector: 'other', township: 'unknown', place: '测试地点', description: '这是一条无障碍测试举报。' }, headers: { accept: 'application/json' } });
    const { receipt } = await res.json();
    await page.goto('/report/status/');
    await page.getByLabel('查询码').fill(receipt);
    await page.getByRole('button', { name: '查看办理情况' }).click();
    await expect(page.getByRole('heading', { level: 1, name: '举报办理情况' })).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});
