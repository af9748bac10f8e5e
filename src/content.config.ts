import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { caseSchema } from '../content/schemas/case.ts';
import { guideSchema } from '../content/schemas/guide.ts';

/** Content folder; the benchmark points this at synthetic copies. */
const root = process.env.CONTENT_ROOT ?? './content';

// Schemas live in content/schemas so the API, tests and `npm run content:check` share them.
export const collections = {
  guides: defineCollection({
    loader: glob({ pattern: '*.mdx', base: `${root}/guides` }),
    schema: guideSchema,
  }),
  cases: defineCollection({
    loader: glob({ pattern: '*.mdx', base: `${root}/cases` }),
    schema: caseSchema,
  }),
};
