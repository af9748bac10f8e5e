import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stripIslandStyles, ISLAND_STYLE_TAG } from '../../scripts/postbuild.ts';
import { gradeMismatch } from '../../content/schemas/accident-grade.ts';
import { caseSchema } from '../../content/schemas/case.ts';
import { ContentError } from '../../content/schemas/friendly-errors.ts';
import { loadMdxCollection } from '../../content/schemas/load-mdx.ts';
import { loadQuestions } from '../../content/schemas/load-questions.ts';
import type { Question } from '../../content/schemas/question.ts';
import { barChartLayout, CHART_WIDTH } from '../../src/utils/bar-chart.ts';
import { FACET_KINDS, casesFor, deathsText, facetOf, facetValues, formatLoss, sortCases, statsBy, totals } from '../../src/utils/case-facets.ts';
import { answerLabel, relatedQuestions } from '../../src/utils/case-questions.ts';
import { practiceSet } from '../../src/utils/practice-link.ts';
import { itemForWeek, weekIndex } from '../../src/utils/week.ts';

const cases = loadMdxCollection('content/cases', caseSchema).map((e) => ({ id: e.slug, data: e.data }));
const questions = loadQuestions('content/questions');
const yinchuan = readFileSync('content/cases/yinchuan-2023-bbq-gas-explosion.mdx', 'utf8');

describe('案例内容在构建时校验', () => {
  it('每个案例的等级都与死亡、重伤和直接经济损失一致', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(gradeMismatch(c.data.grade, c.data), c.id).toBeNull();
  });

  it('等级写错时加载失败，报错写明文件和 grade 字段', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cases-'));
    // A real case with its 特别重大 grade lowered: 31 deaths require 特别重大.
    writeFileSync(join(dir, 'wrong-grade.mdx'), yinchuan.replace('grade: 特别重大', 'grade: 较大'));
    writeFileSync(join(dir, 'fine.mdx'), yinchuan);
    let message = '';
    try {
      loadMdxCollection(dir, caseSchema);
    } catch (e) {
      expect(e).toBeInstanceOf(ContentError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/wrong-grade\.mdx · 字段 grade：按死亡、重伤和直接经济损失数字应至少为"特别重大"事故，但写的是"较大"/);
    expect(message).not.toContain('fine.mdx');
  });

  it('事故类别不在 GB 6441-86 列表中时指出 category 字段', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cases-'));
    writeFileSync(join(dir, 'bad-category.mdx'), yinchuan.replace('category: other_explosion', 'category: gas_leak'));
    expect(() => loadMdxCollection(dir, caseSchema)).toThrow(/bad-category\.mdx · 字段 category/);
  });
});

describe('案例分类（领域、类别、等级、年份）', () => {
  it.each(FACET_KINDS)('按 %s 分类时每个案例恰好属于一个分类，数量加起来等于总数', (kind) => {
    const values = facetValues(kind, cases);
    expect(values.reduce((n, v) => n + v.cases.length, 0)).toBe(cases.length);
    for (const c of cases) {
      const own = values.filter((v) => v.cases.includes(c));
      expect(own.map((v) => v.slug)).toEqual([facetOf(kind, c.data).slug]);
    }
    expect(new Set(values.map((v) => v.slug)).size).toBe(values.length);
    for (const v of values) expect(v.slug).toMatch(/^[a-z0-9_-]+$/);
  });

  it('没有案例的分类不生成页面', () => {
    for (const kind of FACET_KINDS) for (const v of facetValues(kind, cases)) expect(v.cases.length).toBeGreaterThan(0);
  });

  it('等级按严重程度从高到低，年份从近到远', () => {
    const order = ['especially-major', 'major', 'relatively-major', 'general'];
    const grades = facetValues('grade', cases).map((v) => v.slug);
    expect(grades).toEqual(order.filter((g) => grades.includes(g)));
    const years = facetValues('year', cases).map((v) => v.slug);
    expect(years).toEqual([...years].sort().reverse());
  });

  it('排序：日期从近到远', () => {
    const sorted = sortCases(cases);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i - 1]!.data.date >= sorted[i]!.data.date).toBe(true);
  });

  it('casesFor 只返回匹配的案例', () => {
    const first = cases[0]!;
    const slug = facetOf('sector', first.data).slug;
    const matching = casesFor('sector', slug, cases);
    expect(matching).toContain(first);
    for (const c of matching) expect(facetOf('sector', c.data).slug).toBe(slug);
  });

  it('直接经济损失的写法', () => {
    expect(formatLoss(5114.5)).toBe('5,114.5 万元');
    expect(formatLoss(686600)).toBe('686,600 万元（约 68.66 亿元）');
  });
});

describe('统计', () => {
  it.each(FACET_KINDS)('按 %s 统计：案例数和死亡人数的合计与总数一致', (kind) => {
    const rows = statsBy(kind, cases);
    const sum = totals(cases);
    expect(rows.reduce((n, r) => n + r.cases, 0)).toBe(sum.cases);
    expect(rows.reduce((n, r) => n + (r.deaths ?? 0), 0)).toBe(sum.deaths);
    expect(rows.reduce((n, r) => n + r.deathsUnknown, 0)).toBe(sum.deathsUnknown);
  });

  it('来源没写死亡人数的年份是“未写明”，不是 0 人', () => {
    const data = (date: string, deaths?: number) => ({ ...cases[0]!.data, date, deaths });
    const rows = statsBy('year', [{ id: 'x', data: data('2011-11-16') }, { id: 'y', data: data('2012-01-01', 2) }]);
    expect(rows[0]).toMatchObject({ slug: '2011', cases: 1, deaths: null, deathsUnknown: 1 });
    expect(deathsText(rows[0]!)).toBe('来源未写明');
    expect(deathsText(rows[1]!)).toBe('2 人');
    expect(deathsText({ deaths: 3, deathsUnknown: 1 })).toBe('3 人（另有 1 起来源未写明）');
    const layout = barChartLayout(rows.map((r) => ({ label: r.name, value: r.deaths })));
    expect(layout.rows[0]!.barWidth).toBe(0);
    expect(layout.rows[1]!.barWidth).toBeGreaterThan(0);
  });

  it('直接经济损失保留“约”“余”和“尚待核定”', () => {
    expect(formatLoss(516, 'about')).toBe('约 516 万元');
    expect(formatLoss(3300, 'over')).toBe('3,300 余万元');
    expect(formatLoss(4148.8606, 'interim')).toBe('4,148.86 万元（调查报告统计时已核定的部分，其他损失尚待核定）');
  });

  it('死亡人数只加来源写明的数字；年份连续，没有案例的年份记 0', () => {
    const data = (date: string, deaths?: number) => ({ ...cases[0]!.data, date, deaths });
    const sample = [
      { id: 'a', data: data('2019-05-01', 3) },
      { id: 'b', data: data('2019-06-01') },
      { id: 'c', data: data('2021-01-01', 10) },
    ];
    expect(statsBy('year', sample)).toEqual([
      { slug: '2019', name: '2019年', cases: 2, deaths: 3, deathsUnknown: 1 },
      { slug: '2020', name: '2020年', cases: 0, deaths: 0, deathsUnknown: 0 },
      { slug: '2021', name: '2021年', cases: 1, deaths: 10, deathsUnknown: 0 },
    ]);
  });

  it('类别和领域按案例数从多到少', () => {
    for (const kind of ['category', 'sector'] as const) {
      const counts = statsBy(kind, cases).map((r) => r.cases);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
    }
  });
});

describe('柱状图布局', () => {
  it('最大值画满，零不画，按比例，标签各占一行', () => {
    const layout = barChartLayout([
      { label: '甲', value: 10 },
      { label: '乙', value: 5 },
      { label: '丙', value: 0 },
    ]);
    const [a, b, c] = layout.rows;
    expect(a!.barWidth).toBeGreaterThan(0);
    expect(a!.barWidth + 50).toBeLessThanOrEqual(CHART_WIDTH);
    expect(b!.barWidth).toBeCloseTo(a!.barWidth / 2, 0);
    expect(c!.barWidth).toBe(0);
    expect(a!.labelY).toBeLessThan(a!.barY);
    expect(b!.labelY).toBeGreaterThan(a!.barY + layout.barHeight);
    expect(layout.height).toBeGreaterThanOrEqual(c!.barY + layout.barHeight);
  });

  it('全部为零时不出错', () => {
    expect(barChartLayout([{ label: '甲', value: 0 }]).rows[0]!.barWidth).toBe(0);
    expect(barChartLayout([]).rows).toEqual([]);
  });
});

describe('相关测验题', () => {
  const base: Omit<Question, 'id'> = {
    type: 'truefalse',
    stem: '测试题干足够长',
    options: ['正确', '错误'],
    answer: [1],
    explanation: '这里是一段足够长的解析文字。',
    sectors: [],
    topics: ['无关主题'],
    audiences: ['resident'],
    difficulty: 1,
  };
  const c = cases.find((x) => x.id === 'yinchuan-2023-bbq-gas-explosion')!.data;

  it('按相关指南或主题匹配；只有领域相同不算', () => {
    const bank: Question[] = [
      { ...base, id: 'by-guide', guide: c.relatedGuides[0] },
      { ...base, id: 'by-topic', topics: ['液化气'] },
      { ...base, id: 'by-sector-only', sectors: ['gas'] },
      { ...base, id: 'unrelated', guide: 'drowning-six-nos' },
    ];
    expect(relatedQuestions(c, bank).map((q) => q.id).sort()).toEqual(['by-guide', 'by-topic']);
  });

  it('最多 4 道，尽量来自不同指南', () => {
    const bank: Question[] = c.relatedGuides.flatMap((g, i) => [
      { ...base, id: `${i}-a`, guide: g },
      { ...base, id: `${i}-b`, guide: g },
    ]);
    const picked = relatedQuestions(c, bank);
    expect(picked).toHaveLength(Math.min(4, bank.length));
    expect(new Set(picked.map((q) => q.guide)).size).toBe(Math.min(4, c.relatedGuides.length));
  });

  it('真实题库：每道选出的题都与案例有关', () => {
    for (const { data } of cases) {
      for (const q of relatedQuestions(data, questions)) {
        const text = [data.title, data.summary, ...data.keywords].join(' ');
        expect(data.relatedGuides.includes(q.guide ?? '') || q.topics.some((t) => text.includes(t))).toBe(true);
      }
    }
  });

  it('练习链接和答案写法', () => {
    const qs: Question[] = [
      { ...base, id: 'x', topics: ['燃气安全', '液化气'] },
      { ...base, id: 'y', topics: ['燃气安全'] },
    ];
    const offered = [
      { code: 'resident', name: '居民', topics: [{ topic: '燃气安全' }, { topic: '液化气' }] },
      { code: 'primary', name: '小学', topics: [{ topic: '防溺水' }] },
    ];
    const set = practiceSet(qs, offered);
    expect(set.href).toBe('/quiz/?audience=resident&topic=%E7%87%83%E6%B0%94%E5%AE%89%E5%85%A8#practice');
    expect(set.label).toBe('练习"燃气安全"（居民）');
    // A topic /quiz/ does not offer for that audience falls back to the audience alone.
    expect(practiceSet(qs, [{ code: 'resident', name: '居民', topics: [] }]).href).toBe('/quiz/?audience=resident#practice');
    expect(practiceSet(qs, []).href).toBe('/quiz/');
    expect(answerLabel({ ...base, id: 'z' })).toBe('错误');
    expect(answerLabel({ ...base, id: 'm', type: 'multiple', options: ['a', 'b', 'c'], answer: [0, 2] })).toBe('AC');
  });
});

describe('首页警示案例按周轮换（北京时间周一零点换）', () => {
  it('周日 23:59 和周一 00:00（北京时间）属于相邻两周', () => {
    const sunday = weekIndex(new Date('2026-11-29T23:59:59+08:00'));
    const monday = weekIndex(new Date('2026-11-30T00:00:00+08:00'));
    expect(monday).toBe(sunday + 1);
    expect(weekIndex(new Date('2026-11-24T09:00:00+08:00'))).toBe(sunday);
    // 1970-01-05 was the first Monday.
    expect(weekIndex(new Date('1970-01-05T00:00:00+08:00'))).toBe(0);
  });

  it('依次循环，每周一个', () => {
    const items = ['a', 'b', 'c'];
    expect([0, 1, 2, 3, 4].map((w) => itemForWeek(items, w))).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect(itemForWeek([], 5)).toBeUndefined();
  });
});

describe('构建后处理', () => {
  it('去掉 Astro 岛的内联样式（CSP 不允许内联样式），其余不变', () => {
    const html = `<head></head><body>${ISLAND_STYLE_TAG}<script>x</script><astro-island></astro-island></body>`;
    expect(stripIslandStyles(html)).toBe('<head></head><body><script>x</script><astro-island></astro-island></body>');
    expect(readFileSync('src/styles/global.css', 'utf8')).toMatch(/astro-island, astro-slot, astro-static-slot \{ display: contents; \}/);
  });
});
