// @ts-check
/**
 * Mutation testing of the code that protects people (issue 17). `npm run test:mutation` runs
 * scripts/mutation.ts, which starts Stryker once per module below with STRYKER_MODULE set; each module
 * has its own incremental file and JSON report under reports/mutation/. concurrency 1: the machine is
 * shared. Surviving mutants are explained in docs/mutation.md.
 */

/** The protection modules and the code each one mutates. */
export const MODULES = {
  audit: {
    title: '审计哈希链（api/services/admin/audit.ts）',
    mutate: ['api/services/admin/audit.ts'],
    // admin-audit.test.ts also runs the audit:verify CLI, which under Stryker never sees a mutant; its
    // in-process tests (listing, filters) and office-figures.test.ts (daily checkpoints) do.
    tests: ['audit-fields', 'mutation-audit', 'mutation-audit-2', 'admin-audit', 'office-figures'],
  },
  access: {
    title: '访问检查（api/routes/admin/access.ts）',
    mutate: ['api/routes/admin/access.ts'],
    // admin-access.test.ts takes its expectations from the rules under test, so it cannot kill a widened rule.
    tests: ['mutation-access', 'route-access'],
  },
  retention: {
    title: '到期清除（api/services/admin/retention.ts）',
    mutate: ['api/services/admin/retention.ts'],
    tests: ['admin-retention', 'mutation-retention', 'mutation-retention-2'],
  },
  login: {
    title: '工作人员登录和会话（api/services/admin/staff.ts 第 176–313 行：登录、锁定、会话、退出）',
    mutate: ['api/services/admin/staff.ts:176-313'],
    tests: ['admin-login', 'mutation-login', 'mutation-login-2'],
  },
  crypto: {
    title: '加密（api/crypto/）',
    mutate: ['api/crypto/**/*.ts'],
    tests: ['report-crypto', 'admin-login', 'mutation-crypto'],
  },
  reports: {
    title: '举报受理、附件、补充留言（api/services/reports/）',
    mutate: ['api/services/reports/intake.ts', 'api/services/reports/attachments.ts', 'api/services/reports/follow-up.ts', 'api/services/reports/shared.ts'],
    // report-api.test.ts (41 s, 400 ms lookup floors) is left out for time; its checks run in npm test.
    tests: ['mutation-reports', 'mutation-reports-2', 'mutation-reports-3', 'report-metadata', 'report-durability'],
  },
};

const name = process.env.STRYKER_MODULE ?? 'crypto';
const module = MODULES[/** @type {keyof typeof MODULES} */ (name)];
if (!module) throw new Error(`STRYKER_MODULE=${name}: unknown module (${Object.keys(MODULES).join(', ')})`);

process.env.MUTATION_TESTS = module.tests.join(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  // The tests that guard this module (vitest.mutation.config.ts reads the list): each mutant runs only
  // those of them that reach the mutated code.
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  concurrency: 1,
  timeoutMS: 20_000,
  timeoutFactor: 2,
  mutate: module.mutate,
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  // Anchored with /: a bare 'reports' would also drop api/services/reports.
  ignorePatterns: ['/dist', '/test-results', '/playwright-report', '/bench/results', '/reports', '/.astro', '/data'],
  cleanTempDir: 'always',
  tempDirName: `.stryker-tmp/${name}`,
  thresholds: { high: 90, low: 85, break: null },
};
export default config;
