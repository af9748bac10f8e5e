/**
 * The administrator's account pages and the key holders' approval page (two-person rule). Plain
 * forms, no script; every destructive action goes through a confirmation page first.
 */
import { DEPARTMENTS, DEPARTMENT_NAMES, type DepartmentCode } from '../../../config/departments.ts';
import { LOGIN_RULES, STAFF_ROLES, STAFF_ROLE_NAMES, type StaffRole } from '../../../config/staff.ts';
import type { GrantRequestView } from '../../services/admin/grants.ts';
import type { StaffPublic, StaffSession } from '../../services/admin/staff.ts';
import { adminNav } from '../admin-pages.ts';
import { html, SafeHtml } from '../html.ts';

const csrfField = (s: StaffSession) => html`<input type="hidden" name="_csrf" value="${s.csrfToken}">`;
const roleName = (r: string) => STAFF_ROLE_NAMES[r as StaffRole] ?? r;
const deptName = (d: string | null) => (d ? (DEPARTMENT_NAMES[d as DepartmentCode] ?? d) : '');
const beijing = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

/** What the administrator hands over once: a QR code and secret, and (after a reset) the new password. */
export interface HandOver {
  title: string;
  username: string;
  totpSecret: string;
  qrSvg: string;
  password?: string;
  keysPending: string[];
}

export type AccountAction = 'deactivate' | 'reactivate' | 'reset' | 'reissue';

export const ACCOUNT_ACTIONS: Record<AccountAction, { label: string; path: string; explain: (u: StaffPublic, keys: boolean) => string[] }> = {
  deactivate: {
    label: '停用',
    path: 'deactivate',
    explain: (_u, keys) => [
      '本人立即退出登录，不能再登录。',
      keys ? '账号持有的密钥全部清除。以后恢复账号时，需要另一位持有密钥的工作人员重新批准，本人才能再打开案件。' : '',
      '登录名空出来，可以给新账号使用；审计日志仍按原账号记录。',
      '停用后可以在本页"已停用"的账号旁点"恢复"撤销（登录名还没有给新账号时）。',
    ],
  },
  reactivate: {
    label: '恢复',
    path: 'reactivate',
    explain: (_u, keys) => ['账号恢复原登录名，本人可以用原来的密码和验证器登录。', keys ? '停用时清除的密钥不会自动回来：需要另一位持有密钥的工作人员在"密钥授权"页批准。' : ''],
  },
  reset: {
    label: '重置密码',
    path: 'reset-password',
    explain: (_u, keys) => [
      '生成一个新的初始密码和新的动态验证码（旧验证码是用旧密码加密保存的，无法保留），只显示一次。',
      '本人首次登录后必须立即修改密码。',
      keys ? '账号原有的密钥全部清除（它们是用忘记的密码加密的）。需要另一位持有密钥的工作人员在"密钥授权"页重新批准，本人才能再打开案件。' : '',
    ],
  },
  reissue: {
    label: '重新发放验证码',
    path: 'reissue-authenticator',
    explain: () => ['生成新的动态验证码二维码，只显示一次；旧手机上的验证码立即失效。', '密码不变，能打开的案件不变。本人用原密码和新验证码登录。'],
  },
};

export function accountsPage(s: StaffSession, staff: StaffPublic[], pending: Map<string, GrantRequestView[]>, handOver?: HandOver, notice?: string): SafeHtml {
  const active = staff.filter((u) => u.active);
  const inactive = staff.filter((u) => !u.active);
  return html`${adminNav(s, '/admin/staff/')}<div class="page-head"><h1>账号管理</h1>
    <p class="lead">系统管理员只管理账号，不持有任何能打开举报的密钥。新账号要打开案件，须由另一位持有同一把密钥的工作人员在"密钥授权"页批准，或由单位负责人用恢复密钥在服务器命令行授予（npm run keys:grant）。</p></div>
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
    ${handOver ? handOverCard(handOver) : ''}
    <div class="table-scroll" tabindex="0" role="region" aria-label="账号表格（可左右滚动）"><table class="admin-table"><caption>在用账号</caption>
      <thead><tr><th scope="col">登录名</th><th scope="col">姓名</th><th scope="col">角色和部门</th><th scope="col">状态</th><th scope="col">操作</th></tr></thead>
      <tbody>${active.map((u) => accountRow(s, u, pending.get(u.id) ?? []))}</tbody></table></div>
    ${inactive.length
      ? html`<div class="table-scroll" tabindex="0" role="region" aria-label="已停用账号"><table class="admin-table"><caption>已停用</caption>
      <thead><tr><th scope="col">原登录名</th><th scope="col">姓名</th><th scope="col">角色和部门</th><th scope="col">操作</th></tr></thead>
      <tbody>${inactive.map((u) => html`<tr><td>${u.username}</td><td>${u.display_name}</td><td>${roleName(u.role)}${u.department ? html`，${deptName(u.department)}` : ''}</td>
        <td><a class="button secondary" href="/admin/staff/${u.id}/confirm?action=reactivate" aria-label="恢复 ${u.username}">恢复</a></td></tr>`)}</tbody></table></div>`
      : ''}
    <form method="post" action="/api/admin/staff" class="admin-form card"><h2>新建账号</h2>${csrfField(s)}
      <div class="field"><label for="st-username">登录名（小写字母、数字）</label><input id="st-username" name="username" required pattern="[a-z][a-z0-9_.\\-]{2,31}"></div>
      <div class="field"><label for="st-name">姓名</label><input id="st-name" name="display_name" required></div>
      <div class="field"><label for="st-role">角色</label><select id="st-role" name="role">${STAFF_ROLES.map((r) => html`<option value="${r.code}">${r.name}：${r.hint}</option>`)}</select></div>
      <div class="field"><label for="st-dept">所属部门（办理人员必选）</label><select id="st-dept" name="department"><option value="">无</option>${DEPARTMENTS.map((d) => html`<option value="${d.code}">${d.name}</option>`)}</select></div>
      <div class="field"><label for="st-password">初始密码（至少 ${LOGIN_RULES.minPasswordLength} 位）</label><input id="st-password" name="password" type="password" autocomplete="new-password" required minlength="${LOGIN_RULES.minPasswordLength}" aria-describedby="st-password-hint"><p class="field-hint" id="st-password-hint">本人首次登录后必须先改成自己的密码。</p></div>
      <button type="submit" class="button">创建账号</button></form>`;
}

function accountRow(s: StaffSession, u: StaffPublic, pending: GrantRequestView[]): SafeHtml {
  const self = u.id === s.user.id;
  const state: SafeHtml[] = [];
  if (u.locked_until) state.push(html`<strong>已锁定</strong>（至 ${beijing(u.locked_until)}）`);
  if (u.must_change_password) state.push(html`待本人修改初始密码`);
  for (const p of pending) state.push(html`等待批准：${p.key_name}`);
  return html`<tr><td>${u.username}</td><td>${u.display_name}</td><td>${roleName(u.role)}${u.department ? html`，${deptName(u.department)}` : ''}</td>
    <td>${self ? '正常（本人）' : state.length ? state.map((x, i) => html`${i ? html`<br>` : ''}${x}`) : '正常'}</td>
    <td>${self
      ? html`<a href="/admin/password">修改密码</a>`
      : html`<div class="button-row">
        ${u.locked_until ? html`<form method="post" action="/api/admin/staff/${u.id}/unlock">${csrfField(s)}<button type="submit" class="button secondary" aria-label="解除锁定 ${u.username}">解除锁定</button></form>` : ''}
        <a class="button secondary" href="/admin/staff/${u.id}/confirm?action=reset" aria-label="重置密码 ${u.username}">重置密码</a>
        <a class="button secondary" href="/admin/staff/${u.id}/confirm?action=reissue" aria-label="重新发放验证码 ${u.username}">重新发放验证码</a>
        <a class="button secondary" href="/admin/staff/${u.id}/confirm?action=deactivate" aria-label="停用 ${u.username}">停用</a></div>`}</td></tr>`;
}

function handOverCard(h: HandOver): SafeHtml {
  return html`<section class="card notice" aria-labelledby="handover-h"><h2 id="handover-h">${h.title} ${h.username}</h2>
    ${h.password ? html`<p>新的初始密码：<code class="mono" data-new-password>${h.password}</code>（只显示这一次，请当面交给本人；本人首次登录后必须修改）</p>` : html`<p>请当面把初始密码交给本人，本人首次登录后必须修改。</p>`}
    <p>请让本人用手机验证器（如"腾讯身份验证器""Google 身份验证器"）扫描下面的二维码。<strong>二维码只显示这一次。</strong></p>
    <div class="qr">${new SafeHtml(h.qrSvg)}</div>
    <p>无法扫码时手动输入密钥：<code class="mono" data-totp-secret>${h.totpSecret}</code></p>
    ${h.keysPending.length ? html`<p><strong>这个账号还打不开案件。</strong>等待另一位持有密钥的工作人员批准：${h.keysPending.join('；')}。</p>` : ''}</section>`;
}

export function confirmAccountPage(s: StaffSession, u: StaffPublic, action: AccountAction, holdsKeys: boolean): SafeHtml {
  const a = ACCOUNT_ACTIONS[action];
  return html`${adminNav(s, '/admin/staff/')}<div class="page-head"><h1>确认${a.label}：${u.display_name}（${u.username}）</h1>
    <p class="lead">${roleName(u.role)}${u.department ? html`，${deptName(u.department)}` : ''}</p></div>
    <section class="card"><h2>${a.label}后会发生什么</h2><ul>${a.explain(u, holdsKeys).filter(Boolean).map((line) => html`<li>${line}</li>`)}</ul></section>
    <div class="button-row"><form method="post" action="/api/admin/staff/${u.id}/${a.path}">${csrfField(s)}<input type="hidden" name="confirm" value="yes">
      <button type="submit" class="button${action === 'deactivate' ? ' danger' : ''}">确认${a.label}</button></form>
      <a class="button secondary" href="/admin/staff/">取消，返回账号管理</a></div>`;
}

export function keyRequestsPage(s: StaffSession, items: GrantRequestView[], notice?: string, own: GrantRequestView[] = [], ownCode = ''): SafeHtml {
  return html`${adminNav(s, '/admin/keys/')}<div class="page-head"><h1>密钥授权</h1>
    <p class="lead">系统管理员为新账号、重置了密码或恢复的账号申请的密钥，由持有同一把密钥的另一位工作人员批准：批准后，批准人的登录会话把这把密钥加密转交给对方账号，对方就能打开这把密钥对应的全部案件。</p></div>
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
    ${own.length
      ? html`<section class="card" aria-labelledby="own-h"><h2 id="own-h">您的账号正在等待密钥</h2>
      <p>您的账号核对码：<strong class="mono" data-own-check-code>${ownCode}</strong>。批准人会向您核对这个号码，请只告诉当面或电话里确认过身份的同事。</p>
      <ul>${own.map((r) => html`<li>${r.key_name}（${r.reason_name}）</li>`)}</ul></section>`
      : ''}
    ${own.length && !items.length ? '' : html`<p class="notice danger">批准前请当面或打电话与本人核实：确有此人、确实担任这个岗位、确实需要这把密钥，并请本人念出登录后在本页看到的"账号核对码"，与下表一致才批准。拿不准就拒绝。批准、拒绝都记入审计日志。</p>`}
    ${items.length
      ? html`<div class="table-scroll" tabindex="0" role="region" aria-label="待批准的密钥申请"><table class="admin-table"><caption>待您批准</caption>
      <thead><tr><th scope="col">账号</th><th scope="col">角色和部门</th><th scope="col">申请的密钥</th><th scope="col">账号核对码</th><th scope="col">原因</th><th scope="col">申请人和时间</th><th scope="col">处理</th></tr></thead>
      <tbody>${items.map((r) => html`<tr><td>${r.staff.display_name}（${r.staff.username}）</td><td>${roleName(r.staff.role)}${r.staff.department ? html`，${deptName(r.staff.department)}` : ''}</td>
        <td>${r.key_name}</td><td class="mono" data-check-code>${r.check_code}</td><td>${r.reason_name}</td><td>${r.requested_by}<br>${beijing(r.created_at)}</td>
        <td>${r.waiting_for_password ? html`<p class="field-hint">等本人首次登录、改掉初始密码后才能批准。</p>` : ''}<div class="button-row">${r.waiting_for_password ? '' : html`<form method="post" action="/api/admin/key-requests/${r.id}/approve">${csrfField(s)}<button type="submit" class="button" aria-label="批准 ${r.staff.username} 的${r.key_name}">批准</button></form>`}
        <form method="post" action="/api/admin/key-requests/${r.id}/refuse">${csrfField(s)}<button type="submit" class="button secondary" aria-label="拒绝 ${r.staff.username} 的${r.key_name}">拒绝</button></form></div></td></tr>`)}</tbody></table></div>`
      : own.length
        ? ''
        : html`<p>目前没有需要您批准的密钥申请。</p>`}`;
}

export function forcedPasswordNotice(): SafeHtml {
  return html`<p class="notice danger" role="alert">这是管理员设置的初始密码。请先设置您自己的新密码，之后才能使用后台其他功能。</p>`;
}

export function passwordChangedNotice(): SafeHtml {
  return html`<p class="notice" role="status">新密码已设置。为了安全，您的账号换了一把新的加密密钥，请用新密码和动态验证码重新登录。</p>`;
}
