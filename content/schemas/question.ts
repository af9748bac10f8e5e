import { z } from 'zod';
import { PLAN_SECTOR_CODES, QUIZ_AUDIENCE_CODES } from '../../config/taxonomy.ts';
import { sourceSchema } from './source.ts';

const LETTERS = 'ABCDEF';

/**
 * One question as written in content/questions/*.yaml (each file holds a list).
 * `answer` is a letter string for choice questions ("B", "ACD") and true/false for judgement
 * questions; it is normalised to option indices.
 */
export const questionInputSchema = z
  .object({
    /** Stable id, never reused: <topic>-<number>, e.g. fire-012. */
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'id 只能用小写字母、数字和连字符'),
    type: z.enum(['single', 'multiple', 'truefalse']),
    stem: z.string().min(6),
    /** Choice texts without letters; omitted for truefalse. */
    options: z.array(z.string().min(1)).min(2).max(6).optional(),
    answer: z.union([z.boolean(), z.string().regex(/^[A-F]+$/, '答案写成选项字母，如 B 或 ACD')]),
    /** Why the answer is right, in plain words, naming the rule or guide it rests on. */
    explanation: z.string().min(15),
    /** Slug of the guide that teaches this (content/guides/<slug>.mdx). */
    guide: z.string().optional(),
    /** Official source of the rule, when the question rests on one. */
    source: sourceSchema.optional(),
    sectors: z.array(z.enum(PLAN_SECTOR_CODES)).default([]),
    /** Topic tags in Chinese, e.g. 防溺水, 用火用电. */
    topics: z.array(z.string().min(1)).min(1),
    audiences: z.array(z.enum(QUIZ_AUDIENCE_CODES)).min(1),
    difficulty: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  })
  .superRefine((q, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!q.guide && !q.source) issue('guide', '解析须有依据：填写 guide（对应指南）或 source（官方来源）');
    if (q.type === 'truefalse') {
      if (typeof q.answer !== 'boolean') issue('answer', '判断题的答案写 true 或 false');
      if (q.options) issue('options', '判断题不写 options');
      return;
    }
    if (!q.options) return issue('options', '选择题需要 options');
    if (typeof q.answer !== 'string') return issue('answer', '选择题的答案写选项字母');
    const letters = [...q.answer];
    if (new Set(letters).size !== letters.length) issue('answer', '答案字母重复');
    for (const l of letters) {
      if (LETTERS.indexOf(l) >= q.options.length) issue('answer', `答案 ${l} 不在选项范围内`);
    }
    if (q.type === 'single' && letters.length !== 1) issue('answer', '单选题只能有一个答案');
    if (q.type === 'multiple' && letters.length < 2) issue('answer', '多选题至少两个答案');
    if (new Set(q.options).size !== q.options.length) issue('options', '选项重复');
  });

export type QuestionInput = z.input<typeof questionInputSchema>;

/** A validated question with options and answer normalised to indices. */
export interface Question extends Omit<z.infer<typeof questionInputSchema>, 'answer' | 'options'> {
  options: string[];
  /** Indices into options of the correct choices. */
  answer: number[];
}

export function normaliseQuestion(q: z.infer<typeof questionInputSchema>): Question {
  if (q.type === 'truefalse') {
    return { ...q, options: ['正确', '错误'], answer: [q.answer === true ? 0 : 1] };
  }
  const answer = [...(q.answer as string)].map((l) => LETTERS.indexOf(l)).sort((a, b) => a - b);
  return { ...q, options: q.options ?? [], answer };
}
