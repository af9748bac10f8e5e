// `npm run bench [name…]`: runs every benchmark, or only those named (guides, reports, quiz, province).
const BENCHES: Record<string, () => Promise<{ default?: unknown } & Record<string, unknown>>> = {
  guides: () => import('./guides.ts'),
  reports: () => import('./reports.ts'),
  quiz: () => import('./quiz.ts'),
  province: () => import('./province.ts'),
};

const wanted = process.argv.slice(2);
for (const [name, load] of Object.entries(BENCHES)) {
  if (wanted.length && !wanted.includes(name)) continue;
  const mod = await load();
  const run = Object.values(mod).find((v) => typeof v === 'function') as (() => Promise<void>) | undefined;
  if (!run) throw new Error(`基准 ${name} 没有导出运行函数`);
  await run();
}

export {};
