import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseSchema } from '../../content/schemas/case.ts';
import { ContentError } from '../../content/schemas/friendly-errors.ts';
import { guideSchema } from '../../content/schemas/guide.ts';
import { loadMdxCollection } from '../../content/schemas/load-mdx.ts';
import { loadQuestions } from '../../content/schemas/load-questions.ts';

const source = `sources:\n  - publisher: 全国人民代表大会常务委员会\n    title: 《中华人民共和国安全生产法》\n    date: 2021-06-10\n    url: https://www.npc.gov.cn/\n`;

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'content-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ContentError);
    return (e as Error).message;
  }
  throw new Error('expected a ContentError');
}

describe('内容校验的报错写明文件和字段', () => {
  it('指南缺少来源时指出文件名和 sources 字段', () => {
    const dir = tempDir({
      'bad-guide.mdx': `---\ntitle: 一个测试指南标题\nsummary: 这是一句足够长的测试摘要文字。\naudiences: [family]\nkeywords: [a, b, c]\nupdated: 2026-11-29\n---\n正文`,
    });
    const msg = errorOf(() => loadMdxCollection(dir, guideSchema));
    expect(msg).toContain('bad-guide.mdx');
    expect(msg).toContain('字段 sources');
  });

  it('指南对象代码写错时指出 audiences 字段', () => {
    const dir = tempDir({
      'x.mdx': `---\ntitle: 一个测试指南标题\nsummary: 这是一句足够长的测试摘要文字。\naudiences: [farmers]\nkeywords: [a, b, c]\nupdated: 2026-11-29\n${source}---\n正文`,
    });
    expect(errorOf(() => loadMdxCollection(dir, guideSchema))).toMatch(/x\.mdx · 字段 audiences\.0/);
  });

  it('案例等级与数字不符时构建失败，报错指向 grade', () => {
    const base = {
      title: '某地某企业较大中毒窒息事故',
      summary: '有限空间作业中毒，盲目施救导致伤亡扩大。',
      date: '2020-01-01',
      place: '某省某市',
      sector: 'industry_trade',
      category: 'poisoning_asphyxiation',
      directCause: '作业人员未检测即进入有限空间中毒。',
      underlyingCauses: ['企业未落实审批制度'],
      lessons: ['先通风再检测', '不要盲目施救'],
      checklist: ['有没有审批？', '有没有检测仪？', '有没有监护人？'],
      discussion: ['为什么会中毒？', '怎样施救？', '我们有什么问题？'],
      sources: [{ publisher: '某市应急管理局', title: '调查报告', date: '2020-05', url: 'https://example.gov.cn/a' }],
    };
    expect(caseSchema.safeParse({ ...base, deaths: 3, grade: '较大' }).success).toBe(true);
    const bad = caseSchema.safeParse({ ...base, deaths: 3, grade: '一般' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['grade']);
  });

  it('题库：答案不在选项内、重复 id、重复题干都会被指出', () => {
    const q = (id: string, stem: string, answer: string) =>
      `- id: ${id}\n  type: single\n  stem: ${stem}\n  options: [甲, 乙]\n  answer: ${answer}\n  explanation: 这里是一段足够长的解析文字，说明原因。\n  guide: cpr-aed\n  topics: [急救]\n  audiences: [resident]\n  difficulty: 1\n`;
    const dir = tempDir({
      'a.yaml': q('t-001', '第一道测试题目的题干', 'C') + q('t-002', '第二道测试题目的题干', 'A'),
      'b.yaml': q('t-002', '第三道测试题目的题干', 'B') + q('t-004', '第二道测试题目的题干！', 'A'),
    });
    const msg = errorOf(() => loadQuestions(dir));
    expect(msg).toMatch(/a\.yaml · 题目 t-001 · 字段 answer：答案 C 不在选项范围内/);
    expect(msg).toMatch(/b\.yaml · 题目 t-002 · 字段 id：与 .*a\.yaml 中的题目 id 重复/);
    expect(msg).toMatch(/b\.yaml · 题目 t-004 · 字段 stem：题干与题目 t-002 重复/);
  });

  it('判断题答案规范化为选项序号', () => {
    const dir = tempDir({
      'tf.yaml': `- id: t-tf\n  type: truefalse\n  stem: 发现燃气泄漏应立即开灯查看。\n  answer: false\n  explanation: 开灯可能产生电火花引起爆炸，应开窗通风后到室外打电话。\n  guide: home-gas-leak\n  topics: [燃气]\n  audiences: [resident]\n  difficulty: 1\n`,
    });
    const [q] = loadQuestions(dir);
    expect(q?.options).toEqual(['正确', '错误']);
    expect(q?.answer).toEqual([1]);
  });
});
