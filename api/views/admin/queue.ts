/** The case list (queue) with filters. */
import { DEPARTMENTS, DEPARTMENT_NAMES, type DepartmentCode } from '../../../config/departments.ts';
import { REPORT_STATUSES } from '../../../config/reporting.ts';
import type { StaffRole } from '../../../config/staff.ts';
import { SECTOR_CODES } from '../../../config/taxonomy.ts';
import { CHANNELS } from '../../../config/channels.ts';
import type { QueueFilter, QueueItem } from '../../services/admin/cases.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminNav, categoryName, deadlineCell, deptNames, sectorName, select, townshipName } from './common.ts';

export function queuePage(s: StaffSession, items: QueueItem[], filter: QueueFilter, counts: { overdue: number; soon: number; newMessages: number }): SafeHtml {
  const role = s.user.role as StaffRole;
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
  return html`${adminNav(s, '/admin/')}
    <div class="page-head"><h1>案件列表</h1>
      <p class="lead">${role === 'handler' ? html`${DEPARTMENT_NAMES[s.user.department as DepartmentCode]}负责的案件。` : '全部举报案件。'}已超期 <strong>${counts.overdue}</strong> 件，临期 <strong>${counts.soon}</strong> 件${role !== 'auditor' ? html`，有新留言 <strong>${counts.newMessages}</strong> 件` : ''}。</p></div>
    <form method="get" action="/admin/" class="admin-filters" aria-label="筛选案件">
      <div class="field"><label for="f-q">案件编号</label><input id="f-q" name="q" value="${filter.q ?? ''}" placeholder="如 0007 或 2026-0007" inputmode="text" autocomplete="off"></div>
      ${select('status', '状态', [['open', '未办结（全部进行中）'], ...(role !== 'auditor' ? [['new_messages', '有举报人新留言'] as [string, string]] : []), ...REPORT_STATUSES.map((x) => [x.code, x.name] as [string, string])], filter.status)}
      ${select('sector', '行业领域', SECTOR_CODES.map((c) => [c, sectorName(c)] as [string, string]), filter.sector)}
      ${role !== 'handler' ? select('department', '办理部门', DEPARTMENTS.map((d) => [d.code, d.name] as [string, string]), filter.department) : ''}
      ${select('deadline', '期限', [['overdue', '已超期'], ['soon', '临期'], ['ok', '正常']], filter.deadline)}
      ${select('channel', '来源渠道', CHANNELS.map((ch) => [ch.code, ch.name] as [string, string]), filter.channel)}
      <div class="field"><label for="f-month">收到月份</label><input id="f-month" name="month" type="month" value="${filter.month ?? ''}"></div>
      <button type="submit" class="button">筛选</button>
    </form>
    ${role !== 'handler'
      ? html`<p class="button-row"><a class="button secondary" href="/api/admin/export.csv${query ? `?${query}` : ''}" download>导出当前筛选的案件（CSV）</a> <a class="button secondary" href="/admin/stats/">安委会月度统计</a></p>`
      : ''}
    ${items.length
      ? html`<div class="table-scroll" tabindex="0" role="region" aria-label="案件表格（可左右滚动）"><table class="admin-table queue-table">
      <caption>共 ${items.length} 件，超期和临期的排在前面</caption>
      <thead><tr><th scope="col">案件编号</th><th scope="col">收到</th><th scope="col">类别 / 行业</th><th scope="col">镇街</th><th scope="col">办理部门</th><th scope="col">状态</th><th scope="col">期限</th></tr></thead>
      <tbody>${items.map(
        (i) => html`<tr class="row-${i.deadline_state}">
          <td data-label="编号"><span>${role === 'auditor' ? i.ref : html`<a href="/admin/cases/${i.id}">${i.ref}</a>`}${i.real_name ? html` <span class="tag">实名</span>` : ''}${i.channel !== 'web' ? html` <span class="tag">${i.channel_label}</span>` : ''}${i.new_messages ? html` <span class="tag tag-new">新留言 ${i.new_messages}</span>` : ''}</span></td>
          <td data-label="收到" class="nowrap">${i.created_on}</td><td data-label="类别"><span>${categoryName(i.category)}<br><span class="field-hint">${sectorName(i.sector)}</span></span></td>
          <td data-label="镇街">${townshipName(i.township)}</td><td data-label="部门">${deptNames(i.departments)}</td><td data-label="状态">${i.status_label}${i.extended && i.status !== 'closed' ? html`<br><span class="field-hint">已延期</span>` : ''}</td><td data-label="期限" class="nowrap">${deadlineCell(i)}</td></tr>`,
      )}</tbody></table></div>`
      : html`<p class="notice">没有符合条件的案件。</p>`}`;
}
