// Province-scale benchmark (issue 16): report submission with a 1 MB photo and receipt lookups,
// 20 concurrent clients, on
//   1. the bare baseline (bench/report-baseline-server.ts: node:http + better-sqlite3, the same durable
//      insert and nothing else),
//   2. the site on SQLite (one process, as a county runs it),
//   3. the site on PostgreSQL (one process),
//   4. the site on PostgreSQL behind nginx (the "```nginx province" block of docs/deploy.md, TLS), one process,
//   5. the same with two processes (upstream `hash $remote_addr consistent`),
// all in the same run, alternating in rounds so background load hits each alike. The PostgreSQL cluster
// is a throwaway one with the server's defaults (fsync on), every start on a fresh database. Clients
// come from their own loopback addresses (127.0.0.2…) so nginx spreads them as it would spread people.
// Only successful requests count toward requests per second and latency; failures have their own column.
// Also the CPU time (Linux /proc) the API processes, PostgreSQL and nginx spend per accepted submission:
// on a machine whose cores are already saturated by one process, that — not requests per second — shows
// whether a second process adds overhead or only adds capacity where there are cores for it.
// Figures and machine: docs/deploy.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeNginxPrefix, nginxBinary, selfSignedCert, writeNginxConf } from '../scripts/local-nginx.ts';
import { findPgBin, startCluster, type Cluster } from '../scripts/pg-cluster.ts';
import { nginxCspMap } from '../scripts/postbuild.ts';
import { fmt, median, percentile, table } from './lib.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 4000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const HOST = 'aq.shanghe.example';

interface Target {
  /** Where clients connect. */
  port: number;
  tls: boolean;
  stop(): Promise<void>;
  /** Requests each process answered, when known (behind nginx). */
  spread?: () => Record<string, number>;
  /** Process ids of the API processes (or the baseline) and of nginx (master and workers). */
  apiPids: () => number[];
  nginxPids?: () => number[];
}

interface Sample {
  latencies: number[];
  seconds: number;
  errors: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** CPU time (user + system) in milliseconds a process has used so far; 0 once it is gone. Linux /proc. */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** A process and its direct children (nginx workers, PostgreSQL backends). */
function withChildren(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) kids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return [pid, ...kids];
}

function psql(url: string, text: string): void {
  const bin = findPgBin();
  const r = spawnSync(bin ? join(bin, 'psql') : 'psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql：${r.stderr}`);
}

/** A fresh database on the cluster for one server start. */
function freshDatabase(cluster: Cluster): string {
  const name = `bench_${randomBytes(5).toString('hex')}`;
  psql(cluster.url, `create database ${name}`);
  const u = new URL(cluster.url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function waitFor(url: string, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`基准测试：${what} 没有启动`);
}

async function startProcess(script: string, env: Record<string, string>): Promise<{ port: number; proc: ChildProcess; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-province-'));
  const proc = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, RATE_LIMITS: 'off', SITE_DIR: join(tmpdir(), 'no-site'), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(`http://127.0.0.1:${port}/api/health`, script);
  return { port, proc, dataDir };
}

async function stopProcess(p: { proc: ChildProcess; dataDir: string }): Promise<void> {
  if (p.proc.exitCode === null && p.proc.signalCode === null) {
    p.proc.kill('SIGTERM');
    await new Promise((r) => p.proc.once('exit', r));
  }
  rmSync(p.dataDir, { recursive: true, force: true });
}

async function direct(script: string, env: Record<string, string> = {}): Promise<Target> {
  const p = await startProcess(script, env);
  return { port: p.port, tls: false, stop: () => stopProcess(p), apiPids: () => [p.proc.pid!] };
}

/** The province block of docs/deploy.md in front of `count` API processes on one fresh database. */
async function behindNginx(cluster: Cluster, count: number): Promise<Target> {
  const url = freshDatabase(cluster);
  const procs: Awaited<ReturnType<typeof startProcess>>[] = [];
  const prefix = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
  try {
    return await nginxInFront(cluster, url, count, procs, prefix);
  } catch (e) {
    // Nothing left running when a start fails.
    for (const p of procs) await stopProcess(p);
    rmSync(prefix, { recursive: true, force: true });
    psql(cluster.url, `drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
    throw e;
  }
}

async function nginxInFront(cluster: Cluster, url: string, count: number, procs: Awaited<ReturnType<typeof startProcess>>[], prefix: string): Promise<Target> {
  for (let i = 0; i < count; i++) procs.push(await startProcess('api/server.ts', { DATABASE_URL: url, TRUST_PROXY: '127.0.0.1', SITE_URL: `https://${HOST}` }));
  makeNginxPrefix(prefix, ['site']);
  const cert = selfSignedCert(prefix, HOST);
  if (cert.status !== 0) throw new Error(cert.stderr);
  writeFileSync(join(prefix, 'csp.map'), nginxCspMap({}));
  const [https, http] = [await freePort(), await freePort()];
  const block = /```nginx province\n([\s\S]*?)```/.exec(readFileSync('docs/deploy.md', 'utf8'))?.[1];
  if (!block) throw new Error('docs/deploy.md 里没有 ```nginx province 配置块');
  const upstreams = procs.map((p) => `server 127.0.0.1:${p.port};`).join('\n    ');
  let conf = block
    .replace('server 127.0.0.1:4321;\n    server 127.0.0.1:4322;', () => upstreams)
    .replace('listen 80;', () => `listen 127.0.0.1:${http};`)
    .replace('listen 443 ssl http2;', () => `listen 127.0.0.1:${https} ssl http2;`)
    .replace('/etc/ssl/shanghe/fullchain.pem', () => join(prefix, 'cert.pem'))
    .replace('/etc/ssl/shanghe/privkey.pem', () => join(prefix, 'key.pem'))
    .replace('include /srv/shanghe/app/dist/.nginx-csp.map;', () => `include ${join(prefix, 'csp.map')};`)
    .replace('root /srv/shanghe/app/dist;', () => `root ${join(prefix, 'site')};`)
    .replaceAll('/var/log/nginx/', () => `${join(prefix, 'logs')}/`);
  if (!conf.includes(upstreams)) throw new Error('province 配置的 upstream 与基准不符');
  // Which process answered: counted from a log line of the upstream's address (bench only, not the documented config).
  conf = conf.replace('log_format shanghe_noaddr', "log_format bench_upstream '$upstream_addr';\nlog_format shanghe_noaddr");
  conf = conf.replace(/location = \/api\/reports \{\n(\s+)client_max_body_size 102m;\n\s+access_log off;/, (_m, indent: string) => `location = /api/reports {\n${indent}client_max_body_size 102m;\n${indent}access_log ${join(prefix, 'logs', 'upstream.log')} bench_upstream;`);
  const nginxBin = nginxBinary() || 'nginx';
  const args = writeNginxConf(prefix, conf, { workerProcesses: Math.min(2, cpus().length), workerConnections: 1024, mainAccessLog: false });
  const check = spawnSync(nginxBin, ['-t', ...args], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(check.stderr);
  const nginx = spawn(nginxBin, [...args, '-g', 'daemon off;'], { stdio: 'ignore' });
  const agent = new HttpsAgent({ rejectUnauthorized: false });
  for (let i = 0; ; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = httpsRequest({ host: '127.0.0.1', port: https, path: '/api/health', servername: HOST, headers: { host: HOST }, agent }, (res) => (res.resume(), resolve(res.statusCode === 200)));
      req.on('error', () => resolve(false));
      req.end();
    });
    if (ok) break;
    if (i > 100) {
      nginx.kill('SIGKILL');
      throw new Error('基准测试：nginx 没有启动');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  agent.destroy();
  return {
    port: https,
    tls: true,
    apiPids: () => procs.map((p) => p.proc.pid!),
    nginxPids: () => withChildren(nginx.pid!),
    spread: () => {
      const counts: Record<string, number> = {};
      const file = join(prefix, 'logs', 'upstream.log');
      if (!existsSync(file)) return counts;
      for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        const i = procs.findIndex((p) => line.includes(`:${p.port}`));
        const key = i >= 0 ? `进程${i + 1}` : line;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    stop: async () => {
      nginx.kill('SIGQUIT');
      await new Promise((r) => nginx.once('exit', r));
      for (const p of procs) await stopProcess(p);
      rmSync(prefix, { recursive: true, force: true });
      psql(cluster.url, `drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
    },
  };
}

interface Client {
  agent: HttpAgent | HttpsAgent;
}

function send(target: Target, client: Client, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const opts = {
      host: '127.0.0.1',
      port: target.port,
      method: 'POST',
      path,
      agent: client.agent,
      headers: { host: target.tls ? HOST : `127.0.0.1:${target.port}`, accept: 'application/json', 'content-length': String(body.length), ...headers, ...(target.tls ? { origin: `https://${HOST}` } : {}) },
      ...(target.tls ? { servername: HOST, rejectUnauthorized: false } : {}),
    };
    const done = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    };
    const req = target.tls ? httpsRequest(opts, done) : httpRequest(opts, done);
    req.on('error', reject);
    req.end(body);
  });
}

/** Every client sends back to back for `ms`; only successes are timed and counted. */
async function load(clients: Client[], make: (c: Client, i: number) => Promise<{ status: number; text: string }>, ms: number, onOk?: (text: string) => void): Promise<Sample> {
  const latencies: number[] = [];
  let errors = 0;
  let seq = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const r = await make(c, seq++);
          if (r.status >= 300) {
            errors++;
            continue;
          }
          latencies.push(performance.now() - t0);
          onOk?.(r.text);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000, errors };
}

async function photo1MB(): Promise<Buffer> {
  let q = 94;
  for (;;) {
    const buf = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
      .jpeg({ quality: q })
      .withExif({ IFD0: { Make: 'BenchPhone', Model: 'B1' } })
      .toBuffer();
    if (buf.length >= 1024 * 1024 || q >= 100) return buf;
    q += 2;
  }
}

async function multipart(photo: Buffer): Promise<{ body: Buffer; type: string }> {
  const form = new FormData();
  form.set('category', 'general_hazard');
  form.set('sector', 'fire');
  form.set('township', 'xushang');
  form.set('place', '基准测试地点');
  form.set('description', '基准测试提交：安全出口被堵塞。');
  form.append('files', new File([new Uint8Array(photo)], 'photo.jpg', { type: 'image/jpeg' }));
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), type: encoded.headers.get('content-type')! };
}

interface Cpu {
  api: number;
  postgres: number;
  nginx: number;
}

async function measure(target: Target, upload: { body: Buffer; type: string }, postgresPids: () => number[]): Promise<{ submit: Sample; lookup: Sample; cpu: Cpu }> {
  // Each client from its own loopback address, its own keep-alive connection.
  const clients: Client[] = Array.from({ length: CLIENTS }, (_, i) => {
    const options = { keepAlive: true, maxSockets: 1, localAddress: `127.0.0.${i + 2}` };
    return { agent: target.tls ? new HttpsAgent({ ...options, rejectUnauthorized: false }) : new HttpAgent(options) };
  });
  const receipts: string[] = [];
  const keep = (text: string) => receipts.push((JSON.parse(text) as { receipt: string }).receipt);
  const submit = (c: Client) => send(target, c, '/api/reports', upload.body, { 'content-type': upload.type });
  const lookup = (c: Client, i: number) => send(target, c, '/api/reports/lookup', Buffer.from(JSON.stringify({ receipt: receipts[i % receipts.length] })), { 'content-type': 'application/json' });
  await load(clients, submit, WARMUP_MS, keep);
  await load(clients, lookup, WARMUP_MS / 2);
  const sum = (pids: number[]) => pids.reduce((n, pid) => n + cpuMsOf(pid), 0);
  const snapshot = (): Cpu => ({ api: sum(target.apiPids()), postgres: sum(postgresPids()), nginx: sum(target.nginxPids?.() ?? []) });
  const before = snapshot();
  const s = await load(clients, submit, PHASE_MS, keep);
  const after = snapshot();
  const l = await load(clients, lookup, PHASE_MS);
  for (const c of clients) c.agent.destroy();
  return { submit: s, lookup: l, cpu: { api: after.api - before.api, postgres: after.postgres - before.postgres, nginx: after.nginx - before.nginx } };
}

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function summarise(samples: Sample[]): Result {
  const latencies = samples.flatMap((s) => s.latencies);
  return {
    perSecond: latencies.length / samples.reduce((n, s) => n + s.seconds, 0),
    p50: median(latencies),
    p99: percentile(latencies, 99),
    errors: samples.reduce((n, s) => n + s.errors, 0),
  };
}

export async function runProvinceBench(): Promise<void> {
  const cpu = cpus();
  const cluster = await startCluster();
  try {
    const photo = await photo1MB();
    const upload = await multipart(photo);
    console.log(`\n省级部署基准：${cpu.length} 个 CPU（${cpu[0]?.model ?? '未知'}），内存 ${(totalmem() / 2 ** 30).toFixed(1)} GB，Linux ${release()}，负载 ${loadavg()[0]!.toFixed(1)}`);
    console.log(`${cluster.version}（临时集群，默认设置：fsync 开），Node ${process.versions.node}，nginx ${spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr.trim().replace(/^nginx version: /, '')}`);
    console.log(`${CLIENTS} 个并发客户端（各用一个回环地址），照片 ${(photo.length / 1024 / 1024).toFixed(2)} MB，${ROUNDS} 轮交替，每阶段 ${PHASE_MS / 1000} 秒`);
    const configs: { name: string; start: () => Promise<Target> }[] = [
      { name: '基线（node:http + better-sqlite3）', start: () => direct('bench/report-baseline-server.ts') },
      { name: '本站 SQLite，1 个进程', start: () => direct('api/server.ts') },
      { name: '本站 PostgreSQL，1 个进程', start: () => direct('api/server.ts', { DATABASE_URL: freshDatabase(cluster) }) },
      { name: '本站 PostgreSQL，nginx + 1 个进程', start: () => behindNginx(cluster, 1) },
      { name: '本站 PostgreSQL，nginx + 2 个进程', start: () => behindNginx(cluster, 2) },
    ];
    const samples = configs.map(() => ({ submit: [] as Sample[], lookup: [] as Sample[], spread: [] as string[], cpu: { api: 0, postgres: 0, nginx: 0 } as Cpu }));
    const postmaster = Number(readFileSync(join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const postgresPids = () => withChildren(postmaster);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, c] of configs.entries()) {
        const target = await c.start();
        try {
          const m = await measure(target, upload, i >= 2 ? postgresPids : () => []);
          samples[i]!.submit.push(m.submit);
          samples[i]!.lookup.push(m.lookup);
          for (const k of ['api', 'postgres', 'nginx'] as const) samples[i]!.cpu[k] += m.cpu[k];
          if (target.spread) samples[i]!.spread.push(Object.entries(target.spread()).map(([k, v]) => `${k} ${v}`).join('，'));
        } finally {
          await target.stop();
        }
      }
    }
    const results = samples.map((s) => ({ submit: summarise(s.submit), lookup: summarise(s.lookup), spread: s.spread, cpu: s.cpu, submitted: s.submit.reduce((n, x) => n + x.latencies.length, 0) }));
    const base = results[0]!;
    const rows = configs.map((c, i) => {
      const r = results[i]!;
      return [
        c.name,
        fmt(r.submit.perSecond),
        `${fmt(r.submit.p50, 0)} / ${fmt(r.submit.p99, 0)}`,
        fmt(r.submit.perSecond / base.submit.perSecond, 2),
        fmt(r.lookup.perSecond),
        `${fmt(r.lookup.p50, 0)} / ${fmt(r.lookup.p99, 0)}`,
        fmt(r.lookup.perSecond / base.lookup.perSecond, 2),
        `${r.submit.errors} / ${r.lookup.errors}`,
      ];
    });
    table(['', '提交 次/秒', '提交 p50/p99 ms', '与基线之比', '查询 次/秒', '查询 p50/p99 ms', '与基线之比', '失败 提交/查询'], rows);
    const one = results[3]!;
    const two = results[4]!;
    console.log(
      `两个进程与一个进程之比（都在 nginx 后面）：提交 ${fmt(two.submit.perSecond / one.submit.perSecond, 2)}，查询 ${fmt(two.lookup.perSecond / one.lookup.perSecond, 2)}；` +
        `PostgreSQL 与 SQLite 之比（一个进程）：提交 ${fmt(results[2]!.submit.perSecond / results[1]!.submit.perSecond, 2)}，查询 ${fmt(results[2]!.lookup.perSecond / results[1]!.lookup.perSecond, 2)}。`,
    );
    // CPU per accepted submission: on a saturated machine throughput is capped by the cores, so what shows
    // whether more processes scale is whether a submission costs the same CPU with one process as with two.
    console.log('\n每件提交耗用的 CPU（毫秒，提交阶段内，含失败的请求）：');
    table(
      ['', 'API 进程', 'PostgreSQL', 'nginx', '合计', '每个 CPU 核每秒可受理'],
      configs.map((c, i) => {
        const r = results[i]!;
        const per = (ms: number) => (r.submitted ? ms / r.submitted : NaN);
        const total = per(r.cpu.api + r.cpu.postgres + r.cpu.nginx);
        return [c.name, fmt(per(r.cpu.api), 0), i >= 2 ? fmt(per(r.cpu.postgres), 0) : '—', i >= 3 ? fmt(per(r.cpu.nginx), 0) : '—', fmt(total, 0), fmt(1000 / total, 1)];
      }),
    );
    for (const [i, r] of results.entries()) if (r.spread.length) console.log(`${configs[i]!.name}：各进程收到的提交（按轮）：${r.spread.join('；')}`);
    console.log(
      [
        '说明：本站每次提交还要用 sharp 重新生成照片、做一次 scrypt 生成查询码、X25519 加密内容和附件，基线只做同样的持久写入。',
        '本站查询有 400 ms 的固定下限（对错查询码用时相同），查询的次数/秒由它决定，不比快慢。',
        '两个进程和 nginx、PostgreSQL、压测客户端共用这台机器的 CPU：两个 CPU 上看的是"能横向扩展"，不是绝对数字。',
      ].join('\n'),
    );
  } finally {
    cluster.stop();
  }
}
