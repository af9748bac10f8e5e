import { describe, expect, it } from 'vitest';
import { cjkEmphasis, splitCjkStrong } from '../../src/integrations/cjk-emphasis.mjs';

describe('CJK emphasis repair', () => {
  it('splits balanced ** pairs that CommonMark left as text', () => {
    expect(splitCjkStrong('做到**“六不”**：')).toEqual(['做到', '“六不”', '：']);
    expect(splitCjkStrong('**千万不要手拉手。**一个人站不稳')).toEqual(['', '千万不要手拉手。', '一个人站不稳']);
    expect(splitCjkStrong('甲**一**乙**二**丙')).toEqual(['甲', '一', '乙', '二', '丙']);
  });

  it('leaves text without a complete pair, or with an empty pair, alone', () => {
    expect(splitCjkStrong('没有星号')).toBeNull();
    expect(splitCjkStrong('只有一个**星号')).toBeNull();
    expect(splitCjkStrong('空的****对')).toBeNull();
    expect(splitCjkStrong('甲**一**乙**')).toEqual(['甲', '一', '乙**']);
  });

  it('replaces the text node with text and strong nodes', () => {
    const calls: unknown[][] = [];
    const ctx = { replaceNode: (...args: unknown[]) => calls.push(args) };
    const node = { type: 'text', value: '做到**“六不”**：' };
    cjkEmphasis.text(node, ctx);
    expect(calls).toEqual([[node, [
      { type: 'text', value: '做到' },
      { type: 'strong', children: [{ type: 'text', value: '“六不”' }] },
      { type: 'text', value: '：' },
    ]]]);
    cjkEmphasis.text({ type: 'text', value: '普通文字' }, ctx);
    expect(calls).toHaveLength(1);
  });
});
