/**
 * Local details of 商河县 in one place. Publish only what an official source confirms; every
 * entry carries its source. Where nothing local is confirmed, pages show the national numbers.
 */

export interface Township {
  /** Pinyin code, part of the report API contract. */
  code: string;
  name: string;
}

/**
 * 1 街道 + 11 镇 + 商河经济开发区. "unknown" lets a reporter file without naming the township.
 *
 * Checked 2026-11-29 (report work, issue 6): the names and the count "1 个街道、11 个镇" agree across
 * the public gazetteer pages found (e.g. gb1.cn/address_info/370126 — 统计用区划代码 370126,
 * "2018年，商河县下辖1个街道、11个镇", county seat 许商街道; 白桥镇 "2011年10月撤乡设镇";
 * 殷巷镇 code 370126103). These are secondary sources: the county government's own 行政区划 page
 * (shanghe.gov.cn) was not reachable from the search tools, so confirm there before publishing
 * township statistics. No change to the list was needed.
 */
export const TOWNSHIPS: readonly Township[] = [
  { code: 'xushang', name: '许商街道' },
  { code: 'yinxiang', name: '殷巷镇' },
  { code: 'huairen', name: '怀仁镇' },
  { code: 'longsangsi', name: '龙桑寺镇' },
  { code: 'zhenglu', name: '郑路镇' },
  { code: 'jiazhuang', name: '贾庄镇' },
  { code: 'yuhuangmiao', name: '玉皇庙镇' },
  { code: 'baiqiao', name: '白桥镇' },
  { code: 'sunji', name: '孙集镇' },
  { code: 'hanmiao', name: '韩庙镇' },
  { code: 'shahe', name: '沙河镇' },
  { code: 'zhangfang', name: '张坊镇' },
  { code: 'kaifaqu', name: '商河经济开发区' },
  { code: 'unknown', name: '不清楚 / 不便说明' },
];

export interface PhoneNumber {
  number: string;
  label: string;
  /** When to call, in a few words. */
  use: string;
}

/** National numbers, valid everywhere in China. */
export const EMERGENCY_NUMBERS: readonly PhoneNumber[] = [
  { number: '119', label: '火警', use: '火灾、被困、危险化学品泄漏等抢险救援' },
  { number: '120', label: '急救', use: '急病、受伤、中毒' },
  { number: '110', label: '报警', use: '违法犯罪、危及人身安全的紧急情况' },
  { number: '122', label: '交通事故', use: '道路交通事故报警' },
];

export const SERVICE_NUMBERS: readonly PhoneNumber[] = [
  { number: '12345', label: '政务服务便民热线', use: '咨询、投诉、求助和建议' },
  { number: '12350', label: '安全生产举报', use: '举报安全隐患和违法生产经营行为' },
];

/** Local office contacts confirmed from an official source (none confirmed yet: pages fall back to national numbers). */
export const LOCAL_CONTACTS: readonly (PhoneNumber & { source: string })[] = [];

export const COUNTY = {
  name: '商河县',
  fullName: '山东省济南市商河县',
  siteName: '商河安全',
  /** The plan this site implements. */
  plan: '商河县"十四五"安全生产规划（商安发〔2023〕1号）',
} as const;
