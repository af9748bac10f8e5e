// `npm run test:mutation [module…]`: StrykerJS over the protection modules, one module at a time
// (concurrency 1), each with its own incremental file under reports/mutation/ so a re-run only tests
// mutants whose code or tests changed. Prints the mutation score of each module at the end.
// `npm run test:mutation -- --summary` only prints the scores. Not part of `npm test` (it takes tens of minutes). Surviving mutants are explained in docs/mutation.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

// The module table lives in stryker.config.mjs, next to the options Stryker reads.
import { MODULES as TABLE } from '../stryker.config.mjs';

const MODULES = TABLE as Record<string, { title: string; mutate: string[] }>;

interface MutantResult {
  status: string;
}

function score(file: string): { killed: number; survived: number; noCoverage: number; timeout: number; errors: number; total: number; score: number } | null {
  if (!existsSync(file)) return null;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { files: Record<string, { mutants: MutantResult[] }> };
  const all = Object.values(report.files).flatMap((f) => f.mutants);
  const n = (s: string) => all.filter((m) => m.status === s).length;
  const killed = n('Killed');
  const timeout = n('Timeout');
  const survived = n('Survived');
  const noCoverage = n('NoCoverage');
  const errors = n('RuntimeError') + n('CompileError');
  const valid = killed + timeout + survived + noCoverage;
  return { killed, survived, noCoverage, timeout, errors, total: all.length, score: valid ? ((killed + timeout) / valid) * 100 : 100 };
}

if (import.meta.main) {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : Object.keys(MODULES);
  const unknown = names.filter((n) => !MODULES[n]);
  if (unknown.length) {
    console.error(`不认识的模块：${unknown.join(', ')}。可选：${Object.keys(MODULES).join(', ')}`);
    process.exit(2);
  }
  mkdirSync('reports/mutation', { recursive: true });
  // --summary: only print the scores of the last runs (JSON reports, else the committed incremental files).
  const run = !process.argv.includes('--summary');
  for (const name of run ? names : []) {
    const m = MODULES[name]!;
    console.log(`\n▶ 变异测试：${m.title}`);
    const r = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], { stdio: 'inherit', env: { ...process.env, STRYKER_MODULE: name } });
    if (r.status !== 0) console.error(`Stryker 在模块 ${name} 上退出码 ${r.status}`);
  }
  console.log('\n变异测试得分（杀死 + 超时）÷（全部有效变异）：');
  let below = 0;
  let missing = 0;
  for (const name of Object.keys(MODULES)) {
    // The JSON report of the last run, else the committed incremental file (same schema).
    const s = score(`reports/mutation/${name}.json`) ?? score(`reports/mutation/${name}.incremental.json`);
    if (!s) {
      console.log(`  ${name.padEnd(10)} 未运行`);
      missing++;
      continue;
    }
    if (s.score < 85) below++;
    console.log(`  ${name.padEnd(10)} ${s.score.toFixed(1).padStart(5)}%  杀死 ${s.killed}，超时 ${s.timeout}，存活 ${s.survived}，未覆盖 ${s.noCoverage}，出错 ${s.errors}（共 ${s.total}）  ${MODULES[name]!.title}`);
  }
  if (below) console.log(`${below} 个模块低于 85%：存活的变异要么用新测试杀死，要么在 docs/mutation.md 写明原因。`);
  if (missing) console.log(`${missing} 个模块还没有结果。`);
  if (!below && !missing) console.log('每个模块都达到 85%。');
}
