// The /search/ page: loads Pagefind only here, runs the rewritten queries, merges and shows results.
import { candidateQueries } from '../utils/search-query.ts';

interface PagefindData {
  url: string;
  excerpt: string;
  meta: { title?: string };
  filters: Record<string, string[]>;
}
interface PagefindResult {
  id: string;
  score: number;
  data(): Promise<PagefindData>;
}
interface Pagefind {
  options(o: Record<string, unknown>): Promise<void>;
  search(q: string, o?: { filters?: Record<string, string> }): Promise<{ results: PagefindResult[] } | null>;
  filters(): Promise<Record<string, Record<string, number>>>;
}

const FILTER_KEYS = ['类型', '对象', '领域'] as const;
const PAGE_SIZE = 10;

let pagefindPromise: Promise<Pagefind> | null = null;
function loadPagefind(): Promise<Pagefind> {
  const path = '/pagefind/pagefind.js';
  pagefindPromise ??= (import(/* @vite-ignore */ path) as Promise<Pagefind>).then(async (pf) => {
    await pf.options({ excerptLength: 40 });
    return pf;
  });
  return pagefindPromise;
}

/** Pagefind excerpts contain <mark>; keep only that markup. */
function safeExcerpt(excerpt: string): string {
  const marked = excerpt.replace(/<mark>/g, '\u0001').replace(/<\/mark>/g, '\u0002').replace(/<[^>]*>/g, '');
  const escaped = marked.replace(/&(?!(amp|lt|gt|quot|#39);)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped.replace(/\u0001/g, '<mark>').replace(/\u0002/g, '</mark>');
}

/** Reciprocal-rank fusion over the candidate queries: pages found by several rewrites rise. */
export async function searchMerged(pf: Pagefind, raw: string, filters: Record<string, string>): Promise<PagefindResult[]> {
  const scores = new Map<string, { result: PagefindResult; score: number }>();
  const candidates = candidateQueries(raw);
  for (const [i, q] of candidates.entries()) {
    const res = await pf.search(q, { filters });
    const weight = i === 0 ? 1.5 : 1 / (1 + i * 0.25);
    res?.results.slice(0, 20).forEach((r, rank) => {
      const entry = scores.get(r.id) ?? { result: r, score: 0 };
      entry.score += weight / (rank + 2);
      scores.set(r.id, entry);
    });
    // The first rewrites usually suffice; single words are a last resort.
    if (i >= 2 && scores.size >= PAGE_SIZE) break;
  }
  return [...scores.values()].sort((a, b) => b.score - a.score).map((e) => e.result);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

async function main() {
  const form = document.querySelector<HTMLFormElement>('form[data-search-form]');
  const status = document.querySelector<HTMLElement>('[data-search-status]');
  const list = document.querySelector<HTMLOListElement>('[data-search-results]');
  const empty = document.querySelector<HTMLElement>('[data-search-empty]');
  const more = document.querySelector<HTMLButtonElement>('[data-search-more]');
  if (!form || !status || !list || !empty || !more) return;

  const params = new URLSearchParams(location.search);
  const input = form.querySelector<HTMLInputElement>('input[name="q"]')!;
  input.value = params.get('q') ?? '';
  const selects = FILTER_KEYS.map((k) => form.querySelector<HTMLSelectElement>(`select[data-filter="${k}"]`)!);

  // Pagefind (its program, index entry and filters) loads only once there is something to search.
  let pf: Pagefind | null = null;
  async function ready(): Promise<Pagefind | null> {
    if (pf) return pf;
    try {
      pf = await loadPagefind();
    } catch {
      status!.textContent = '搜索功能暂时无法使用，请按对象或领域浏览安全知识。';
      return null;
    }
    const available = await pf.filters();
    selects.forEach((select, i) => {
      const key = FILTER_KEYS[i]!;
      for (const value of Object.keys(available[key] ?? {}).sort((a, b) => a.localeCompare(b, 'zh-CN'))) {
        select.append(el('option', { value, textContent: value }));
      }
      select.value = params.get(key) ?? '';
    });
    return pf;
  }

  let results: PagefindResult[] = [];
  let shown = 0;

  async function showMore() {
    const page = await Promise.all(results.slice(shown, shown + PAGE_SIZE).map((r) => r.data()));
    for (const d of page) {
      const excerpt = el('p', { className: 'result-excerpt' });
      excerpt.innerHTML = safeExcerpt(d.excerpt);
      const type = d.filters['类型']?.[0];
      list!.append(
        el('li', { className: 'result' }, el('h2', {}, el('a', { href: d.url, textContent: d.meta.title ?? d.url })), type ? el('span', { className: 'tag', textContent: type }) : '', excerpt),
      );
    }
    shown += page.length;
    more!.hidden = shown >= results.length;
  }

  async function run() {
    const q = input.value.trim();
    if (q) await ready();
    const filters: Record<string, string> = {};
    selects.forEach((s, i) => {
      if (s.value) filters[FILTER_KEYS[i]!] = s.value;
    });
    const url = new URL(location.href);
    url.search = '';
    if (q) url.searchParams.set('q', q);
    for (const [k, v] of Object.entries(filters)) url.searchParams.set(k, v);
    history.replaceState(null, '', url);
    list!.replaceChildren();
    shown = 0;
    more!.hidden = true;
    empty!.hidden = true;
    if (!q) {
      status!.textContent = '请输入要找的内容，例如"煤气中毒""电动车充电"。';
      return;
    }
    status!.textContent = '正在搜索……';
    const engine = await ready();
    if (!engine) return;
    results = await searchMerged(engine, q, filters);
    if (results.length === 0) {
      status!.textContent = `没有找到与"${q}"有关的内容。`;
      empty!.hidden = false;
      return;
    }
    await showMore();
    status!.textContent = `找到 ${results.length} 条与"${q}"有关的内容。`;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  selects.forEach((s) => s.addEventListener('change', () => void run()));
  more.addEventListener('click', () => void showMore());
  // Warm up while the reader is still typing.
  input.addEventListener('focus', () => void ready(), { once: true });
  await run();
}

void main();
