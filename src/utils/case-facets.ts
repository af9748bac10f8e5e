import { SECTORS, SECTOR_NAMES, type SectorCode } from '../../config/taxonomy.ts';
import { ACCIDENT_CATEGORIES, ACCIDENT_CATEGORY_NAMES } from '../../content/schemas/accident-category.ts';
import { GRADES, type AccidentGrade } from '../../content/schemas/accident-grade.ts';
import type { CaseData } from '../../content/schemas/case.ts';

/**
 * Facets of the case library (sector, category, grade, year): one definition used by the static
 * facet pages, the filter island, the statistics page and the tests. Pure functions, no Astro.
 */

/** The shape shared by Astro collection entries and loadMdxCollection entries (slug → id). */
export interface CaseLike {
  id: string;
  data: CaseData;
}

export type FacetKind = 'sector' | 'category' | 'grade' | 'year';
export const FACET_KINDS: readonly FacetKind[] = ['sector', 'category', 'grade', 'year'];

export const FACET_LABELS: Record<FacetKind, string> = {
  sector: '行业领域',
  category: '事故类别',
  grade: '事故等级',
  year: '发生年份',
};

/** URL slugs of the four grades of 《生产安全事故报告和调查处理条例》第三条. */
export const GRADE_SLUGS: Record<AccidentGrade, string> = {
  一般: 'general',
  较大: 'relatively-major',
  重大: 'major',
  特别重大: 'especially-major',
};

export interface FacetValue {
  kind: FacetKind;
  /** Path segment: /cases/<kind>/<slug>/. */
  slug: string;
  /** Name shown to readers. */
  name: string;
}

const sectorSlug = (code: SectorCode): string => SECTORS.find((s) => s.code === code)?.slug ?? 'other';

/** The value of one facet for one case. */
export function facetOf(kind: FacetKind, c: CaseData): FacetValue {
  switch (kind) {
    case 'sector':
      return { kind, slug: sectorSlug(c.sector), name: SECTOR_NAMES[c.sector] };
    case 'category':
      return { kind, slug: c.category, name: ACCIDENT_CATEGORY_NAMES[c.category] };
    case 'grade':
      return { kind, slug: GRADE_SLUGS[c.grade], name: `${c.grade}事故` };
    case 'year':
      return { kind, slug: c.date.slice(0, 4), name: `${c.date.slice(0, 4)}年` };
  }
}

/** Every possible value in reading order (years: only those that occur, newest first). */
function allValues(kind: FacetKind, cases: readonly CaseLike[]): FacetValue[] {
  switch (kind) {
    case 'sector':
      return [...SECTORS.map((s) => ({ kind, slug: s.slug, name: s.name })), { kind, slug: 'other', name: SECTOR_NAMES.other }];
    case 'category':
      return ACCIDENT_CATEGORIES.map((c) => ({ kind, slug: c.code, name: c.name }));
    case 'grade':
      return [...GRADES].reverse().map((g) => ({ kind, slug: GRADE_SLUGS[g], name: `${g}事故` }));
    case 'year':
      return [...new Set(cases.map((c) => c.data.date.slice(0, 4)))]
        .sort((a, b) => b.localeCompare(a))
        .map((y) => ({ kind, slug: y, name: `${y}年` }));
  }
}

/** Values of a facet that at least one case has, each with its cases, in reading order. */
export function facetValues(kind: FacetKind, cases: readonly CaseLike[]): Array<FacetValue & { cases: CaseLike[] }> {
  return allValues(kind, cases)
    .map((v) => ({ ...v, cases: casesFor(kind, v.slug, cases) }))
    .filter((v) => v.cases.length > 0);
}

export function casesFor<T extends CaseLike>(kind: FacetKind, slug: string, cases: readonly T[]): T[] {
  return cases.filter((c) => facetOf(kind, c.data).slug === slug);
}

/** Newest first; same day by title. */
export function sortCases<T extends CaseLike>(cases: readonly T[]): T[] {
  return [...cases].sort((a, b) => b.data.date.localeCompare(a.data.date) || a.data.title.localeCompare(b.data.title, 'zh-CN'));
}

/** Casualty line for lists: only figures the source states. */
export function casualtySummary(c: CaseData): string {
  const parts: string[] = [];
  if (c.deaths !== undefined) parts.push(`死亡 ${c.deaths} 人`);
  if (c.seriousInjuries !== undefined) parts.push(`重伤 ${c.seriousInjuries} 人`);
  else if (c.injuries !== undefined) parts.push(`受伤 ${c.injuries} 人`);
  return parts.join('，');
}

/**
 * Direct loss for display, keeping the source's qualifier: 5114.5 → "5,114.5 万元";
 * about → "约 516 万元"; over → "3,300 余万元"; interim → "4,148.86 万元（调查报告统计时已核定的部分，其他损失尚待核定）";
 * ≥ 1 亿 adds "（约 6.87 亿元）".
 */
export function formatLoss(wan: number, qualifier?: LossQualifier): string {
  const num = wan.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
  const yi = wan >= 10000 ? `（约 ${(wan / 10000).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 亿元）` : '';
  if (qualifier === 'about') return `约 ${num} 万元${yi}`;
  if (qualifier === 'over') return `${num} 余万元${yi}`;
  if (qualifier === 'interim') return `${num} 万元${yi}（调查报告统计时已核定的部分，其他损失尚待核定）`;
  return `${num} 万元${yi}`;
}

export type LossQualifier = NonNullable<CaseData['directLossQualifier']>;

/** Deaths stated by the sources; null when there are cases and none states a number. */
function knownDeaths(cases: readonly CaseLike[]): number | null {
  const known = cases.filter((c) => c.data.deaths !== undefined);
  if (cases.length > 0 && known.length === 0) return null;
  return known.reduce((n, c) => n + c.data.deaths!, 0);
}

/** How a death figure reads in a chart or table: "15 人", "来源未写明", or "3 人（另有 1 起来源未写明）". */
export function deathsText(row: Pick<StatRow, 'deaths' | 'deathsUnknown'>): string {
  if (row.deaths === null) return '来源未写明';
  return row.deathsUnknown > 0 ? `${row.deaths} 人（另有 ${row.deathsUnknown} 起来源未写明）` : `${row.deaths} 人`;
}

export interface StatRow {
  slug: string;
  name: string;
  cases: number;
  /**
   * Sum of deaths over cases whose source states them; null when the row has cases but no source
   * states a death toll (unknown is not zero). 0 only for rows with no cases or known zeros.
   */
  deaths: number | null;
  /** Cases in this row whose death toll the source does not state. */
  deathsUnknown: number;
}

/**
 * Cases and deaths per facet value. Sectors and categories: most cases first; grades from most to
 * least severe; years in order with empty years between the first and last shown as zero.
 */
export function statsBy(kind: FacetKind, cases: readonly CaseLike[]): StatRow[] {
  let values: FacetValue[] = facetValues(kind, cases);
  if (kind === 'year' && values.length > 0) {
    const years = values.map((v) => Number(v.slug));
    values = [];
    for (let y = Math.min(...years); y <= Math.max(...years); y++) values.push({ kind, slug: String(y), name: `${y}年` });
  }
  const rows = values.map((v) => {
    const matching = casesFor(kind, v.slug, cases);
    return {
      slug: v.slug,
      name: v.name,
      cases: matching.length,
      deaths: knownDeaths(matching),
      deathsUnknown: matching.filter((c) => c.data.deaths === undefined).length,
    };
  });
  if (kind === 'sector' || kind === 'category') {
    const order = new Map(values.map((v, i) => [v.slug, i]));
    rows.sort((a, b) => b.cases - a.cases || order.get(a.slug)! - order.get(b.slug)!);
  }
  return rows;
}

export function totals(cases: readonly CaseLike[]): { cases: number; deaths: number; deathsUnknown: number } {
  return {
    cases: cases.length,
    deaths: cases.reduce((n, c) => n + (c.data.deaths ?? 0), 0),
    deathsUnknown: cases.filter((c) => c.data.deaths === undefined).length,
  };
}
