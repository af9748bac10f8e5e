import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { ContentError, describeIssues } from './friendly-errors.ts';

export interface MdxEntry<T> {
  slug: string;
  file: string;
  data: T;
  body: string;
}

/** Splits an MDX file into YAML frontmatter and body. */
export function splitFrontmatter(text: string): { frontmatter: string; body: string } | null {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  return m ? { frontmatter: m[1]!, body: m[2]! } : null;
}

/** Counts Chinese characters: the measure of "substance" for guide length. */
export function countHan(text: string): number {
  return (text.match(/\p{Script=Han}/gu) ?? []).length;
}

/**
 * Reads every .mdx in a folder and validates its frontmatter outside Astro (for tests, the API and
 * `npm run content:check`). Throws a ContentError naming each file and field that is wrong.
 */
export function loadMdxCollection<S extends z.ZodType>(dir: string, schema: S): MdxEntry<z.infer<S>>[] {
  const problems: string[] = [];
  const entries: MdxEntry<z.infer<S>>[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.mdx')).sort()) {
    const path = join(dir, name);
    const file = relative(process.cwd(), path) || path;
    const parts = splitFrontmatter(readFileSync(path, 'utf8'));
    if (!parts) {
      problems.push(`${file} · 缺少以 --- 包围的 frontmatter`);
      continue;
    }
    let raw: unknown;
    try {
      raw = parse(parts.frontmatter);
    } catch (e) {
      problems.push(`${file} · frontmatter 的 YAML 格式错误：${(e as Error).message}`);
      continue;
    }
    const result = schema.safeParse(raw);
    if (!result.success) {
      problems.push(...describeIssues(file, result.error));
      continue;
    }
    entries.push({ slug: basename(name, '.mdx'), file, data: result.data, body: parts.body });
  }
  if (problems.length) throw new ContentError(`内容校验失败（${problems.length} 处）：\n${problems.join('\n')}`);
  return entries;
}
