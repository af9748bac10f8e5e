/**
 * The unit tests Stryker runs for each mutant (`npm run test:mutation`): by default the in-process protection
 * tests. Left out: tests whose assertions run in a spawned server process (Stryker cannot see which
 * mutant such a process ran, so they only cost time — privacy, crash and HTTP fuzz), the 2,500-case
 * in-process fuzz (minutes per mutant), and content/quiz tests that import nothing under mutation.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // The module's own tests (MUTATION_TESTS, set by stryker.config.mjs); all protection tests otherwise.
    include: (process.env.MUTATION_TESTS ?? 'report-crypto,report-api,report-metadata,report-durability,route-access,admin-*,audit-fields,mutation-*')
      .split(',')
      .map((name) => `tests/unit/${name}.test.ts`),
  },
});
