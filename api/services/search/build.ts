/**
 * Builds the sentence-search index from content/ (guides, cases) and the site's service pages.
 * Words come from ICU word segmentation (Intl.Segmenter, built into Node) of titles, keywords,
 * headings, summaries and bodies, plus every keyword found as a substring, so the dictionary is
 * exactly the vocabulary of what we publish.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIENCE_NAMES, SECTOR_NAMES } from '../../../config/taxonomy.ts';
import { caseSchema } from '../../../content/schemas/case.ts';
import { guideSchema } from '../../../content/schemas/guide.ts';
import { loadMdxCollection } from '../../../content/schemas/load-mdx.ts';
import { normaliseQuery, type SearchIndex, type SearchPage } from './engine.ts';
import { FILLERS } from './words.ts';

const segmenter = new Intl.Segmenter('zh-CN', { granularity: 'word' });
const FILLER_SET = new Set(FILLERS);
const PARTICLE_EDGE = /^[了的着吗呢吧啊么地得]|[了的吗呢吧啊怎]$/u;

/** Words worth indexing: two or more Han characters, or letters/digits (AED, 119). */
export function wordsOf(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(normaliseQuery(text))) {
    if (!s.isWordLike) continue;
    const w = s.segment;
    if (/^\p{Script=Han}{2,}$/u.test(w) || /^[a-z0-9]{2,}$/.test(w)) {
      // ICU sometimes glues a particle to a word ("气了", "了怎"): those are not words.
      if (!FILLER_SET.has(w) && !PARTICLE_EDGE.test(w)) out.push(w);
    }
  }
  return out;
}

/** Markdown to plain text: drop syntax, links keep their text. */
function plain(md: string): string {
  return md
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/[#>*_`|-]+/g, ' ');
}

interface Fields {
  title: string;
  keywords: string[];
  headings: string[];
  summary: string;
  body: string;
}

function countOf(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

function termsOf(f: Fields, vocabulary: readonly string[]): Record<string, number> {
  const terms: Record<string, number> = {};
  const put = (w: string, s: number) => {
    if ((terms[w] ?? 0) < s) terms[w] = s;
  };
  const body = normaliseQuery(plain(f.body));
  const tf = new Map<string, number>();
  for (const w of wordsOf(body)) tf.set(w, (tf.get(w) ?? 0) + 1);
  // Keywords of any page found inside this body (ICU may split them, substring search does not).
  for (const k of vocabulary) {
    const n = countOf(body, k);
    if (n) tf.set(k, Math.max(tf.get(k) ?? 0, n));
  }
  for (const [w, n] of tf) put(w, n >= 8 ? 3 : n >= 3 ? 2 : 1);
  for (const h of f.headings) for (const w of wordsOf(h)) put(w, 4);
  for (const w of wordsOf(f.summary)) put(w, 5);
  for (const k of f.keywords) {
    const nk = normaliseQuery(k);
    if (nk.length >= 2) put(nk, 8);
    for (const w of wordsOf(k)) put(w, 6);
  }
  for (const w of wordsOf(f.title)) put(w, 8);
  // Short title and heading pieces between punctuation ("秸秆", "柴草垛") are words even when ICU
  // does not know them.
  const pieces = (text: string) => normaliseQuery(text).split(/[^\p{Script=Han}a-z0-9]+/u).filter((p) => p.length >= 2 && p.length <= 6 && !PARTICLE_EDGE.test(p));
  for (const p of pieces(f.title)) put(p, 8);
  for (const h of f.headings) for (const p of pieces(h)) put(p, 4);
  // Parts shared by a page's own keywords ("烧秸秆" and "秸秆焚烧" → "秸秆"): the part must stand at
  // different places in at least two keywords, so fragments like "燃气泄" are not taken.
  const keywords = [...new Set(f.keywords.map(normaliseQuery))];
  for (const k of keywords) {
    for (let len = 2; len < k.length; len++) {
      for (let i = 0; i + len <= k.length; i++) {
        const sub = k.slice(i, i + len);
        if (!/^\p{Script=Han}+$/u.test(sub) || FILLER_SET.has(sub) || PARTICLE_EDGE.test(sub) || terms[sub]) continue;
        const at = keywords.map((o) => o.indexOf(sub)).filter((n) => n >= 0);
        if (at.length >= 2 && new Set(at).size >= 2) put(sub, 6);
      }
    }
  }
  return terms;
}

function headingsOf(body: string): string[] {
  return [...body.matchAll(/^#{2,3}\s+(.+)$/gm)].map((m) => m[1]!.trim());
}

/** A page outside content/ that people look for by name (reporting, quizzes, figures, campaigns). */
export type ExtraPage = Omit<SearchPage, 'terms' | 'type' | 'audiences' | 'sectors'> & { body: string };

const SERVICE_PAGES: ExtraPage[] = [
  {
    url: '/report/',
    title: '我要举报安全隐患',
    summary: '匿名或实名举报安全隐患和非法违法生产经营行为，凭查询码查看办理进度，查实的按规定奖励。',
    keywords: ['举报', '匿名举报', '有奖举报', '举报隐患', '投诉', '反映问题'],
    body: '举报 隐患 匿名 查询码 奖励 保护 打击报复',
  },
  {
    url: '/report/status/',
    title: '举报查询',
    summary: '输入举报时拿到的查询码，查看办理进度和部门留言，补充证据。',
    keywords: ['举报查询', '查询码', '办理进度', '举报进度'],
    body: '查询码 进度 留言 补充证据',
  },
  {
    url: '/quiz/',
    title: '安全知识测验',
    summary: '按对象选一套题练习，考试合格可领取证书；老师可以开一场全班测验。',
    keywords: ['测验', '考试', '答题', '练习题', '证书', '安全知识竞赛'],
    body: '测验 考试 答题 证书 班级',
  },
  {
    url: '/data/',
    title: '数据公开',
    summary: '全县安全生产举报的收到、受理、办结和奖励情况，按月份和行业领域公开。',
    keywords: ['数据公开', '办结率', '举报统计'],
    body: '办结率 举报 统计 奖励',
  },
];

export function buildSearchIndex(contentDir = 'content', extraPages: readonly ExtraPage[] = []): SearchIndex {
  const guides = loadMdxCollection(join(contentDir, 'guides'), guideSchema);
  const casesDir = join(contentDir, 'cases');
  const cases = existsSync(casesDir) ? loadMdxCollection(casesDir, caseSchema) : [];
  const vocabulary = [...new Set([...guides.flatMap((g) => g.data.keywords), ...cases.flatMap((c) => c.data.keywords)].map(normaliseQuery))].filter((k) => k.length >= 2);

  const pages: SearchPage[] = [];
  const bodies: string[] = [];
  for (const g of guides) {
    bodies.push(g.body);
    const d = g.data;
    pages.push({
      url: `/guides/${g.slug}/`,
      title: d.title,
      summary: d.summary,
      type: '安全知识',
      audiences: d.audiences.map((a) => AUDIENCE_NAMES[a]),
      sectors: d.sectors.map((s) => SECTOR_NAMES[s]),
      keywords: d.keywords.map(normaliseQuery),
      terms: termsOf({ title: d.title, keywords: d.keywords, headings: headingsOf(g.body), summary: d.summary, body: g.body }, vocabulary),
    });
  }
  for (const c of cases) {
    const d = c.data;
    const facts = [d.directCause, ...d.underlyingCauses, ...d.lessons, ...d.timeline.map((t) => t.event)].join('\n');
    bodies.push(`${c.body}\n${facts}`);
    pages.push({
      url: `/cases/${c.slug}/`,
      title: d.title,
      summary: d.summary,
      type: '事故案例',
      audiences: [],
      sectors: d.sector === 'other' ? [] : [SECTOR_NAMES[d.sector]],
      keywords: d.keywords.map(normaliseQuery),
      terms: termsOf({ title: d.title, keywords: d.keywords, headings: [], summary: d.summary, body: `${c.body}\n${facts}` }, vocabulary),
    });
  }
  for (const s of [...SERVICE_PAGES, ...extraPages]) {
    bodies.push(s.body);
    pages.push({
      url: s.url,
      title: s.title,
      summary: s.summary,
      type: '服务',
      audiences: [],
      sectors: [],
      keywords: s.keywords,
      terms: termsOf({ title: s.title, keywords: s.keywords, headings: [], summary: s.summary, body: s.body }, vocabulary),
    });
  }
  // Second pass: longer words known anywhere (another page's title piece, keyword or word) are
  // counted in every body too, where ICU may have split them ("有资质" → 有 / 资质).
  const known = new Set<string>();
  for (const p of pages) for (const t of Object.keys(p.terms)) if (t.length >= 3 && /^\p{Script=Han}+$/u.test(t)) known.add(t);
  pages.forEach((page, i) => {
    const body = normaliseQuery(plain(bodies[i] ?? ''));
    for (const w of known) {
      if (page.terms[w]) continue;
      const n = countOf(body, w);
      if (n) page.terms[w] = n >= 8 ? 3 : n >= 3 ? 2 : 1;
    }
  });
  return { version: 1, pages };
}
