import { describe, expect, it } from 'vitest';
import { buildSearchIndex } from '../../api/services/search/build.ts';
import { MIN_COVERAGE, SearchEngine } from '../../api/services/search/engine.ts';
import { OFF_TOPIC_QUESTIONS, SENTENCE_QUESTIONS } from '../search-questions.ts';

const engine = new SearchEngine(buildSearchIndex('content'));
const slugOf = (url: string) => /^\/guides\/([^/]+)\/$/.exec(url)?.[1] ?? url;

describe('整句搜索：分词', () => {
  it('把没有空格的整句话切成词，去掉"了、怎么办"这类虚词', () => {
    expect(engine.segment('冬天屋里生炉子头疼')).toEqual(['冬天', '屋里', '生炉子', '头疼']);
    const { words } = engine.analyse('家里煤气罐漏气了怎么办');
    expect(words.map((w) => w.word)).toEqual(expect.arrayContaining(['煤气罐', '漏气']));
    expect(words.map((w) => w.word)).not.toContain('怎么办');
    expect(words.map((w) => w.word)).not.toContain('了');
  });
  it('只有虚词或乱码时不给结果', () => {
    expect(engine.search('怎么办呢').hits).toEqual([]);
    expect(engine.search('的了吗').hits).toEqual([]);
  });
});

describe('整句搜索：排序', () => {
  it.each([
    ['冬天屋里生炉子头疼', 'co-poisoning'],
    ['三轮车拉人上国道', 'rural-road-safety'],
  ])('"%s" 前 3 条里有 %s', (q, slug) => {
    expect(engine.search(q).hits.slice(0, 3).map((h) => slugOf(h.page.url))).toContain(slug);
  });

  it(`${SENTENCE_QUESTIONS.length} 个口语问题至少 95% 在前 3 条找到对应指南`, () => {
    const misses = SENTENCE_QUESTIONS.filter(([q, expected]) => !engine.search(q).hits.slice(0, 3).some((h) => expected.includes(slugOf(h.page.url))));
    expect(misses.length / SENTENCE_QUESTIONS.length, misses.map(([q]) => q).join('、')).toBeLessThanOrEqual(0.05);
  });

  it('每条结果至少覆盖问题的一半', () => {
    for (const [q] of SENTENCE_QUESTIONS) for (const h of engine.search(q).hits) expect(h.coverage).toBeGreaterThanOrEqual(MIN_COVERAGE);
  });

  it.each(OFF_TOPIC_QUESTIONS)('与安全无关的"%s"不给勉强的结果', (q) => {
    expect(engine.search(q).hits).toEqual([]);
  });

  it('筛选只留下对应类型', () => {
    const hits = engine.search('燃气泄漏', { 类型: '事故案例' }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h.page.url).toMatch(/^\/cases\//);
  });
});
