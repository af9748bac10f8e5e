/**
 * Shared codes used by content, the API and the site. The 13 key sectors come from
 * 商河县"十四五"安全生产规划 (商安发〔2023〕1号); the codes are part of the public API contract.
 */

export const SECTORS = [
  { code: 'hazardous_chemicals', name: '危险化学品', slug: 'hazardous-chemicals' },
  { code: 'fire', name: '消防', slug: 'fire' },
  { code: 'road_transport', name: '道路交通与运输', slug: 'road-transport' },
  { code: 'culture_tourism', name: '文化和旅游场所', slug: 'culture-tourism' },
  { code: 'agricultural_machinery', name: '农业机械', slug: 'agricultural-machinery' },
  { code: 'urban_construction', name: '城市建设与施工', slug: 'urban-construction' },
  { code: 'industrial_parks', name: '工业园区', slug: 'industrial-parks' },
  { code: 'electric_power', name: '电力', slug: 'electric-power' },
  { code: 'special_equipment', name: '特种设备（含电梯）', slug: 'special-equipment' },
  { code: 'industry_trade', name: '粉尘涉爆、涉氨制冷、有限空间等工贸', slug: 'industry-trade' },
  { code: 'oil_gas_pipelines', name: '油气管道', slug: 'oil-gas-pipelines' },
  { code: 'hazardous_waste', name: '危险废物', slug: 'hazardous-waste' },
  { code: 'gas', name: '农村"煤改气"与燃气', slug: 'gas' },
] as const;

/** Sector codes a report or case may carry: the 13 plan sectors plus "other". */
export const SECTOR_CODES = [...SECTORS.map((s) => s.code), 'other'] as const;
export type SectorCode = (typeof SECTOR_CODES)[number];
export type PlanSectorCode = (typeof SECTORS)[number]['code'];
export const PLAN_SECTOR_CODES = SECTORS.map((s) => s.code) as [PlanSectorCode, ...PlanSectorCode[]];

export const SECTOR_NAMES: Record<SectorCode, string> = {
  ...(Object.fromEntries(SECTORS.map((s) => [s.code, s.name])) as Record<PlanSectorCode, string>),
  other: '其他',
};

/** The five audiences of 安全宣传"五进". */
export const AUDIENCES = [
  { code: 'enterprise', name: '企业', slug: 'enterprise', long: '进企业' },
  { code: 'village', name: '农村', slug: 'village', long: '进农村' },
  { code: 'community', name: '社区', slug: 'community', long: '进社区' },
  { code: 'school', name: '学校', slug: 'school', long: '进学校' },
  { code: 'family', name: '家庭', slug: 'family', long: '进家庭' },
] as const;
export type AudienceCode = (typeof AUDIENCES)[number]['code'];
export const AUDIENCE_CODES = AUDIENCES.map((a) => a.code) as [AudienceCode, ...AudienceCode[]];
export const AUDIENCE_NAMES = Object.fromEntries(AUDIENCES.map((a) => [a.code, a.name])) as Record<
  AudienceCode,
  string
>;

/** Report categories (API contract codes). */
export const REPORT_CATEGORIES = [
  { code: 'major_hazard', name: '重大事故隐患' },
  { code: 'general_hazard', name: '一般事故隐患' },
  { code: 'illegal_operation', name: '非法违法生产经营建设行为' },
  { code: 'concealed_accident', name: '事故瞒报谎报' },
  { code: 'retaliation', name: '对举报人打击报复' },
  { code: 'other', name: '其他' },
] as const;
export type ReportCategoryCode = (typeof REPORT_CATEGORIES)[number]['code'];
export const REPORT_CATEGORY_CODES = REPORT_CATEGORIES.map((c) => c.code) as [
  ReportCategoryCode,
  ...ReportCategoryCode[],
];

/** Quiz audiences (question bank). */
export const QUIZ_AUDIENCES = [
  { code: 'primary', name: '小学' },
  { code: 'junior', name: '初中' },
  { code: 'senior', name: '高中' },
  { code: 'employee', name: '企业员工' },
  { code: 'resident', name: '居民' },
] as const;
export type QuizAudienceCode = (typeof QUIZ_AUDIENCES)[number]['code'];
export const QUIZ_AUDIENCE_CODES = QUIZ_AUDIENCES.map((a) => a.code) as [QuizAudienceCode, ...QuizAudienceCode[]];
