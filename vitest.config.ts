import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The sources run as TypeScript and better-sqlite3 is built for Node 24 (the npm package "node").
// When Vitest was started with an older Node (the system's Node 20, an editor plugin), run the same
// command again with node_modules' Node, so every test and every server a test spawns works.
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const localNode = resolve('node_modules/node/bin/node');
if ((major < 22 || (major === 22 && minor < 12)) && existsSync(localNode) && !process.env.SHANGHE_NODE_REEXEC) {
  console.log(`Vitest 运行在 Node ${process.versions.node} 上；改用 node_modules 里的 Node 重新运行。`);
  const run = spawnSync(localNode, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, SHANGHE_NODE_REEXEC: '1' } });
  process.exit(run.status ?? 1);
}

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    // Sized for a busy 2-core machine: every test stays under half of it (the login lockout test waits
    // 11.5 s of real backoff by design).
    testTimeout: 40_000,
    // A temporary root per test file, removed afterwards (tests/unit/setup.ts).
    setupFiles: ['tests/unit/setup.ts'],
  },
});
