// Prints the bank figures per audience (run: node scripts/bank-report.ts from the repo root).
import { join } from 'node:path';
import { loadQuestions } from '../content/schemas/load-questions.ts';
import { bankProblems, measureBank, pct } from '../content/schemas/bank-metrics.ts';
import { QUIZ_AUDIENCE_CODES } from '../config/taxonomy.ts';

const questions = loadQuestions(join(process.cwd(), 'content/questions'));
let problems: string[] = [];
for (const a of QUIZ_AUDIENCE_CODES) {
  const f = measureBank(questions, a);
  console.log(`${a}: 单选 ${f.single}，唯一最长 ${pct(f.uniqueLongest, f.single)}，位置 ${f.positions.slice(0, 4).map((n) => pct(n, f.single)).join('/')}；判断 ${f.truefalse}，正确 ${pct(f.trueCount, f.truefalse)}；多选 ${f.multiple}，正确个数 ${JSON.stringify(f.multiCounts)}`);
  problems = problems.concat(bankProblems(f));
}
if (problems.length) { console.log('\n未达标：\n' + problems.join('\n')); process.exitCode = 1; } else console.log('\n题库各项指标达标。');
