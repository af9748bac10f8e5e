/**
 * Utility numbers (issue 13) shown on the guides that need them, chosen by a guide's sectors — so
 * guide bodies never carry them. A number appears only when it is filled in here with its source.
 */
import type { Source } from '../content/schemas/source.ts';
import type { PlanSectorCode } from './taxonomy.ts';

export interface UtilityNumber {
  number: string;
  label: string;
  use: string;
  /** Guides in any of these sectors show the number. */
  sectors: readonly PlanSectorCode[];
  source: Source;
}

/**
 * Gas: the local gas company's emergency (抢修) number. Fill it in only from the company's or the
 * county's own published notice, with that notice as the source; until then gas guides show the
 * national numbers only. Format: 0531-xxxxxxxx or a 5–6 digit service number.
 */
export const GAS_EMERGENCY: UtilityNumber | null = null;

/** Power: State Grid's customer service line (Shanghe is supplied by 国网山东省电力公司). */
export const POWER_SERVICE: UtilityNumber = {
  number: '95598',
  label: '国家电网供电服务热线',
  use: '停电、电线断落、电力设施故障报修',
  sectors: ['electric_power'],
  source: {
    publisher: '国家电网有限公司',
    title: '国家电网有限公司网站（95598 供电服务热线）',
    date: '2026',
    url: 'https://www.sgcc.com.cn/',
  },
};

/** Numbers a guide with these sectors should show, in order. */
export function utilityNumbersFor(sectors: readonly string[], gas: UtilityNumber | null = GAS_EMERGENCY): UtilityNumber[] {
  return [POWER_SERVICE, ...(gas ? [gas] : [])].filter((u) => u.sectors.some((s) => sectors.includes(s)));
}
