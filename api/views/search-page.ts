/**
 * /search/ (issue 13): rendered on the server from the sentence-search index, so it works the same
 * with and without JavaScript and sends one small HTML page per search. The first result sits
 * right under the search box, also at the largest text size.
 */
import { EMERGENCY_NUMBERS, SERVICE_NUMBERS } from '../../config/county.ts';
import { AUDIENCES, SECTORS } from '../../config/taxonomy.ts';
import type { SearchFilters, SearchHit, SearchOutcome } from '../services/search/engine.ts';
import { html, type SafeHtml } from './html.ts';

export const PAGE_SIZE = 10;
export const SEARCH_TYPES = ['安全知识', '事故案例', '服务'] as const;

/** Topics people most often need: shown before a search and when nothing matched. */
export const SUGGESTIONS = ['煤气中毒', '电动车充电', '孩子溺水', '燃气泄漏', '灭火器怎么用', '高楼着火', '心肺复苏', '三轮车载人'];

export interface SearchView {
  q: string;
  filters: SearchFilters;
  outcome: SearchOutcome | null;
  /** Show every hit instead of the first page. */
  all: boolean;
}

function select(name: keyof SearchFilters, label: string, values: readonly string[], current: string | undefined): SafeHtml {
  return html`<label>${label}<select name="${name}" data-filter="${name}"><option value="">全部</option>${values.map(
    (v) => html`<option value="${v}"${current === v ? html` selected` : ''}>${v}</option>`,
  )}</select></label>`;
}

/** Summary text with the question's words marked. */
function marked(text: string, words: string[]): SafeHtml {
  const list = [...new Set(words)].filter((w) => w.length >= 2 && text.includes(w)).sort((a, b) => b.length - a.length);
  if (!list.length) return html`${text}`;
  const parts: SafeHtml[] = [];
  let rest = text;
  while (rest) {
    let at = -1;
    let word = '';
    for (const w of list) {
      const i = rest.indexOf(w);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        word = w;
      }
    }
    if (at < 0) {
      parts.push(html`${rest}`);
      break;
    }
    parts.push(html`${rest.slice(0, at)}<mark>${word}</mark>`);
    rest = rest.slice(at + word.length);
  }
  return html`${parts}`;
}

function resultItem(hit: SearchHit, words: string[]): SafeHtml {
  const p = hit.page;
  return html`<li class="result"><h2><a href="${p.url}">${p.title}</a></h2><p class="result-excerpt"><span class="tag">${p.type}</span>${marked(p.summary, words)}</p></li>`;
}

function numbers(): SafeHtml {
  return html`<ul class="number-list search-numbers">${[...EMERGENCY_NUMBERS, ...SERVICE_NUMBERS].map(
    (n) => html`<li><a class="number" href="tel:${n.number}">${n.number}</a><span class="number-label">${n.label}</span></li>`,
  )}</ul>`;
}

function browseLinks(): SafeHtml {
  return html`<ul class="chip-list">${AUDIENCES.map((a) => html`<li><a class="chip" href="/guides/audience/${a.slug}/">${a.long}</a></li>`)}${SECTORS.map(
    (s) => html`<li><a class="chip" href="/guides/sector/${s.slug}/">${s.name}</a></li>`,
  )}</ul>`;
}

function suggestionChips(): SafeHtml {
  return html`<ul class="chip-list">${SUGGESTIONS.map((s) => html`<li><a class="chip" href="/search/?q=${encodeURIComponent(s)}">${s}</a></li>`)}</ul>`;
}

function moreHref(view: SearchView): string {
  const p = new URLSearchParams({ q: view.q });
  for (const [k, v] of Object.entries(view.filters)) if (v) p.set(k, v);
  p.set('all', '1');
  return `/search/?${p.toString()}`;
}

function resultsBlock(view: SearchView, outcome: SearchOutcome): SafeHtml {
  const words = outcome.words.flatMap((w) => [w.word, ...w.alternatives]);
  const understood = outcome.words.filter((w) => !w.weak).map((w) => w.word);
  if (!outcome.hits.length) {
    const filtered = Object.values(view.filters).some(Boolean);
    return html`<p class="search-status" role="status" data-search-status>没有找到与"${view.q}"有关的内容。</p>
      <div class="notice search-empty" data-search-empty>
        <p>本站讲的是安全知识、事故案例、隐患举报和安全测验，${understood.length ? html`按"${understood.join('、')}"没有找到能回答这个问题的页面` : '没有认出这句话里和安全有关的词'}。${
          filtered ? html`去掉筛选条件再试一次，或者` : ''
        }换一个说法试试（比如"着火"说成"火灾"），或者从下面的常见问题开始：</p>
        ${suggestionChips()}
        <p>也可以<a href="/guides/">浏览全部安全知识</a>，或按对象、领域查找：</p>
        ${browseLinks()}
        <h2 class="notice-title">遇到紧急情况，请直接打电话</h2>
        ${numbers()}
        <p>不属于安全方面的问题（如办事、医保、社保），可以拨打 12345 政务服务便民热线咨询。</p>
      </div>`;
  }
  const shown = view.all ? outcome.hits : outcome.hits.slice(0, PAGE_SIZE);
  return html`<p class="search-status" role="status" data-search-status>找到 ${outcome.hits.length} 条与"${view.q}"有关的内容${
    understood.length ? html`（按"${understood.join('、')}"查找）` : ''
  }。</p>
    <ol class="search-results" data-search-results>${shown.map((h) => resultItem(h, words))}</ol>
    ${shown.length < outcome.hits.length ? html`<p><a class="button secondary" href="${moreHref(view)}">显示全部 ${outcome.hits.length} 条结果</a></p>` : ''}`;
}

export function searchPage(view: SearchView, sectorNames: readonly string[], audienceNames: readonly string[]): SafeHtml {
  const hasFilters = Object.values(view.filters).some(Boolean);
  return html`<form class="search-box search-page-form" action="/search/" method="get" role="search" aria-label="搜索本站">
      <h1 class="search-title"><label for="search-q">搜索：用自己的话问就行</label></h1>
      <div class="search-row">
        <input id="search-q" type="search" name="q" value="${view.q}" placeholder="例如：冬天屋里生炉子头疼" autocomplete="off" enterkeyhint="search">
        <button class="button" type="submit">搜索</button>
      </div>
      <details class="search-filters-box"${hasFilters ? html` open` : ''}>
        <summary>按类型、对象、领域筛选</summary>
        <div class="search-filters">
          ${select('类型', '类型', SEARCH_TYPES, view.filters.类型)}
          ${select('对象', '对象', audienceNames, view.filters.对象)}
          ${select('领域', '领域', sectorNames, view.filters.领域)}
        </div>
        <p><button class="button secondary" type="submit">按条件搜索</button></p>
      </details>
    </form>
    ${view.outcome
      ? resultsBlock(view, view.outcome)
      : html`<p class="search-status" role="status" data-search-status>请输入要找的内容，整句话也可以，例如"三轮车能不能拉人"。</p>
        <section aria-labelledby="common-h"><h2 id="common-h">大家常查的</h2>${suggestionChips()}</section>
        <section aria-labelledby="browse-h"><h2 id="browse-h">按对象、领域查找</h2>${browseLinks()}</section>`}`;
}
