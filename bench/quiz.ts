// Class-mode benchmark (issue 5): 100 classes × 50 pupils join and submit, against the real server
// and against a bare node:http + better-sqlite3 baseline doing the same writes, in the same run.
// Scenarios: (1) all classes at once, one request in flight per class, back to back — the throughput
// comparison; (2) open loop: pupils arrive at a steady rate across all classes — latency when not
// saturated. BENCH_BURST=1 adds 5000 pupils clicking in the same instant (500 requests in flight).
// Each class connects from its own loopback address (127.0.1.x), as each school would from its own
// network, so the per-address rate limits stay on exactly as in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, percentile, startServer, stopServer, table } from './lib.ts';

const CLASSES = Number(process.env.BENCH_CLASSES ?? 100);
const PUPILS = Number(process.env.BENCH_PUPILS ?? 50);
const QUESTIONS = 10;
/** Connections per class (a computer room behind one school gateway keeps a handful open). */
const SOCKETS_PER_CLASS = Number(process.env.BENCH_SOCKETS_PER_CLASS ?? 10);
/** Open-loop arrival rate (pupils per second) for the third scenario. */
const OPEN_RATE = Number(process.env.BENCH_OPEN_RATE ?? 150);
const APP_PORT = process.env.BENCH_QUIZ_PORT ?? '4610';
const BASE_PORT = process.env.BENCH_QUIZ_BASELINE_PORT ?? '4611';

interface Res {
  status: number;
  body: string;
}

function post(port: string, agent: Agent, path: string, data: unknown): Promise<Res> {
  const payload = JSON.stringify(data);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface PhaseResult {
  latencies: number[];
  errors: number;
  seconds: number;
}

/** Runs `tasks` with at most `concurrency` in flight; records each request's latency. */
async function phase(tasks: (() => Promise<Res>)[], concurrency: number, expect: number): Promise<PhaseResult & { bodies: string[] }> {
  const latencies: number[] = [];
  const bodies: string[] = new Array(tasks.length);
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      const start = performance.now();
      try {
        const r = await tasks[i]!();
        // Failed requests are counted, never timed or counted as throughput.
        if (r.status !== expect) errors++;
        else latencies.push(performance.now() - start);
        bodies[i] = r.body;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return { latencies, errors, seconds: (performance.now() - t0) / 1000, bodies };
}

interface Run {
  join: PhaseResult;
  submit: PhaseResult;
}

/** Open loop: pupil i starts at i / rate seconds, joins, then hands in straight away. */
async function openLoop(port: string, agents: Agent[], codes: string[], rate: number): Promise<Run> {
  const join: PhaseResult = { latencies: [], errors: 0, seconds: 0 };
  const submit: PhaseResult = { latencies: [], errors: 0, seconds: 0 };
  const answers = Array.from({ length: QUESTIONS }, (_, n) => [n % 2]);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLASSES * PUPILS }, (_, i) =>
      new Promise<void>((resolve) => {
        setTimeout(async () => {
          const c = i % CLASSES;
          try {
            let start = performance.now();
            const r = await post(port, agents[c]!, '/api/quiz/class/join', { code: codes[c], nickname: `学生${Math.floor(i / CLASSES)}号` });
            if (r.status !== 201) join.errors++;
            else join.latencies.push(performance.now() - start);
            const token = (JSON.parse(r.body) as { token?: string }).token ?? 'x'.repeat(43);
            start = performance.now();
            const s = await post(port, agents[c]!, '/api/quiz/class/submit', { token, answers });
            if (s.status !== 200) submit.errors++;
            else submit.latencies.push(performance.now() - start);
          } catch {
            join.errors++;
          }
          resolve();
        }, (i / rate) * 1000);
      }),
    ),
  );
  // Joins and hand-ins run side by side over the whole window, so each phase's rate is its count over
  // the whole window (halving the window, as before, doubled the rate shown in each row).
  join.seconds = submit.seconds = (performance.now() - t0) / 1000;
  return { join, submit };
}

/** Unrecorded warm-up from an address no class uses: a few classes join and hand in. */
async function warmUp(port: string): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 10, localAddress: '127.0.2.1' } as never);
  const answers = Array.from({ length: QUESTIONS }, (_, n) => [n % 2]);
  for (let c = 0; c < 3; c++) {
    const r = await post(port, agent, '/api/quiz/class', { school: `预热学校${c}`, className: '一班', audience: 'primary', topic: null, count: QUESTIONS, timeLimitMinutes: null });
    if (r.status !== 201) throw new Error(`预热：创建班级失败：${r.status} ${r.body}`);
    const code = (JSON.parse(r.body) as { joinCode: string }).joinCode;
    await Promise.all(
      Array.from({ length: 10 }, async (_, p) => {
        const j = await post(port, agent, '/api/quiz/class/join', { code, nickname: `预热${p}号` });
        const token = (JSON.parse(j.body) as { token?: string }).token ?? 'x'.repeat(43);
        await post(port, agent, '/api/quiz/class/submit', { token, answers });
      }),
    );
  }
  agent.destroy();
}

/** One scenario against one server: create the classes, then every pupil joins, then every pupil submits. */
async function runScenario(port: string, concurrency: number, rate?: number): Promise<Run> {
  await warmUp(port);
  const agents = Array.from({ length: CLASSES }, (_, c) => new Agent({ keepAlive: true, maxSockets: Math.min(SOCKETS_PER_CLASS, Math.max(1, Math.ceil(concurrency / CLASSES))), localAddress: `127.0.1.${c + 1}` } as never));
  const codes: string[] = [];
  for (let c = 0; c < CLASSES; c++) {
    const r = await post(port, agents[c]!, '/api/quiz/class', { school: `基准学校${c}`, className: '一班', audience: 'primary', topic: null, count: QUESTIONS, timeLimitMinutes: null });
    if (r.status !== 201) throw new Error(`创建班级失败：${r.status} ${r.body}`);
    codes.push((JSON.parse(r.body) as { joinCode: string }).joinCode);
  }
  if (rate) {
    const run = await openLoop(port, agents, codes, rate);
    for (const a of agents) a.destroy();
    return run;
  }
  // Interleave classes so every class is busy at the same time.
  const pupils = Array.from({ length: CLASSES * PUPILS }, (_, i) => ({ c: i % CLASSES, p: Math.floor(i / CLASSES) }));
  const join = await phase(
    pupils.map(({ c, p }) => () => post(port, agents[c]!, '/api/quiz/class/join', { code: codes[c], nickname: `学生${p}号` })),
    concurrency,
    201,
  );
  const tokens = join.bodies.map((b) => (b ? (JSON.parse(b) as { token?: string }).token : undefined));
  const answers = Array.from({ length: QUESTIONS }, (_, n) => [n % 2]);
  const submit = await phase(
    pupils.map(({ c }, i) => () => post(port, agents[c]!, '/api/quiz/class/submit', { token: tokens[i] ?? 'x'.repeat(43), answers })),
    concurrency,
    200,
  );
  for (const a of agents) a.destroy();
  return { join, submit };
}

function startBaseline(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bench/quiz-baseline-server.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`基线服务退出：${code}`)));
  });
}

export async function quizBench(): Promise<void> {
  const scenarios = [
    { name: `${CLASSES} 个班同时进行（每班 1 个请求在途）`, concurrency: CLASSES },
    ...(process.env.BENCH_BURST ? [{ name: `${CLASSES * PUPILS} 人同一刻点击（共 500 个请求在途）`, concurrency: 500 }] : []),
    { name: `${CLASSES} 个班同时开始，学生 ${Math.round((CLASSES * PUPILS) / OPEN_RATE)} 秒内陆续加入并交卷（每秒 ${OPEN_RATE} 人，每班最多 ${SOCKETS_PER_CLASS} 个连接）`, concurrency: CLASSES * PUPILS, rate: OPEN_RATE },
  ] as { name: string; concurrency: number; rate?: number }[];
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' / ');
  console.log(`\n机器：${cpus().length} 核，开始时负载（1/5/15 分钟）${load()}。同一台机器上的其他进程会直接影响数字，请同时看基线。`);
  console.log(`班级测验基准：${CLASSES} 个班 × ${PUPILS} 名学生，每人加入 1 次、交卷 1 次（${QUESTIONS} 题），数据库 WAL + synchronous=FULL`);
  const rows: (string | number)[][] = [];
  const ratios: string[] = [];
  for (const s of scenarios) {
    const results: Record<string, Run> = {};
    for (const [label, port, start] of [
      ['本站（Hono + drizzle + zod）', APP_PORT, (env: Record<string, string>) => startServer(env)],
      ['基线（node:http + better-sqlite3）', BASE_PORT, startBaseline],
    ] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), 'bench-quiz-'));
      const child = await start({ PORT: port, HOST: '127.0.0.1', DATA_DIR: dataDir });
      const run = await runScenario(port, s.concurrency, s.rate);
      await stopServer(child);
      rmSync(dataDir, { recursive: true, force: true });
      results[label] = run;
      for (const [what, r] of [['加入', run.join], ['交卷', run.submit]] as const) {
        rows.push([s.name, label, what, r.latencies.length, r.errors, fmt(percentile(r.latencies, 50)), fmt(percentile(r.latencies, 99)), fmt(r.latencies.length / r.seconds, 0)]);
      }
    }
    const [app, base] = Object.values(results) as [Run, Run];
    const tput = (r: Run) => (r.join.latencies.length + r.submit.latencies.length) / (s.rate ? r.join.seconds : r.join.seconds + r.submit.seconds);
    // In the open-loop scenario throughput is set by the arrival rate, so only latency is compared.
    const p99 = (r: Run) => percentile([...r.join.latencies, ...r.submit.latencies], 99);
    ratios.push(
      s.rate
        ? `${s.name}：吞吐由到达速度决定（每秒 ${s.rate} 人 × 2 个请求 = ${s.rate * 2} 次/秒，本站实际 ${fmt(tput(app), 0)}、基线 ${fmt(tput(base), 0)} 次/秒）；本站 p99 ${fmt(p99(app))} ms，基线 p99 ${fmt(p99(base))} ms（目标 < 200 ms）`
        : `${s.name}：本站 ${fmt(tput(app), 0)} 次/秒，基线 ${fmt(tput(base), 0)} 次/秒，比值 ${fmt(tput(app) / tput(base), 2)}（目标 ≥ 0.5）；本站 p99 ${fmt(p99(app))} ms（目标 < 200 ms）`,
    );
  }
  console.log(`结束时负载 ${load()}`);
  table(['场景', '服务', '请求', '完成', '错误', 'p50 ms', 'p99 ms', '吞吐 次/秒'], rows);
  console.log('');
  for (const r of ratios) console.log(r);
}

if (import.meta.main) await quizBench();
