import type { Question } from '../../../content/schemas/question.ts';
import type { resolveDraw } from './draw.ts';

/** Passing mark for an exam certificate, in percent. */
export const PASS_PERCENT = 80;

export interface QuestionResult {
  n: number;
  stem: string;
  options: string[];
  /** Displayed indices the taker chose. */
  chosen: number[];
  /** Displayed indices of the right answer. */
  answer: number[];
  correct: boolean;
  explanation: string;
  guide: string | null;
}

export interface ScoreResult {
  correct: number;
  total: number;
  /** 0–100, rounded; depends only on correctness, never on time. */
  percent: number;
  results: QuestionResult[];
}

/** Right only when the chosen set equals the answer set: a multiple-choice answer with a missing or extra option scores nothing. */
export function isCorrect(question: Question, order: readonly number[], chosen: readonly number[]): boolean {
  const picked = new Set(chosen.map((d) => order[d]).filter((i): i is number => i !== undefined));
  if (picked.size !== chosen.length) return false;
  return picked.size === question.answer.length && question.answer.every((i) => picked.has(i));
}

/**
 * Scores answers given as displayed option indices per question number. Unanswered questions are
 * wrong. Invalid choices (out of range, several for a single-choice question) count as wrong.
 */
export function scoreAnswers(resolved: ReturnType<typeof resolveDraw>, answers: readonly (readonly number[] | null | undefined)[]): ScoreResult {
  const results = resolved.map(({ question, order }, n): QuestionResult => {
    const chosen = [...new Set(answers[n] ?? [])].sort((a, b) => a - b);
    const valid = question.type === 'multiple' || chosen.length <= 1;
    return {
      n,
      stem: question.stem,
      options: order.map((i) => question.options[i]!),
      chosen,
      answer: question.answer.map((i) => order.indexOf(i)).sort((a, b) => a - b),
      correct: valid && chosen.length > 0 && isCorrect(question, order, chosen),
      explanation: question.explanation,
      guide: question.guide ?? null,
    };
  });
  const correct = results.filter((r) => r.correct).length;
  const total = results.length;
  return { correct, total, percent: total ? Math.round((correct / total) * 100) : 0, results };
}
