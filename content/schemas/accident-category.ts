/**
 * Accident categories: the single list used by case content, facets and statistics.
 *
 * Choice: GB 6441-86《企业职工伤亡事故分类》, 20 categories (第5.1条 按致害原因分类), until the official
 * category list of its replacement GB 6441-2025《生产安全事故分类与编码》 is confirmed from a public
 * official source; then switch this list (and the cases) in one commit.
 */
export const ACCIDENT_CATEGORY_STANDARD = {
  code: 'GB 6441-86',
  title: '《企业职工伤亡事故分类》',
  publisher: '国家标准局',
} as const;

export const ACCIDENT_CATEGORIES = [
  { code: 'struck_by_object', name: '物体打击' },
  { code: 'vehicle', name: '车辆伤害' },
  { code: 'machinery', name: '机械伤害' },
  { code: 'lifting', name: '起重伤害' },
  { code: 'electric_shock', name: '触电' },
  { code: 'drowning', name: '淹溺' },
  { code: 'scald_burn', name: '灼烫' },
  { code: 'fire', name: '火灾' },
  { code: 'fall_from_height', name: '高处坠落' },
  { code: 'collapse', name: '坍塌' },
  { code: 'roof_fall', name: '冒顶片帮' },
  { code: 'water_inrush', name: '透水' },
  { code: 'blasting', name: '放炮' },
  { code: 'explosive_explosion', name: '火药爆炸' },
  { code: 'gas_explosion_mine', name: '瓦斯爆炸' },
  { code: 'boiler_explosion', name: '锅炉爆炸' },
  { code: 'vessel_explosion', name: '容器爆炸' },
  { code: 'other_explosion', name: '其他爆炸' },
  { code: 'poisoning_asphyxiation', name: '中毒和窒息' },
  { code: 'other_injury', name: '其他伤害' },
] as const;
export type AccidentCategoryCode = (typeof ACCIDENT_CATEGORIES)[number]['code'];
export const ACCIDENT_CATEGORY_CODES = ACCIDENT_CATEGORIES.map((c) => c.code) as [
  AccidentCategoryCode,
  ...AccidentCategoryCode[],
];
export const ACCIDENT_CATEGORY_NAMES = Object.fromEntries(ACCIDENT_CATEGORIES.map((c) => [c.code, c.name])) as Record<
  AccidentCategoryCode,
  string
>;
