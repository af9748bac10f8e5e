import { useEffect, useMemo, useState } from 'react';

/** One case as the filter sees it; `id` matches the list item `case-<id>` rendered at build. */
export interface FilterItem {
  id: string;
  values: Record<string, string>;
  /** Title, place, summary and keywords: what the keyword box searches. */
  text: string;
}

export interface FilterFacet {
  key: string;
  label: string;
  options: { value: string; label: string }[];
}

interface Props {
  items: FilterItem[];
  facets: FilterFacet[];
  /** id of the <ul> holding the static list this island filters. */
  listId: string;
}

type State = Record<string, string>;

function readUrl(facets: FilterFacet[]): State {
  const params = new URLSearchParams(window.location.search);
  const state: State = { q: params.get('q') ?? '' };
  for (const f of facets) {
    const v = params.get(f.key) ?? '';
    state[f.key] = f.options.some((o) => o.value === v) ? v : '';
  }
  return state;
}

function writeUrl(state: State): void {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(state)) {
    if (v) url.searchParams.set(k, v);
    else url.searchParams.delete(k);
  }
  window.history.replaceState(null, '', url);
}

function matches(item: FilterItem, state: State, skip?: string): boolean {
  for (const [k, v] of Object.entries(state)) {
    if (!v || k === skip) continue;
    if (k === 'q') {
      const words = v.trim().split(/\s+/).filter(Boolean);
      if (!words.every((w) => item.text.includes(w))) return false;
    } else if (item.values[k] !== v) return false;
  }
  return true;
}

/**
 * Filters the case list already on the page (progressive enhancement: without JavaScript the list
 * and the static facet pages still work). Native selects and a text box, a polite status line.
 */
export default function CaseFilter({ items, facets, listId }: Props) {
  const empty: State = useMemo(() => Object.fromEntries([['q', ''], ...facets.map((f) => [f.key, ''])]), [facets]);
  const [state, setState] = useState<State>(empty);

  useEffect(() => setState(readUrl(facets)), [facets]);

  const visible = useMemo(() => items.filter((i) => matches(i, state)), [items, state]);
  const active = Object.values(state).some(Boolean);

  useEffect(() => {
    const shown = new Set(visible.map((i) => i.id));
    for (const item of items) {
      const el = document.getElementById(`case-${item.id}`);
      if (el) el.hidden = !shown.has(item.id);
    }
    const list = document.getElementById(listId);
    if (list) list.dataset.filtered = String(shown.size);
  }, [items, visible, listId]);

  const set = (key: string, value: string) => {
    const next = { ...state, [key]: value };
    setState(next);
    writeUrl(next);
  };
  const clear = () => {
    setState(empty);
    writeUrl(empty);
  };

  return (
    <form className="case-filter" role="search" aria-label="筛选事故案例" onSubmit={(e) => e.preventDefault()}>
      <div className="case-filter-grid">
        <div className="case-filter-field case-filter-q">
          <label htmlFor="case-filter-q">关键词</label>
          <input
            id="case-filter-q"
            type="search"
            value={state.q ?? ''}
            placeholder="例如：燃气、粪池、电动车"
            autoComplete="off"
            onChange={(e) => set('q', e.target.value)}
          />
        </div>
        {facets.map((f) => (
          <div className="case-filter-field" key={f.key}>
            <label htmlFor={`case-filter-${f.key}`}>{f.label}</label>
            <select id={`case-filter-${f.key}`} value={state[f.key] ?? ''} onChange={(e) => set(f.key, e.target.value)}>
              <option value="">全部</option>
              {f.options.map((o) => {
                const n = items.filter((i) => i.values[f.key] === o.value && matches(i, state, f.key)).length;
                return (
                  <option key={o.value} value={o.value} disabled={n === 0 && state[f.key] !== o.value}>
                    {`${o.label}（${n}）`}
                  </option>
                );
              })}
            </select>
          </div>
        ))}
      </div>
      <div className="case-filter-foot">
        <p role="status" aria-live="polite" className="case-filter-status">
          {active ? `筛选出 ${visible.length} 起案例（共 ${items.length} 起）` : `共 ${items.length} 起案例`}
          {active && visible.length === 0 ? '。没有符合条件的案例，请减少筛选条件。' : ''}
        </p>
        {active && (
          <button type="button" className="button secondary" onClick={clear}>
            清除筛选
          </button>
        )}
      </div>
    </form>
  );
}
