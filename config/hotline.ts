/**
 * 12345 hotline work orders (工单), issue 15. Each city's 12345 platform exports different column
 * names, so the mapping from the platform's columns to our fields lives here. Change `columns` to
 * match your platform's export; the importer accepts any of the names listed for a field (the first
 * one that is present wins). A work order always enters as channel 'hotline_order'.
 */
import type { ReportCategoryCode, SectorCode } from './taxonomy.ts';

export interface HotlineMapping {
  /** Column names (CSV header or JSON key) for each field; required fields must be present. */
  columns: {
    orderNo: readonly string[];
    receivedAt: readonly string[];
    description: readonly string[];
    place: readonly string[];
    township: readonly string[];
    category: readonly string[];
    sector: readonly string[];
    callerName: readonly string[];
    callerPhone: readonly string[];
    confidential: readonly string[];
    dueAt: readonly string[];
  };
  /** Values of the "保密" column meaning the caller asked for confidentiality. Identity is sealed either way. */
  confidentialValues: readonly string[];
  /** Platform category text → our report category, matched by substring; first match wins. */
  categoryRules: readonly { contains: string; category: ReportCategoryCode }[];
  defaultCategory: ReportCategoryCode;
  /** Platform category or description text → sector, matched by substring; first match wins. */
  sectorRules: readonly { contains: string; sector: SectorCode }[];
  defaultSector: SectorCode;
}

export const HOTLINE_MAPPING: HotlineMapping = {
  columns: {
    orderNo: ['工单编号', '工单号', 'order_no', 'orderNo'],
    receivedAt: ['受理时间', '来电时间', '登记时间', 'received_at'],
    description: ['诉求内容', '反映内容', '来电内容', 'content'],
    place: ['事发地址', '诉求地址', '地址', 'address'],
    township: ['所属镇街', '镇街', '乡镇（街道）', 'township'],
    category: ['诉求类别', '问题分类', '事项分类', 'category'],
    sector: ['行业领域', 'sector'],
    callerName: ['来电人', '来电人姓名', '联系人', 'caller_name'],
    callerPhone: ['来电号码', '联系电话', 'caller_phone'],
    confidential: ['是否保密', '保密', 'confidential'],
    dueAt: ['办理时限', '要求办结时间', '回复时限', 'due_at'],
  },
  confidentialValues: ['是', '保密', 'true', '1', 'Y', 'y'],
  categoryRules: [
    { contains: '重大隐患', category: 'major_hazard' },
    { contains: '重大事故隐患', category: 'major_hazard' },
    { contains: '瞒报', category: 'concealed_accident' },
    { contains: '非法', category: 'illegal_operation' },
    { contains: '违法', category: 'illegal_operation' },
    { contains: '隐患', category: 'general_hazard' },
  ],
  defaultCategory: 'general_hazard',
  sectorRules: [
    { contains: '燃气', sector: 'gas' },
    { contains: '煤改气', sector: 'gas' },
    { contains: '消防', sector: 'fire' },
    { contains: '火灾', sector: 'fire' },
    { contains: '危化', sector: 'hazardous_chemicals' },
    { contains: '危险化学品', sector: 'hazardous_chemicals' },
    { contains: '电梯', sector: 'special_equipment' },
    { contains: '特种设备', sector: 'special_equipment' },
    { contains: '施工', sector: 'urban_construction' },
    { contains: '工地', sector: 'urban_construction' },
    { contains: '交通', sector: 'road_transport' },
    { contains: '危险废物', sector: 'hazardous_waste' },
    { contains: '粉尘', sector: 'industry_trade' },
    { contains: '有限空间', sector: 'industry_trade' },
  ],
  defaultSector: 'other',
};

/** Largest upload accepted for one import file, and most orders per file. */
export const HOTLINE_IMPORT_LIMITS = { maxBytes: 2 * 1024 * 1024, maxOrders: 500 } as const;
