/**
 * Reward rules as versioned data. Each figure is cited to a text we actually read; what we could
 * not confirm is left out and said so. The calculator (api/services/admin/rewards.ts) only suggests a
 * range: the supervisor decides and records the amount.
 *
 * Sources read (2026-11):
 * - 鲁应急发〔2021〕3号 《山东省安全生产举报奖励办法》 第三条 as quoted by 潍坊市应急管理局's public notice
 *   "安全生产隐患实行有奖举报" (amounts, fire-hazard exception, per-death amounts and the 50 万元 cap).
 * - 安监总财〔2018〕19号 《安全生产领域举报奖励办法》 (国家安全监管总局、财政部, 2018-01-04) as reported by
 *   《人民日报》 2018-02-01 第 11 版 ("举报重大事故隐患 最高可奖励30万元").
 * - 鲁应急发〔2025〕12号 (2025-12-25, 17 provincial bodies) revises the Shandong rules. Only the
 *   notice's opening (issuers, date, 第一条–第二条) could be read, on a non-official copy; the amounts
 *   could not be read, so no amounts are entered. The 2021 set therefore decides only reports made
 *   before 2025-12-25 (`supersededOn`), and everything said to reporters about later reports says
 *   the current amounts are being confirmed.
 */

/** The revision whose amounts are not yet confirmed (shown to staff and reporters). */
export const PENDING_REVISION = {
  document: '鲁应急发〔2025〕12号',
  name: '山东省安全生产举报奖励办法（2025年修订）',
  issuedOn: '2025-12-25',
  issuedBy: '山东省应急管理厅等17个部门',
  amountsConfirmed: false,
} as const;

export type RewardCase =
  /** 一般事故隐患 (verified, ordered to rectify). */
  | { kind: 'general_hazard' }
  /** 重大事故隐患 or 非法违法行为, with the administrative fine imposed. */
  | { kind: 'major_or_illegal'; fineYuan: number }
  /** 瞒报谎报事故: concealed deaths and the confirmed accident grade. */
  | { kind: 'concealed_accident'; deaths: number; grade: 'ordinary' | 'larger' | 'major' | 'especially_major' };

export interface RuleSet {
  id: string;
  name: string;
  document: string;
  effectiveFrom: string;
  /** Set when we know a later text replaces it. */
  supersededNote: string | null;
  /**
   * From this day of receipt on, a later text governs. If no rule set with confirmed amounts covers
   * that day, the calculator says so and shows these amounts for reference only.
   */
  supersededOn?: string | null;
  /** Use for decisions (false: shown for reference only). */
  applicable: boolean;
  generalHazard: { minYuan: number; maxYuan: number } | null;
  majorOrIllegal: { percentOfFine: number; minYuan: number; maxYuan: number };
  concealedPerDeathYuan: Record<'ordinary' | 'larger' | 'major' | 'especially_major', number>;
  concealedCapYuan: number;
  /** The ordinary-hazard and percentage rules do not apply to fire hazards. */
  fireHazardExcluded: boolean;
  sources: { title: string; where: string }[];
}

export const GRADE_NAMES = { ordinary: '一般事故', larger: '较大事故', major: '重大事故', especially_major: '特别重大事故' } as const;

export const REWARD_RULE_SETS: RuleSet[] = [
  {
    id: 'shandong-2021',
    name: '山东省安全生产举报奖励办法',
    document: '鲁应急发〔2021〕3号',
    effectiveFrom: '2021-03-18',
    supersededNote: '已由鲁应急发〔2025〕12号（2025-12-25 印发）修订：2025-12-25 及以后的举报适用修订后的办法，其奖励金额本系统正在核实，按 2021 年标准算出的数字只能作参考，不能作为奖励决定的依据。',
    supersededOn: '2025-12-25',
    applicable: true,
    generalHazard: { minYuan: 500, maxYuan: 5000 },
    majorOrIllegal: { percentOfFine: 50, minYuan: 5000, maxYuan: 500000 },
    concealedPerDeathYuan: { ordinary: 30000, larger: 40000, major: 50000, especially_major: 60000 },
    concealedCapYuan: 500000,
    fireHazardExcluded: true,
    sources: [
      { title: '鲁应急发〔2021〕3号 第三条（经潍坊市应急管理局"安全生产隐患实行有奖举报"公告转引）', where: '一般事故隐患 500–5000 元；重大事故隐患和非法违法行为按行政处罚金额 50% 计算，最低 5000 元、最高 50 万元；火灾隐患不适用标准（二）；瞒报谎报每人 3/4/5/6 万元，最高 50 万元' },
    ],
  },
  {
    id: 'national-2018',
    name: '安全生产领域举报奖励办法（国家，供参考）',
    document: '安监总财〔2018〕19号',
    effectiveFrom: '2018-01-04',
    supersededNote: null,
    applicable: false,
    generalHazard: null,
    majorOrIllegal: { percentOfFine: 15, minYuan: 3000, maxYuan: 300000 },
    concealedPerDeathYuan: { ordinary: 30000, larger: 40000, major: 50000, especially_major: 60000 },
    concealedCapYuan: 300000,
    fireHazardExcluded: false,
    sources: [{ title: '《人民日报》2018年2月1日第11版：国家安监总局、财政部联合修订印发《安全生产领域举报奖励办法》', where: '重大事故隐患和违法生产经营建设按行政处罚金额 15% 计算，3000 元至 30 万元；瞒报谎报每人 3/4/5/6 万元，最高 30 万元' }],
  },
];

/** Whether a rule set may decide a report made on `reportedOn` (YYYY-MM-DD). */
export function applicableOn(r: RuleSet, reportedOn: string): boolean {
  return r.applicable && reportedOn >= r.effectiveFrom && (!r.supersededOn || reportedOn < r.supersededOn);
}

export function ruleSet(id: string): RuleSet | undefined {
  return REWARD_RULE_SETS.find((r) => r.id === id);
}
