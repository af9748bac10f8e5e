import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/check-content.ts');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** One valid guide whose only source is `source` (YAML lines under "sources:"). */
function runWith(source: string, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'content-check-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'content/guides'), { recursive: true });
  const body = '## 危险在哪里\n\n' + '煤炉取暖要通风，发现有人中毒先开窗再救人并拨打急救电话。'.repeat(40);
  writeFileSync(
    join(dir, 'content/guides/sample.mdx'),
    `---\ntitle: 冬季取暖防中毒\nsummary: 用煤炉取暖要装烟筒、常通风，发现中毒先开窗再救人。\naudiences: [family]\nkeywords: [煤气中毒, 煤炉, 取暖]\nupdated: 2026-12-01\nsources:\n${source}---\n\n${body}\n`,
  );
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

const official = '  - publisher: 应急管理部\n    title: 某规定\n    date: 2024-01-01\n    url: https://www.mem.gov.cn/a.shtml\n';
const copy = '  - publisher: 某网站\n    title: 某规定转载\n    date: 2024-01-01\n    url: https://www.safehoo.com/a.html\n';
const declared = copy + '    mirror_of:\n      publisher: 应急管理部\n      title: 某规定\n    reason: 应急管理部网站上的原文未能找到\n';
/** n distinct official sources. */
const officials = (n: number) =>
  Array.from({ length: n }, (_, i) => `  - publisher: 应急管理部\n    title: 某规定${i}\n    date: 2024-01-01\n    url: https://www.mem.gov.cn/a${i}.shtml\n`).join('');

describe('npm run content:check and the source policy', () => {
  it('passes an official source and reports 100%', () => {
    const r = runWith(official);
    expect(r.out).toContain('官方名单内 1 个（100.0%），转载例外 0 个，禁止 0 个');
    expect(r.status).toBe(0);
  });

  it('fails a denylisted host outright', () => {
    const r = runWith('  - publisher: 某网站\n    title: 某规定\n    date: 2024-01-01\n    url: http://218.60.149.76/a.html\n');
    expect(r.status).toBe(1);
    expect(r.out).toContain('裸 IP');
  });

  it('fails an unlisted host without mirror_of and reason', () => {
    const r = runWith(copy);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/mirror_of[\s\S]*reason/);
  });

  it('accepts a declared copy, counts it as an exception, and fails when the official share drops below 95%', () => {
    const r = runWith(official + declared);
    expect(r.out).toContain('官方名单内 1 个（50.0%），转载例外 1 个');
    expect(r.out).toContain('例外：content/guides/sample.mdx · www.safehoo.com');
    expect(r.out).toContain('未达到 95% 的目标（还有 1 个转载例外待换成官方原文）');
    expect(r.status).toBe(1);
  });

  it('passes at exactly 95% official (19 official + 1 copy) and fails just below (18 + 1)', () => {
    const at = runWith(officials(19) + declared);
    expect(at.out).toContain('官方名单内 19 个（95.0%），转载例外 1 个');
    expect(at.status).toBe(0);
    const below = runWith(officials(18) + declared);
    expect(below.out).toContain('官方名单内 18 个（94.7%），转载例外 1 个');
    expect(below.status).toBe(1);
  }, 30_000); // two runs of the real script; slow when the machine is busy
});
