/**
 * A throwaway PostgreSQL cluster for tests and benchmarks (issue 16): initdb in a temporary folder,
 * a server on a free loopback port, removed again by stop(). Runs as the current user, or — as root,
 * which PostgreSQL refuses — as the `postgres` system user that Debian's package creates.
 *
 * `node scripts/pg-cluster.ts` on its own starts one and prints its DATABASE_URL until Ctrl-C.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Cluster {
  url: string;
  dataDir: string;
  port: number;
  version: string;
  stop(): void;
}

/** Directory with initdb/pg_ctl, newest installed version first; null when PostgreSQL is not installed. */
export function findPgBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const p = which.stdout.trim();
  return p ? p.replace(/\/initdb$/, '') : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ClusterOptions {
  /** fsync off: faster for unit tests that create many databases; benchmarks keep the defaults. */
  fast?: boolean;
  /** Extra server settings (-c name=value). */
  settings?: Record<string, string>;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const bin = findPgBin();
  if (!bin) throw new Error('没有找到 PostgreSQL（initdb）：请安装 Debian 软件包 postgresql。');
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(process.env.SHANGHE_OUTER_TMPDIR ?? tmpdir(), 'shanghe-pg-'));
  const dataDir = join(dir, 'data');
  let uid = -1;
  let gid = -1;
  if (root) {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const as = (cmd: string, args: string[]) =>
    root ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe', cwd: dir }) : execFileSync(join(bin, cmd), args, { stdio: 'pipe', cwd: dir });
  as('initdb', ['-D', dataDir, '-U', 'shanghe', '--auth=trust', '-E', 'UTF8', '--locale=C', ...(opts.fast ? ['--no-sync'] : [])]);
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    max_connections: '200',
    ...(opts.fast ? { fsync: 'off', full_page_writes: 'off' } : {}),
    ...opts.settings,
  };
  writeFileSync(join(dir, 'settings.conf'), Object.entries(settings).map(([k, v]) => `${k} = '${v}'`).join('\n') + '\n');
  if (root) chownSync(join(dir, 'settings.conf'), uid, gid);
  execFileSync('sh', ['-c', `echo "include '${join(dir, 'settings.conf')}'" >> ${join(dataDir, 'postgresql.conf')}`]);
  as('pg_ctl', ['-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const version = as('postgres', ['--version']).toString().trim();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      as('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: `postgres://shanghe@127.0.0.1:${port}/postgres`, dataDir, port, version, stop };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const c = await startCluster();
  console.log(`${c.version}\nDATABASE_URL=${c.url}\n（Ctrl-C 停止并删除）`);
  const end = () => {
    c.stop();
    process.exit(0);
  };
  process.on('SIGINT', end);
  process.on('SIGTERM', end);
  setInterval(() => {}, 1 << 30);
}
