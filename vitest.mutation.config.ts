/**
 * The unit tests Stryker runs for each mutant (`npm run test:mutation`): the in-process protection
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
    include: [
      'tests/unit/report-crypto.test.ts',
      'tests/unit/report-api.test.ts',
      'tests/unit/report-metadata.test.ts',
      'tests/unit/report-durability.test.ts',
      'tests/unit/route-access.test.ts',
      'tests/unit/admin-*.test.ts',
      'tests/unit/audit-fields.test.ts',
      'tests/unit/mutation-*.test.ts',
    ],
  },
});
