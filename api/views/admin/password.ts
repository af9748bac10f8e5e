/** Changing one's own password. */
import type { StaffSession } from '../../services/admin/staff.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminNav, backField, csrfField } from './common.ts';

export function passwordPage(s: StaffSession, saved: boolean): SafeHtml {
  return html`${adminNav(s, '/admin/password')}<div class="page-head"><h1>修改密码</h1>
    <p class="lead">修改密码不影响您能打开的案件。动态验证码不变。</p></div>
    ${saved ? html`<p class="notice" role="status">密码已修改，下次登录请用新密码。</p>` : ''}
    <form method="post" action="/api/admin/password" class="admin-form card">${csrfField(s)}${backField('/admin/password')}
      <div class="field"><label for="pw-current">当前密码</label><input id="pw-current" name="current_password" type="password" autocomplete="current-password" required></div>
      <div class="field"><label for="pw-new">新密码（至少 12 位）</label><input id="pw-new" name="new_password" type="password" autocomplete="new-password" minlength="12" required></div>
      <button type="submit" class="button">修改密码</button></form>`;
}
