import { eq, lt } from 'drizzle-orm';
import type { QuizAudienceCode } from '../../../config/taxonomy.ts';
import type { Db } from '../../db/client.ts';
import { quizCertificates, quizExams } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { setTitle, type QuestionBank } from './bank.ts';
import { drawQuestions, publicQuestions, resolveDraw, type DrawnQuestion, type PublicQuestion } from './draw.ts';
import { PASS_PERCENT, scoreAnswers, type ScoreResult } from './scoring.ts';
import { hashSecret, newCertificateCode, newSecret } from './secrets.ts';

export const EXAM_QUESTIONS = 20;
export const MIN_EXAM_QUESTIONS = 5;
/** An exam must be submitted within this time after it was drawn. */
export const EXAM_VALID_MS = 3 * 60 * 60 * 1000;

export interface StartedExam {
  token: string;
  title: string;
  passPercent: number;
  questions: PublicQuestion[];
}

/** Draws an exam. The browser gets stems and options only; the draw stays on the server. */
export function startExam(db: Db, bank: QuestionBank, audience: QuizAudienceCode, topic: string | null, now: Date): StartedExam {
  const pool = bank.pool(audience, topic);
  if (pool.length < MIN_EXAM_QUESTIONS) {
    throw new UserError(400, 'too_few_questions', `这个范围的题目不足 ${MIN_EXAM_QUESTIONS} 道，请换一个主题或选择“全部主题”。`, 'topic');
  }
  const draw = drawQuestions(pool, EXAM_QUESTIONS);
  const token = newSecret();
  db.insert(quizExams)
    .values({ tokenHash: hashSecret(token), audience, topic, draw: JSON.stringify(draw), createdAt: now.toISOString() })
    .run();
  return { token, title: setTitle(audience, topic), passPercent: PASS_PERCENT, questions: publicQuestions(resolveDraw(draw, (id) => bank.get(id))) };
}

export interface Certificate {
  code: string;
  name: string;
  title: string;
  correct: number;
  total: number;
  score: number;
  issuedOn: string;
}

export interface SubmittedExam extends ScoreResult {
  passed: boolean;
  passPercent: number;
  certificate: Certificate | null;
}

/** Local calendar day in China (UTC+8), which is what a certificate's date means to its reader. */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * Scores an exam once: the draw is deleted in the same transaction, so an exam cannot be re-submitted
 * after seeing the answers. A pass issues a certificate holding only what it shows.
 */
export function submitExam(db: Db, bank: QuestionBank, token: string, answers: (number[] | null)[], name: string, now: Date): SubmittedExam {
  return db.transaction((tx) => {
    const row = tx.select().from(quizExams).where(eq(quizExams.tokenHash, hashSecret(token))).get();
    if (!row || now.getTime() - Date.parse(row.createdAt) > EXAM_VALID_MS) {
      throw new UserError(404, 'exam_not_found', '找不到这场考试，可能已经交过卷或超过 3 小时。请重新开始一场考试。');
    }
    tx.delete(quizExams).where(eq(quizExams.tokenHash, row.tokenHash)).run();
    const draw = JSON.parse(row.draw) as DrawnQuestion[];
    const score = scoreAnswers(resolveDraw(draw, (id) => bank.get(id)), answers);
    const passed = score.total > 0 && score.percent >= PASS_PERCENT;
    let certificate: Certificate | null = null;
    if (passed) {
      certificate = {
        code: newCertificateCode(),
        name,
        title: setTitle(row.audience as QuizAudienceCode, row.topic),
        correct: score.correct,
        total: score.total,
        score: score.percent,
        issuedOn: chinaDate(now),
      };
      tx.insert(quizCertificates).values(certificate).run();
    }
    return { ...score, passed, passPercent: PASS_PERCENT, certificate };
  });
}

export function findCertificate(db: Db, code: string): Certificate | null {
  return db.select().from(quizCertificates).where(eq(quizCertificates.code, code)).get() ?? null;
}

/** Drops exams that were started but never submitted. */
export function purgeStaleExams(db: Db, now: Date): number {
  const cutoff = new Date(now.getTime() - EXAM_VALID_MS).toISOString();
  return db.delete(quizExams).where(lt(quizExams.createdAt, cutoff)).run().changes;
}
