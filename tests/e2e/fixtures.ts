/**
 * Servers for the end-to-end tests. Each Playwright worker starts its own server process (built site
 * + API) on its own port and its own temporary DATA_DIR, so workers never share a database or a
 * rate-limit budget. Tests whose outcome depends on state (first start, rate-limited reporter routes,
 * the back-office flow) ask for a server of their own with `test.use({ isolated: true })`: a fresh
 * process and DATA_DIR for that one test, removed afterwards.
 *
 * Ports: E2E_PORT (default 4399) + 1 + worker index for worker servers, and
 * E2E_PORT + 1 + E2E_WORKERS + worker index for isolated ones (one at a time per worker).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base } from '@playwright/test';

export interface E2eServer {
  base: string;
  port: number;
  dataDir: string;
  /** Printed once at first start; the back-office test creates the first administrator with it. */
  recoveryKey: string;
  output: () => string;
}

export const BASE_PORT = Number(process.env.E2E_PORT ?? 4399);
export const WORKERS = Number(process.env.E2E_WORKERS ?? 2);

/** Node ≥ 22 that can run the TypeScript server: the npm package "node" when the runner is older. */
export function serverNode(): string {
  const major = Number(process.versions.node.split('.')[0]);
  const local = resolve('node_modules/node/bin/node');
  return major >= 22 || !existsSync(local) ? process.execPath : local;
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Starts api/server.ts on `port` with a fresh DATA_DIR; resolves when /api/health answers. */
export async function launchServer(port: number, env: Record<string, string> = {}): Promise<{ server: E2eServer; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shanghe-e2e-'));
  const proc = spawn(serverNode(), ['api/server.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const close = async () => {
    await stop(proc);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      await close();
      throw new Error(`服务启动失败（端口 ${port}）：\n${output}`);
    }
    try {
      if ((await fetch(`${base}/api/health`)).ok) {
        const recoveryKey = /[A-Z2-9]{4}(?:-[A-Z2-9]{4}){13}/.exec(output)?.[0] ?? '';
        return { server: { base, port, dataDir, recoveryKey, output: () => output }, close };
      }
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await close();
  throw new Error(`服务 30 秒内没有就绪（端口 ${port}）：\n${output}`);
}

export const test = base.extend<{ isolated: boolean; server: E2eServer }, { workerServer: E2eServer }>({
  workerServer: [
    async ({}, use, workerInfo) => {
      const { server, close } = await launchServer(BASE_PORT + 1 + workerInfo.parallelIndex);
      await use(server);
      await close();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  isolated: [false, { option: true }],
  server: async ({ isolated, workerServer }, use, testInfo) => {
    if (!isolated) return use(workerServer);
    const { server, close } = await launchServer(BASE_PORT + 1 + WORKERS + testInfo.parallelIndex);
    await use(server);
    await close();
  },
  baseURL: async ({ server }, use) => use(server.base),
});

export { expect } from '@playwright/test';
