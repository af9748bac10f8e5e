/**
 * Server-rendered back-office pages (they work without JavaScript: plain forms and links, native
 * keyboard order). Every value is escaped by `html`. Styles: public/styles/admin.css.
 */
import { TOWNSHIPS } from '../../config/county.ts';
import { DEPARTMENTS, DEPARTMENT_NAMES, type DepartmentCode } from '../../config/departments.ts';
import { REPORT_STATUSES, REPORT_STATUS_NAMES, type ReportStatusCode } from '../../config/reporting.ts';
import { GRADE_NAMES, REWARD_RULE_SETS } from '../../config/rewards.ts';
import { STAFF_ROLES, STAFF_ROLE_NAMES, type HandlingSettings, type StaffRole } from '../../config/staff.ts';
import { REPORT_CATEGORIES, SECTOR_CODES, SECTOR_NAMES, type SectorCode } from '../../config/taxonomy.ts';
import type { auditLog } from '../db/schema.ts';
import { AUDIT_ACTIONS, type AuditAction } from '../services/admin/audit.ts';
import type { CaseView, QueueFilter, QueueItem } from '../services/admin/cases.ts';
import type { IdentityRequestView } from '../services/admin/identity.ts';
import { SETTING_LABELS } from '../services/admin/settings.ts';
import type { StaffPublic, StaffSession } from '../services/admin/staff.ts';
import { html, SafeHtml } from './html.ts';
import { CHANNEL_NAV_LINKS } from './admin/channel-nav.ts';
import { CHANNELS } from '../../config/channels.ts';

export const categoryName = (code: string) => REPORT_CATEGORIES.find((c) => c.code === code)?.name ?? code;
export const sectorName = (code: string) => SECTOR_NAMES[code as SectorCode] ?? code;
export const townshipName = (code: string) => TOWNSHIPS.find((t) => t.code === code)?.name ?? code;
const deptNames = (codes: readonly string[]) => (codes.length ? codes.map((d) => DEPARTMENT_NAMES[d as DepartmentCode] ?? d).join('、') : '未转办');

const STYLE = html`<link rel="stylesheet" href="/styles/admin.css">`;

const csrfField = (s: StaffSession) => html`<input type="hidden" name="_csrf" value="${s.csrfToken}">`;
const backField = (to: string) => html`<input type="hidden" name="_back" value="${to}">`;

export function adminNav(s: StaffSession, current: string): SafeHtml {
  const role = s.user.role as StaffRole;
  const links: [string, string, StaffRole[]][] = [
    ['/admin/', '案件列表', ['intake', 'handler', 'supervisor', 'auditor']],
    ['/admin/identity/', '身份查看申请', ['custodian']],
    ['/admin/audit/', '审计日志', ['auditor', 'admin']],
    ['/admin/staff/', '账号管理', ['admin']],
    ['/admin/settings/', '期限和保存设置', ['admin']],
    ...CHANNEL_NAV_LINKS, // issue 15
    ['/admin/password', '修改密码', ['intake', 'handler', 'supervisor', 'custodian', 'auditor', 'admin']],
  ];
  return html`${STYLE}<nav class="admin-nav" aria-label="后台导航">
    <ul>${links.filter(([, , roles]) => roles.includes(role)).map(([href, label]) => html`<li><a href="${href}"${current === href ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul>
    <form method="post" action="/api/admin/logout" class="admin-user">${csrfField(s)}
      <span>${s.user.displayName}（${STAFF_ROLE_NAMES[role]}${s.user.department ? html`，${DEPARTMENT_NAMES[s.user.department as DepartmentCode]}` : ''}）</span>
      <button type="submit" class="button secondary">退出登录</button>
    </form>
  </nav>`;
}

export function loginPage(message?: string): SafeHtml {
  return html`${STYLE}<div class="page-head"><h1>办理后台登录</h1>
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

const STATE_TEXT = { overdue: '已超期', soon: '临期', ok: '', none: '' } as const;

function deadlineCell(i: QueueItem): SafeHtml {
  if (!i.deadline) return html`<span class="field-hint">—</span>`;
  return html`<span class="deadline deadline-${i.deadline_state}">${i.deadline_kind} ${i.deadline}${STATE_TEXT[i.deadline_state] ? html` <strong>${STATE_TEXT[i.deadline_state]}</strong>` : ''}</span>`;
}

function select(name: string, label: string, options: [string, string][], value: string | undefined): SafeHtml {
  return html`<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">
    <option value="">全部</option>${options.map(([v, l]) => html`<option value="${v}"${v === value ? html` selected` : ''}>${l}</option>`)}</select></div>`;
}

export function queuePage(s: StaffSession, items: QueueItem[], filter: QueueFilter, counts: { overdue: number; soon: number }): SafeHtml {
  const role = s.user.role as StaffRole;
  return html`${adminNav(s, '/admin/')}
    <div class="page-head"><h1>案件列表</h1>
      <p class="lead">${role === 'handler' ? html`${DEPARTMENT_NAMES[s.user.department as DepartmentCode]}负责的案件。` : '全部举报案件。'}已超期 <strong>${counts.overdue}</strong> 件，临期 <strong>${counts.soon}</strong> 件。</p></div>
    <form method="get" action="/admin/" class="admin-filters" aria-label="筛选案件">
      ${select('status', '状态', [['open', '未办结（全部进行中）'], ...REPORT_STATUSES.map((x) => [x.code, x.name] as [string, string])], filter.status)}
      ${select('sector', '行业领域', SECTOR_CODES.map((c) => [c, sectorName(c)] as [string, string]), filter.sector)}
      ${role !== 'handler' ? select('department', '办理部门', DEPARTMENTS.map((d) => [d.code, d.name] as [string, string]), filter.department) : ''}
      ${select('deadline', '期限', [['overdue', '已超期'], ['soon', '临期'], ['ok', '正常']], filter.deadline)}
      ${select('channel', '来源渠道', CHANNELS.map((ch) => [ch.code, ch.name] as [string, string]), filter.channel)}
      <button type="submit" class="button">筛选</button>
    </form>
    ${role !== 'handler' ? html`<p><a class="button secondary" href="/api/admin/export.csv?${new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString()}" download>导出 CSV（安委会月报）</a></p>` : ''}
    ${items.length
      ? html`<div class="table-scroll" tabindex="0" role="region" aria-label="案件表格（可左右滚动）"><table class="admin-table queue-table">
      <caption>共 ${items.length} 件，超期和临期的排在前面</caption>
      <thead><tr><th scope="col">编号</th><th scope="col">收到</th><th scope="col">类别 / 行业</th><th scope="col">镇街</th><th scope="col">办理部门</th><th scope="col">状态</th><th scope="col">期限</th></tr></thead>
      <tbody>${items.map(
        (i) => html`<tr class="row-${i.deadline_state}">
          <td data-label="编号"><span>${role === 'auditor' ? i.ref : html`<a href="/admin/cases/${i.id}">${i.ref}</a>`}${i.real_name ? html` <span class="tag">实名</span>` : ''}${i.channel !== 'web' ? html` <span class="tag">${i.channel_label}</span>` : ''}</span></td>
          <td data-label="收到">${i.created_on}</td><td data-label="类别"><span>${categoryName(i.category)}<br><span class="field-hint">${sectorName(i.sector)}</span></span></td>
          <td data-label="镇街">${townshipName(i.township)}</td><td data-label="部门">${deptNames(i.departments)}</td><td data-label="状态">${i.status_label}</td><td data-label="期限">${deadlineCell(i)}</td></tr>`,
      )}</tbody></table></div>`
      : html`<p class="notice">没有符合条件的案件。</p>`}`;
}

function actionForm(s: StaffSession, c: CaseView, action: string, title: string, body: SafeHtml, button: string, cls = ''): SafeHtml {
  return html`<form method="post" action="/api/admin/reports/${c.id}/${action}" class="admin-form card ${cls}">
    <h3>${title}</h3>${csrfField(s)}${backField(`/admin/cases/${c.id}`)}${body}<button type="submit" class="button">${button}</button></form>`;
}

const TRANSITION_LABELS: Partial<Record<ReportStatusCode, { title: string; note: string; button: string; required: boolean }>> = {
  accepted: { title: '受理', note: '给举报人的说明（可不填）', button: '受理', required: false },
  not_accepted: { title: '不予受理', note: '不予受理的原因（必填，举报人会看到）', button: '不予受理', required: true },
  investigating: { title: '开始核查', note: '给举报人的说明（可不填）', button: '开始核查', required: false },
  substantiated: { title: '核查属实', note: '核查情况（可不填）', button: '认定属实', required: false },
  unsubstantiated: { title: '核查不属实', note: '核查说明（必填，举报人会看到）', button: '认定不属实', required: true },
  rectifying: { title: '责令整改', note: '整改要求（可不填）', button: '责令整改', required: false },
  closed: { title: '办结', note: '办理结果（必填，举报人会看到）', button: '办结', required: true },
};

export function casePage(s: StaffSession, c: CaseView, allowed: { transitions: ReportStatusCode[]; assign: boolean; extend: boolean; reward: boolean; identity: boolean }, extensionMax: number): SafeHtml {
  const role = s.user.role as StaffRole;
  const approved = c.identity_requests.filter((q) => q.mine && q.status === 'approved');
  return html`${adminNav(s, '')}
    <p><a href="/admin/">← 返回案件列表</a></p>
    <div class="page-head"><h1>案件 ${c.ref}</h1>
      <p class="lead">${c.status_label} · ${categoryName(c.category)} · ${sectorName(c.sector)} · ${townshipName(c.township)}${c.real_name ? ' · 实名举报' : ' · 匿名举报'} · ${c.channel_label}</p>
      ${c.deadline ? html`<p class="deadline deadline-${c.deadline_state}">${c.deadline_kind}：${c.deadline}${STATE_TEXT[c.deadline_state] ? html` <strong>${STATE_TEXT[c.deadline_state]}</strong>` : ''}</p>` : ''}
      <p><a class="button secondary" href="/admin/cases/${c.id}/print">打印案卷</a></p>
    </div>
    <div class="case-grid">
    <section class="card" aria-labelledby="content-h"><h2 id="content-h">举报内容</h2>
      <dl class="case-facts">
        <dt>地点</dt><dd>${c.place}</dd>
        <dt>情况</dt><dd class="prewrap">${c.description}</dd>
        ${c.observed_at ? html`<dt>发现时间</dt><dd>${c.observed_at}</dd>` : ''}
        <dt>收到日期</dt><dd>${c.created_on}</dd>
        <dt>来源</dt><dd>${originText(c)}</dd>
        <dt>受理期限</dt><dd>${c.accept_due_on}</dd>
        <dt>办结期限</dt><dd>${c.due_on}${c.extension_days ? `（已延期 ${c.extension_days} 天）` : ''}</dd>
        ${c.rectify_due_on ? html`<dt>整改期限</dt><dd>${c.rectify_due_on}</dd>` : ''}
        <dt>办理部门</dt><dd>${deptNames(c.departments)}</dd>
        <dt>奖励</dt><dd>${c.reward === 'granted' ? `给予奖励 ${c.reward_amount_yuan?.toLocaleString('zh-CN')} 元` : c.reward === 'not_granted' ? '不予奖励' : '未决定'}</dd>
      </dl>
      <h3>附件</h3>
      ${c.purged_on ? html`<p class="field-hint">附件和身份信息已于 ${c.purged_on} 按保存期限清除。</p>` : ''}
      ${c.files.length
        ? html`<ul class="attachment-list">${c.files.map(
            (f) => html`<li>${f.kind === 'image' ? html`<img class="admin-preview" src="/api/admin/reports/${c.id}/files/${f.id}?preview=1" alt="附件预览：${f.name}" loading="lazy">` : ''}
              <a href="/api/admin/reports/${c.id}/files/${f.id}" download>下载 ${f.name}</a> <span class="field-hint">${f.type}，${Math.max(1, Math.round(f.size / 1024))} KB${f.from_message ? '，举报人后来补充' : ''}</span></li>`,
          )}</ul>`
        : html`<p class="field-hint">没有附件。</p>`}
    </section>
    <section class="card" aria-labelledby="timeline-h"><h2 id="timeline-h">办理经过</h2>
      <ol class="timeline">${c.timeline.map((e) => html`<li><strong>${e.label}</strong> · ${e.on}${e.note ? html`<br>${e.note}` : ''}</li>`)}</ol>
      <h2>与举报人的留言</h2>
      ${c.messages.length ? '' : html`<p class="field-hint">还没有留言。</p>`}
      <ol class="messages">${c.messages.map((m) => html`<li class="message-${m.from}"><p class="message-meta"><strong>${m.from === 'department' ? '办理部门' : '举报人'}</strong> · ${m.on}</p><p class="prewrap">${m.body}</p></li>`)}</ol>
    </section>
    </div>
    <h2>办理操作</h2>
    <div class="action-grid">
    ${allowed.transitions.map((to) => {
      const t = TRANSITION_LABELS[to]!;
      return actionForm(
        s,
        c,
        'transition',
        t.title,
        html`<input type="hidden" name="status" value="${to}">
          ${to === 'rectifying' ? html`<div class="field"><label for="due-${to}">整改期限</label><input id="due-${to}" name="rectify_due_on" type="date" required></div>` : ''}
          <div class="field"><label for="note-${to}">${t.note}</label><textarea id="note-${to}" name="note" rows="3"${t.required ? html` required` : ''}></textarea></div>`,
        t.button,
        to === 'not_accepted' || to === 'unsubstantiated' ? 'action-warn' : '',
      );
    })}
    ${allowed.assign
      ? actionForm(
          s,
          c,
          'assign',
          c.departments.length ? '改派办理部门' : '转办',
          html`<fieldset><legend>办理部门（按行业建议：${deptNames(c.suggested_departments)}）</legend>
            ${DEPARTMENTS.map((d) => html`<label class="check"><input type="checkbox" name="departments" value="${d.code}"${(c.departments.length ? c.departments : c.suggested_departments).includes(d.code) ? html` checked` : ''}> ${d.name}</label>`)}</fieldset>
            <div class="field"><label for="assign-note">给举报人的说明（可不填）</label><textarea id="assign-note" name="note" rows="2"></textarea></div>`,
          c.departments.length ? '改派' : '转办',
        )
      : ''}
    ${allowed.extend && !c.extension_days
      ? actionForm(
          s,
          c,
          'extend',
          '延期办理（只能一次）',
          html`<div class="field"><label for="ext-days">延长天数（最多 ${extensionMax} 天）</label><input id="ext-days" name="days" type="number" min="1" max="${extensionMax}" required></div>
            <div class="field"><label for="ext-reason">延期原因（必填，举报人会看到）</label><textarea id="ext-reason" name="reason" rows="2" required></textarea></div>`,
          '延期',
        )
      : ''}
    ${role !== 'auditor'
      ? actionForm(s, c, 'messages', '给举报人留言', html`<div class="field"><label for="msg-body">留言（举报人凭查询码可以看到）</label><textarea id="msg-body" name="body" rows="3" required></textarea></div>`, '发送留言')
      : ''}
    ${allowed.reward && !c.reward ? rewardForm(s, c) : ''}
    ${allowed.identity && c.real_name && !c.purged_on
      ? actionForm(s, c, 'identity-requests', '申请查看举报人身份', html`<p class="field-hint">身份由身份保管人审批，批准后只能查看一次，每一步都记入审计日志。</p><div class="field"><label for="id-reason">为什么必须联系举报人本人（必填）</label><textarea id="id-reason" name="reason" rows="3" required></textarea></div>`, '提交申请')
      : ''}
    ${approved.map(
      (q) => html`<form method="post" action="/api/admin/identity-requests/${q.id}/view" class="admin-form card">${csrfField(s)}<h3>身份查看申请已批准</h3>
        <p>身份信息只显示一次，关闭页面后不能再看。请准备好纸笔记录。</p><button type="submit" class="button">查看举报人身份</button></form>`,
    )}
    </div>
    ${c.identity_requests.length ? html`<h2>身份查看申请</h2><ul>${c.identity_requests.map((q) => html`<li>${q.requester} · ${q.created_at.slice(0, 10)} · ${IDENTITY_STATUS[q.status as keyof typeof IDENTITY_STATUS] ?? q.status}</li>`)}</ul>` : ''}`;
}

/** Issue 15: channel, transferring body, 12345 order number and who entered it. */
function originText(c: CaseView): string {
  const o = c.origin;
  return [o.channel_label, o.source_body ? `转交单位：${o.source_body}` : '', o.order_no ? `工单编号 ${o.order_no}` : '', o.hotline_due_on ? `热线办理时限 ${o.hotline_due_on}` : '', o.entered_by ? `录入：${o.entered_by}` : ''].filter(Boolean).join('，');
}

const IDENTITY_STATUS = { pending: '等待审批', approved: '已批准，未查看', refused: '已拒绝', viewed: '已查看（一次）' } as const;

function rewardForm(s: StaffSession, c: CaseView): SafeHtml {
  return html`<form method="post" action="/api/admin/reports/${c.id}/reward" class="admin-form card reward-form">
    <h3>奖励决定</h3>${csrfField(s)}${backField(`/admin/cases/${c.id}`)}
    <fieldset><legend>决定</legend>
      <label class="check"><input type="radio" name="decision" value="granted"${c.substantiated ? html` checked` : html` disabled`}> 给予奖励${c.substantiated ? '' : '（须经核查属实）'}</label>
      <label class="check"><input type="radio" name="decision" value="not_granted"${c.substantiated ? '' : html` checked`}> 不予奖励</label></fieldset>
    <div class="field"><label for="rw-rules">依据</label><select id="rw-rules" name="rule_set">${REWARD_RULE_SETS.filter((r) => r.applicable).map((r) => html`<option value="${r.id}">${r.name}（${r.document}）</option>`)}</select></div>
    <div class="field"><label for="rw-kind">情形</label><select id="rw-kind" name="kind">
      <option value="general_hazard">一般事故隐患（500–5000 元）</option>
      <option value="major_or_illegal">重大事故隐患、非法违法行为（罚款的 50%，5000 元–50 万元）</option>
      <option value="concealed_accident">瞒报谎报事故（按死亡人数和事故等级）</option></select></div>
    <div class="field"><label for="rw-fine">行政处罚罚款（元，重大隐患和违法行为填写）</label><input id="rw-fine" name="fine_yuan" type="number" min="0"></div>
    <div class="field"><label for="rw-deaths">查实瞒报谎报死亡人数</label><input id="rw-deaths" name="deaths" type="number" min="0"></div>
    <div class="field"><label for="rw-grade">事故等级</label><select id="rw-grade" name="grade">${Object.entries(GRADE_NAMES).map(([k, v]) => html`<option value="${k}">${v}</option>`)}</select></div>
    <div class="field"><label for="rw-amount">奖励金额（元）</label><input id="rw-amount" name="amount_yuan" type="number" min="0"></div>
    <div class="field"><label for="rw-reason">说明（不予奖励时必填，举报人会看到）</label><textarea id="rw-reason" name="reason" rows="2"></textarea></div>
    <p class="field-hint">金额超出规定范围时系统会拒绝并给出计算过程。给予奖励时，举报人会收到领取方式：只需出示查询码，转账只需收款人姓名和账号。</p>
    <button type="submit" class="button">记录奖励决定</button></form>`;
}

export function identityShownPage(s: StaffSession, reportId: string, identity: { name: string; phone: string }): SafeHtml {
  return html`${adminNav(s, '')}<div class="page-head"><h1>举报人身份（只显示这一次）</h1></div>
    <div class="notice danger"><p>请立即记录，不要截图外传。本次查看已记入审计日志；刷新或离开本页后无法再次查看。</p></div>
    <dl class="case-facts card"><dt>姓名</dt><dd>${identity.name}</dd><dt>电话</dt><dd>${identity.phone}</dd></dl>
    <p><a class="button" href="/admin/cases/${reportId}">返回案件</a></p>`;
}

export function identityRequestsPage(s: StaffSession, requests: IdentityRequestView[]): SafeHtml {
  const pending = requests.filter((q) => q.status === 'pending');
  return html`${adminNav(s, '/admin/identity/')}<div class="page-head"><h1>身份查看申请</h1>
    <p class="lead">办理人员申请查看实名举报人的身份。请核对理由是否必要；批准后身份只会解密给申请人一次。</p></div>
    ${pending.length ? '' : html`<p class="notice">没有待审批的申请。</p>`}
    ${requests.map(
      (q) => html`<section class="card admin-form"><h2>案件 ${q.ref}</h2>
        <p>申请人：${q.requester} · ${q.created_at.slice(0, 16).replace('T', ' ')} · ${IDENTITY_STATUS[q.status as keyof typeof IDENTITY_STATUS] ?? q.status}</p>
        <p>理由：${q.reason ?? '（无法解密理由：您的账号没有身份保管密钥。）'}</p>
        ${q.status === 'pending'
          ? html`<div class="button-row">
          <form method="post" action="/api/admin/identity-requests/${q.id}/decision">${csrfField(s)}${backField('/admin/identity/')}<input type="hidden" name="approve" value="yes"><button class="button" type="submit">批准</button></form>
          <form method="post" action="/api/admin/identity-requests/${q.id}/decision">${csrfField(s)}${backField('/admin/identity/')}<input type="hidden" name="approve" value="no"><button class="button secondary" type="submit">拒绝</button></form></div>`
          : ''}
      </section>`,
    )}`;
}

type AuditRow = typeof auditLog.$inferSelect;

export function auditPage(s: StaffSession, entries: AuditRow[], total: number, page: number, verify: { ok: boolean; count: number; problems: { id: number; problem: string }[] }, names: Map<string, string>): SafeHtml {
  const pages = Math.max(1, Math.ceil(total / 50));
  return html`${adminNav(s, '/admin/audit/')}<div class="page-head"><h1>审计日志</h1>
    <p class="lead">打开举报、查看身份、状态变更、奖励决定、登录和到期清除都会记录在这里。每条记录都包含上一条的哈希值，任何修改或删除都能被发现。</p></div>
    <p class="notice ${verify.ok ? '' : 'danger'}" role="status">${verify.ok ? `哈希链校验通过：共 ${verify.count} 条记录，没有被修改或删除。` : html`<strong>哈希链校验失败！</strong>${verify.problems.map((p) => html`<br>第 ${p.id} 条：${p.problem}`)}`}</p>
    <div class="table-scroll" tabindex="0" role="region" aria-label="审计日志表格（可左右滚动）"><table class="admin-table"><caption>第 ${page} / ${pages} 页，最新的在前</caption>
      <thead><tr><th scope="col">序号</th><th scope="col">时间（北京时间）</th><th scope="col">人员</th><th scope="col">操作</th><th scope="col">案件</th><th scope="col">详情</th></tr></thead>
      <tbody>${entries.map(
        (e) => html`<tr><td>${e.id}</td><td>${new Date(e.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}</td><td>${names.get(e.actor) ?? e.actor}</td>
          <td>${AUDIT_ACTIONS[e.action as AuditAction] ?? e.action}</td><td>${e.reportId ? e.reportId.slice(0, 6) : ''}</td><td class="mono">${e.detail === '{}' ? '' : e.detail}</td></tr>`,
      )}</tbody></table></div>
    <p>${page > 1 ? html`<a class="button secondary" href="/admin/audit/?page=${page - 1}">上一页</a> ` : ''}${page < pages ? html`<a class="button secondary" href="/admin/audit/?page=${page + 1}">下一页</a>` : ''}</p>`;
}

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

export function settingsPage(s: StaffSession, settings: HandlingSettings, saved: boolean): SafeHtml {
  return html`${adminNav(s, '/admin/settings/')}<div class="page-head"><h1>期限和保存设置</h1>
    <p class="lead">默认值依照山东省规定：受理 7 天，办结 60 天，可延期一次、最长 30 天。修改只影响以后的期限计算。</p></div>
    ${saved ? html`<p class="notice" role="status">已保存。</p>` : ''}
    <form method="post" action="/api/admin/settings" class="admin-form card">${csrfField(s)}
      ${(Object.keys(SETTING_LABELS) as (keyof HandlingSettings)[]).map((k) => html`<div class="field"><label for="set-${k}">${SETTING_LABELS[k]}</label><input id="set-${k}" name="${k}" type="number" value="${settings[k]}" required></div>`)}
      <button type="submit" class="button">保存</button></form>
    <form method="post" action="/api/admin/retention/run" class="admin-form card"><h2>到期清除</h2>${csrfField(s)}
      <p>删除办结超过 ${settings.retentionDays} 天的案件的附件和实名身份，保留案件记录和统计数字，并记入审计日志。每天启动时和每 24 小时也会自动执行。</p>
      <button type="submit" class="button secondary">现在执行</button></form>`;
}

export function printPage(c: CaseView): SafeHtml {
  return html`${STYLE}<article class="case-print"><h1>举报案件办理案卷 ${c.ref}</h1>
    <table class="admin-table"><tbody>
      <tr><th scope="row">收到日期</th><td>${c.created_on}</td><th scope="row">状态</th><td>${c.status_label}</td></tr>
      <tr><th scope="row">类别</th><td>${categoryName(c.category)}</td><th scope="row">行业领域</th><td>${sectorName(c.sector)}</td></tr>
      <tr><th scope="row">镇街</th><td>${townshipName(c.township)}</td><th scope="row">办理部门</th><td>${deptNames(c.departments)}</td></tr>
      <tr><th scope="row">办结期限</th><td>${c.due_on}</td><th scope="row">办结日期</th><td>${c.closed_on ?? '—'}</td></tr>
      <tr><th scope="row">来源</th><td colspan="3">${originText(c)}</td></tr>
      <tr><th scope="row">举报方式</th><td>${c.real_name ? '实名（身份另行密封保管，不在本案卷中）' : '匿名'}</td><th scope="row">奖励</th><td>${c.reward === 'granted' ? `${c.reward_amount_yuan?.toLocaleString('zh-CN')} 元` : c.reward === 'not_granted' ? '不予奖励' : '未决定'}</td></tr>
    </tbody></table>
    <h2>举报内容</h2><p><strong>地点：</strong>${c.place}</p><p class="prewrap">${c.description}</p>
    <h2>办理经过</h2><ol>${c.timeline.map((e) => html`<li>${e.on} ${e.label}${e.note ? `：${e.note}` : ''}</li>`)}</ol>
    <h2>留言记录</h2><ol>${c.messages.map((m) => html`<li>${m.on} ${m.from === 'department' ? '办理部门' : '举报人'}：<span class="prewrap">${m.body}</span></li>`)}</ol>
    <h2>附件</h2><ul>${c.files.map((f) => html`<li>${f.name}（${f.type}）</li>`)}</ul>
    <p class="field-hint">本案卷含举报内容，属工作秘密，请按规定保管。打印本案卷已记入审计日志。</p>
    <p class="no-print"><a href="/admin/cases/${c.id}">返回案件</a></p></article>`;
}

export const statusName = (code: string) => REPORT_STATUS_NAMES[code as ReportStatusCode] ?? code;

export function passwordPage(s: StaffSession, saved: boolean): SafeHtml {
  return html`${adminNav(s, '/admin/password')}<div class="page-head"><h1>修改密码</h1>
    <p class="lead">修改密码不影响您能打开的案件。动态验证码不变。</p></div>
    ${saved ? html`<p class="notice" role="status">密码已修改，下次登录请用新密码。</p>` : ''}
    <form method="post" action="/api/admin/password" class="admin-form card">${csrfField(s)}${backField('/admin/password')}
      <div class="field"><label for="pw-current">当前密码</label><input id="pw-current" name="current_password" type="password" autocomplete="current-password" required></div>
      <div class="field"><label for="pw-new">新密码（至少 12 位）</label><input id="pw-new" name="new_password" type="password" autocomplete="new-password" minlength="12" required></div>
      <button type="submit" class="button">修改密码</button></form>`;
}
