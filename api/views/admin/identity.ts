/** Identity access: the custodian's list and the one-time view. */
import { beijingTime } from '../../clock.ts';
import type { IdentityRequestView } from '../../services/admin/identity.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminNav, backField, csrfField } from './common.ts';

export const IDENTITY_STATUS = { pending: '等待审批', approved: '已批准，未查看', refused: '已拒绝', viewed: '已查看（一次）' } as const;


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
        <p>申请人：${q.requester} · ${beijingTime(q.created_at)}（北京时间） · ${IDENTITY_STATUS[q.status as keyof typeof IDENTITY_STATUS] ?? q.status}</p>
        <p>理由：${q.reason ?? '（无法解密理由：您的账号没有身份保管密钥。）'}</p>
        ${q.status === 'pending'
          ? html`<div class="button-row">
          <form method="post" action="/api/admin/identity-requests/${q.id}/decision">${csrfField(s)}${backField('/admin/identity/')}<input type="hidden" name="approve" value="yes"><button class="button" type="submit">批准</button></form>
          <form method="post" action="/api/admin/identity-requests/${q.id}/decision">${csrfField(s)}${backField('/admin/identity/')}<input type="hidden" name="approve" value="no"><button class="button secondary" type="submit">拒绝</button></form></div>`
          : ''}
      </section>`,
    )}`;
}

