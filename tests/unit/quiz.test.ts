import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { exec, first, groupWrite, openDb, rows } from '../../api/db/client.ts';
import { quizClassAnswers, quizClassPlayers, quizClassSessions, quizExams } from '../../api/db/schema.ts';
import { RateLimiter } from '../../api/middleware/rate-limit.ts';
import { QuestionBank } from '../../api/services/quiz/bank.ts';
import { classCsv, classReport, createClassSession, MAX_PLAYERS, sessionByJoinCode } from '../../api/services/quiz/class-sessions.ts';
import { drawQuestions, publicQuestions, resolveDraw } from '../../api/services/quiz/draw.ts';
import { purgeQuizData } from '../../api/services/quiz/purge.ts';
import { isCorrect, scoreAnswers } from '../../api/services/quiz/scoring.ts';
import { normaliseCertificateCode } from '../../api/services/quiz/secrets.ts';
import type { Question } from '../../content/schemas/question.ts';

const bank = QuestionBank.load();
const single = bank.all.find((q) => q.type === 'single')!;
const multiple = bank.all.find((q) => q.type === 'multiple')!;
const tf = bank.all.find((q) => q.type === 'truefalse')!;

/** Displayed indices of the right answer for a question shown in `order`. */
const shownAnswer = (q: Question, order: number[]) => q.answer.map((i) => order.indexOf(i));
/** Deterministic "random" source for reproducible draws. */
function seeded(seed: number) {
  let s = seed;
  return (max: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % max;
  };
}

describe('抽题', () => {
  const pool = bank.pool('primary');
  it('抽出的题不重复、都在范围内、由易到难，选项顺序是原选项的一个排列', () => {
    const draw = drawQuestions(pool, 15, seeded(7));
    expect(draw).toHaveLength(Math.min(15, pool.length));
    expect(new Set(draw.map((d) => d.id)).size).toBe(draw.length);
    const qs = draw.map((d) => bank.get(d.id)!);
    for (const q of qs) expect(q.audiences).toContain('primary');
    const diffs = qs.map((q) => q.difficulty);
    expect(diffs).toEqual([...diffs].sort());
    for (const d of draw) expect([...d.order].sort()).toEqual(bank.get(d.id)!.options.map((_, i) => i));
  });
  it('题库不够时全部抽出，数量为 0 时不抽', () => {
    const small = pool.slice(0, 3);
    expect(drawQuestions(small, 10)).toHaveLength(3);
    expect(drawQuestions(small, 0)).toHaveLength(0);
  });
  it('判断题不打乱“正确 / 错误”，选择题会打乱选项', () => {
    const tfs = bank.all.filter((q) => q.type === 'truefalse');
    for (const d of drawQuestions(tfs, 10)) expect(d.order).toEqual([0, 1]);
    const choices = bank.all.filter((q) => q.type !== 'truefalse' && q.options.length >= 4);
    const shuffled = drawQuestions(choices, 30, seeded(3)).some((d) => d.order.some((v, i) => v !== i));
    expect(shuffled).toBe(true);
  });
  it('按主题筛选', () => {
    const [t] = bank.topics('primary');
    expect(t).toBeDefined();
    const draw = drawQuestions(bank.pool('primary', t!.topic), 50);
    expect(draw).toHaveLength(t!.count);
    for (const d of draw) expect(bank.get(d.id)!.topics).toContain(t!.topic);
  });
  it('发给浏览器的题目只有题干和选项，没有答案和解析', () => {
    const pub = publicQuestions(resolveDraw(drawQuestions(bank.all, 20), (id) => bank.get(id)));
    for (const q of pub) expect(Object.keys(q).sort()).toEqual(['n', 'options', 'stem', 'type']);
  });
});

describe('评分', () => {
  it('按显示顺序作答，映射回原答案', () => {
    const order = [...single.options.keys()].reverse();
    expect(isCorrect(single, order, shownAnswer(single, order))).toBe(true);
    const wrong = order.map((_, i) => i).find((i) => !shownAnswer(single, order).includes(i))!;
    expect(isCorrect(single, order, [wrong])).toBe(false);
  });
  it('多选题少选、多选都不得分', () => {
    const order = [...multiple.options.keys()];
    const right = shownAnswer(multiple, order);
    expect(isCorrect(multiple, order, right)).toBe(true);
    expect(isCorrect(multiple, order, right.slice(1))).toBe(false);
    const extra = order.find((i) => !right.includes(i));
    if (extra !== undefined) expect(isCorrect(multiple, order, [...right, extra])).toBe(false);
  });
  it('整卷：未答、越界、单选题多选都算错；分数只看对错', () => {
    const draw = [single, multiple, tf].map((q) => ({ question: q, order: [...q.options.keys()] }));
    const all = scoreAnswers(draw, draw.map((d) => shownAnswer(d.question, d.order)));
    expect(all).toMatchObject({ correct: 3, total: 3, percent: 100 });
    const none = scoreAnswers(draw, []);
    expect(none).toMatchObject({ correct: 0, percent: 0 });
    const bad = scoreAnswers(draw, [[0, 1], [9], shownAnswer(tf, [0, 1])]);
    expect(bad.correct).toBe(1);
    expect(bad.percent).toBe(33);
    expect(bad.results[2]!.explanation).toBe(tf.explanation);
  });
});

describe('证书验证码', () => {
  it('容忍小写、空格和缺少连字符', () => {
    expect(normaliseCertificateCode('7kq4 mx2p 9htd')).toBe('7KQ4-MX2P-9HTD');
    expect(normaliseCertificateCode('7KQ4MX2P9HTD')).toBe('7KQ4-MX2P-9HTD');
    expect(normaliseCertificateCode('0OI1-XXXX-XXXX')).toBeNull();
    expect(normaliseCertificateCode('short')).toBeNull();
  });
});

describe('限流', () => {
  it('窗口内超过上限拒绝，换窗口恢复；轮换密钥后计数清空、客户端标识改变', () => {
    let t = 0;
    const limiter = new RateLimiter({ rotateMs: 10_000, now: () => t });
    const k = limiter.clientKey('203.0.113.9');
    expect(k).not.toContain('203');
    for (let i = 0; i < 3; i++) expect(limiter.hit('x', k, { limit: 3, windowMs: 1000 })).toBe(true);
    expect(limiter.hit('x', k, { limit: 3, windowMs: 1000 })).toBe(false);
    t = 1500;
    expect(limiter.hit('x', k, { limit: 3, windowMs: 1000 })).toBe(true);
    t = 20_000;
    expect(limiter.clientKey('203.0.113.9')).not.toBe(k);
    expect(limiter.size).toBe(0);
  });
});

describe('清理', () => {
  it('到期的班级测验连同学生和答案一起删除，未到期的保留；超时未交卷的考试删除', async () => {
    const db = await openDb(':memory:');
    const t0 = new Date('2026-11-01T08:00:00Z');
    const input = { school: '商河县实验小学', className: '四年级一班', audience: 'primary' as const, topic: null, count: 5, timeLimitMinutes: null };
    const old = await createClassSession(db, bank, input, t0, 7);
    const fresh = await createClassSession(db, bank, input, new Date('2026-11-06T08:00:00Z'), 7);
    const s = (await sessionByJoinCode(db, old.joinCode))!;
    await db.insert(quizClassPlayers).values({ sessionId: s.id, tokenHash: 'h', nickname: '小熊猫', joinedAt: t0.toISOString() });
    const p = first(await db.select().from(quizClassPlayers).limit(1))!;
    await db.insert(quizClassAnswers).values({ playerId: p.id, questionIndex: 0, choice: '[0]', correct: true });
    await db.insert(quizExams).values({ tokenHash: 'e', audience: 'primary', draw: '[]', createdAt: t0.toISOString() });

    expect(await purgeQuizData(db, new Date('2026-11-07T08:00:00Z'))).toEqual({ sessions: 0, exams: 1 });
    expect(await purgeQuizData(db, new Date('2026-11-08T09:00:00Z'))).toEqual({ sessions: 1, exams: 0 });
    expect((await db.select().from(quizClassSessions)).map((r) => r.joinCode)).toEqual([fresh.joinCode]);
    expect(await db.select().from(quizClassPlayers)).toEqual([]);
    expect(await db.select().from(quizClassAnswers)).toEqual([]);
  });
});

describe('测验接口', () => {
  let app: Awaited<ReturnType<typeof createApp>>['app'];
  beforeAll(async () => {
    const db = await openDb(':memory:');
    ({ app } = await createApp({ db, siteDir: '/nonexistent', dataDir: '/tmp', quiz: { bank, siteUrl: 'https://aq.example.gov.cn' } }));
  });
  const post = (path: string, body: unknown) =>
    app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('考试：开始时没有答案，交卷后给出分数和解析，同一份不能交两次；及格发证书并能验证', async () => {
    const res = await post('/api/quiz/exams', { audience: 'primary', name: '张三' });
    expect(res.status).toBe(201);
    const text = await res.text();
    const exam = JSON.parse(text) as { token: string; questions: { stem: string; options: string[] }[] };
    expect(text).not.toMatch(/answer|explanation|"id"/);
    // Answer right by looking the question up in the bank (as only the server can).
    const answers = exam.questions.map((pq) => {
      const q = bank.all.find((b) => b.stem === pq.stem)!;
      return q.answer.map((i) => pq.options.indexOf(q.options[i]!));
    });
    const done = await post('/api/quiz/exams/submit', { token: exam.token, answers });
    const result = (await done.json()) as { percent: number; passed: boolean; results: { explanation: string }[]; certificate: { code: string; name: string } };
    expect(result.percent).toBe(100);
    expect(result.passed).toBe(true);
    expect(result.results[0]!.explanation.length).toBeGreaterThan(10);
    expect(result.certificate.name).toBe('张三');
    const again = await post('/api/quiz/exams/submit', { token: exam.token, answers });
    expect(again.status).toBe(404);
    const v = await post('/api/quiz/certificates/verify', { code: result.certificate.code.toLowerCase() });
    expect(await v.json()).toMatchObject({ valid: true, certificate: { name: '张三', score: 100 } });
    const page = await app.request(`/quiz/certificate/${result.certificate.code}/`);
    expect(page.status).toBe(200);
    const pageText = await page.text();
    expect(pageText).toContain('张三');
    // Full verification address and a QR code of the certificate's own address, from SITE_URL.
    expect(pageText).toContain('https://aq.example.gov.cn/quiz/verify/');
    expect(pageText).toMatch(/<svg[^>]*>[\s\S]*<path/);
    expect(pageText).toContain('第 1 次');
  });

  it('不及格没有证书', async () => {
    const exam = (await (await post('/api/quiz/exams', { audience: 'resident' })).json()) as { token: string };
    const r = (await (await post('/api/quiz/exams/submit', { token: exam.token, answers: [] })).json()) as { passed: boolean; certificate: unknown };
    expect(r).toMatchObject({ passed: false, certificate: null });
  });

  it('错误输入给出中文说明', async () => {
    const r1 = await post('/api/quiz/exams', { audience: 'martian' });
    expect(r1.status).toBe(400);
    expect(((await r1.json()) as { error: { message: string } }).error.message).toMatch(/请选择答题对象/);
    const r2 = await post('/api/quiz/class', { school: '', className: '一班', audience: 'primary', count: 10 });
    expect(((await r2.json()) as { error: { message: string; field: string } }).error).toMatchObject({ message: '请填写学校名称。', field: 'school' });
    const r3 = await post('/api/quiz/class/join', { code: '12345678', nickname: '=HYPERLINK()' });
    expect(((await r3.json()) as { error: { message: string } }).error.message).toMatch(/昵称只能用汉字/);
    const r4 = await app.request('/api/quiz/exams', { method: 'POST', body: 'not json', headers: { 'Content-Type': 'application/json' } });
    expect(r4.status).toBe(400);
  });

  it('班级测验：加入、交卷、老师看报告、移出、导出带 BOM 的 CSV', async () => {
    const created = (await (await post('/api/quiz/class', { school: '商河县第一中学', className: '初二（3）班', audience: 'junior', count: 6, timeLimitMinutes: null })).json()) as {
      joinCode: string;
      teacherKey: string;
    };
    expect(created.joinCode).toMatch(/^\d{8}$/);
    const join = async (nickname: string) => (await (await post('/api/quiz/class/join', { code: created.joinCode, nickname })).json()) as { token: string; view: { questions: { stem: string; options: string[] }[] } };
    const a = await join('勇敢的熊猫');
    const b = await join('聪明的小鹿');
    const dup = await post('/api/quiz/class/join', { code: created.joinCode, nickname: '勇敢的熊猫' });
    expect(dup.status).toBe(409);
    const rightAnswers = a.view.questions.map((pq) => {
      const q = bank.all.find((x) => x.stem === pq.stem)!;
      return q.answer.map((i) => pq.options.indexOf(q.options[i]!));
    });
    const sa = (await (await post('/api/quiz/class/submit', { token: a.token, answers: rightAnswers })).json()) as { percent: number };
    expect(sa.percent).toBe(100);
    expect((await post('/api/quiz/class/submit', { token: a.token, answers: rightAnswers })).status).toBe(409);
    // 小鹿 answers the first three right and leaves the rest blank; 白兔 answers the last three wrong.
    await post('/api/quiz/class/submit', { token: b.token, answers: rightAnswers.map((x, i) => (i < 3 ? x : [])) });
    const c = await join('安静的白兔');
    const wrongAnswers = rightAnswers.map((x, i) => (i < 3 ? [] : [x[0] === 0 ? 1 : 0]));
    await post('/api/quiz/class/submit', { token: c.token, answers: wrongAnswers });
    const report = (await (await post('/api/quiz/class/teacher', { key: created.teacherKey })).json()) as Awaited<ReturnType<typeof classReport>>;
    expect(report).toMatchObject({ joined: 3, finished: 3, average: 50 });
    // A blank is neither wrong nor an answer: rates count only those who answered.
    expect(report.questions.map((q) => q.correctRate)).toEqual([100, 100, 100, 50, 50, 50]);
    expect(report.questions.map((q) => q.answered)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(report.questions.map((q) => q.unanswered)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(report.players.map((p) => p.unanswered)).toEqual([0, 3, 3]);
    expect(report.players[1]!.answers).toEqual(['right', 'right', 'right', 'blank', 'blank', 'blank']);
    expect(report.players[2]!.answers).toEqual(['blank', 'blank', 'blank', 'wrong', 'wrong', 'wrong']);
    expect(report.distribution.find((d) => d.label === '90–100 分')!.count).toBe(1);
    const removed = (await (await post('/api/quiz/class/teacher/remove', { key: created.teacherKey, playerId: report.players[1]!.id })).json()) as typeof report;
    expect(removed.joined).toBe(2);
    expect((await post('/api/quiz/class/me', { token: b.token })).status).toBe(403);
    const csv = await app.request('/api/quiz/class/teacher/export', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `key=${created.teacherKey}`,
    });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('勇敢的熊猫,已交卷,6,0,6,100,对,对,对,对,对,对');
    expect(text).toContain('安静的白兔,已交卷,0,3,6,0,未答,未答,未答,错,错,错');
    expect(text).toContain('各题未答人数,,,,,,1,1,1,0,0,0');
    expect(text).not.toContain('聪明的小鹿');
    const wrongKey = await post('/api/quiz/class/teacher', { key: 'A'.repeat(43) });
    expect(wrongKey.status).toBe(404);
  });

  it('CSV 单元格防公式注入', () => {
    const csv = classCsv({
      school: '=cmd', className: '+1', title: 't', joinCode: '1', closed: false, createdAt: '', deleteAfter: '', timeLimitMinutes: null,
      questionCount: 0, players: [], joined: 0, finished: 0, average: null, distribution: [], questions: [],
    });
    expect(csv).toContain("'=cmd");
    expect(csv).toContain("'+1");
  });

  it('同时加入：同一昵称只有一人成功；人满时同时加入的只有剩下的名额成功', async () => {
    const db = await openDb(':memory:');
    const classApp = (await createApp({ db, siteDir: '/nonexistent', dataDir: '/tmp', quiz: { bank } })).app;
    const send = (path: string, body: unknown) =>
      classApp.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const created = (await (await send('/api/quiz/class', { school: '商河县实验中学', className: '初一（1）班', audience: 'junior', count: 5, timeLimitMinutes: null })).json()) as { joinCode: string };
    const errors = async (responses: (Response | Promise<Response>)[]) =>
      Promise.all(responses.map(async (r) => { const res = await r; return res.status === 201 ? 'ok' : ((await res.json()) as { error: { code: string } }).error.code; }));
    const same = await errors(Array.from({ length: 6 }, () => send('/api/quiz/class/join', { code: created.joinCode, nickname: '同名同学' })));
    expect(same.filter((e) => e === 'ok')).toHaveLength(1);
    expect(same.filter((e) => e === 'nickname_taken')).toHaveLength(5);
    // Fill the class up to two places short of full, then ten pupils join at the same moment.
    const session = (await sessionByJoinCode(db, created.joinCode))!;
    const joinedAt = new Date().toISOString();
    await db.insert(quizClassPlayers).values(Array.from({ length: MAX_PLAYERS - 3 }, (_, i) => ({ sessionId: session.id, tokenHash: `fill${i}`, nickname: `同学${i}`, joinedAt })));
    const rush = await errors(Array.from({ length: 10 }, (_, i) => send('/api/quiz/class/join', { code: created.joinCode, nickname: `后来${i}` })));
    expect(rush.filter((e) => e === 'ok')).toHaveLength(2);
    expect(rush.filter((e) => e === 'session_full')).toHaveLength(8);
    expect((await classReport(db, bank, session)).joined).toBe(MAX_PLAYERS);
  });

  it('同一份考卷、同一个学生的答卷同时交几次：只收一次', async () => {
    const exam = (await (await post('/api/quiz/exams', { audience: 'resident', name: '钱九' })).json()) as { token: string };
    const examStatuses = await Promise.all(Array.from({ length: 5 }, () => post('/api/quiz/exams/submit', { token: exam.token, answers: [] })).map(async (r) => (await r).status));
    expect(examStatuses.sort()).toEqual([200, 404, 404, 404, 404]);
    const created = (await (await post('/api/quiz/class', { school: '商河县实验中学', className: '初一（2）班', audience: 'junior', count: 5, timeLimitMinutes: null })).json()) as { joinCode: string; teacherKey: string };
    const pupil = (await (await post('/api/quiz/class/join', { code: created.joinCode, nickname: '快手同学' })).json()) as { token: string };
    const classStatuses = await Promise.all(Array.from({ length: 5 }, () => post('/api/quiz/class/submit', { token: pupil.token, answers: [[0]] })).map(async (r) => (await r).status));
    expect(classStatuses.sort()).toEqual([200, 409, 409, 409, 409]);
    const report = (await (await post('/api/quiz/class/teacher', { key: created.teacherKey })).json()) as Awaited<ReturnType<typeof classReport>>;
    expect(report).toMatchObject({ joined: 1, finished: 1 });
    expect(report.players[0]!.answers.filter((m) => m !== null)).toHaveLength(5);
  });

  it('猜加入码会被限流', async () => {
    const limited = (await createApp({ db: await openDb(':memory:'), siteDir: '/nonexistent', dataDir: '/tmp', quiz: { bank } })).app;
    let last = 0;
    for (let i = 0; i < 35; i++) {
      const r = await limited.request('/api/quiz/class/join', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: String(10000000 + i), nickname: '小猫' }) });
      last = r.status;
    }
    expect(last).toBe(429);
  });

  it('同时猜很多个加入码也会被限流：每个查询在等数据库之前就先算一次失败', async () => {
    const limited = (await createApp({ db: await openDb(':memory:'), siteDir: '/nonexistent', dataDir: '/tmp', quiz: { bank } })).app;
    const statuses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        limited.request('/api/quiz/class/join', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: String(20000000 + i), nickname: '小猫' }) }),
      ).map(async (r) => (await r).status),
    );
    expect(statuses.filter((s) => s === 404)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  });
});

describe('成组提交', () => {
  it('同一批里失败的写入只撤销自己，其他写入照常提交', async () => {
    const db = await openDb(':memory:');
    await exec(db, sql`create table t (v integer unique)`);
    const ins = (v: number) => groupWrite(db, async (tx) => (await exec(tx, sql`insert into t (v) values (${v})`), v));
    const results = await Promise.allSettled([
      ins(1),
      groupWrite(db, async (tx) => {
        await exec(tx, sql`insert into t (v) values (2)`);
        throw new Error('boom');
      }),
      ins(1),
      ins(3),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual([1, null, null, 3]);
    expect(await rows(db, sql`select v from t order by v`)).toEqual([{ v: 1 }, { v: 3 }]);
  });
});

describe('定时清理任务', () => {
  it('启动时立即清理一次，之后按间隔反复清理', async () => {
    const { vi } = await import('vitest');
    const { startQuizPurge } = await import('../../api/services/quiz/purge.ts');
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      vi.setSystemTime(new Date('2026-11-20T00:00:00Z'));
      const db = await openDb(':memory:');
      const input = { school: '商河县第三实验小学', className: '二年级三班', audience: 'primary' as const, topic: null, count: 5, timeLimitMinutes: null };
      await createClassSession(db, bank, input, new Date('2026-11-01T00:00:00Z'), 7);
      await createClassSession(db, bank, input, new Date('2026-11-19T00:00:00Z'), 2);
      const logs: string[] = [];
      const stop = await startQuizPurge(db, 60_000, (m) => logs.push(m));
      expect(await db.select().from(quizClassSessions)).toHaveLength(1);
      expect(logs).toHaveLength(1);
      vi.setSystemTime(new Date('2026-11-21T01:00:00Z'));
      await vi.advanceTimersByTimeAsync(59_000);
      expect(await db.select().from(quizClassSessions)).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1_000);
      await vi.waitFor(() => expect(logs).toHaveLength(2));
      expect(await db.select().from(quizClassSessions)).toHaveLength(0);
      expect(logs.join('')).not.toMatch(/实验小学|二年级/);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('题库在启动时校验', () => {
  it('题库有错时抛出指明文件和字段的中文错误，服务不会带着坏题库启动', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { ContentError } = await import('../../content/schemas/friendly-errors.ts');
    const dir = mkdtempSync(join(tmpdir(), 'bad-bank-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      '- id: bad-001\n  type: single\n  stem: 这是一道答案不在选项里的题目\n  options: [甲, 乙]\n  answer: D\n  explanation: 这里的解析足够长，能通过长度检查。\n  guide: co-poisoning\n  topics: [测试]\n  audiences: [resident]\n  difficulty: 1\n',
    );
    expect(() => QuestionBank.load(dir)).toThrow(ContentError);
    expect(() => QuestionBank.load(dir)).toThrow(/bad\.yaml · 题目 bad-001 · 字段 answer：答案 D 不在选项范围内/);
  });
});
