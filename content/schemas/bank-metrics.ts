// Measures how much a question bank gives away to a reader who does not read: option length,
// answer position, true/false balance and how many options a multi-select question wants.
import type { Question } from './question.ts';

/** Length that a reader sees: characters without spaces. */
export function optionLength(text: string): number {
  return [...text.replace(/\s/g, '')].length;
}

export interface BankFigures {
  audience: string;
  single: number;
  /** Single-choice questions whose correct option is strictly longer than every other. */
  uniqueLongest: number;
  /** Share of each answer position (A, B, C, …) among single-choice questions. */
  positions: number[];
  /**
   * Expected number of single-choice questions a reader gets right by always picking the k-th
   * longest option (index k; ties broken at random). A reader who always picks the second-longest
   * or the shortest option wins if one rank dominates.
   */
  lengthRanks: number[];
  truefalse: number;
  trueCount: number;
  multiple: number;
  /** How many multi-select questions want k correct options, by k. */
  multiCounts: Record<number, number>;
}

export function measureBank(questions: Question[], audience: string): BankFigures {
  const qs = questions.filter((q) => (q.audiences as string[]).includes(audience));
  const f: BankFigures = { audience, single: 0, uniqueLongest: 0, positions: [0, 0, 0, 0, 0, 0], lengthRanks: [0, 0, 0, 0, 0, 0], truefalse: 0, trueCount: 0, multiple: 0, multiCounts: {} };
  for (const q of qs) {
    if (q.type === 'single') {
      f.single++;
      const right = q.answer[0]!;
      const len = q.options.map(optionLength);
      if (len.every((l, i) => i === right || l < len[right]!)) f.uniqueLongest++;
      f.positions[right]!++;
      // The right option shares its length with `same` options and sits below `longer` ones: a
      // guesser picking the k-th longest hits it with chance 1/same for each k in that band.
      const longer = len.filter((l) => l > len[right]!).length;
      const same = len.filter((l) => l === len[right]!).length;
      for (let k = longer; k < longer + same; k++) f.lengthRanks[k]! += 1 / same;
    } else if (q.type === 'truefalse') {
      f.truefalse++;
      if (q.answer[0] === 0) f.trueCount++;
    } else {
      f.multiple++;
      f.multiCounts[q.answer.length] = (f.multiCounts[q.answer.length] ?? 0) + 1;
    }
  }
  return f;
}

/** Targets from issue 12; each failure is a plain-language sentence. */
export const BANK_TARGETS = { maxUniqueLongest: 0.3, maxLengthRank: 0.45, minPosition: 0.15, maxPosition: 0.35, minTrue: 0.4, maxTrue: 0.6 } as const;

export function bankProblems(f: BankFigures): string[] {
  const p: string[] = [];
  const t = BANK_TARGETS;
  if (f.single && f.uniqueLongest / f.single > t.maxUniqueLongest)
    p.push(`${f.audience}：单选题中正确选项是唯一最长的占 ${pct(f.uniqueLongest, f.single)}（上限 ${t.maxUniqueLongest * 100}%）`);
  if (f.single >= 8) {
    f.lengthRanks.forEach((n, k) => {
      if (n / f.single > t.maxLengthRank)
        p.push(`${f.audience}：单选题中正确选项按长短排第 ${k + 1} 的占 ${pct(n, f.single)}（上限 ${t.maxLengthRank * 100}%），总挑第 ${k + 1} 长的选项就能猜对这么多`);
    });
    const four = f.positions.slice(0, 4);
    four.forEach((n, i) => {
      const share = n / f.single;
      if (share < t.minPosition || share > t.maxPosition)
        p.push(`${f.audience}：单选题答案为 ${'ABCD'[i]} 的占 ${pct(n, f.single)}（应在 ${t.minPosition * 100}%–${t.maxPosition * 100}%）`);
    });
  }
  if (f.truefalse >= 5) {
    const share = f.trueCount / f.truefalse;
    if (share < t.minTrue || share > t.maxTrue) p.push(`${f.audience}：判断题"正确"占 ${pct(f.trueCount, f.truefalse)}（应在 40%–60%）`);
  }
  if (f.multiple >= 4 && Object.keys(f.multiCounts).length < 2) p.push(`${f.audience}：多选题的正确选项个数全都一样（${Object.keys(f.multiCounts).join('')} 个），一眼就能猜`);
  return p;
}

export function pct(n: number, d: number): string {
  return d ? `${((100 * n) / d).toFixed(1)}%` : '—';
}
