/**
 * Departments that handle reports, and which lead unit(s) (牵头单位) a sector goes to by default.
 * Seeded from 商河县"十四五"安全生产规划 (商安发〔2023〕1号); the intake office may change the
 * assignment of any case. Codes are stored in the database: never rename one, add a new one instead.
 */
import type { SectorCode } from './taxonomy.ts';

export const DEPARTMENTS = [
  { code: 'emergency', name: '县应急局' },
  { code: 'fire_rescue', name: '县消防救援大队' },
  { code: 'public_security', name: '县公安局' },
  { code: 'transport', name: '县交通运输局' },
  { code: 'culture_tourism', name: '县文化和旅游局' },
  { code: 'agri_machinery', name: '县农业机械技术推广中心' },
  { code: 'housing', name: '县住建局' },
  { code: 'urban_management', name: '县城管局' },
  { code: 'industry_it', name: '县工信局' },
  { code: 'development_reform', name: '县发改局' },
  { code: 'market_regulation', name: '县市场监管局' },
  { code: 'ecology', name: '市生态环境局商河分局' },
] as const;

export type DepartmentCode = (typeof DEPARTMENTS)[number]['code'];
export const DEPARTMENT_CODES = DEPARTMENTS.map((d) => d.code) as [DepartmentCode, ...DepartmentCode[]];
export const DEPARTMENT_NAMES = Object.fromEntries(DEPARTMENTS.map((d) => [d.code, d.name])) as Record<DepartmentCode, string>;

/** Default lead unit(s) per sector; "other" goes to the 安委办 at 县应急局, which re-routes it. */
export const SECTOR_LEAD_UNITS: Record<SectorCode, readonly DepartmentCode[]> = {
  hazardous_chemicals: ['emergency'],
  fire: ['fire_rescue'],
  road_transport: ['public_security', 'transport'],
  culture_tourism: ['culture_tourism'],
  agricultural_machinery: ['agri_machinery'],
  urban_construction: ['housing', 'urban_management'],
  industrial_parks: ['industry_it'],
  electric_power: ['development_reform'],
  special_equipment: ['market_regulation'],
  industry_trade: ['emergency'],
  oil_gas_pipelines: ['development_reform'],
  hazardous_waste: ['ecology'],
  gas: ['housing'],
  other: ['emergency'],
};

export function isDepartmentCode(value: unknown): value is DepartmentCode {
  return typeof value === 'string' && (DEPARTMENT_CODES as readonly string[]).includes(value);
}
