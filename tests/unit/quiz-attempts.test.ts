// Issue 12: retakes are limited per name and day (QUIZ_EXAM_ATTEMPTS_PER_DAY), certificates carry
// the attempt number, and a pass without a name earns no certificate.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { openDb } from '../../api/db/client.ts';
import { quizExamAttempts } from '../../api/db/schema.ts';
import { parseEnv } from '../../api/env.ts';
import { QuestionBank } from '../../api/services/quiz/bank.ts';
import { purgeQuizData } from '../../api/services/quiz/purge.ts';

const bank = QuestionBank.load();

async function setup(attemptsPerDay: number | undefined, clock: { now: Date }) {
  const db = await openDb(':memory:');
  const { app } = await createApp({
    db,
    siteDir: '/nonexistent',
    dataDir: '/tmp',
    quiz: { bank, now: () => clock.now, ...(attemptsPerDay === undefined ? {} : { attemptsPerDay }) },
  });
  const post = (path: string, body: unknown) =>
    app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const start = (name: string, audience = 'employee') => post('/api/quiz/exams', { audience, name });
  /** Sits an exam knowing every answer. */
  const pass = async (name: string) => {
    const exam = (await (await start(name)).json()) as { token: string; attempt: number | null; questions: { stem: string; options: string[] }[] };
    const answers = exam.questions.map((pq) => {
      const q = bank.all.find((b) => b.stem === pq.stem)!;
      return q.answer.map((i) => pq.options.indexOf(q.options[i]!));
    });
    const r = await post('/api/quiz/exams/submit', { token: exam.token, answers });
    return { exam, result: (await r.json()) as { passed: boolean; anonymous: boolean; certificate: { code: string; attempt: number | null } | null } };
  };
  return { db, app, post, start, pass };
}

describe('同一姓名每天的考试次数', () => {
  it('设置为 2：第 2 次可以开始，第 3 次被拒绝并说明原因；换名字、换一套题、第二天都可以', async () => {
    const clock = { now: new Date('2026-06-10T01:00:00Z') }; // 09:00 in China
    const t = await setup(2, clock);
    expect((await t.start('王五')).status).toBe(201);
    expect((await t.start('王 五')).status).toBe(201); // spaces don't make a new person
    const third = await t.start('王五');
    expect(third.status).toBe(429);
    const err = ((await third.json()) as { error: { message: string; field: string } }).error;
    expect(err.field).toBe('name');
    expect(err.message).toContain('每天最多 2 次');
    expect((await t.start('赵六')).status).toBe(201);
    expect((await t.start('王五', 'resident')).status).toBe(201);
    // 23:59 China time is still the same day; 00:00 the next day is a new day.
    clock.now = new Date('2026-06-10T15:59:00Z');
    expect((await t.start('王五')).status).toBe(429);
    clock.now = new Date('2026-06-10T16:00:00Z');
    const nextDay = (await (await t.start('王五')).json()) as { attempt: number };
    expect(nextDay.attempt).toBe(3);
  });

  it('设置为 1：当天第二次就被拒绝；默认是 3 次', async () => {
    const clock = { now: new Date('2026-06-10T01:00:00Z') };
    const one = await setup(1, clock);
    expect((await one.start('李雷')).status).toBe(201);
    expect((await one.start('李雷')).status).toBe(429);
    const dflt = await setup(undefined, clock);
    for (let i = 0; i < 3; i++) expect((await dflt.start('韩梅梅')).status).toBe(201);
    expect((await dflt.start('韩梅梅')).status).toBe(429);
  });

  it('同时发出 10 个开始请求，只有设置允许的 3 个成功', async () => {
    const clock = { now: new Date('2026-06-10T01:00:00Z') };
    const t = await setup(3, clock);
    const statuses = await Promise.all(Array.from({ length: 10 }, () => t.start('并发测试')).map(async (r) => (await r).status));
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('证书上印着第几次考试；不填姓名合格也不发证书', async () => {
    const clock = { now: new Date('2026-06-10T01:00:00Z') };
    const t = await setup(3, clock);
    await t.start('孙七');
    const { result } = await t.pass('孙七');
    expect(result.passed).toBe(true);
    expect(result.certificate?.attempt).toBe(2);
    const page = await (await t.app.request(`/quiz/certificate/${result.certificate!.code}/`)).text();
    expect(page).toContain('第 2 次');
    const anon = await t.pass('');
    expect(anon.exam.attempt).toBeNull();
    expect(anon.result).toMatchObject({ passed: true, anonymous: true, certificate: null });
  });

  it('姓名只以散列保存；一年前的次数记录被清理', async () => {
    const clock = { now: new Date('2025-06-01T01:00:00Z') };
    const t = await setup(3, clock);
    await t.start('周八');
    const rows = await t.db.select().from(quizExamAttempts);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('周八');
    await purgeQuizData(t.db, new Date('2026-06-01T02:00:00Z'));
    expect(await t.db.select().from(quizExamAttempts)).toHaveLength(1);
    await purgeQuizData(t.db, new Date('2026-06-03T02:00:00Z'));
    expect(await t.db.select().from(quizExamAttempts)).toHaveLength(0);
  });
});

describe('QUIZ_EXAM_ATTEMPTS_PER_DAY 和 SITE_URL 配置', () => {
  it('边界值：1 和 20 可以，0、21、小数被拒绝并用中文说明', () => {
    expect(parseEnv({ QUIZ_EXAM_ATTEMPTS_PER_DAY: '1' }).quizExamAttemptsPerDay).toBe(1);
    expect(parseEnv({ QUIZ_EXAM_ATTEMPTS_PER_DAY: '20' }).quizExamAttemptsPerDay).toBe(20);
    expect(parseEnv({}).quizExamAttemptsPerDay).toBe(3);
    for (const bad of ['0', '21', '2.5', 'abc']) expect(() => parseEnv({ QUIZ_EXAM_ATTEMPTS_PER_DAY: bad })).toThrow(/QUIZ_EXAM_ATTEMPTS_PER_DAY 必须是 1–20 的整数/);
  });
  it('SITE_URL 去掉末尾斜杠；不是网址时拒绝', () => {
    expect(parseEnv({ SITE_URL: 'https://aq.example.gov.cn/' }).siteUrl).toBe('https://aq.example.gov.cn');
    expect(() => parseEnv({ SITE_URL: 'aq.example.gov.cn' })).toThrow(/SITE_URL/);
  });
});
