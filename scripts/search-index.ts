// Writes the sentence-search index (issue 13) the server ranks /search/ with: words from every
// guide, case, campaign and service page, built once here so the dictionary matches what we publish.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEARCH_INDEX_FILE } from '../api/routes/search.ts';
import { buildSearchIndex } from '../api/services/search/build.ts';
import { CAMPAIGNS } from '../src/utils/campaigns.ts';

export function writeSearchIndex(siteDir: string, contentDir = 'content'): number {
  const index = buildSearchIndex(
    contentDir,
    CAMPAIGNS.map((c) => ({ url: `/campaigns/${c.slug}/`, title: c.name, summary: c.lead, keywords: [c.name, c.quizTopic], body: `${c.when}\n${c.poster.join('\n')}` })),
  );
  writeFileSync(join(siteDir, SEARCH_INDEX_FILE), JSON.stringify(index));
  return index.pages.length;
}
