// Report intake benchmark: submissions per second with a 1 MB photo and receipt lookups per second,
// p50/p99, 20 concurrent clients, plus one reporter alone (1 client) submitting a 1 MB photo —
// against a bare node:http + better-sqlite3 baseline doing the same durable insert, with the same
// fsync strategy (bench/report-baseline-server.ts), in the same run. Each server gets a warm-up phase
// that is not recorded. Only successful requests count toward requests per second and latency;
// failed ones are reported in their own column. Numbers vary with the disk's fsync latency and cores.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const CONCURRENCY = 20;
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 4000);
/** Unrecorded load before measuring: JIT, sharp's thread pool, SQLite page cache, first fsyncs. */
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1500);
/** Baseline and site alternate this many times, so background load hits both alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface Sample {
  latencies: number[];
  seconds: number;
  errors: number;
}

interface Result {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Latencies are of successful requests only; failed ones are counted in `errors`, never as throughput. */
function summarise(samples: Sample[]): Result {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  return {
    count: latencies.length,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: samples.reduce((n, s) => n + s.errors, 0),
  };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function start(args: string[], env: Record<string, string>): Promise<{ proc: ChildProcess; base: string; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
  const proc = spawn(process.execPath, args, { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`${base}/api/health`);
      return { proc, base, dataDir };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${args.join(' ')} 没有启动`);
}

async function stop(s: { proc: ChildProcess; dataDir: string }) {
  s.proc.kill('SIGTERM');
  await new Promise((r) => s.proc.once('exit', r));
  rmSync(s.dataDir, { recursive: true, force: true });
}

/** `clients` clients, each sending requests back to back for `ms`; only successes are timed and counted. */
async function load(make: (i: number) => Promise<Response>, onBody?: (b: unknown) => void, clients = CONCURRENCY, ms = PHASE_MS): Promise<Sample> {
  const latencies: number[] = [];
  let errors = 0;
  let seq = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const res = await make(seq++);
          const body = await res.json();
          if (res.status >= 300) {
            errors++;
            continue;
          }
          latencies.push(performance.now() - t0);
          onBody?.(body);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000, errors };
}

async function photo1MB(): Promise<Uint8Array<ArrayBuffer>> {
  // Noise compresses badly, so a 1200×900 JPEG lands near 1 MB, like a phone photo.
  let q = 94;
  for (;;) {
    const buf = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
      .jpeg({ quality: q })
      .withExif({ IFD0: { Make: 'BenchPhone', Model: 'B1' } })
      .toBuffer();
    if (buf.length >= 1024 * 1024 || q >= 100) return new Uint8Array(buf);
    q += 2;
  }
}

function reportForm(photo: Uint8Array, i: number): FormData {
  const form = new FormData();
  form.set('category', 'general_hazard');
  form.set('sector', 'fire');
  form.set('township', 'xushang');
  form.set('place', '基准测试地点');
  form.set('description', `基准测试提交第 ${i} 件：安全出口被堵塞。`);
  form.append('files', new File([photo as Uint8Array<ArrayBuffer>], 'photo.jpg', { type: 'image/jpeg' }));
  return form;
}

async function measure(base: string, photo: Uint8Array) {
  const receipts: string[] = [];
  const submitTo = (i: number) => fetch(`${base}/api/reports`, { method: 'POST', body: reportForm(photo, i), headers: { accept: 'application/json' } });
  const lookupOf = (i: number) =>
    fetch(`${base}/api/reports/lookup`, { method: 'POST', body: JSON.stringify({ receipt: receipts[i % receipts.length] }), headers: { 'content-type': 'application/json' } });
  const keep = (b: unknown) => receipts.push((b as { receipt: string }).receipt);
  // Warm-up, not recorded.
  await load(submitTo, keep, CONCURRENCY, WARMUP_MS);
  await load(lookupOf, undefined, CONCURRENCY, WARMUP_MS / 2);
  const single = await load(submitTo, keep, 1);
  const submit = await load(submitTo, keep);
  const lookup = await load(lookupOf);
  return { single, submit, lookup };
}

export async function runReportsBench(): Promise<void> {
  const photo = await photo1MB();
  console.log(
    `\n举报基准：${CONCURRENCY} 个并发客户端，基线和本站交替 ${ROUNDS} 轮、每阶段 ${PHASE_MS / 1000} 秒，照片 ${(photo.length / 1024 / 1024).toFixed(2)} MB，${cpus().length} 个 CPU，负载 ${loadavg()[0]!.toFixed(1)}`,
  );
  const samples = { baseSingle: [] as Sample[], baseSubmit: [] as Sample[], baseLookup: [] as Sample[], realSingle: [] as Sample[], realSubmit: [] as Sample[], realLookup: [] as Sample[] };
  for (let round = 0; round < ROUNDS; round++) {
    const base = await start(['bench/report-baseline-server.ts'], {});
    const b = await measure(base.base, photo);
    await stop(base);
    samples.baseSingle.push(b.single);
    samples.baseSubmit.push(b.submit);
    samples.baseLookup.push(b.lookup);
    const ours = await start(['api/server.ts'], { RATE_LIMITS: 'off', SITE_DIR: join(tmpdir(), 'no-site') });
    const r = await measure(ours.base, photo);
    await stop(ours);
    samples.realSingle.push(r.single);
    samples.realSubmit.push(r.submit);
    samples.realLookup.push(r.lookup);
  }
  const baseline = { single: summarise(samples.baseSingle), submit: summarise(samples.baseSubmit), lookup: summarise(samples.baseLookup) };
  const real = { single: summarise(samples.realSingle), submit: summarise(samples.realSubmit), lookup: summarise(samples.realLookup) };

  const row = (name: string, r: Result, b: Result) => [
    name,
    r.perSecond.toFixed(1),
    `${r.p50.toFixed(0)} / ${r.p99.toFixed(0)}`,
    b.perSecond.toFixed(1),
    `${b.p50.toFixed(0)} / ${b.p99.toFixed(0)}`,
    (r.perSecond / b.perSecond).toFixed(2),
    `${r.errors} / ${b.errors}`,
  ];
  const rows = [
    row('一人提交（1 MB 照片，1 个客户端）', real.single, baseline.single),
    row(`提交（1 MB 照片，${CONCURRENCY} 个客户端）`, real.submit, baseline.submit),
    row(`查询（${CONCURRENCY} 个客户端）`, real.lookup, baseline.lookup),
  ];
  const headers = ['', '本站 次/秒', '本站 p50/p99 ms', '基线 次/秒', '基线 p50/p99 ms', '比值', '失败 本站/基线'];
  // Chinese characters take two columns in a terminal.
  const width = (t: string) => [...t].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ');
  console.log(line(headers));
  for (const r of rows) console.log(line(r));
  const budget = 100;
  console.log(
    `一人提交 1 MB 照片的 p50：${real.single.p50.toFixed(0)} ms，${real.single.p50 < budget ? '在' : '超出'} ${budget} ms 预算${real.single.p50 < budget ? '之内' : ''}（基线 ${baseline.single.p50.toFixed(0)} ms）。`,
  );
  console.log(
    [
      '说明：本站每次提交还要用 sharp 重新生成照片（去掉隐藏信息）、做一次 scrypt（N=2^13，8 MiB）生成查询码、X25519 加密内容和附件；',
      '基线只做同样的持久写入（文件写入并在事件循环之外 fsync、目录 fsync，再 SQLite synchronous=FULL 事务），与本站的附件存储同一方式。',
      '失败的请求不计入次/秒和延迟，单独列出。本站查询有 400 ms 的固定下限（对错查询码用时相同），',
      '所以查询的次数/秒和延迟是设计使然，不与基线比较快慢。',
    ].join('\n'),
  );
}
