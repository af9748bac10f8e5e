/** Account administration. */
import { DEPARTMENTS, DEPARTMENT_NAMES } from '../../../config/departments.ts';
import { STAFF_ROLES, STAFF_ROLE_NAMES } from '../../../config/staff.ts';
import type { StaffPublic, StaffSession } from '../../services/admin/staff.ts';
import { html, SafeHtml } from '../html.ts';
import { adminNav, backField, csrfField } from './common.ts';

export function staffPage(s: StaffSession, staff: StaffPublic[], created?: { username: string; totpSecret: string; qrSvg: string; uri: string }): SafeHtml {
  return html`${adminNav(s, '/admin/staff/')}<div class="page-head"><h1>账号管理</h1></div>
    ${created
      ? html`<section class="card notice" aria-labelledby="created-h"><h2 id="created-h">已创建账号 ${created.username}</h2>
      <p>请当面把初始密码交给本人，并让本人用手机验证器（如"腾讯身份验证器""Google 身份验证器"）扫描下面的二维码。<strong>二维码只显示这一次。</strong></p>
      <div class="qr">${new SafeHtml(created.qrSvg)}</div>
      <p>无法扫码时手动输入密钥：<code class="mono" data-totp-secret>${created.totpSecret}</code></p></section>`
      : ''}
    <div class="table-scroll" tabindex="0" role="region" aria-label="账号表格（可左右滚动）"><table class="admin-table"><caption>全部账号</caption>
      <thead><tr><th scope="col">登录名</th><th scope="col">姓名</th><th scope="col">角色</th><th scope="col">部门</th><th scope="col">状态</th></tr></thead>
      <tbody>${staff.map(
        (u) => html`<tr><td>${u.username}</td><td>${u.display_name}</td><td>${STAFF_ROLE_NAMES[u.role]}</td><td>${u.department ? DEPARTMENT_NAMES[u.department] : ''}</td>
        <td>${u.active
          ? u.id === s.user.id
            ? '正常（本人）'
            : html`<form method="post" action="/api/admin/staff/${u.id}/deactivate">${csrfField(s)}${backField('/admin/staff/')}正常 <button type="submit" class="button secondary" aria-label="停用 ${u.username}">停用</button></form>`
          : '已停用'}</td></tr>`,
      )}</tbody></table></div>
    <p class="field-hint">停用后账号立即退出，并失去所有密钥，不能恢复；需要时请新建账号。</p>
    <form method="post" action="/api/admin/staff" class="admin-form card"><h2>新建账号</h2>${csrfField(s)}
      <div class="field"><label for="st-username">登录名（小写字母、数字）</label><input id="st-username" name="username" required pattern="[a-z][a-z0-9_.\\-]{2,31}"></div>
      <div class="field"><label for="st-name">姓名</label><input id="st-name" name="display_name" required></div>
      <div class="field"><label for="st-role">角色</label><select id="st-role" name="role">${STAFF_ROLES.map((r) => html`<option value="${r.code}">${r.name}：${r.hint}</option>`)}</select></div>
      <div class="field"><label for="st-dept">所属部门（办理人员必选）</label><select id="st-dept" name="department"><option value="">无</option>${DEPARTMENTS.map((d) => html`<option value="${d.code}">${d.name}</option>`)}</select></div>
      <div class="field"><label for="st-password">初始密码（至少 12 位）</label><input id="st-password" name="password" type="password" autocomplete="new-password" required minlength="12"></div>
      <div class="field"><label for="st-recovery">恢复密钥（只有创建身份保管人时需要）</label><input id="st-recovery" name="recovery_key" autocomplete="off"></div>
      <button type="submit" class="button">创建账号</button></form>`;
}

