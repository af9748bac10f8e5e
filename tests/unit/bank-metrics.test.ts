import { describe, expect, it } from 'vitest';
import { bankProblems, measureBank, optionLength } from '../../content/schemas/bank-metrics.ts';
import type { Question } from '../../content/schemas/question.ts';

const q = (type: Question['type'], options: string[], answer: number[]): Question =>
  ({ id: 'x', type, stem: '题干题干题干', options, answer, explanation: '', sectors: [], topics: ['t'], audiences: ['resident'], difficulty: 1 }) as Question;

describe('题库防猜指标', () => {
  it('长度按看得见的字数算，不算空格', () => {
    expect(optionLength('先 通风 再检测')).toBe(6);
  });
  it('唯一最长才算；并列最长不算', () => {
    const f = measureBank([q('single', ['短', '长长长', '中中'], [1]), q('single', ['一二三', '四五六'], [0]), q('single', ['甲', '乙乙'], [0])], 'resident');
    expect(f).toMatchObject({ single: 3, uniqueLongest: 1 });
    expect(f.positions.slice(0, 3)).toEqual([2, 1, 0]);
  });
  it('总选第 k 长的选项能对几道：并列时按机会平分', () => {
    const f = measureBank([q('single', ['短', '长长长', '中中'], [2]), q('single', ['一二', '三四', '五'], [0])], 'resident');
    // First: the right one is 2nd longest. Second: tied for longest with one other → half at rank 1, half at rank 2.
    expect(f.lengthRanks.slice(0, 3)).toEqual([0.5, 1.5, 0]);
    const second = q('single', ['短', '长长长', '中中'], [2]);
    const other = q('single', ['短', '长长长', '中中'], [0]);
    expect(bankProblems(measureBank([second, second, second, second, second, other, other, other, other, other], 'resident')).join()).toContain('按长短排第 2 的');
  });
  it('超过 30% 时报出中文说明；30% 正好通过', () => {
    const longest = q('single', ['短', '长长长'], [1]);
    const shortest = q('single', ['短', '长长长'], [0]);
    const ok = measureBank([longest, longest, longest, ...Array(7).fill(shortest)], "resident");
    expect(bankProblems(ok).filter((p) => p.includes('最长'))).toEqual([]);
    const bad = measureBank([longest, longest, longest, longest, ...Array(6).fill(shortest)], 'resident');
    expect(bankProblems(bad).join()).toContain('正确选项是唯一最长的占 40.0%');
  });
  it('判断题"正确"占比在 40%–60% 之外时报错', () => {
    const t = q('truefalse', ['正确', '错误'], [0]);
    const fl = q('truefalse', ['正确', '错误'], [1]);
    expect(bankProblems(measureBank([t, t, fl, fl, fl], 'resident')).join()).toBe('');
    expect(bankProblems(measureBank([t, fl, fl, fl, fl], 'resident')).join()).toContain('判断题"正确"占 20.0%');
  });
  it('多选题正确个数全都一样时报错', () => {
    const all = q('multiple', ['a', 'b', 'c', 'd'], [0, 1, 2, 3]);
    expect(bankProblems(measureBank([all, all, all, all], 'resident')).join()).toContain('多选题的正确选项个数全都一样');
    const two = q('multiple', ['a', 'b', 'c', 'd'], [0, 1]);
    expect(bankProblems(measureBank([all, all, all, two], 'resident')).join()).toBe('');
  });
});
