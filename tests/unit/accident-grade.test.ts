import { describe, expect, it } from 'vitest';
import { gradeFromFigures, gradeMismatch } from '../../content/schemas/accident-grade.ts';

describe('事故等级（条例第三条）', () => {
  it.each([
    [{ deaths: 0, seriousInjuries: 0, directLossWanYuan: 0 }, '一般'],
    [{ deaths: 2, seriousInjuries: 9, directLossWanYuan: 999.99 }, '一般'],
    [{ deaths: 3 }, '较大'],
    [{ seriousInjuries: 10 }, '较大'],
    [{ directLossWanYuan: 1000 }, '较大'],
    [{ deaths: 9, seriousInjuries: 49, directLossWanYuan: 4999 }, '较大'],
    [{ deaths: 10 }, '重大'],
    [{ seriousInjuries: 50 }, '重大'],
    [{ directLossWanYuan: 5000 }, '重大'],
    [{ deaths: 29, seriousInjuries: 99, directLossWanYuan: 9999.9 }, '重大'],
    [{ deaths: 30 }, '特别重大'],
    [{ seriousInjuries: 100 }, '特别重大'],
    [{ directLossWanYuan: 10000 }, '特别重大'],
    [{ deaths: 1, seriousInjuries: 0, directLossWanYuan: 12000 }, '特别重大'],
  ] as const)('%o → %s', (figures, grade) => {
    expect(gradeFromFigures(figures)).toBe(grade);
  });

  it('数字齐全时等级必须完全一致', () => {
    expect(gradeMismatch('较大', { deaths: 3, seriousInjuries: 0, directLossWanYuan: 500 })).toBeNull();
    expect(gradeMismatch('重大', { deaths: 3, seriousInjuries: 0, directLossWanYuan: 500 })).toContain('应为"较大"');
  });

  it('缺少数字时允许更高等级，但不能低于已知数字要求的等级', () => {
    expect(gradeMismatch('重大', { deaths: 3 })).toBeNull();
    expect(gradeMismatch('一般', { deaths: 3 })).toContain('至少为"较大"');
  });
});
