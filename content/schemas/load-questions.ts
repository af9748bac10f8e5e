import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { ContentError, describeIssues } from './friendly-errors.ts';
import { normaliseQuestion, questionInputSchema, type Question } from './question.ts';

/** Normalises a stem for duplicate detection: no spaces or punctuation. */
function stemKey(stem: string): string {
  return stem.replace(/[\s\p{P}]/gu, '');
}

/**
 * Loads and validates every content/questions/*.yaml. Throws one ContentError listing every
 * problem (file, question id, field) so an author can fix them in one pass.
 */
export function loadQuestions(dir: string): Question[] {
  const problems: string[] = [];
  const questions: Question[] = [];
  const ids = new Map<string, string>();
  const stems = new Map<string, string>();
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  for (const name of files) {
    const path = join(dir, name);
    const file = relative(process.cwd(), path) || path;
    let doc: unknown;
    try {
      doc = parse(readFileSync(path, 'utf8'));
    } catch (e) {
      problems.push(`${file} · YAML 格式错误：${(e as Error).message}`);
      continue;
    }
    if (!Array.isArray(doc)) {
      problems.push(`${file} · 文件应是一个题目列表（每题以 "- id:" 开头）`);
      continue;
    }
    doc.forEach((raw, i) => {
      const where = typeof raw?.id === 'string' ? `题目 ${raw.id}` : `第 ${i + 1} 题`;
      const parsed = questionInputSchema.safeParse(raw);
      if (!parsed.success) {
        problems.push(...describeIssues(file, parsed.error, where));
        return;
      }
      const q = normaliseQuestion(parsed.data);
      const seenId = ids.get(q.id);
      if (seenId) problems.push(`${file} · ${where} · 字段 id：与 ${seenId} 中的题目 id 重复`);
      ids.set(q.id, file);
      const key = stemKey(q.stem);
      const seenStem = stems.get(key);
      if (seenStem) problems.push(`${file} · ${where} · 字段 stem：题干与题目 ${seenStem} 重复`);
      stems.set(key, q.id);
      questions.push(q);
    });
  }
  if (problems.length) throw new ContentError(`题库校验失败（${problems.length} 处）：\n${problems.join('\n')}`);
  return questions;
}
