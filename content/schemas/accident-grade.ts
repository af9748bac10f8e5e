/**
 * Accident grade under 《生产安全事故报告和调查处理条例》（国务院令第493号）第三条.
 * An accident takes the highest grade reached by any one of deaths, serious injuries
 * (including acute industrial poisoning) or direct economic loss. "以上"含本数，"以下"不含本数.
 */

export const GRADES = ['一般', '较大', '重大', '特别重大'] as const;
export type AccidentGrade = (typeof GRADES)[number];

export interface AccidentFigures {
  deaths?: number | undefined;
  seriousInjuries?: number | undefined;
  /** Direct economic loss in 万元 (10,000 yuan). */
  directLossWanYuan?: number | undefined;
}

/** Lower bounds of 特别重大, 重大 and 较大 for each figure. */
const THRESHOLDS: ReadonlyArray<{ grade: AccidentGrade; deaths: number; injuries: number; lossWan: number }> = [
  { grade: '特别重大', deaths: 30, injuries: 100, lossWan: 10000 },
  { grade: '重大', deaths: 10, injuries: 50, lossWan: 5000 },
  { grade: '较大', deaths: 3, injuries: 10, lossWan: 1000 },
];

/** The lowest grade the known figures require (unknown figures count as zero). */
export function gradeFromFigures(f: AccidentFigures): AccidentGrade {
  const deaths = f.deaths ?? 0;
  const injuries = f.seriousInjuries ?? 0;
  const loss = f.directLossWanYuan ?? 0;
  for (const t of THRESHOLDS) {
    if (deaths >= t.deaths || injuries >= t.injuries || loss >= t.lossWan) return t.grade;
  }
  return '一般';
}

export function gradeRank(g: AccidentGrade): number {
  return GRADES.indexOf(g);
}

/**
 * Checks a stated grade against the figures. When every figure is known the grade must match
 * exactly; when some are missing the stated grade may be higher (the missing figure may explain it)
 * but never lower than what the known figures require. Returns a Chinese message, or null if consistent.
 */
export function gradeMismatch(stated: AccidentGrade, f: AccidentFigures): string | null {
  const required = gradeFromFigures(f);
  const allKnown = f.deaths !== undefined && f.seriousInjuries !== undefined && f.directLossWanYuan !== undefined;
  if (gradeRank(stated) < gradeRank(required)) {
    return `按死亡、重伤和直接经济损失数字应至少为"${required}"事故，但写的是"${stated}"`;
  }
  if (allKnown && stated !== required) {
    return `按死亡、重伤和直接经济损失数字应为"${required}"事故，但写的是"${stated}"`;
  }
  return null;
}
