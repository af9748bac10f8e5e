/** The login page. */
import { html, type SafeHtml } from '../html.ts';

export function loginPage(message?: string): SafeHtml {
  return html`<div class="page-head"><h1>办理后台登录</h1>
    <p class="lead">供县应急局、安委办和各办理部门工作人员使用。需要登录名、密码和手机验证器上的 6 位动态验证码。</p></div>
    ${message ? html`<p class="notice danger" role="alert">${message}</p>` : ''}
    <form method="post" action="/api/admin/login" class="admin-form card">
      <div class="field"><label for="username">登录名</label><input id="username" name="username" autocomplete="username" required></div>
      <div class="field"><label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
      <div class="field"><label for="code">动态验证码（6 位数字）</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required></div>
      <button type="submit" class="button">登录</button>
    </form>
    <p class="field-hint">连续输错 5 次账号会锁定 15 分钟。忘记密码或换了手机，请联系系统管理员。</p>`;
}

