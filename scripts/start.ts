// `npm start`: build the site when dist/ is missing or older than its sources, then run the server.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src', 'content', 'config', 'public', 'astro.config.mjs', 'package-lock.json'];
const STAMP = join(process.env.SITE_DIR ?? 'dist', '.build-stamp');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function siteIsStale(): boolean {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.some((s) => newestMtime(s) > built);
}

if (siteIsStale()) {
  console.log('网站尚未构建或源文件有更新，正在构建……');
  const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('构建失败，服务没有启动。请查看上面的错误信息。');
    process.exit(result.status ?? 1);
  }
}
const { startServer } = await import('../api/server.ts');
await startServer();
