/** 12345 work orders page (issue 15): import a platform export, see recent orders, export results. */
import { HOTLINE_IMPORT_LIMITS, HOTLINE_MAPPING } from '../../../config/hotline.ts';
import type { OrderResult } from '../../services/channels/hotline.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { adminNav } from './common.ts';
import { html, type SafeHtml } from '../html.ts';

const STYLE = html`<link rel="stylesheet" href="/styles/channels.css">`;

export function hotlinePage(s: StaffSession, orders: OrderResult[], notice?: { kind: 'ok' | 'error'; text: string }): SafeHtml {
  const c = HOTLINE_MAPPING.columns;
  return html`${adminNav(s, '/admin/hotline/')}${STYLE}
    <div class="page-head"><h1>12345 工单</h1>
      <p class="lead">导入 12345 热线转来的工单，与其他举报走同一个办理流程；办结后导出办理结果，交回 12345 平台回复来电人。工单由 12345 热线回复来电人，本站不另发查询码。</p></div>
    ${notice ? html`<div class="notice ${notice.kind === 'error' ? 'danger' : ''}" role="${notice.kind === 'error' ? 'alert' : 'status'}"><p class="prewrap">${notice.text}</p></div>` : ''}
    <form method="post" action="/api/admin/hotline/import" enctype="multipart/form-data" class="admin-form card"><h2>导入工单</h2>
      <input type="hidden" name="_csrf" value="${s.csrfToken}">
      <div class="field"><label for="ho-file">工单文件（CSV 或 JSON，最大 ${HOTLINE_IMPORT_LIMITS.maxBytes / 1024 / 1024} MB，最多 ${HOTLINE_IMPORT_LIMITS.maxOrders} 张）</label><input id="ho-file" name="file" type="file" accept=".csv,.json,text/csv,application/json" required></div>
      <label class="check"><input type="checkbox" name="skip_existing" value="1"> 跳过已导入的工单（平台导出的文件包含以前的工单时勾选；已导入的不会重复导入，也不会被修改）</label>
      <p class="field-hint">需要的列：${c.orderNo[0]}、${c.receivedAt[0]}、${c.description[0]}；可选：${c.place[0]}、${c.township[0]}、${c.category[0]}、${c.callerName[0]}、${c.callerPhone[0]}、${c.dueAt[0]}。各地平台的列名不同，对照表由系统管理员在 config/hotline.ts 中设置。文件里有任何一张工单有问题，或（不勾选上面一项时）有已经导入过的工单，整个文件都不会导入，并列出每个问题。来电人姓名和电话只加密给身份保管人。</p>
      <button type="submit" class="button">导入</button></form>
    <section class="card"><h2>导出办理结果</h2>
      <p>已办结和不予受理的工单：<a class="button secondary" href="/api/admin/hotline/results.csv" download>下载 CSV</a> <a class="button secondary" href="/api/admin/hotline/results.json" download>下载 JSON</a></p>
      <p>全部工单（含办理中）：<a href="/api/admin/hotline/results.csv?filter=all" download>CSV</a> · <a href="/api/admin/hotline/results.json?filter=all" download>JSON</a></p>
      <p class="field-hint">回复内容是办理部门最后一次给举报人的留言。导出会记入审计日志。</p></section>
    <h2>最近的工单</h2>
    ${orders.length
      ? html`<div class="table-scroll" tabindex="0" role="region" aria-label="工单表格（可左右滚动）"><table class="admin-table"><caption>共 ${orders.length} 张</caption>
        <thead><tr><th scope="col">工单编号</th><th scope="col">案件编号</th><th scope="col">受理时间</th><th scope="col">状态</th><th scope="col">办理部门</th><th scope="col">热线时限</th><th scope="col">办结日期</th></tr></thead>
        <tbody>${orders.map((o) => html`<tr><td class="nowrap">${o.order_no}</td><td class="nowrap">${o.case_number}</td><td class="nowrap">${o.received_on}</td><td>${o.status_label}</td><td>${o.departments.join('、') || '未转办'}</td><td class="nowrap">${o.hotline_due_on ?? '—'}</td><td class="nowrap">${o.closed_on ?? '—'}</td></tr>`)}</tbody></table></div>`
      : html`<p class="notice">还没有导入过工单。</p>`}`;
}
