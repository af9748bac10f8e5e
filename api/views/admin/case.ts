/** The case page: content, timeline, messages and the action forms. */
import { DEPARTMENTS } from '../../../config/departments.ts';
import type { ReportStatusCode } from '../../../config/reporting.ts';
import { GRADE_NAMES, REWARD_RULE_SETS } from '../../../config/rewards.ts';
import type { StaffRole } from '../../../config/staff.ts';
import type { CaseView } from '../../services/admin/cases.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { html, type SafeHtml } from '../html.ts';
import { IDENTITY_STATUS } from './identity.ts';
import { adminNav, backField, categoryName, csrfField, deptNames, sectorName, STATE_TEXT, townshipName } from './common.ts';

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
      <p class="lead">${c.status_label} · ${categoryName(c.category)} · ${sectorName(c.sector)} · ${townshipName(c.township)}${c.real_name ? ' · 实名举报' : ' · 匿名举报'}</p>
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

