// `npm test`: type checks, content checks, build, unit tests (Vitest) and end-to-end tests
// (Playwright in Chromium against the real server). Ends with one line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { startCluster, type Cluster } from './pg-cluster.ts';

interface Tally {
  name: string;
  passed: number;
  failed: number;
  skipped?: number;
}
const tallies: Tally[] = [];

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  console.log(`\n▶ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function step(name: string, cmd: string, args: string[]): boolean {
  const ok = run(cmd, args);
  tallies.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1 });
  return ok;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

mkdirSync('test-results', { recursive: true });

step('类型检查 astro check', 'npx', ['astro', 'check']);
step('类型检查 tsc', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
step('内容校验 content:check', 'node', ['scripts/check-content.ts']);
const built = step('构建网站 build', 'npm', ['run', 'build']);

rmSync('test-results/unit.json', { force: true });
const unitOk = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/unit.json']);
const unit = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number }>('test-results/unit.json');
tallies.push(
  unit
    ? { name: '单元测试 Vitest', passed: unit.numPassedTests, failed: unit.numFailedTests + (unitOk || unit.numFailedTests ? 0 : 1), skipped: unit.numPendingTests }
    : { name: '单元测试 Vitest（没有产生结果）', passed: 0, failed: 1 },
);

// Issue 16: the API's unit and integration tests again, on a real PostgreSQL server (a throwaway
// cluster in a temporary folder on a loopback port). Every SQLite file a test opens becomes its own
// database there (DATABASE_TEST_ISOLATE, api/db/client.ts); servers the tests spawn inherit the URL.
const DB_TEST = /openDb|makeApp|createApp|from '\.\/(admin|office|report)-fixtures|api\/db\/client|api\/server\.ts|DATABASE_URL/;
// A file marked "@engine-independent" uses the database only as scaffolding for something else (the
// guessing simulation measures the question bank and the scoring) and runs once, on SQLite.
const dbTests = readdirSync('tests/unit')
  .filter((f) => f.endsWith('.test.ts') && DB_TEST.test(readFileSync(`tests/unit/${f}`, 'utf8')) && !readFileSync(`tests/unit/${f}`, 'utf8').includes('@engine-independent'))
  .map((f) => `tests/unit/${f}`);
let cluster: Cluster | null = null;
try {
  cluster = await startCluster({ fast: true });
  console.log(`\nPostgreSQL 测试服务器：${cluster.version}，端口 ${cluster.port}`);
} catch (e) {
  const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (process.env.CI) {
    console.log(`\n✗ 无法启动 PostgreSQL 测试服务器：${why}`);
    tallies.push({ name: '单元测试 Vitest（PostgreSQL）：服务器无法启动', passed: 0, failed: 1 });
  } else {
    console.log(`\n⚠ 跳过 PostgreSQL 上的 ${dbTests.length} 个测试文件：无法启动 PostgreSQL（${why}）。安装 Debian 软件包 postgresql 后再运行；CI 中这是失败。`);
    tallies.push({ name: `单元测试 Vitest（PostgreSQL）：未运行，${dbTests.length} 个文件跳过`, passed: 0, failed: 0 });
  }
}
if (cluster) {
  try {
    rmSync('test-results/unit-pg.json', { force: true });
    const pgOk = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/unit-pg.json', ...dbTests], {
      DATABASE_URL: cluster.url,
      DATABASE_TEST_ISOLATE: '1',
    });
    const pgUnit = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number }>('test-results/unit-pg.json');
    tallies.push(
      pgUnit
        ? { name: '单元测试 Vitest（PostgreSQL）', passed: pgUnit.numPassedTests, failed: pgUnit.numFailedTests + (pgOk || pgUnit.numFailedTests ? 0 : 1), skipped: pgUnit.numPendingTests }
        : { name: '单元测试 Vitest（PostgreSQL，没有产生结果）', passed: 0, failed: 1 },
    );
  } finally {
    cluster.stop();
  }
}

if (built) {
  rmSync('test-results/e2e.json', { force: true });
  const e2eOk = run('npx', ['playwright', 'test']);
  const e2e = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>('test-results/e2e.json');
  tallies.push(
    e2e
      ? {
          name: '端到端测试 Playwright',
          passed: e2e.stats.expected + e2e.stats.flaky,
          failed: e2e.stats.unexpected + (e2eOk || e2e.stats.unexpected ? 0 : 1),
          skipped: e2e.stats.skipped,
        }
      : { name: '端到端测试 Playwright（没有产生结果）', passed: 0, failed: 1 },
  );
} else {
  tallies.push({ name: '端到端测试（网站没有构建成功，未运行）', passed: 0, failed: 1 });
}

const passed = tallies.reduce((n, t) => n + t.passed, 0);
const failed = tallies.reduce((n, t) => n + t.failed, 0);
console.log('\n测试汇总：');
for (const t of tallies) {
  console.log(`  ${t.failed ? '✗' : '✓'} ${t.name}: ${t.passed} 通过, ${t.failed} 失败${t.skipped ? `, ${t.skipped} 跳过` : ''}`);
}
if (!existsSync('dist/index.html')) console.log('  （dist/ 不存在）');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
