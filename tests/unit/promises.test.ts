// Issue 10, item 10: every sentence the site says to a reporter is a requirement with a test.
// docs/promises.md lists each promise (quoted exactly as the page says it) with the tests that prove
// it. This test fails when a listed test does not exist, when a listed promise is no longer on any
// page, and when a reporter page says something promise-like that docs/promises.md does not list.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ReportView } from '../../api/services/reports/follow-up.ts';
import { expiredViewPage, formErrorPage, lookupForm, notFoundPage, receiptPage, REPLY_EXPIRED, statusPage } from '../../api/views/report-pages.ts';

/** Built pages a reporter reads (the footer comes with them). */
const BUILT_PAGES = ['dist/report/index.html', 'dist/report/status/index.html', 'dist/privacy/index.html'];

/** Words that make a sentence a promise about what the site does or never does. */
const PROMISE_WORDS = /不会|不保存|没有保存|不让|绝不|不写日志|不写访问日志|不写入|不设|不加载|不使用|不记录|只显示|无法|看不到|查不到|打不开|加密|清除|匿名|限制|删除|不需要|只保存|只有|审计|隐去|不留|失效|离开/;

interface Promise_ {
  text: string;
  proofs: { file: string; name: string }[];
  line: number;
}

function parsePromises(md: string): { promises: Promise_[]; notPromises: string[] } {
  const promises: Promise_[] = [];
  const notPromises: string[] = [];
  let inNotPromises = false;
  md.split('\n').forEach((raw, i) => {
    if (/^##\s/.test(raw)) inNotPromises = /不是承诺/.test(raw);
    const quoted = /^- 「(.+?)」/.exec(raw);
    if (quoted) {
      if (inNotPromises) notPromises.push(quoted[1]!);
      else promises.push({ text: quoted[1]!, proofs: [], line: i + 1 });
      return;
    }
    const proof = /^\s+- `([^`]+)` › (.+)$/.exec(raw);
    if (proof && !inNotPromises) {
      const last = promises.at(-1);
      if (!last) throw new Error(`docs/promises.md 第 ${i + 1} 行：证明写在了任何承诺之前`);
      last.proofs.push({ file: proof[1]!, name: proof[2]!.trim() });
    }
  });
  return { promises, notPromises };
}

function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<(li|p|h\d|dd|dt|div|section|summary|span|legend|label|option|br|a)\b[^>]*>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function sentences(html: string): string[] {
  return textOf(html)
    .split(/\n|(?<=[。；！？])/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

const VIEW: ReportView = {
  status: 'investigating',
  status_label: '核查中',
  status_hint: '办理部门正在核查。',
  created_on: '2026-12-01',
  due_on: '2027-01-30',
  category: 'general_hazard',
  sector: 'other',
  township: 'xushang',
  place: '某地',
  description: '某事',
  observed_at: null,
  real_name: false,
  timeline: [{ on: '2026-12-01', status: 'received', label: '已收到', note: null }],
  messages: [{ id: 1, from: 'department', on: '2026-12-02', body: '请补充。', attachments: [] }],
  attachments: [
    { name: 'a.jpg', type: 'JPEG 图片', size: 2048, kind: 'image', removed: ['拍摄位置（GPS）'] },
    { name: 'b.pdf', type: 'PDF 文档', size: 4096, kind: 'pdf', removed: [] },
  ],
  reward: { decision: 'granted', amount_yuan: 5000, decided_on: '2026-12-05' },
} as unknown as ReportView;

/** Every page a reporter can see, built and server-rendered, as sentences. */
function reporterSentences(): { source: string; sentence: string }[] {
  const out: { source: string; sentence: string }[] = [];
  for (const file of BUILT_PAGES) {
    if (!existsSync(file)) throw new Error(`${file} 不存在：先运行 npm run build`);
    for (const s of sentences(readFileSync(file, 'utf8'))) out.push({ source: file, sentence: s });
  }
  const rendered: [string, string][] = [
    ['回执页 receiptPage', receiptPage('12345678901234567890', VIEW.attachments).value],
    ['办理情况页 statusPage', statusPage(VIEW, 'token', { kind: 'ok', text: '留言已发送。' }).value],
    ['查不到 notFoundPage', notFoundPage().value],
    ['失效页 expiredViewPage', expiredViewPage().value + expiredViewPage(REPLY_EXPIRED).value],
    ['查询表单 lookupForm', lookupForm().value],
    ['表单错误 formErrorPage', formErrorPage('示例错误。').value],
  ];
  for (const [source, html] of rendered) for (const s of sentences(html)) out.push({ source, sentence: s });
  return out;
}

function testTitles(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/\b(?:it|test)\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*?)\1/g)].map((m) => m[2]!);
}

describe('docs/promises.md：每一句承诺都有测试', () => {
  const md = readFileSync('docs/promises.md', 'utf8');
  const { promises, notPromises } = parsePromises(md);

  it('列出了承诺，每条都有至少一个测试，测试文件和测试名都存在', () => {
    expect(promises.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const p of promises) {
      if (p.proofs.length === 0) problems.push(`第 ${p.line} 行「${p.text}」没有测试`);
      for (const proof of p.proofs) {
        if (!existsSync(proof.file)) {
          problems.push(`第 ${p.line} 行：测试文件 ${proof.file} 不存在`);
          continue;
        }
        if (!testTitles(proof.file).some((t) => t.includes(proof.name))) problems.push(`第 ${p.line} 行：${proof.file} 里没有名为“${proof.name}”的测试`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('列出的每句承诺都还在页面上（原话）', () => {
    const corpus = reporterSentences().map((s) => s.sentence).join('\n');
    const stale = [...promises.map((p) => p.text), ...notPromises].filter((t) => !corpus.includes(t));
    expect(stale, '页面上已经没有这些句子：更新 docs/promises.md').toEqual([]);
  });

  it('举报人页面上每一句像承诺的话都列在 docs/promises.md 里', () => {
    const listed = [...promises.map((p) => p.text), ...notPromises];
    const missing = reporterSentences()
      .filter(({ sentence }) => PROMISE_WORDS.test(sentence))
      .filter(({ sentence }) => !listed.some((t) => sentence.includes(t) || t.includes(sentence)))
      .map(({ source, sentence }) => `${source}: ${sentence}`);
    expect([...new Set(missing)], '这些句子没有列在 docs/promises.md（承诺配测试，或写进“不是承诺”一节并说明）').toEqual([]);
  });

  it('检查本身会失败：没列出的承诺、不存在的测试都会被发现', () => {
    const fake = parsePromises('## 举报页\n- 「本站绝不保存任何东西」\n  - `tests/unit/promises.test.ts` › 不存在的测试名\n');
    expect(fake.promises[0]!.proofs[0]!.name).toBe('不存在的测试名');
    expect(testTitles('tests/unit/promises.test.ts').some((t) => t.includes('不存在的测试名'))).toBe(false);
    expect(PROMISE_WORDS.test('查询码不会出现在网址里')).toBe(true);
  });
});
