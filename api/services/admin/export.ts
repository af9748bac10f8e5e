/** CSV of cases for the monthly 安委会 report: UTF-8 with BOM so Excel opens the Chinese correctly. */
import { DEPARTMENT_NAMES, type DepartmentCode } from '../../../config/departments.ts';
import { TOWNSHIPS } from '../../../config/county.ts';
import { REPORT_CATEGORIES, SECTOR_NAMES, type SectorCode } from '../../../config/taxonomy.ts';
import type { QueueItem } from './cases.ts';

function cell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  // Leading = + - @ would be run as a formula by spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const DEADLINE_STATE = { overdue: '已超期', soon: '临期', ok: '正常', none: '' } as const;

export function casesCsv(items: (QueueItem & { closed_on?: string | null })[]): string {
  const header = ['案件编号', '收到日期', '举报类别', '行业领域', '镇街', '办理部门', '状态', '期限', '期限状态', '实名', '奖励决定', '来源渠道'];
  const lines = items.map((i) =>
    [
      i.ref,
      i.created_on,
      REPORT_CATEGORIES.find((c) => c.code === i.category)?.name ?? i.category,
      SECTOR_NAMES[i.sector as SectorCode] ?? i.sector,
      TOWNSHIPS.find((t) => t.code === i.township)?.name ?? i.township,
      i.departments.map((d) => DEPARTMENT_NAMES[d as DepartmentCode] ?? d).join('、'),
      i.status_label,
      i.deadline ?? '',
      DEADLINE_STATE[i.deadline_state],
      i.real_name ? '是' : '否',
      i.reward === 'granted' ? '给予奖励' : i.reward === 'not_granted' ? '不予奖励' : '',
      i.channel_label,
    ]
      .map(cell)
      .join(','),
  );
  return '\uFEFF' + [header.join(','), ...lines].join('\r\n') + '\r\n';
}
