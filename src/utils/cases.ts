import { existsSync } from 'node:fs';
import { getCollection, type CollectionEntry } from 'astro:content';
import { loadQuestions } from '../../content/schemas/load-questions.ts';
import type { Question } from '../../content/schemas/question.ts';
import { sortCases } from './case-facets.ts';

export type Case = CollectionEntry<'cases'>;

/** All cases, newest first. */
export async function allCases(): Promise<Case[]> {
  return sortCases(await getCollection('cases'));
}

let bank: Question[] | undefined;
/** The validated question bank (read once per build). */
export function questionBank(): Question[] {
  const dir = `${process.env.CONTENT_ROOT ?? './content'}/questions`;
  bank ??= existsSync(dir) ? loadQuestions(dir) : [];
  return bank;
}
