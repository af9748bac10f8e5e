// `npm run bench [name…]`: runs every benchmark file in bench/ (or only those named, e.g. `quiz`).
// A benchmark is any bench/<name>.ts other than this file, lib.ts, helpers starting with "_" and the
// baseline servers it spawns; its exported function runs it.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'lib.ts' && !f.startsWith('_') && !/-server\.ts$/.test(f))
  .map((f) => f.slice(0, -3))
  .sort();

const wanted = process.argv.slice(2);
for (const w of wanted) if (!names.includes(w)) throw new Error(`没有名为 ${w} 的基准（现有：${names.join('、')}）`);
for (const name of names) {
  if (wanted.length && !wanted.includes(name)) continue;
  const mod = (await import(pathToFileURL(`${dir}/${name}.ts`).href)) as Record<string, unknown>;
  const run = Object.values(mod).find((v) => typeof v === 'function') as (() => Promise<void>) | undefined;
  if (!run) throw new Error(`基准 ${name} 没有导出运行函数`);
  await run();
}
