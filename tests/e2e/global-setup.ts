import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Starts the real server (built site + API) on a temporary DATA_DIR for the end-to-end tests. */
export default async function globalSetup(): Promise<void> {
  const port = process.env.E2E_PORT ?? '4399';
  const dataDir = mkdtempSync(join(tmpdir(), 'shanghe-e2e-'));
  const server = spawn(process.execPath, ['api/server.ts'], {
    env: { ...process.env, PORT: port, HOST: '127.0.0.1', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  process.env.E2E_DATA_DIR = dataDir;
  writeFileSync(join(tmpdir(), `shanghe-e2e-${port}.json`), JSON.stringify({ pid: server.pid, dataDir }));

  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`服务启动失败：\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) {
        // The recovery key printed once at first start: the back-office test creates the first administrator with it.
        const recoveryKey = /[A-Z2-9]{4}(?:-[A-Z2-9]{4}){13}/.exec(output)?.[0] ?? '';
        process.env.E2E_RECOVERY_KEY = recoveryKey;
        writeFileSync(join(tmpdir(), `shanghe-e2e-${port}.json`), JSON.stringify({ pid: server.pid, dataDir, recoveryKey }));
        return;
      }
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  server.kill('SIGKILL');
  throw new Error(`服务 20 秒内没有就绪：\n${output}`);
}
