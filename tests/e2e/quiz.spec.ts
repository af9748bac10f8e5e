import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures.ts';
import { type Locator, type Page } from '@playwright/test';
import { loadQuestions } from '../../content/schemas/load-questions.ts';
import type { Question } from '../../content/schemas/question.ts';
import { PHONE, watchPage } from './helpers.ts';

const bank = loadQuestions('content/questions');
const byStem = new Map(bank.map((q) => [q.stem, q]));

/** Reads a rendered question and returns the bank question plus the displayed option texts. */
async function readQuestion(fieldset: Locator): Promise<{ q: Question; shown: string[] }> {
  const stem = (await fieldset.locator('.quiz-stem').innerText()).trim();
  const q = byStem.get(stem);
  expect(q, `题干应来自题库：${stem}`).toBeDefined();
  const labels = await fieldset.locator('.quiz-option label').allInnerTexts();
  return { q: q!, shown: labels.map((t) => t.replace(/^[A-F]\.\s*/, '').trim()) };
}

/** Waits until every React island on the page has hydrated (Astro drops the ssr attribute). */
async function hydrated(page: Page): Promise<void> {
  await expect(page.locator('astro-island[ssr]')).toHaveCount(0);
}

/** Displayed indices of the right (or a wrong) answer. */
function pick(q: Question, shown: string[], right: boolean): number[] {
  const correct = q.answer.map((i) => shown.indexOf(q.options[i]!));
  expect(correct.every((i) => i >= 0)).toBe(true);
  if (right) return correct;
  return [shown.findIndex((_, i) => !correct.includes(i))];
}

/** Answers every question on a sheet; `right(i)` decides which ones are answered correctly. */
async function answerSheet(page: Page, right: (i: number) => boolean): Promise<number> {
  const sets = page.locator('fieldset.quiz-question');
  const n = await sets.count();
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const fs = sets.nth(i);
    const { q, shown } = await readQuestion(fs);
    const ok = right(i);
    for (const idx of pick(q, shown, ok)) await fs.locator('input').nth(idx).check();
    if (ok) correct++;
  }
  return correct;
}

test.describe('安全测验', () => {
  // Several browsers at once on a shared 2-core machine: allow more than the default 30 s.
  test.describe.configure({ timeout: 60_000 });
  test('练习：只用键盘、手机宽度，逐题反馈和解析，进度条，最后复习答错的题并链接到指南', async ({ browser, baseURL }) => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const watch = watchPage(page, baseURL!);
    await page.goto('/quiz/');
    await expect(page.getByRole('heading', { level: 1, name: '安全测验' })).toBeVisible();
    await hydrated(page);
    await page.getByLabel('答题对象').focus();
    await page.getByLabel('答题对象').selectOption('primary');
    await page.getByLabel('题数').selectOption('5');
    await page.getByRole('button', { name: '开始练习' }).focus();
    await page.keyboard.press('Enter');
    const progress = page.getByRole('progressbar');
    await expect(progress).toHaveAttribute('max', '5');
    let wrong = 0;
    for (let i = 0; i < 5; i++) {
      const fs = page.locator('fieldset.quiz-question');
      await expect(fs.locator('legend')).toContainText(`第 ${i + 1} 题 / 共 5 题`);
      const { q, shown } = await readQuestion(fs);
      // Odd questions answered wrongly, even ones rightly; all by keyboard.
      const chosen = pick(q, shown, i % 2 === 0);
      if (i % 2) wrong++;
      for (const idx of chosen) {
        await fs.locator('input').nth(idx).focus();
        await page.keyboard.press('Space');
      }
      await page.getByRole('button', { name: '确认答案' }).focus();
      await page.keyboard.press('Enter');
      const feedback = page.locator('.quiz-feedback');
      await expect(feedback).toBeFocused();
      await expect(feedback).toContainText(i % 2 === 0 ? '答对了' : '答错了');
      await expect(feedback).toContainText(q.explanation);
      await expect(progress).toHaveAttribute('value', String(i + 1));
      await page.getByRole('button', { name: i < 4 ? '下一题' : '查看结果' }).focus();
      await page.keyboard.press('Enter');
    }
    await expect(page.getByRole('heading', { name: `练习完成：答对 ${5 - wrong} 题，共 5 题` })).toBeFocused();
    const review = page.locator('.quiz-review-list > li');
    await expect(review).toHaveCount(wrong);
    await expect(review.first().getByRole('link')).toHaveAttribute('href', /^\/guides\/[a-z0-9-]+\/$/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
    watch.expectClean();
    await context.close();
  });

  test('考试：交卷前网络流量里没有答案和解析；交卷后有；合格证书能打印和验证', async ({ page, baseURL }) => {
    const watch = watchPage(page, baseURL!);
    const bodies: { url: string; text: string }[] = [];
    let submitted = false;
    page.on('response', async (r) => {
      if (submitted) return;
      try {
        bodies.push({ url: r.url(), text: await r.text() });
      } catch {
        /* redirects have no body */
      }
    });
    await page.goto('/quiz/exam/');
    await hydrated(page);
    await page.getByLabel('答题对象').selectOption('resident');
    await page.getByLabel(/证书上的姓名/).fill('王小明');
    const started = page.waitForResponse((r) => r.url().endsWith('/api/quiz/exams'));
    await page.getByRole('button', { name: '开始考试' }).click();
    const examJson = (await (await started).json()) as { questions: Record<string, unknown>[] };
    await expect(page.locator('fieldset.quiz-question').first()).toBeVisible();
    // Everything the page has received so far: HTML, scripts, styles and the exam itself.
    await page.waitForLoadState('networkidle');
    const traffic = bodies.map((b) => b.text).join('\n');
    const drawn = examJson.questions.map((q) => byStem.get(String(q.stem))!);
    expect(drawn.length).toBeGreaterThanOrEqual(5);
    for (const q of examJson.questions) expect(Object.keys(q).sort()).toEqual(['n', 'options', 'stem', 'type']);
    for (const q of drawn) {
      expect(traffic).toContain(q.stem);
      expect(traffic, `解析不应出现在交卷前：${q.id}`).not.toContain(q.explanation);
    }
    expect(traffic).not.toMatch(/"(answer|explanation|correct)"\s*:/);

    const correct = await answerSheet(page, () => true);
    submitted = true;
    const done = page.waitForResponse((r) => r.url().endsWith('/api/quiz/exams/submit'));
    await page.getByRole('button', { name: '交卷' }).click();
    const resultText = await (await done).text();
    for (const q of drawn) expect(resultText).toContain(JSON.stringify(q.explanation).slice(1, -1));
    await expect(page.getByRole('heading', { name: new RegExp(`恭喜，考试合格！：100 分（答对 ${correct} 题`) })).toBeVisible();
    const code = (await page.locator('.notice.ok .cert-code').innerText()).trim();
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await page.getByRole('link', { name: '查看和打印证书' }).click();
    await expect(page.getByRole('heading', { level: 1, name: '安全知识测验合格证书' })).toBeVisible();
    const cert = page.locator('.certificate');
    await expect(cert).toContainText('王小明');
    await expect(cert).toContainText('100 分');
    await expect(cert).toContainText(code);
    await expect(cert).toContainText('第 1 次');
    // The paper says where to check it: the full verification address and a QR code.
    await expect(cert.locator('.cert-url')).toHaveText(/^https?:\/\/.+\/quiz\/verify\/$/);
    await expect(cert.locator('.cert-qr svg')).toBeVisible();
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('navigation', { name: '主导航' })).toBeHidden();
    await expect(page.locator('.cert-actions')).toBeHidden();
    await expect(cert).toBeVisible();
    await page.emulateMedia({ media: 'screen' });
    watch.expectClean();
  });

  test('证书验证不开 JavaScript 也能用，错误的验证码给出中文说明', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    const page = await context.newPage();
    await page.goto('/quiz/verify/');
    await page.getByLabel('验证码').fill('ABCD-EFGH-JKMN');
    await page.getByRole('button', { name: '查询' }).click();
    await expect(page.getByRole('alert')).toContainText('没有找到验证码为“ABCD-EFGH-JKMN”的证书');
    await context.close();
  });

  test('班级测验：一位老师、三位学生各用一个浏览器，从创建到导出 CSV', async ({ browser, baseURL }) => {
    test.setTimeout(90_000);
    const teacherCtx = await browser.newContext();
    const teacher = await teacherCtx.newPage();
    await teacher.goto('/quiz/class/');
    await hydrated(teacher);
    await teacher.getByRole('button', { name: '创建测验，获取加入码' }).click();
    await expect(teacher.getByRole('alert')).toHaveText('请填写学校名称。');
    const watch = watchPage(teacher, baseURL!);
    await teacher.getByLabel('学校名称').fill('商河县实验小学');
    await teacher.getByLabel('班级名称').fill('五年级二班');
    await teacher.getByLabel('答题对象').selectOption('primary');
    await teacher.getByLabel('题数').selectOption('5');
    await teacher.getByRole('button', { name: '创建测验，获取加入码' }).click();
    await expect(teacher.getByRole('heading', { name: '测验已创建（5 题）' })).toBeFocused();
    const code = (await teacher.locator('.quiz-joincode').innerText()).replace(/\s/g, '');
    expect(code).toMatch(/^\d{8}$/);
    const teacherLink = await teacher.locator('.quiz-secret-link a').getAttribute('href');
    expect(teacherLink).toMatch(/\/quiz\/class\/teacher\/#[A-Za-z0-9_-]{43}$/);
    const requests: string[] = [];
    teacher.on('request', (r) => requests.push(r.url()));
    await teacher.goto(teacherLink!);
    await expect(teacher.getByRole('heading', { name: '商河县实验小学 五年级二班' })).toBeVisible();
    await expect(teacher.locator('.quiz-board .quiz-joincode')).toHaveText(`${code.slice(0, 4)} ${code.slice(4)}`);

    // Three pupils, each in their own browser; one on a phone.
    const pupils = await Promise.all(
      [PHONE, undefined, undefined].map(async (viewport) => {
        const ctx = await browser.newContext(viewport ? { viewport } : {});
        return { ctx, page: await ctx.newPage() };
      }),
    );
    const nicknames = ['勇敢的熊猫', '', '捣蛋鬼'];
    for (const [i, { page }] of pupils.entries()) {
      await page.goto(`/quiz/join/?code=${code}`);
      await hydrated(page);
      await expect(page.getByRole('textbox', { name: /加入码/ })).toHaveValue(code);
      const nick = page.getByRole('textbox', { name: /昵称/ });
      await expect(nick).not.toHaveValue('');
      if (nicknames[i]) await nick.fill(nicknames[i]!);
      else {
        const before = await nick.inputValue();
        for (let k = 0; k < 5 && (await nick.inputValue()) === before; k++) await page.getByRole('button', { name: '换一个' }).click();
        nicknames[i] = await nick.inputValue();
      }
      await page.getByRole('button', { name: '加入' }).click();
      await expect(page.getByRole('heading', { name: /商河县实验小学 五年级二班/ })).toBeVisible();
    }
    await expect(teacher.locator('[data-stat="joined"]')).toHaveText('3');
    // A duplicate nickname is refused with a clear message.
    const dupCtx = await browser.newContext();
    const dup = await dupCtx.newPage();
    await dup.goto('/quiz/join/');
    await hydrated(dup);
    await dup.getByRole('textbox', { name: /加入码/ }).fill(code);
    await dup.getByRole('textbox', { name: /昵称/ }).fill('勇敢的熊猫');
    await dup.getByRole('button', { name: '加入' }).click();
    await expect(dup.getByRole('alert')).toHaveText('这个昵称已经有同学用了，请换一个。');
    await dupCtx.close();

    // The teacher removes the pupil with the silly nickname.
    await teacher.getByRole('button', { name: '移出 捣蛋鬼' }).click();
    await teacher.getByRole('button', { name: '确认移出 捣蛋鬼' }).click();
    await expect(teacher.locator('[data-stat="joined"]')).toHaveText('2');
    await answerSheet(pupils[2]!.page, () => true);
    await pupils[2]!.page.getByRole('button', { name: '交卷' }).click();
    await expect(pupils[2]!.page.getByRole('alert')).toHaveText('老师已经把你移出了这场测验。如有疑问请问老师。');

    // Pupil 1 answers everything right; pupil 2 gets the first two right.
    const [p1, p2] = [pupils[0]!.page, pupils[1]!.page];
    await answerSheet(p1, () => true);
    await p1.getByRole('button', { name: '交卷' }).click();
    await expect(p1.getByRole('heading', { name: /你答对了 5 题（共 5 题），得分 100/ })).toBeVisible();
    await answerSheet(p2, (i) => i < 2);
    await p2.getByRole('button', { name: '交卷' }).click();
    await expect(p2.getByRole('heading', { name: /你答对了 2 题（共 5 题），得分 40/ })).toBeVisible();
    await expect(p2.locator('.quiz-review-list > li.is-wrong')).toHaveCount(3);

    await expect(teacher.locator('[data-stat="finished"]')).toHaveText('2');
    await expect(teacher.locator('[data-stat="average"]')).toHaveText('70');
    await expect(teacher.locator('.quiz-bars li').filter({ hasText: '90–100 分' })).toContainText('1 人');
    await expect(teacher.locator('.quiz-bars li').filter({ hasText: '60 分以下' })).toContainText('1 人');
    for (let n = 1; n <= 5; n++) await expect(teacher.locator(`[data-rate="${n}"]`)).toContainText(n <= 2 ? '答对率 100%' : '答对率 50%');

    const downloadPromise = teacher.waitForEvent('download');
    await teacher.getByRole('button', { name: /导出成绩表/ }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString('utf8').slice(1);
    const rows = csv.split('\r\n');
    expect(rows[2]).toBe('昵称,状态,答对题数,未答题数,总题数,得分,第1题,第2题,第3题,第4题,第5题');
    expect(rows).toContain('勇敢的熊猫,已交卷,5,0,5,100,对,对,对,对,对');
    expect(rows).toContain(`${nicknames[1]},已交卷,2,0,5,40,对,对,错,错,错`);
    expect(csv).not.toContain('捣蛋鬼');
    expect(rows).toContain('各题答对率（只算作答的人）,,,,,,100%,100%,50%,50%,50%');

    // Chromium reports the form navigation that became a download as aborted; that is the download itself.
    watch.failed.splice(0, watch.failed.length, ...watch.failed.filter((f) => !/\/teacher\/export net::ERR_ABORTED$/.test(f)));
    // The private teacher key never appears in a request path or query.
    const key = teacherLink!.split('#')[1]!;
    expect(requests.filter((u) => u.includes(key))).toEqual([]);
    watch.expectClean();
    for (const p of pupils) await p.ctx.close();
    await teacherCtx.close();
  });

  test('限时：计时可隐藏，只在阈值时播报，时间到自动交卷', async ({ browser, page, request }) => {
    const created = await (
      await request.post('/api/quiz/class', { data: { school: '商河县第二中学', className: '初一（1）班', audience: 'junior', count: 5, timeLimitMinutes: 2 } })
    ).json();
    await page.clock.install();
    await page.goto(`/quiz/join/?code=${created.joinCode}`);
    await hydrated(page);
    await page.getByRole('button', { name: '加入' }).click();
    const clock = page.locator('.quiz-clock');
    await expect(clock).toContainText(/剩余时间 0[12]:\d\d/);
    await expect(clock).toHaveAttribute('aria-hidden', 'true');
    const live = page.getByRole('status');
    await expect(live).toHaveText('');
    await page.getByRole('button', { name: '隐藏计时' }).click();
    await expect(clock).toHaveCount(0);
    await expect(page.getByRole('button', { name: '显示计时' })).toHaveAttribute('aria-pressed', 'true');
    await page.clock.fastForward('01:05');
    await expect(live).toHaveText('还剩 1 分钟。');
    await page.clock.fastForward('00:30');
    await expect(live).toHaveText('还剩 1 分钟。');
    await page.clock.fastForward('00:30');
    await expect(page.getByRole('heading', { name: /你答对了 0 题（共 5 题），得分 0/ })).toBeVisible();
    void browser;
  });
});

test.describe('安全测验页面的无障碍和适老化', () => {
  test('各页面在大字号、高对比度、手机宽度下没有 axe 违规，也没有横向滚动', async ({ browser, request }) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({ viewport: PHONE });
    await context.addInitScript(() => {
      localStorage.setItem('sh-text', 'large');
      localStorage.setItem('sh-contrast', 'high');
    });
    const page = await context.newPage();
    // A certificate and a teacher page to check as well.
    const exam = await (await request.post('/api/quiz/exams', { data: { audience: 'primary', name: '无障碍检查' } })).json();
    const answers = (exam.questions as { stem: string; options: string[] }[]).map((pq) => {
      const q = byStem.get(pq.stem)!;
      return q.answer.map((i) => pq.options.indexOf(q.options[i]!));
    });
    const done = await (await request.post('/api/quiz/exams/submit', { data: { token: exam.token, answers } })).json();
    const created = await (
      await request.post('/api/quiz/class', { data: { school: '商河县玉皇庙镇中学', className: '初三（2）班', audience: 'junior', count: 5, timeLimitMinutes: 10 } })
    ).json();
    const pages = ['/quiz/', '/quiz/exam/', '/quiz/verify/', '/quiz/class/', '/quiz/join/', `/quiz/certificate/${done.certificate.code}/`, `/quiz/class/teacher/#${created.teacherKey}`];
    for (const path of pages) {
      await page.goto(path);
      await hydrated(page);
      if (path.includes('teacher')) await expect(page.getByRole('heading', { name: /玉皇庙镇中学/ })).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('data-contrast', 'high');
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), path).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.goto(`/quiz/certificate/${done.certificate.code}/`);
    await expect(page.locator('.cert-name')).toHaveText('无障碍检查');
    await context.close();
  });
});
