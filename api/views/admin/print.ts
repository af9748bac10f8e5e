/** The printable case file (案卷). */
import type { CaseView } from '../../services/admin/cases.ts';
import { html, type SafeHtml } from '../html.ts';
import { categoryName, deptNames, sectorName, townshipName } from './common.ts';
import { originText } from './channel-origin.ts';

export function printPage(c: CaseView): SafeHtml {
  return html`<article class="case-print a4"><h1>举报案件办理案卷 ${c.ref}</h1>
    <table class="admin-table"><tbody>
      <tr><th scope="row">收到日期</th><td>${c.created_on}</td><th scope="row">状态</th><td>${c.status_label}</td></tr>
      <tr><th scope="row">类别</th><td>${categoryName(c.category)}</td><th scope="row">行业领域</th><td>${sectorName(c.sector)}</td></tr>
      <tr><th scope="row">镇街</th><td>${townshipName(c.township)}</td><th scope="row">办理部门</th><td>${deptNames(c.departments)}</td></tr>
      <tr><th scope="row">办结期限</th><td>${c.due_on}</td><th scope="row">办结日期</th><td>${c.closed_on ?? '—'}</td></tr>
      <tr><th scope="row">来源</th><td colspan="3">${originText(c.origin)}</td></tr>
      <tr><th scope="row">举报方式</th><td>${c.real_name ? '实名（身份另行密封保管，不在本案卷中）' : '匿名'}</td><th scope="row">奖励</th><td>${c.reward === 'granted' ? `${c.reward_amount_yuan?.toLocaleString('zh-CN')} 元` : c.reward === 'not_granted' ? '不予奖励' : '未决定'}</td></tr>
    </tbody></table>
    <h2>举报内容</h2><p><strong>地点：</strong>${c.place}</p><p class="prewrap">${c.description}</p>
    <h2>办理经过（含内部记录）</h2><ol>${c.internal.map((e) => html`<li>${e.on} ${e.label}（${e.who}${e.audience === 'staff' ? '，仅内部' : ''}）${e.text ? html`：<span class="prewrap">${e.text}</span>` : ''}</li>`)}</ol>
    <h2>留言记录</h2><ol>${c.messages.map((m) => html`<li>${m.on} ${m.from === 'department' ? '办理部门' : '举报人'}：<span class="prewrap">${m.body}</span></li>`)}</ol>
    <h2>附件和工作材料</h2><ul>${c.files.map((f) => html`<li>${f.name}（${f.type}${f.source === 'staff' ? `，工作材料，${f.uploaded_by ?? ''}上传` : '，举报人提供'}）</li>`)}</ul>
    <p class="field-hint">本案卷含举报内容，属工作秘密，请按规定保管。打印本案卷已记入审计日志。</p>
    <p class="no-print"><a href="/admin/cases/${c.id}">返回案件</a></p></article>`;
}

