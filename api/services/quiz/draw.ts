import { randomInt } from 'node:crypto';
import type { Question } from '../../../content/schemas/question.ts';

/** One drawn question: its id and the order in which its options are shown (indices into options). */
export interface DrawnQuestion {
  id: string;
  order: number[];
}

/** What the browser receives before submitting: no id, no answer, no explanation. */
export interface PublicQuestion {
  n: number;
  type: Question['type'];
  stem: string;
  options: string[];
}

export type RandomInt = (maxExclusive: number) => number;
const cryptoRandom: RandomInt = (max) => randomInt(max);

function shuffle<T>(items: T[], rand: RandomInt): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * Draws up to `count` distinct questions from a pool, easier ones first, and shuffles the options
 * of choice questions so the answer is not always in the same place. True/false keeps 正确 before 错误.
 */
export function drawQuestions(pool: readonly Question[], count: number, rand: RandomInt = cryptoRandom): DrawnQuestion[] {
  const picked = shuffle([...pool], rand).slice(0, Math.max(0, count));
  picked.sort((a, b) => a.difficulty - b.difficulty);
  return picked.map((q) => {
    const indices = q.options.map((_, i) => i);
    return { id: q.id, order: q.type === 'truefalse' ? indices : shuffle(indices, rand) };
  });
}

/** Resolves drawn ids against the bank; a question removed from the bank since the draw is skipped. */
export function resolveDraw(draw: readonly DrawnQuestion[], get: (id: string) => Question | undefined) {
  return draw.flatMap((d) => {
    const q = get(d.id);
    return q && d.order.length === q.options.length ? [{ question: q, order: d.order }] : [];
  });
}

export function publicQuestions(resolved: ReturnType<typeof resolveDraw>): PublicQuestion[] {
  return resolved.map(({ question, order }, n) => ({
    n,
    type: question.type,
    stem: question.stem,
    options: order.map((i) => question.options[i]!),
  }));
}
