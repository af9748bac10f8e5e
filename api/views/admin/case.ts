/**
 * The case page: content, internal timeline, conversation with the reporter, staff documents and the
 * action forms. Every text field says who will read it: 举报人会看到 (it goes to the reporter's status
 * page) or 只有后台工作人员看得到 (a staff-only note, sealed with the case and never shown to the reporter).
 * After a refused form the page comes back with what was typed and the reason next to that form.
 */
import { DEPARTMENTS } from '../../../config/departments.ts';
import { ATTACHMENT_TYPES, type AttachmentMime, type ReportStatusCode } from '../../../config/reporting.ts';
import { GRADE_NAMES, REWARD_RULE_SETS, ruleSet } from '../../../config/rewards.ts';
import type { StaffRole } from '../../../config/staff.ts';
import { beijingTime } from '../../clock.ts';
import type { CaseView } from '../../services/admin/cases.ts';
import { defaultRuleSetFor, type RewardSuggestion } from '../../services/admin/rewards.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminNav, backField, categoryName, csrfField, deptNames, sectorName, STATE_TEXT, townshipName } from './common.ts';
import { IDENTITY_STATUS } from './identity.ts';
import { originText } from './channel-origin.ts';

/** What was typed into one form when it was refused (or a calculation was asked for). */
export interface CaseDraft {
  /** Which form: 'transition:closed', 'assign', 'extend', 'messages', 'notes', 'reward', 'files'. */
  form: string;
  values: Record<string, string>;
  error?: string;
  calculation?: RewardSuggestion;
}

export interface CaseActions {
  transitions: ReportStatusCode[];
  assign: boolean;
  extend: boolean;
  reward: boolean;
  identity: boolean;
  documents: boolean;
}

export const READS_REPORTER = '举报人会看到';
export const READS_STAFF = '只有后台工作人员看得到，举报人看不到';

const v = (d: CaseDraft | undefined, form: string, name: string, fallback = '') => (d?.form === form ? d.values[name] ?? fallback : fallback);

function actionForm(s: StaffSession, c: CaseView, key: string, action: string, title: string, body: SafeHtml, button: SafeHtml | string, draft?: CaseDraft, cls = '', multipart = false): SafeHtml {
  const error = draft?.form === key && draft.error ? html`<p class="notice danger" role="alert" id="err-${key.replace(':', '-')}">${draft.error}</p>` : '';
  return html`<form method="post" action="/api/admin/reports/${c.id}/${action}" class="admin-form card ${cls}" id="form-${key.replace(':', '-')}"${multipart ? html` enctype="multipart/form-data"` : ''}>
    <h3>${title}</h3>${error}${csrfField(s)}${backField(`/admin/cases/${c.id}`)}${body}${typeof button === 'string' ? html`<button type="submit" class="button">${button}</button>` : button}</form>`;
}

/** A textarea whose label says who reads it. */
function textField(id: string, name: string, label: string, audience: 'reporter' | 'staff', required: boolean, value: string, rows = 3): SafeHtml {
  return html`<div class="field"><label for="${id}">${label}（${required ? '必填，' : '可不填，'}${audience === 'reporter' ? READS_REPORTER : READS_STAFF}）</label>
    <textarea id="${id}" name="${name}" rows="${rows}"${required ? html` required` : ''} class="${audience === 'staff' ? 'internal-field' : 'reporter-field'}">${value}</textarea></div>`;
}

const TRANSITION_LABELS: Partial<Record<ReportStatusCode, { title: string; note: string; button: string; required: boolean }>> = {
  accepted: { title: '受理', note: '给举报人的说明', button: '受理', required: false },
  not_accepted: { title: '不予受理', note: '不予受理的原因', button: '不予受理', required: true },
  investigating: { title: '开始核查', note: '给举报人的说明', button: '开始核查', required: false },
  substantiated: { title: '核查属实', note: '给举报人的核查情况说明', button: '认定属实', required: false },
  unsubstantiated: { title: '核查不属实', note: '给举报人的核查说明', button: '认定不属实', required: true },
  rectifying: { title: '责令整改', note: '给举报人的整改说明', button: '责令整改', required: false },
  closed: { title: '办结', note: '办理结果', button: '办结', required: true },
};

const AUDIENCE_TAG = { reporter: html`<span class="tag">举报人可见</span>`, staff: html`<span class="tag tag-internal">仅内部</span>` };

function fileList(c: CaseView, files: CaseView['files']): SafeHtml {
  if (!files.length) return html`<p class="field-hint">没有。</p>`;
  return html`<ul class="attachment-list">${files.map(
    (f) => html`<li>${f.kind === 'image' ? html`<img class="admin-preview" src="/api/admin/reports/${c.id}/files/${f.id}?preview=1" alt="图片：${f.name}" loading="lazy">` : ''}
      ${f.kind === 'pdf' ? html`<a href="/admin/cases/${c.id}/files/${f.id}">查看 ${f.name} 的页面图像</a>` : html`<a href="/api/admin/reports/${c.id}/files/${f.id}" download>下载 ${f.name}</a>`} <span class="field-hint">${ATTACHMENT_TYPES[f.type as AttachmentMime]?.label ?? f.type}，${Math.max(1, Math.round(f.size / 1024))} KB${f.from_message ? '，举报人后来补充' : ''}${f.source === 'staff' ? `，${f.uploaded_by ?? ''} 于 ${f.created_on} 上传` : ''}</span></li>`,
  )}</ul>`;
}

export function casePage(s: StaffSession, c: CaseView, allowed: CaseActions, extensionMax: number, draft?: CaseDraft): SafeHtml {
  const role = s.user.role as StaffRole;
  const approved = c.identity_requests.filter((q) => q.mine && q.status === 'approved');
  const reporterFiles = c.files.filter((f) => f.source === 'reporter');
  const staffFiles = c.files.filter((f) => f.source === 'staff');
  const final = c.status === 'closed' || c.status === 'not_accepted';
  return html`${adminNav(s, '')}
    <p><a href="/admin/">← 返回案件列表</a></p>
    <div class="page-head"><h1>案件 ${c.ref}</h1>
      <p class="lead">${c.status_label}${c.extended ? '（已延期）' : ''} · ${categoryName(c.category)} · ${sectorName(c.sector)} · ${townshipName(c.township)}${c.real_name ? ' · 实名举报' : ' · 匿名举报'} · ${c.channel_label}</p>
      ${c.deadline ? html`<p class="deadline deadline-${c.deadline_state}">${c.deadline_kind}：${c.deadline}${STATE_TEXT[c.deadline_state] ? html` <strong>${STATE_TEXT[c.deadline_state]}</strong>` : ''}</p>` : ''}
      ${draft?.error && !draft.form ? html`<p class="notice danger" role="alert">${draft.error}</p>` : ''}
      <p class="button-row"><a class="button secondary" href="/admin/cases/${c.id}/print">打印案卷</a>
        ${c.departments.length ? html`<a class="button secondary" href="/admin/cases/${c.id}/slip">打印转办单</a>` : ''}
        ${final ? html`<a class="button secondary" href="/admin/cases/${c.id}/reply">打印回复函</a>` : ''}</p>
    </div>
    <div class="case-grid">
    <section class="card" aria-labelledby="content-h"><h2 id="content-h">举报内容</h2>
      <dl class="case-facts">
        <dt>案件编号</dt><dd>${c.ref}</dd>
        <dt>地点</dt><dd>${c.place}</dd>
        <dt>情况</dt><dd class="prewrap">${c.description}</dd>
        ${c.observed_at ? html`<dt>发现时间</dt><dd>${c.observed_at}</dd>` : ''}
        <dt>收到日期</dt><dd>${c.created_on}</dd>
        <dt>来源</dt><dd>${originText(c.origin)}</dd>
        <dt>受理期限</dt><dd>${c.accept_due_on}${c.accepted_on ? `（${c.accepted_on} 已受理）` : ''}</dd>
        <dt>办结期限</dt><dd>${c.due_on}${c.extension_days ? `（已延期 ${c.extension_days} 天）` : ''}</dd>
        ${c.rectify_due_on ? html`<dt>整改期限</dt><dd>${c.rectify_due_on}</dd>` : ''}
        <dt>办理部门</dt><dd>${deptNames(c.departments)}</dd>
        <dt>奖励</dt><dd>${c.reward === 'granted' ? `给予奖励 ${c.reward_amount_yuan?.toLocaleString('zh-CN')} 元` : c.reward === 'not_granted' ? '不予奖励' : '未决定'}${c.reward_revision > 1 ? `（已更正 ${c.reward_revision - 1} 次）` : ''}</dd>
      </dl>
      <h3>举报人提供的附件</h3>
      ${c.purged_on ? html`<p class="field-hint">附件和身份信息已于 ${c.purged_on} 按保存期限清除。</p>` : ''}
      <p class="field-hint">图片在本页显示和"下载原件"分别记入审计日志。</p>
      ${fileList(c, reporterFiles)}
      <h3>工作材料（${READS_STAFF}）</h3>
      ${fileList(c, staffFiles)}
    </section>
    <section class="card" aria-labelledby="timeline-h"><h2 id="timeline-h">办理经过（内部）</h2>
      <p class="field-hint">这里写明每一步由谁办理；举报人在查询页只看到"办理部门"和标着"举报人可见"的文字。</p>
      <ol class="timeline internal-timeline">${c.internal.map(
        (e) => html`<li class="entry-${e.kind}"><strong>${e.label}</strong> · ${e.on} · ${e.who} ${AUDIENCE_TAG[e.audience]}${e.text ? html`<br><span class="prewrap">${e.text}</span>` : ''}</li>`,
      )}</ol>
      <h2>与举报人的留言</h2>
      ${c.messages.length ? '' : html`<p class="field-hint">还没有留言。</p>`}
      <ol class="messages">${c.messages.map((m) => html`<li class="message-${m.from}"><p class="message-meta"><strong>${m.from === 'department' ? `办理部门${m.staff ? `（${m.staff}）` : ''}` : '举报人'}</strong> · ${m.on}</p><p class="prewrap">${m.body}</p></li>`)}</ol>
    </section>
    </div>
    <h2>办理操作</h2>
    <div class="action-grid">
    ${allowed.transitions.map((to) => {
      const t = TRANSITION_LABELS[to]!;
      const key = `transition:${to}`;
      return actionForm(
        s,
        c,
        key,
        'transition',
        t.title,
        html`<input type="hidden" name="status" value="${to}">
          ${to === 'rectifying' ? html`<div class="field"><label for="due-${to}">整改期限（${READS_REPORTER}）</label><input id="due-${to}" name="rectify_due_on" type="date" required value="${v(draft, key, 'rectify_due_on')}"></div>` : ''}
          ${textField(`note-${to}`, 'note', t.note, 'reporter', t.required, v(draft, key, 'note'))}
          ${textField(`internal-${to}`, 'internal_note', to === 'substantiated' ? '核查情况（内部记录）' : to === 'rectifying' ? '整改要求和跟踪安排（内部记录）' : '内部记录', 'staff', false, v(draft, key, 'internal_note'), 2)}`,
        t.button,
        draft,
        to === 'not_accepted' || to === 'unsubstantiated' ? 'action-warn' : '',
      );
    })}
    ${allowed.assign
      ? actionForm(
          s,
          c,
          'assign',
          'assign',
          c.departments.length ? '改派办理部门' : '转办',
          html`<fieldset><legend>办理部门（按行业建议：${deptNames(c.suggested_departments)}）</legend>
            ${DEPARTMENTS.map((d) => {
              const picked = draft?.form === 'assign' ? (draft.values.departments ?? '').split(',').includes(d.code) : (c.departments.length ? c.departments : c.suggested_departments).includes(d.code);
              return html`<label class="check"><input type="checkbox" name="departments" value="${d.code}"${picked ? html` checked` : ''}> ${d.name}</label>`;
            })}</fieldset>
            ${textField('assign-note', 'note', '给举报人的说明', 'reporter', false, v(draft, 'assign', 'note'), 2)}
            ${textField('assign-internal', 'internal_note', '转办要求（内部记录，印在转办单上）', 'staff', false, v(draft, 'assign', 'internal_note'), 2)}`,
          c.departments.length ? '改派' : '转办',
          draft,
        )
      : ''}
    ${allowed.extend
      ? actionForm(
          s,
          c,
          'extend',
          'extend',
          '延期办理（只能一次，须在期限届满前）',
          html`<div class="field"><label for="ext-days">延长天数（最多 ${extensionMax} 天，${READS_REPORTER}）</label><input id="ext-days" name="days" type="number" min="1" max="${extensionMax}" required value="${v(draft, 'extend', 'days')}"></div>
            ${textField('ext-reason', 'reason', '延期原因', 'reporter', true, v(draft, 'extend', 'reason'), 2)}
            ${textField('ext-internal', 'internal_note', '审批情况（内部记录）', 'staff', false, v(draft, 'extend', 'internal_note'), 2)}`,
          '延期',
          draft,
        )
      : ''}
    ${role !== 'auditor' ? actionForm(s, c, 'messages', 'messages', '给举报人留言', textField('msg-body', 'body', '留言', 'reporter', true, v(draft, 'messages', 'body')), '发送留言', draft) : ''}
    ${role !== 'auditor' ? actionForm(s, c, 'notes', 'notes', '写内部记录', textField('note-body', 'body', '内部记录', 'staff', true, v(draft, 'notes', 'body')), '保存内部记录', draft, 'internal-form') : ''}
    ${allowed.documents
      ? actionForm(
          s,
          c,
          'files',
          'files',
          '上传工作材料',
          html`<p class="field-hint">整改照片、整改报告、现场检查记录等。${READS_STAFF}。照片会去掉拍摄位置等附加信息，所有文件加密保存，和举报人附件一样。</p>
            <div class="field"><label for="staff-files">选择文件（照片、视频或 PDF，一次最多 5 个，每个不超过 20 MB）</label><input id="staff-files" name="files" type="file" multiple required accept="image/*,video/*,application/pdf"></div>`,
          '上传',
          draft,
          '',
          true,
        )
      : ''}
    ${allowed.reward ? rewardForm(s, c, draft) : ''}
    ${allowed.identity && c.real_name && !c.purged_on
      ? actionForm(s, c, 'identity', 'identity-requests', '申请查看举报人身份', html`<p class="field-hint">身份由身份保管人审批，批准后只能查看一次，每一步都记入审计日志。</p>${textField('id-reason', 'reason', '为什么必须联系举报人本人（身份保管人审批时看到）', 'staff', true, v(draft, 'identity', 'reason'))}`, '提交申请', draft)
      : ''}
    ${approved.map(
      (q) => html`<form method="post" action="/api/admin/identity-requests/${q.id}/view" class="admin-form card">${csrfField(s)}<h3>身份查看申请已批准</h3>
        <p>身份信息只显示一次，关闭页面后不能再看。请准备好纸笔记录。</p><button type="submit" class="button">查看举报人身份</button></form>`,
    )}
    </div>
    ${c.identity_requests.length ? html`<h2>身份查看申请</h2><ul>${c.identity_requests.map((q) => html`<li>${q.requester} · ${beijingTime(q.created_at)} · ${IDENTITY_STATUS[q.status as keyof typeof IDENTITY_STATUS] ?? q.status}</li>`)}</ul>` : ''}`;
}

const yuan = (n: number) => `${n.toLocaleString('zh-CN')} 元`;

function calculationBlock(calc: RewardSuggestion): SafeHtml {
  return html`<div class="reward-calc notice${calc.confirmed ? '' : ' warn'}" role="status" aria-live="polite">
    <p><strong>计算结果：</strong>${calc.minYuan === calc.maxYuan ? yuan(calc.minYuan) : `${yuan(calc.minYuan)}至${yuan(calc.maxYuan)}`}${calc.confirmed ? '' : '（仅供参考）'}</p>
    <p><strong>算法：</strong>${calc.working}</p>
    <p><strong>依据：</strong>${calc.name}（${calc.document}）</p>
    <ul class="field-hint">${calc.sources.map((src) => html`<li>出处：${src.title}。${src.where}</li>`)}</ul>
    ${calc.warnings.length ? html`<ul>${calc.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
  </div>`;
}

function rewardForm(s: StaffSession, c: CaseView, draft?: CaseDraft): SafeHtml {
  const d = (name: string, fallback = '') => v(draft, 'reward', name, fallback);
  const defaultSet = defaultRuleSetFor(c.created_on);
  const chosen = d('rule_set', defaultSet);
  const set = ruleSet(chosen);
  const unconfirmed = !!set && (!set.applicable || (!!set.supersededOn && c.created_on >= set.supersededOn));
  const calc = draft?.form === 'reward' ? draft.calculation : undefined;
  const amount = d('amount_yuan') || (calc && calc.minYuan === calc.maxYuan && calc.confirmed ? String(calc.minYuan) : '');
  const decision = d('decision', c.reward ?? (c.substantiated ? 'granted' : 'not_granted'));
  const correcting = !!c.reward;
  return actionForm(
    s,
    c,
    'reward',
    'reward',
    correcting ? '更正奖励决定' : '奖励决定（含计算器）',
    html`${correcting ? html`<p>现在的决定：${c.reward === 'granted' ? `给予奖励 ${c.reward_amount_yuan?.toLocaleString('zh-CN')} 元` : '不予奖励'}（${c.reward_decided_on}）。更正后举报人看到的是更正后的决定。</p>` : ''}
    <fieldset><legend>决定（${READS_REPORTER}）</legend>
      <label class="check"><input type="radio" name="decision" value="granted"${decision === 'granted' && c.substantiated ? html` checked` : ''}${c.substantiated ? '' : html` disabled`}> 给予奖励${c.substantiated ? '' : '（须经核查属实）'}</label>
      <label class="check"><input type="radio" name="decision" value="not_granted"${decision !== 'granted' || !c.substantiated ? html` checked` : ''}> 不予奖励</label></fieldset>
    <div class="field"><label for="rw-rules">依据的规定</label><select id="rw-rules" name="rule_set">${REWARD_RULE_SETS.map((r) => html`<option value="${r.id}"${r.id === chosen ? html` selected` : ''}>${r.name}（${r.document}）${r.applicable ? '' : '——仅供参考'}</option>`)}</select></div>
    ${unconfirmed && set?.applicable ? html`<p class="notice warn">这件举报收到于 ${c.created_on}，${set.document}此时已被修订，修订后的金额本系统尚未核实录入。计算器按${set.document}给出参考数；请对照现行文本确定金额。</p>` : ''}
    <div class="field"><label for="rw-kind">举报情形</label><select id="rw-kind" name="kind">
      ${[
        ['general_hazard', '一般事故隐患'],
        ['major_or_illegal', '重大事故隐患、非法违法行为（按罚款金额计算）'],
        ['concealed_accident', '瞒报谎报事故（按死亡人数和事故等级）'],
      ].map(([k, label]) => html`<option value="${k}"${d('kind') === k ? html` selected` : ''}>${label}</option>`)}</select></div>
    <div class="field"><label for="rw-fine">行政处罚罚款（元，重大隐患和违法行为填写）</label><input id="rw-fine" name="fine_yuan" type="number" min="0" value="${d('fine_yuan')}"></div>
    <div class="field"><label for="rw-deaths">查实瞒报谎报死亡人数</label><input id="rw-deaths" name="deaths" type="number" min="0" value="${d('deaths')}"></div>
    <div class="field"><label for="rw-grade">事故等级</label><select id="rw-grade" name="grade">${Object.entries(GRADE_NAMES).map(([k, label]) => html`<option value="${k}"${d('grade') === k ? html` selected` : ''}>${label}</option>`)}</select></div>
    <button type="submit" class="button secondary" name="action" value="calculate">计算（不保存）</button>
    ${calc ? calculationBlock(calc) : html`<p class="field-hint">点"计算"后这里显示金额、算法和出处；填好的内容不会丢。</p>`}
    <div class="field"><label for="rw-amount">奖励金额（元，${READS_REPORTER}）</label><input id="rw-amount" name="amount_yuan" type="number" min="0" value="${amount}"></div>
    ${unconfirmed ? html`<label class="check"><input type="checkbox" name="verified" value="yes"${d('verified') === 'yes' ? html` checked` : ''}> 已对照现行文本核实金额（现行标准未录入时必须勾选，并在下面写明条款）</label>` : ''}
    ${textField('rw-reason', 'reason', '给举报人的说明（不予奖励时写原因；现行标准未录入时写明金额依据的条款）', 'reporter', false, d('reason'), 2)}
    ${correcting ? textField('rw-correction', 'correction_reason', '更正原因（记入审计日志）', 'staff', true, d('correction_reason'), 2) : ''}
    <p class="field-hint">给予奖励时，举报人会收到领取方式：只需出示查询码，转账只需收款人姓名和账号。</p>`,
    html`<button type="submit" class="button" name="action" value="decide">${correcting ? '记录更正' : '记录奖励决定'}</button>`,
    draft,
    'reward-form',
  );
}
