import { describe, expect, it } from 'vitest';
import { caseSchema } from '../../content/schemas/case.ts';
import { loadMdxCollection } from '../../content/schemas/load-mdx.ts';

const base = loadMdxCollection('content/cases', caseSchema).find((c) => c.slug.startsWith('changchun-2021'))!.data;
const parse = (over: Record<string, unknown>) => caseSchema.safeParse({ ...base, ...over });

describe('case loss qualifiers', () => {
  it('keeps the Changchun 3700余万元 in the figure field with its qualifier', () => {
    expect(base).toMatchObject({ directLossWanYuan: 3700, directLossQualifier: 'over', grade: '重大' });
  });

  it('a qualifier needs a figure', () => {
    const r = parse({ directLossWanYuan: undefined, directLossQualifier: 'about' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain('directLossQualifier');
  });

  it('余 is a lower bound: it still sets the minimum grade', () => {
    const r = parse({ deaths: 1, seriousInjuries: 0, directLossWanYuan: 5000, directLossQualifier: 'over', grade: '较大' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain('至少为"重大"');
  });

  it('约 does not pin the grade down exactly (the true figure may sit across a threshold)', () => {
    expect(parse({ deaths: 3, seriousInjuries: 0, directLossWanYuan: 999, directLossQualifier: 'about', grade: '较大' }).success).toBe(true);
    expect(parse({ deaths: 3, seriousInjuries: 0, directLossWanYuan: 999, directLossQualifier: undefined, grade: '较大' }).success).toBe(true);
    expect(parse({ deaths: 1, seriousInjuries: 0, directLossWanYuan: 999, directLossQualifier: undefined, grade: '较大' }).success).toBe(false);
    expect(parse({ deaths: 1, seriousInjuries: 0, directLossWanYuan: 999, directLossQualifier: 'about', grade: '较大' }).success).toBe(true);
  });
});
