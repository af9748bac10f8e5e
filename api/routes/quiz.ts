import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { QUIZ_AUDIENCE_CODES } from '../../config/taxonomy.ts';
import { groupWrite, type Db } from '../db/client.ts';
import { UserError } from '../errors.ts';
import { clientAddress } from '../middleware/client.ts';
import { RateLimiter } from '../middleware/rate-limit.ts';
import { QuestionBank, setTitle } from '../services/quiz/bank.ts';
import {
  classCsv,
  classReport,
  closeSession,
  createClassSession,
  joinSession,
  removePlayer,
  resumePlayer,
  sessionByJoinCode,
  sessionByTeacherKey,
  submitPlayer,
} from '../services/quiz/class-sessions.ts';
import { drawQuestions } from '../services/quiz/draw.ts';
import { DEFAULT_ATTEMPTS_PER_DAY, findCertificate, startExam, submitExam } from '../services/quiz/exams.ts';
import { scoreAnswers } from '../services/quiz/scoring.ts';
import { normaliseCertificateCode, normaliseJoinCode } from '../services/quiz/secrets.ts';
import type { PageShell } from '../views/shell.ts';
import { certificatePage, verifyResultPage } from '../views/quiz.ts';

export interface QuizOptions {
  /** Validated question bank; loaded from content/questions when absent. */
  bank?: QuestionBank;
  /** Days after which a class session and all its data are deleted. */
  retentionDays?: number;
  limiter?: RateLimiter;
  now?: () => Date;
  /** How often one name may start the same exam set per China calendar day (default 3). */
  attemptsPerDay?: number;
  /** Public origin printed on certificates with the verification address and QR code. */
  siteUrl?: string;
}

const MINUTE = 60_000;
/** Per client address (hashed), per window. Failures are limited hard so codes and links cannot be guessed. */
export const LIMITS = {
  createClass: { limit: 30, windowMs: 60 * MINUTE },
  // A computer room shares one address: 50+ pupils join at once.
  join: { limit: 400, windowMs: 10 * MINUTE },
  joinFailures: { limit: 30, windowMs: 10 * MINUTE },
  teacher: { limit: 1200, windowMs: 10 * MINUTE },
  teacherFailures: { limit: 20, windowMs: 10 * MINUTE },
  pupil: { limit: 2000, windowMs: 10 * MINUTE },
  // A whole workshop may take the training exam from one company network within the hour.
  exam: { limit: 300, windowMs: 60 * MINUTE },
  verifyFailures: { limit: 30, windowMs: 10 * MINUTE },
  practice: { limit: 1200, windowMs: 10 * MINUTE },
} as const;
type LimitName = keyof typeof LIMITS;

const TOO_MANY = '操作太频繁了，请过几分钟再试。';

// ─── input schemas: every message is what the user sees ───────────────────────────────────────
const audience = z.enum(QUIZ_AUDIENCE_CODES, { error: '请选择答题对象（小学、初中、高中、企业员工或居民）。' });
const topic = z
  .string({ error: '主题格式不正确。' })
  .trim()
  .max(20, '主题名称太长。')
  .nullish()
  .transform((v) => v || null);
const secret = (what: string) => z.string({ error: `缺少${what}。` }).regex(/^[A-Za-z0-9_-]{43}$/, `${what}不正确。`);
const answers = z
  .array(z.array(z.number().int().min(0).max(5)).max(6).nullable(), { error: '答案格式不正确。' })
  .max(60, '答案格式不正确。');
const plainText = (label: string, max: number) =>
  z
    .string({ error: `请填写${label}。` })
    .trim()
    .min(1, `请填写${label}。`)
    .max(max, `${label}最多 ${max} 个字。`)
    .refine((s) => !/[\p{Cc}<>]/u.test(s), `${label}里不能有特殊符号。`);

export const NICKNAME_RE = /^[\p{Script=Han}A-Za-z0-9·_]{1,12}$/u;
const nickname = z
  .string({ error: '请填写昵称。' })
  .trim()
  .min(1, '请填写昵称。')
  .max(12, '昵称最多 12 个字。')
  .regex(NICKNAME_RE, '昵称只能用汉字、字母和数字，不要用真实姓名。');

const schemas = {
  practiceQuery: z.object({
    audience,
    topic,
    count: z.coerce.number({ error: '题数不正确。' }).int('题数不正确。').min(5, '至少 5 道题。').max(20, '最多 20 道题。').default(10),
  }),
  practiceCheck: z.object({
    id: z.string({ error: '缺少题目。' }).max(60),
    order: z.array(z.number().int().min(0).max(5)).min(2).max(6),
    chosen: z.array(z.number().int().min(0).max(5), { error: '请先选择答案。' }).min(1, '请先选择答案。').max(6),
  }),
  examStart: z.object({
    audience,
    topic,
    name: z
      .string({ error: '姓名格式不正确。' })
      .trim()
      .max(20, '姓名最多 20 个字。')
      .refine((s) => !/[\p{Cc}<>]/u.test(s), '姓名里不能有特殊符号。')
      .default(''),
  }),
  examSubmit: z.object({ token: secret('考试凭证'), answers }),
  verify: z.object({ code: z.string({ error: '请填写验证码。' }).max(40, '验证码格式不正确。') }),
  createClass: z.object({
    school: plainText('学校名称', 30),
    className: plainText('班级名称', 20),
    audience,
    topic,
    count: z.coerce.number({ error: '请选择题数。' }).int('题数不正确。').min(5, '至少 5 道题。').max(30, '最多 30 道题。'),
    timeLimitMinutes: z.coerce
      .number({ error: '限时格式不正确。' })
      .int('限时请填整数分钟。')
      .min(1, '限时至少 1 分钟。')
      .max(120, '限时最多 120 分钟。')
      .nullish()
      .transform((v) => v ?? null),
  }),
  join: z.object({ code: z.string({ error: '请填写加入码。' }).max(20, '加入码是 8 位数字。'), nickname }),
  pupil: z.object({ token: secret('答题凭证') }),
  pupilSubmit: z.object({ token: secret('答题凭证'), answers }),
  teacher: z.object({ key: secret('老师链接') }),
  teacherRemove: z.object({ key: secret('老师链接'), playerId: z.number({ error: '请选择要移出的同学。' }).int().positive() }),
};

function invalid(error: z.ZodError): never {
  const issue = error.issues[0]!;
  const field = issue.path.length ? String(issue.path[0]) : undefined;
  throw new UserError(400, 'invalid', issue.message, field);
}

async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new UserError(400, 'bad_json', '请求格式不正确。');
  }
  const r = schema.safeParse(body);
  if (!r.success) invalid(r.error);
  return r.data;
}

/** Reads a JSON or an HTML-form body (forms work without JavaScript). */
async function readJsonOrForm<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('application/json')) return readJson(c, schema);
  const form = await c.req.parseBody();
  const r = schema.safeParse(Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')));
  if (!r.success) invalid(r.error);
  return r.data;
}

export function quizRoutes(deps: { db: Db; shell: PageShell; quiz?: QuizOptions }): Hono {
  const { db, shell } = deps;
  const bank = deps.quiz?.bank ?? QuestionBank.load();
  const retentionDays = deps.quiz?.retentionDays ?? 7;
  const limiter = deps.quiz?.limiter ?? new RateLimiter();
  const now = deps.quiz?.now ?? (() => new Date());
  const examPolicy = { attemptsPerDay: deps.quiz?.attemptsPerDay ?? DEFAULT_ATTEMPTS_PER_DAY };
  const siteUrl = deps.quiz?.siteUrl ?? 'http://127.0.0.1:4321';
  // Every write goes through group commit (api/db/client.ts): durable, and cheap when a whole class submits at once.
  const app = new Hono();

  // One HMAC per request, however many limits the request checks.
  const clientKeys = new WeakMap<Context, string>();
  const client = (c: Context) => {
    let k = clientKeys.get(c);
    if (!k) clientKeys.set(c, (k = limiter.clientKey(clientAddress(c))));
    return k;
  };
  const limit = (c: Context, name: LimitName) => {
    const l = LIMITS[name];
    if (!limiter.hit(name, client(c), l)) throw new UserError(429, 'rate_limited', TOO_MANY);
  };
  /**
   * For lookups by secret: refuse once a client has failed too often. The lookup waits on the
   * database, so it counts as a failure before it starts (parallel guesses cannot all pass the check
   * made before any of them failed) and is refunded when the secret was right.
   */
  const guarded = async <T>(c: Context, name: LimitName, lookup: () => Promise<T | undefined | null>): Promise<T | undefined> => {
    const l = LIMITS[name];
    if (limiter.exhausted(name, client(c), l)) throw new UserError(429, 'rate_limited', TOO_MANY);
    limiter.hit(name, client(c), l);
    const found = await lookup();
    if (found === undefined || found === null) return undefined;
    limiter.refund(name, client(c));
    return found;
  };
  const teacherSession = async (c: Context, key: string) => {
    limit(c, 'teacher');
    const session = await guarded(c, 'teacherFailures', () => sessionByTeacherKey(db, key));
    if (!session) throw new UserError(404, 'session_not_found', '老师链接不正确，或这场测验已经过期删除。');
    return session;
  };

  app.use('/api/quiz/*', async function noStore(c, next) {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  // ─── practice: one question at a time, checked on the server ──────────────────────────────
  app.get('/api/quiz/practice', function practice(c) {
    limit(c, 'practice');
    const r = schemas.practiceQuery.safeParse(c.req.query());
    if (!r.success) invalid(r.error);
    const { audience: a, topic: t, count } = r.data;
    const pool = bank.pool(a, t);
    if (!pool.length) throw new UserError(404, 'no_questions', '这个主题暂时没有题目，请换一个主题。', 'topic');
    const questions = drawQuestions(pool, count).map((d, n) => {
      const q = bank.get(d.id)!;
      return { n, id: q.id, order: d.order, type: q.type, stem: q.stem, options: d.order.map((i) => q.options[i]!) };
    });
    return c.json({ title: setTitle(a, t), questions });
  });

  app.post('/api/quiz/practice/check', async function practiceCheck(c) {
    limit(c, 'practice');
    const body = await readJson(c, schemas.practiceCheck);
    const q = bank.get(body.id);
    const validOrder = q && body.order.length === q.options.length && new Set(body.order).size === q.options.length && body.order.every((i) => i < q.options.length);
    if (!q || !validOrder) throw new UserError(404, 'question_not_found', '找不到这道题，请重新开始练习。');
    const [result] = scoreAnswers([{ question: q, order: body.order }], [body.chosen]).results;
    return c.json({ correct: result!.correct, answer: result!.answer, explanation: result!.explanation, guide: result!.guide });
  });

  // ─── exam and certificate ───────────────────────────────────────────────────────────────
  app.post('/api/quiz/exams', async function examStart(c) {
    limit(c, 'exam');
    const body = await readJson(c, schemas.examStart);
    return c.json(await groupWrite(db, (tx) => startExam(tx, bank, body.audience, body.topic, body.name, now(), examPolicy)), 201);
  });

  app.post('/api/quiz/exams/submit', async function examSubmit(c) {
    const body = await readJson(c, schemas.examSubmit);
    return c.json(await groupWrite(db, (tx) => submitExam(tx, bank, body.token, body.answers, now())));
  });

  const lookupCertificate = (c: Context, input: string) =>
    guarded(c, 'verifyFailures', async () => {
      const code = normaliseCertificateCode(input);
      return code ? findCertificate(db, code) : null;
    });

  app.post('/api/quiz/certificates/verify', async function verifyApi(c) {
    const body = await readJson(c, schemas.verify);
    const cert = await lookupCertificate(c, body.code);
    return c.json(cert ? { valid: true, certificate: cert } : { valid: false });
  });

  // Server-rendered so they work and print without JavaScript.
  app.post('/quiz/verify/', async function verifyPage(c) {
    const r = schemas.verify.safeParse(await c.req.parseBody());
    const input = r.success ? r.data.code.trim() : '';
    const cert = (input ? await lookupCertificate(c, input) : null) ?? null;
    c.header('Cache-Control', 'no-store');
    return c.html(shell.render(verifyResultPage(input, cert)), cert || !input ? 200 : 404);
  });

  app.get('/quiz/certificate/:code{[A-Za-z0-9-]+}/', async function certificate(c) {
    const cert = await lookupCertificate(c, c.req.param('code'));
    if (!cert) return c.html(shell.error('找不到这张证书', '验证码不正确，或证书不存在。请核对验证码后在“证书验证”页面重新查询。'), 404);
    c.header('Cache-Control', 'no-store');
    return c.html(shell.render(await certificatePage(cert, siteUrl)));
  });

  // ─── class mode ───────────────────────────────────────────────────────────────────────────
  app.post('/api/quiz/class', async function classCreate(c) {
    limit(c, 'createClass');
    const body = await readJson(c, schemas.createClass);
    const created = await groupWrite(db, (tx) => createClassSession(tx, bank, body, now(), retentionDays));
    return c.json({ ...created, retentionDays }, 201);
  });

  app.post('/api/quiz/class/join', async function classJoin(c) {
    limit(c, 'join');
    const body = await readJson(c, schemas.join);
    const session = await guarded(c, 'joinFailures', async () => {
      const code = normaliseJoinCode(body.code);
      return code ? sessionByJoinCode(db, code) : undefined;
    });
    if (!session) throw new UserError(404, 'code_not_found', '加入码不对，请核对黑板上的 8 位数字。', 'code');
    return c.json(await groupWrite(db, (tx) => joinSession(tx, bank, session, body.nickname, now())), 201);
  });

  app.post('/api/quiz/class/me', async function classResume(c) {
    limit(c, 'pupil');
    const body = await readJson(c, schemas.pupil);
    return c.json(await resumePlayer(db, bank, body.token));
  });

  app.post('/api/quiz/class/submit', async function classSubmit(c) {
    limit(c, 'pupil');
    const body = await readJson(c, schemas.pupilSubmit);
    return c.json(await groupWrite(db, (tx) => submitPlayer(tx, bank, body.token, body.answers, now())));
  });

  app.post('/api/quiz/class/teacher', async function teacherView(c) {
    const body = await readJson(c, schemas.teacher);
    return c.json(await classReport(db, bank, await teacherSession(c, body.key)));
  });

  app.post('/api/quiz/class/teacher/remove', async function teacherRemove(c) {
    const body = await readJson(c, schemas.teacherRemove);
    const session = await teacherSession(c, body.key);
    await groupWrite(db, (tx) => removePlayer(tx, session, body.playerId));
    return c.json(await classReport(db, bank, session));
  });

  app.post('/api/quiz/class/teacher/close', async function teacherClose(c) {
    const body = await readJson(c, schemas.teacher);
    const session = await teacherSession(c, body.key);
    await groupWrite(db, (tx) => closeSession(tx, session));
    return c.json(await classReport(db, bank, { ...session, closed: true }));
  });

  app.post('/api/quiz/class/teacher/export', async function teacherExport(c) {
    const body = await readJsonOrForm(c, schemas.teacher);
    const report = await classReport(db, bank, await teacherSession(c, body.key));
    const name = `${report.school}-${report.className}-安全测验.csv`;
    return c.body(classCsv(report), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="class-quiz.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
  });

  return app;
}
