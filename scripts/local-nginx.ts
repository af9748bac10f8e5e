/**
 * A throwaway nginx on loopback for tests and benchmarks (tests/e2e/nginx.spec.ts,
 * tests/unit/province-deploy.test.ts, bench/province.ts): everything — pid, logs, temporary files,
 * the site configuration taken from docs/deploy.md — lives in one prefix folder; as root the workers
 * drop to nobody, which needs the prefix readable and the temporary folders writable.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

const TEMP_KINDS = ['client', 'proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;

/** The nginx binary (Debian's nginx-light; .ci/run installs it), or '' when there is none. */
export function nginxBinary(): string {
  const which = spawnSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' });
  return which.stdout.trim().split('\n')[0] ?? '';
}

/** The prefix's folders: logs/, temp/<kind>/ and any extra ones the caller names. */
export function makeNginxPrefix(prefix: string, extra: string[] = []): void {
  for (const d of ['logs', ...TEMP_KINDS.map((t) => `temp/${t}`), ...extra]) mkdirSync(join(prefix, d), { recursive: true });
}

/** A one-day self-signed certificate for `host`: prefix/cert.pem and prefix/key.pem. */
export function selfSignedCert(prefix: string, host: string): SpawnSyncReturns<string> {
  return spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${host}`, '-keyout', join(prefix, 'key.pem'), '-out', join(prefix, 'cert.pem')],
    { encoding: 'utf8' },
  );
}

export interface NginxOptions {
  workerProcesses?: number;
  workerConnections?: number;
  /** A catch-all access log (prefix/logs/main-access.log) for requests no server block logs. */
  mainAccessLog?: boolean;
}

/**
 * Writes prefix/site.conf and the prefix/nginx.conf that includes it, and returns the command-line
 * arguments that run nginx on them (add '-t' to check, or '-g', 'daemon off;' to run).
 */
export function writeNginxConf(prefix: string, siteConf: string, opts: NginxOptions = {}): string[] {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(prefix, 0o755);
    for (const d of ['temp', ...TEMP_KINDS.map((t) => `temp/${t}`)]) chmodSync(join(prefix, d), 0o777);
  }
  writeFileSync(join(prefix, 'site.conf'), siteConf);
  writeFileSync(
    join(prefix, 'nginx.conf'),
    [
      asRoot ? 'user nobody nogroup;' : '',
      `worker_processes ${opts.workerProcesses ?? 1};`,
      `pid ${join(prefix, 'nginx.pid')};`,
      `error_log ${join(prefix, 'logs', 'main-error.log')} error;`,
      `events { worker_connections ${opts.workerConnections ?? 256}; }`,
      'http {',
      ...TEMP_KINDS.map((t) => `  ${t === 'client' ? 'client_body' : t}_temp_path ${join(prefix, 'temp', t)};`),
      ...(opts.mainAccessLog === false ? [] : [`  access_log ${join(prefix, 'logs', 'main-access.log')};`]),
      `  include ${join(prefix, 'site.conf')};`,
      '}',
    ].join('\n'),
  );
  return ['-p', prefix, '-e', join(prefix, 'logs', 'startup.log'), '-c', join(prefix, 'nginx.conf')];
}
