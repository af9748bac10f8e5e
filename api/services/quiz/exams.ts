import { and, eq, lt, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { QuizAudienceCode } from '../../../config/taxonomy.ts';
import { first, type Db } from '../../db/client.ts';
import { quizCertificates, quizExamAttempts, quizExams } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { setTitle, type QuestionBank } from './bank.ts';
import { drawQuestions, publicQuestions, resolveDraw, type DrawnQuestion, type PublicQuestion } from './draw.ts';
import { PASS_PERCENT, scoreAnswers, type ScoreResult } from './scoring.ts';
import { hashSecret, newCertificateCode, newSecret } from './secrets.ts';

export const EXAM_QUESTIONS = 20;
/** Fewer questions than this and blind guessing passes too often (4 of 5 right by luck is ~3%). */
export const MIN_EXAM_QUESTIONS = 10;
/** An exam must be submitted within this time after it was drawn. */
export const EXAM_VALID_MS = 3 * 60 * 60 * 1000;

/** Default number of times one name may sit the same exam set per day (QUIZ_EXAM_ATTEMPTS_PER_DAY). */
export const DEFAULT_ATTEMPTS_PER_DAY = 3;
/** Attempt counts are kept this long, so the attempt number on a certificate covers a year. */
export const ATTEMPT_RECORD_DAYS = 366;

export interface StartedExam {
  token: string;
  title: string;
  passPercent: number;
  questions: PublicQuestion[];
  /** Which attempt of this name at this set (1 = first); null when no name was given. */
  attempt: number | null;
  attemptsPerDay: number;
}

/** Names compare without spaces, full-width forms or letter case: "张 三" and "张三" are one person. */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** Only a hash of the name is counted, never the name itself. */
function nameKey(name: string): string {
  return createHash('sha256').update(`shanghe-quiz-attempt\0${normaliseName(name)}`, 'utf8').digest('base64url');
}

function setKey(audience: QuizAudienceCode, topic: string | null): string {
  return topic ? `${audience}/${topic}` : audience;
}

/**
 * Counts an attempt for a name and refuses it when the name has used up today's attempts at this
 * set. Runs inside the caller's transaction: count and check are one statement, so parallel
 * starts cannot both pass the limit.
 */
async function countAttempt(db: Db, name: string, audience: QuizAudienceCode, topic: string | null, now: Date, perDay: number): Promise<number> {
  const key = nameKey(name);
  const set = setKey(audience, topic);
  const day = chinaDate(now);
  const row = first(
    await db
      .insert(quizExamAttempts)
      .values({ nameKey: key, setKey: set, day, count: 1 })
      .onConflictDoUpdate({
        target: [quizExamAttempts.nameKey, quizExamAttempts.setKey, quizExamAttempts.day],
        set: { count: sql`${quizExamAttempts.count} + 1` },
        setWhere: sql`${quizExamAttempts.count} < ${perDay}`,
      })
      // No row back when the limit refused the update.
      .returning({ count: quizExamAttempts.count }),
  );
  if (!row) {
    throw new UserError(
      429,
      'attempts_used_up',
      `“${name}”今天已经考了 ${perDay} 次这套题，每天最多 ${perDay} 次。请先用“练习”复习，明天再来考。`,
      'name',
    );
  }
  const total = first(
    await db
      .select({ n: sql<number>`sum(${quizExamAttempts.count})` })
      .from(quizExamAttempts)
      .where(and(eq(quizExamAttempts.nameKey, key), eq(quizExamAttempts.setKey, set))),
  );
  return Number(total?.n ?? 1);
}

export interface ExamPolicy {
  attemptsPerDay: number;
}

/**
 * Draws an exam. The browser gets stems and options only; the draw stays on the server. A name
 * given here is what the certificate will show; each name may start a set `attemptsPerDay` times a
 * day. Without a name the exam is for self-testing and earns no certificate.
 */
export async function startExam(
  db: Db,
  bank: QuestionBank,
  audience: QuizAudienceCode,
  topic: string | null,
  name: string,
  now: Date,
  policy: ExamPolicy = { attemptsPerDay: DEFAULT_ATTEMPTS_PER_DAY },
): Promise<StartedExam> {
  const pool = bank.pool(audience, topic);
  if (pool.length < MIN_EXAM_QUESTIONS) {
    throw new UserError(400, 'too_few_questions', `这个范围的题目不足 ${MIN_EXAM_QUESTIONS} 道，请换一个主题或选择“全部主题”。`, 'topic');
  }
  const attempt = name ? await countAttempt(db, name, audience, topic, now, policy.attemptsPerDay) : null;
  const draw = drawQuestions(pool, EXAM_QUESTIONS);
  const token = newSecret();
  await db
    .insert(quizExams)
    .values({ tokenHash: hashSecret(token), audience, topic, draw: JSON.stringify(draw), createdAt: now.toISOString(), name: name || null, attempt });
  return {
    token,
    title: setTitle(audience, topic),
    passPercent: PASS_PERCENT,
    questions: publicQuestions(resolveDraw(draw, (id) => bank.get(id))),
    attempt,
    attemptsPerDay: policy.attemptsPerDay,
  };
}

export interface Certificate {
  code: string;
  name: string;
  title: string;
  correct: number;
  total: number;
  score: number;
  issuedOn: string;
  /** Which attempt earned it; null on certificates issued before attempts were counted. */
  attempt: number | null;
}

export interface SubmittedExam extends ScoreResult {
  passed: boolean;
  passPercent: number;
  certificate: Certificate | null;
  /** True when the exam was taken without a name: a pass then earns no certificate. */
  anonymous: boolean;
}

/** Local calendar day in China (UTC+8), which is what a certificate's date means to its reader. */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * Scores an exam once: the draw is deleted in the same transaction, so an exam cannot be re-submitted
 * after seeing the answers. A pass by a named taker issues a certificate holding only what it shows.
 */
export async function submitExam(db: Db, bank: QuestionBank, token: string, answers: (number[] | null)[], now: Date): Promise<SubmittedExam> {
  const tokenHash = hashSecret(token);
  return db.transaction(async (tx) => {
    // Deleting first and reading what was deleted: of two submits of one exam only one gets the row.
    const row = first(await tx.delete(quizExams).where(eq(quizExams.tokenHash, tokenHash)).returning());
    if (!row || now.getTime() - Date.parse(row.createdAt) > EXAM_VALID_MS) {
      throw new UserError(404, 'exam_not_found', '找不到这场考试，可能已经交过卷或超过 3 小时。请重新开始一场考试。');
    }
    const draw = JSON.parse(row.draw) as DrawnQuestion[];
    const score = scoreAnswers(resolveDraw(draw, (id) => bank.get(id)), answers);
    const passed = score.total > 0 && score.percent >= PASS_PERCENT;
    let certificate: Certificate | null = null;
    if (passed && row.name) {
      certificate = {
        code: newCertificateCode(),
        name: row.name,
        title: setTitle(row.audience as QuizAudienceCode, row.topic),
        correct: score.correct,
        total: score.total,
        score: score.percent,
        issuedOn: chinaDate(now),
        attempt: row.attempt,
      };
      await tx.insert(quizCertificates).values(certificate);
    }
    return { ...score, passed, passPercent: PASS_PERCENT, certificate, anonymous: !row.name };
  });
}

export async function findCertificate(db: Db, code: string): Promise<Certificate | null> {
  return first(await db.select().from(quizCertificates).where(eq(quizCertificates.code, code)).limit(1)) ?? null;
}

/** Drops exams that were started but never submitted, and attempt counts older than a year. */
export async function purgeStaleExams(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - EXAM_VALID_MS).toISOString();
  const oldestDay = chinaDate(new Date(now.getTime() - ATTEMPT_RECORD_DAYS * 86_400_000));
  await db.delete(quizExamAttempts).where(lt(quizExamAttempts.day, oldestDay));
  return (await db.delete(quizExams).where(lt(quizExams.createdAt, cutoff)).returning({ tokenHash: quizExams.tokenHash })).length;
}
