/** Shared pieces of the back-office pages: names of codes, hidden form fields, the navigation, deadline cells. */
import { TOWNSHIPS } from '../../../config/county.ts';
import { DEPARTMENT_NAMES, type DepartmentCode } from '../../../config/departments.ts';
import { REPORT_STATUS_NAMES, type ReportStatusCode } from '../../../config/reporting.ts';
import { STAFF_ROLE_NAMES, type StaffRole } from '../../../config/staff.ts';
import { REPORT_CATEGORIES, SECTOR_NAMES, type SectorCode } from '../../../config/taxonomy.ts';
import type { QueueItem } from '../../services/admin/cases.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { html, type SafeHtml } from '../html.ts';
import { CHANNEL_NAV_LINKS } from './channel-nav.ts';

export const categoryName = (code: string) => REPORT_CATEGORIES.find((c) => c.code === code)?.name ?? code;
export const sectorName = (code: string) => SECTOR_NAMES[code as SectorCode] ?? code;
export const townshipName = (code: string) => TOWNSHIPS.find((t) => t.code === code)?.name ?? code;
export const deptNames = (codes: readonly string[]) => (codes.length ? codes.map((d) => DEPARTMENT_NAMES[d as DepartmentCode] ?? d).join('、') : '未转办');

/** admin.css now comes with the staff layout (layout.ts); kept so older views compose unchanged. */
export const STYLE = html``;

export const csrfField = (s: StaffSession) => html`<input type="hidden" name="_csrf" value="${s.csrfToken}">`;
export const backField = (to: string) => html`<input type="hidden" name="_back" value="${to}">`;

export function adminNav(s: StaffSession, current: string): SafeHtml {
  const role = s.user.role as StaffRole;
  const links: [string, string, StaffRole[]][] = [
    ['/admin/', '案件列表', ['intake', 'handler', 'supervisor', 'auditor']],
    ['/admin/identity/', '身份查看申请', ['custodian']],
    ['/admin/keys/', '密钥授权', ['intake', 'handler', 'supervisor', 'custodian']],
    ['/admin/stats/', '月度统计', ['intake', 'supervisor', 'auditor']],
    ['/admin/audit/', '审计日志', ['auditor', 'admin']],
    ['/admin/staff/', '账号管理', ['admin']],
    ['/admin/settings/', '期限和保存设置', ['admin']],
    ...CHANNEL_NAV_LINKS, // issue 15
    ['/admin/password', '修改密码', ['intake', 'handler', 'supervisor', 'custodian', 'auditor', 'admin']],
  ];
  return html`<nav class="admin-nav" aria-label="后台导航">
    <ul>${links.filter(([, , roles]) => roles.includes(role)).map(([href, label]) => html`<li><a href="${href}"${current === href ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul>
    <form method="post" action="/api/admin/logout" class="admin-user">${csrfField(s)}
      <span>${s.user.displayName}（${STAFF_ROLE_NAMES[role]}${s.user.department ? html`，${DEPARTMENT_NAMES[s.user.department as DepartmentCode]}` : ''}）</span>
      <button type="submit" class="button secondary">退出登录</button>
    </form>
  </nav>`;
}

export const STATE_TEXT = { overdue: '已超期', soon: '临期', ok: '', none: '' } as const;

export function deadlineCell(i: QueueItem): SafeHtml {
  if (!i.deadline) return html`<span class="field-hint">—</span>`;
  return html`<span class="deadline deadline-${i.deadline_state}">${i.deadline_kind} ${i.deadline}${STATE_TEXT[i.deadline_state] ? html` <strong>${STATE_TEXT[i.deadline_state]}</strong>` : ''}</span>`;
}

export function select(name: string, label: string, options: [string, string][], value: string | undefined): SafeHtml {
  return html`<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">
    <option value="">全部</option>${options.map(([v, l]) => html`<option value="${v}"${v === value ? html` selected` : ''}>${l}</option>`)}</select></div>`;
}

export const statusName = (code: string) => REPORT_STATUS_NAMES[code as ReportStatusCode] ?? code;

