import { getCollection, type CollectionEntry } from 'astro:content';
import { sortCases } from './case-facets.ts';

export type Case = CollectionEntry<'cases'>;

/** All cases, newest first. */
export async function allCases(): Promise<Case[]> {
  return sortCases(await getCollection('cases'));
}

export { questionBank } from './quiz.ts';
