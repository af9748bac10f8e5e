/**
 * Sentence search (issue 13). A question typed the way people speak ("冬天屋里生炉子头疼") is cut
 * into words with a dictionary built from our own content plus everyday words, filler words are
 * dropped, and pages are ranked by how much of the question they cover. A question we cannot cover
 * well gets no results rather than weak single-character matches.
 *
 * Pure functions over a prebuilt index (scripts/search-index.ts writes it at build time); the
 * server uses them to render /search/ with and without JavaScript.
 */
import { EVERYDAY, FILLERS, WEAK_WORDS } from './words.ts';

export interface SearchPage {
  url: string;
  title: string;
  summary: string;
  /** 安全知识 / 事故案例 / 服务 */
  type: string;
  audiences: string[];
  sectors: string[];
  /** Everyday names for the page (frontmatter keywords), matched as substrings too. */
  keywords: string[];
  /** Index word → strength: 8 title or keyword, 4–5 heading or summary, 1–3 body by frequency. */
  terms: Record<string, number>;
}

export interface SearchIndex {
  version: 1;
  pages: SearchPage[];
}

export interface SearchFilters {
  类型?: string;
  对象?: string;
  领域?: string;
}

export interface QueryWord {
  word: string;
  /** Index words it may match besides itself. */
  alternatives: string[];
  weight: number;
  weak: boolean;
  /** A compound word's parts ("燃气泄漏" → 燃气, 泄漏): a page with every part still matches, a little weaker. */
  parts: string[];
}

export interface SearchHit {
  page: SearchPage;
  score: number;
  coverage: number;
  matched: string[];
}

export interface SearchOutcome {
  query: string;
  /** Words the question was understood as (fillers removed). */
  words: QueryWord[];
  /** Characters not understood as part of any known word. */
  unknown: string[];
  hits: SearchHit[];
}

const MAX_WORD = 8;
/** Leftover characters still count against coverage, a little. */
const UNKNOWN_CHAR_WEIGHT = 0.35;
/** A page must cover at least this share of the question. */
export const MIN_COVERAGE = 0.5;
/** Pages far below the best are noise, not answers. */
const RELATIVE_CUTOFF = 0.6;
/** Alternatives (everyday word → our word) count slightly less than the word itself. */
const ALTERNATIVE_FACTOR = 0.85;

const FILLER_SET = new Set(FILLERS);
const WEAK_SET = new Set(WEAK_WORDS);

export function normaliseQuery(raw: string): string {
  return raw.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export class SearchEngine {
  readonly pages: SearchPage[];
  private readonly dictionary = new Set<string>();
  private readonly df = new Map<string, number>();

  constructor(index: SearchIndex) {
    this.pages = index.pages;
    for (const page of index.pages) {
      for (const term of Object.keys(page.terms)) {
        this.dictionary.add(term);
        this.df.set(term, (this.df.get(term) ?? 0) + 1);
      }
      for (const k of page.keywords) this.dictionary.add(normaliseQuery(k));
    }
    for (const w of Object.keys(EVERYDAY)) this.dictionary.add(w);
    for (const w of FILLERS) this.dictionary.add(w);
    for (const w of WEAK_WORDS) this.dictionary.add(w);
  }

  /** Cuts a question into dictionary words (longest match, both directions, fewer pieces wins). */
  segment(text: string): string[] {
    const out: string[] = [];
    for (const run of normaliseQuery(text).match(/[\p{Script=Han}]+|[a-z0-9]+/gu) ?? []) {
      if (!/\p{Script=Han}/u.test(run)) {
        out.push(run);
        continue;
      }
      const forward = this.maxMatch(run, false);
      const backward = this.maxMatch(run, true);
      const singles = (ws: string[]) => ws.filter((w) => w.length === 1 && !this.dictionary.has(w)).length;
      const better = singles(backward) < singles(forward) || (singles(backward) === singles(forward) && backward.length <= forward.length) ? backward : forward;
      out.push(...better);
    }
    return out;
  }

  private maxMatch(run: string, fromEnd: boolean, exclude?: string): string[] {
    const words: string[] = [];
    let i = fromEnd ? run.length : 0;
    while (fromEnd ? i > 0 : i < run.length) {
      let taken = 1;
      for (let len = Math.min(MAX_WORD, fromEnd ? i : run.length - i); len > 1; len--) {
        const w = fromEnd ? run.slice(i - len, i) : run.slice(i, i + len);
        if (w !== exclude && this.dictionary.has(w)) {
          taken = len;
          break;
        }
      }
      if (fromEnd) {
        words.unshift(run.slice(i - taken, i));
        i -= taken;
      } else {
        words.push(run.slice(i, i + taken));
        i += taken;
      }
    }
    return words;
  }

  private idf(term: string): number {
    const df = this.df.get(term);
    return df ? Math.log(1 + this.pages.length / df) : 0;
  }

  /** The question's content words with their weights, and what was not understood. */
  analyse(raw: string): { words: QueryWord[]; unknown: string[] } {
    const words: QueryWord[] = [];
    const unknown: string[] = [];
    const seen = new Set<string>();
    for (const token of this.segment(raw)) {
      if (FILLER_SET.has(token) || seen.has(token)) continue;
      seen.add(token);
      const alternatives = (EVERYDAY[token] ?? []).filter((a) => a !== token);
      const known = [token, ...alternatives].filter((t) => this.df.has(t));
      if (token.length === 1 && !EVERYDAY[token] && !this.df.has(token)) {
        unknown.push(token);
        continue;
      }
      // A word no page uses, directly or through an alternative, still has to be covered.
      const weight = known.length ? Math.max(...known.map((t) => this.idf(t))) : 1;
      const weak = WEAK_SET.has(token);
      const split = token.length >= 3 ? this.maxMatch(token, false, token) : [];
      const parts = split.length >= 2 && split.every((p) => p.length >= 2 && !FILLER_SET.has(p)) ? split : [];
      words.push({ word: token, alternatives, weight: weak ? weight * 0.5 : weight, weak, parts });
    }
    return { words, unknown };
  }

  private strength(page: SearchPage, word: QueryWord): number {
    const direct = (t: string) => Math.max(page.terms[t] ?? 0, t.length >= 2 && page.title.includes(t) ? 7 : 0, t.length >= 2 && page.keywords.some((k) => k.includes(t)) ? 6 : 0);
    const withAlternatives = (w: string, alternatives: readonly string[]) => Math.max(direct(w), ...alternatives.map((a) => direct(a) * ALTERNATIVE_FACTOR));
    let s = withAlternatives(word.word, word.alternatives);
    if (word.parts.length) {
      const partStrength = Math.min(...word.parts.map((p) => withAlternatives(p, EVERYDAY[p] ?? [])));
      s = Math.max(s, partStrength * ALTERNATIVE_FACTOR);
    }
    return s;
  }

  search(raw: string, filters: SearchFilters = {}): SearchOutcome {
    const query = normaliseQuery(raw);
    const { words, unknown } = this.analyse(query);
    const outcome: SearchOutcome = { query, words, unknown, hits: [] };
    if (!words.some((w) => !w.weak)) return outcome;
    const total = words.reduce((sum, w) => sum + w.weight, 0) + unknown.length * UNKNOWN_CHAR_WEIGHT;
    const hits: SearchHit[] = [];
    for (const page of this.pages) {
      if (filters.类型 && page.type !== filters.类型) continue;
      if (filters.对象 && !page.audiences.includes(filters.对象)) continue;
      if (filters.领域 && !page.sectors.includes(filters.领域)) continue;
      let covered = 0;
      let depth = 0;
      let strongMatches = 0;
      let solidMatches = 0;
      const matched: string[] = [];
      for (const w of words) {
        const s = this.strength(page, w);
        if (s <= 0) continue;
        covered += w.weight;
        depth += w.weight * Math.min(s, 8);
        matched.push(w.word);
        if (!w.weak) {
          solidMatches++;
          if (s >= 2.5) strongMatches++;
        }
      }
      const coverage = covered / total;
      if (coverage < MIN_COVERAGE || (strongMatches === 0 && solidMatches < 2)) continue;
      const score = coverage + (0.5 * depth) / (8 * total) + (page.type === '安全知识' ? 0.05 : 0);
      hits.push({ page, score, coverage, matched });
    }
    hits.sort((a, b) => b.score - a.score || a.page.title.localeCompare(b.page.title, 'zh-CN'));
    const best = hits[0]?.score ?? 0;
    outcome.hits = hits.filter((h) => h.score >= best * RELATIVE_CUTOFF);
    return outcome;
  }
}
