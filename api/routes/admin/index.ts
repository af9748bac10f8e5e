/**
 * Back office: staff API under /api/admin/ and its server-rendered pages under /admin/.
 * Every route is declared with `defineRoute` and its access rule (see access.ts). API calls answer
 * JSON; the pages' own forms get a redirect back (or a Chinese error page) instead.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import QRCode from 'qrcode';
import type { StaffRole } from '../../../config/staff.ts';
import { totpUri } from '../../crypto/index.ts';
import type { Db } from '../../db/client.ts';
import { staffUsers } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { listAudit, verifyAuditChain, appendAudit } from '../../services/admin/audit.ts';
import { assignCase, extendCase, listQueue, messageReporter, openCase, readCaseFile, transitionCase, type QueueFilter } from '../../services/admin/cases.ts';
import { casesCsv } from '../../services/admin/export.ts';
import { decideIdentityRequest, listIdentityRequests, requestIdentity, viewApprovedIdentity } from '../../services/admin/identity.ts';
import { purgeExpired } from '../../services/admin/retention.ts';
import { parseRewardCase, recordRewardDecision, suggestReward } from '../../services/admin/rewards.ts';
import { handlingSettings, parseSettings, saveHandlingSettings } from '../../services/admin/settings.ts';
import { changePassword, createStaff, deactivateStaff, grantsForRole, login, logout, publicStaff, validateNewStaff } from '../../services/admin/staff.ts';
import type { BlobStore } from '../../services/blob-store.ts';
import { unlockWithRecoveryKey, RecoveryKeyError, type InstanceKeys } from '../../services/keys.ts';
import { auditPage, casePage, identityRequestsPage, identityShownPage, loginPage, passwordPage, printPage, queuePage, settingsPage, staffPage } from '../../views/admin-pages.ts';
import { html, type SafeHtml } from '../../views/html.ts';
import type { PageShell } from '../../views/shell.ts';
import { nextStatusesFor } from './policy.ts';
import { registerChannelRoutes } from './channels.ts';
import type { NotifyConfig } from '../../services/notify/config.ts';
import { AccessError, clearSessionCookies, defineRoute, isFormRequest, sessionOf, setSessionCookies, type AdminEnv, type RouteRule } from './access.ts';

export interface AdminDeps {
  db: Db;
  store: BlobStore;
  keys: InstanceKeys;
  shell: PageShell;
  /** Notification settings (issue 15); absent in tests that do not need them. */
  notify?: NotifyConfig | null;
}

const CASE_ROLES = ['intake', 'handler', 'supervisor'] as const satisfies readonly StaffRole[];
const QUEUE_ROLES = ['intake', 'handler', 'supervisor', 'auditor'] as const satisfies readonly StaffRole[];
const ALL_ROLES = ['intake', 'handler', 'supervisor', 'custodian', 'auditor', 'admin'] as const satisfies readonly StaffRole[];

const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' && v ? [v] : []);

function param(c: Context<AdminEnv>, name: string): string {
  const v = c.req.param(name);
  if (!v) throw new UserError(404, 'not_found', '找不到这个地址。');
  return v;
}

/** Where a form asks to go back to: only back-office pages. */
function backTo(c: Context<AdminEnv>, fallback: string): string {
  const back = str((c.get('input') ?? {})._back);
  return /^\/admin\/[A-Za-z0-9_\-/]*$/.test(back) ? back : fallback;
}

export function adminRoutes(deps: AdminDeps): { app: Hono<AdminEnv>; rules: RouteRule[] } {
  const { db, store, keys, shell } = deps;
  const app = new Hono<AdminEnv>();
  const rules: RouteRule[] = [];
  const route = (rule: RouteRule, handler: Parameters<typeof defineRoute>[4]) => defineRoute(app, db, rules, rule, handler);
  const page = (c: Context, title: string, body: SafeHtml, status: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 423 = 200) => c.html(shell.render({ title: `${title} - 办理后台`, body }), status);
  /** JSON for API clients, a redirect for the pages' forms. */
  const done = (c: Context<AdminEnv>, json: unknown, back: string) => (isFormRequest(c) ? c.redirect(backTo(c, back), 303) : c.json(json as object, 200));

  // ---- Login and session ------------------------------------------------------------------
  route({ method: 'GET', path: '/admin/login', allow: 'public' }, function loginForm(c) {
    if (c.get('session')) return c.redirect('/admin/', 303);
    return page(c, '登录', loginPage());
  });

  route({ method: 'POST', path: '/api/admin/login', allow: 'public' }, async function loginRoute(c) {
    const input = c.get('input');
    try {
      const result = await login(db, str(input.username), str(input.password), str(input.code));
      setSessionCookies(c, result.token);
      if (isFormRequest(c)) return c.redirect('/admin/', 303);
      return c.json({ user: publicStaff(result.user), csrf_token: result.csrfToken });
    } catch (e) {
      if (e instanceof UserError && isFormRequest(c)) return page(c, '登录', loginPage(e.message), e.status as 401 | 423);
      throw e;
    }
  });

  route({ method: 'POST', path: '/api/admin/logout', allow: ALL_ROLES }, function logoutRoute(c) {
    logout(db, sessionOf(c));
    clearSessionCookies(c);
    return isFormRequest(c) ? c.redirect('/admin/login', 303) : c.json({ ok: true });
  });

  route({ method: 'GET', path: '/api/admin/session', allow: ALL_ROLES }, function whoami(c) {
    const s = sessionOf(c);
    return c.json({ user: publicStaff(s.user), csrf_token: s.csrfToken });
  });

  route({ method: 'GET', path: '/admin/password', allow: ALL_ROLES }, function passwordForm(c) {
    return page(c, '修改密码', passwordPage(sessionOf(c), c.get('input').saved === '1'));
  });

  route({ method: 'POST', path: '/api/admin/password', allow: ALL_ROLES }, async function passwordRoute(c) {
    const i = c.get('input');
    await changePassword(db, sessionOf(c), str(i.current_password), str(i.new_password));
    return isFormRequest(c) ? c.redirect('/admin/password?saved=1', 303) : c.json({ ok: true });
  });

  // ---- Queue and cases ----------------------------------------------------------------------
  const filterOf = (c: Context<AdminEnv>): QueueFilter => {
    const i = c.get('input');
    return { status: str(i.status) || undefined, sector: str(i.sector) || undefined, department: str(i.department) || undefined, deadline: str(i.deadline) || undefined, channel: str(i.channel) || undefined };
  };

  route({ method: 'GET', path: '/admin/', allow: ALL_ROLES }, function home(c) {
    const s = sessionOf(c);
    const role = s.user.role as StaffRole;
    if (role === 'custodian') return c.redirect('/admin/identity/', 303);
    if (role === 'admin') return c.redirect('/admin/staff/', 303);
    const filter = filterOf(c);
    const all = listQueue(db, s.user, {});
    const counts = { overdue: all.filter((i) => i.deadline_state === 'overdue').length, soon: all.filter((i) => i.deadline_state === 'soon').length };
    return page(c, '案件列表', queuePage(s, listQueue(db, s.user, filter), filter, counts));
  });

  route({ method: 'GET', path: '/api/admin/reports', allow: QUEUE_ROLES }, function queue(c) {
    return c.json({ items: listQueue(db, sessionOf(c).user, filterOf(c)) });
  });

  route({ method: 'GET', path: '/api/admin/export.csv', allow: ['intake', 'supervisor', 'auditor'] }, function exportCsv(c) {
    const s = sessionOf(c);
    const items = listQueue(db, s.user, filterOf(c));
    appendAudit(db, { actor: s.user.id, action: 'export.csv', detail: { rows: items.length } });
    c.header('Content-Disposition', `attachment; filename="cases-${new Date().toISOString().slice(0, 10)}.csv"`);
    return c.body(casesCsv(items), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  const caseActions = (role: StaffRole, status: string) => ({
    transitions: nextStatusesFor(role, status),
    assign: (role === 'intake' || role === 'supervisor') && !['received', 'closed', 'not_accepted'].includes(status),
    extend: (role === 'handler' || role === 'supervisor') && !['received', 'closed', 'not_accepted'].includes(status),
    reward: role === 'supervisor' && ['substantiated', 'unsubstantiated', 'rectifying', 'closed'].includes(status),
    identity: role === 'handler' || role === 'supervisor',
  });

  route({ method: 'GET', path: '/admin/cases/:id', allow: CASE_ROLES }, function casePageRoute(c) {
    const s = sessionOf(c);
    const view = openCase(db, s, param(c, 'id'));
    return page(c, `案件 ${view.ref}`, casePage(s, view, caseActions(s.user.role as StaffRole, view.status), handlingSettings(db).maxExtensionDays));
  });

  route({ method: 'GET', path: '/admin/cases/:id/print', allow: CASE_ROLES }, function printRoute(c) {
    const s = sessionOf(c);
    const view = openCase(db, s, param(c, 'id'));
    appendAudit(db, { actor: s.user.id, action: 'case.printed', reportId: view.id });
    return page(c, `案卷 ${view.ref}`, printPage(view));
  });

  route({ method: 'GET', path: '/api/admin/reports/:id', allow: CASE_ROLES }, function caseJson(c) {
    const s = sessionOf(c);
    const view = openCase(db, s, param(c, 'id'));
    return c.json({ ...view, actions: caseActions(s.user.role as StaffRole, view.status) });
  });

  route({ method: 'GET', path: '/api/admin/reports/:id/files/:fileId', allow: CASE_ROLES }, function fileRoute(c) {
    const { meta, data } = readCaseFile(db, store, sessionOf(c), param(c, 'id'), param(c, 'fileId'));
    // Images may be previewed inline under a sandbox CSP; everything else is a download, never rendered.
    const preview = c.get('input').preview === '1' && meta.kind === 'image';
    const name = encodeURIComponent(meta.name);
    return c.body(new Uint8Array(data), 200, {
      'Content-Type': preview ? meta.mime : 'application/octet-stream',
      'Content-Disposition': `${preview ? 'inline' : 'attachment'}; filename*=UTF-8''${name}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cache-Control': 'no-store',
    });
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/transition', allow: CASE_ROLES }, function transition(c) {
    const i = c.get('input');
    const id = param(c, 'id');
    transitionCase(db, sessionOf(c), id, { status: str(i.status), note: str(i.note), rectifyDueOn: str(i.rectify_due_on) || undefined });
    return done(c, { ok: true }, `/admin/cases/${id}`);
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/assign', allow: ['intake', 'supervisor'] }, function assign(c) {
    const i = c.get('input');
    const id = param(c, 'id');
    assignCase(db, sessionOf(c), id, list(i.departments), str(i.note));
    return done(c, { ok: true }, `/admin/cases/${id}`);
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/extend', allow: ['handler', 'supervisor'] }, function extend(c) {
    const i = c.get('input');
    const id = param(c, 'id');
    const days = typeof i.days === 'number' ? i.days : Number(str(i.days));
    extendCase(db, sessionOf(c), id, days, str(i.reason));
    return done(c, { ok: true }, `/admin/cases/${id}`);
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/messages', allow: CASE_ROLES }, function message(c) {
    const id = param(c, 'id');
    messageReporter(db, sessionOf(c), id, str(c.get('input').body));
    return done(c, { ok: true }, `/admin/cases/${id}`);
  });

  // ---- Rewards ------------------------------------------------------------------------------
  route({ method: 'POST', path: '/api/admin/reports/:id/reward/calculate', allow: ['supervisor'] }, function calculate(c) {
    const i = c.get('input');
    const view = openCase(db, sessionOf(c), param(c, 'id'));
    return c.json(suggestReward(str(i.rule_set) || 'shandong-2021', parseRewardCase(i), { sector: view.sector, reportedOn: view.created_on }));
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/reward', allow: ['supervisor'] }, function reward(c) {
    const i = c.get('input');
    const id = param(c, 'id');
    const decision = str(i.decision);
    if (decision !== 'granted' && decision !== 'not_granted') throw new UserError(400, 'invalid_field', '请选择"给予奖励"或"不予奖励"。', 'decision');
    const amountRaw = typeof i.amount_yuan === 'number' ? i.amount_yuan : str(i.amount_yuan) ? Number(str(i.amount_yuan)) : null;
    recordRewardDecision(db, sessionOf(c), id, {
      decision,
      amountYuan: amountRaw,
      ruleSet: str(i.rule_set) || 'shandong-2021',
      case: decision === 'granted' ? parseRewardCase(i) : null,
      reason: str(i.reason),
    });
    return done(c, { ok: true }, `/admin/cases/${id}`);
  });

  // ---- Identity access ----------------------------------------------------------------------
  route({ method: 'POST', path: '/api/admin/reports/:id/identity-requests', allow: ['handler', 'supervisor'] }, function askIdentity(c) {
    const id = param(c, 'id');
    const requestId = requestIdentity(db, keys, sessionOf(c), id, str(c.get('input').reason));
    return done(c, { id: requestId }, `/admin/cases/${id}`);
  });

  route({ method: 'GET', path: '/admin/identity/', allow: ['custodian'] }, function identityPage(c) {
    const s = sessionOf(c);
    return page(c, '身份查看申请', identityRequestsPage(s, listIdentityRequests(db, s)));
  });

  route({ method: 'GET', path: '/api/admin/identity-requests', allow: ['custodian'] }, function identityList(c) {
    return c.json({ items: listIdentityRequests(db, sessionOf(c)) });
  });

  route({ method: 'POST', path: '/api/admin/identity-requests/:id/decision', allow: ['custodian'] }, function identityDecision(c) {
    const approve = c.get('input').approve;
    decideIdentityRequest(db, sessionOf(c), param(c, 'id'), approve === true || approve === 'yes');
    return done(c, { ok: true }, '/admin/identity/');
  });

  route({ method: 'POST', path: '/api/admin/identity-requests/:id/view', allow: ['handler', 'supervisor'] }, function identityView(c) {
    const s = sessionOf(c);
    const requestId = param(c, 'id');
    const identity = viewApprovedIdentity(db, s, requestId);
    if (!isFormRequest(c)) return c.json(identity);
    const reportId = listIdentityRequests(db, s).find((q) => q.id === requestId)?.report_id ?? '';
    return page(c, '举报人身份', identityShownPage(s, reportId, identity));
  });

  // ---- Audit --------------------------------------------------------------------------------
  const staffNames = () => new Map(db.select({ id: staffUsers.id, n: staffUsers.displayName }).from(staffUsers).all().map((u) => [u.id, u.n] as [string, string]));

  route({ method: 'GET', path: '/admin/audit/', allow: ['auditor', 'admin'] }, function auditRoute(c) {
    const s = sessionOf(c);
    const pageNo = Math.max(1, Number(str(c.get('input').page)) || 1);
    const { total, entries } = listAudit(db, { limit: 50, offset: (pageNo - 1) * 50 });
    return page(c, '审计日志', auditPage(s, entries, total, pageNo, verifyAuditChain(db), staffNames()));
  });

  route({ method: 'GET', path: '/api/admin/audit', allow: ['auditor', 'admin'] }, function auditJson(c) {
    const i = c.get('input');
    const limit = Math.min(500, Math.max(1, Number(str(i.limit)) || 100));
    const offset = Math.max(0, Number(str(i.offset)) || 0);
    return c.json({ ...listAudit(db, { limit, offset, reportId: str(i.report_id) || undefined, actor: str(i.actor) || undefined }), verify: verifyAuditChain(db) });
  });

  // ---- Administration -----------------------------------------------------------------------
  const allStaff = () => db.select().from(staffUsers).all().map(publicStaff);

  route({ method: 'GET', path: '/admin/staff/', allow: ['admin'] }, function staffRoute(c) {
    return page(c, '账号管理', staffPage(sessionOf(c), allStaff()));
  });

  route({ method: 'GET', path: '/api/admin/staff', allow: ['admin'] }, function staffJson(c) {
    return c.json({ items: allStaff() });
  });

  route({ method: 'POST', path: '/api/admin/staff', allow: ['admin'] }, async function createStaffRoute(c) {
    const s = sessionOf(c);
    const input = c.get('input');
    const newStaff = validateNewStaff({ ...input, username: str(input.username), display_name: str(input.display_name), role: str(input.role), department: str(input.department), password: str(input.password) });
    let custodianKey: Buffer | null = null;
    if (newStaff.role === 'custodian') {
      try {
        custodianKey = unlockWithRecoveryKey(db, str(input.recovery_key)).custodianPrivateKey;
      } catch (e) {
        if (e instanceof RecoveryKeyError) throw new UserError(400, 'invalid_field', e.message, 'recovery_key');
        throw e;
      }
    }
    const grants = grantsForRole(db, keys, s, newStaff.role, newStaff.department, custodianKey);
    const { user, totpSecret } = await createStaff(db, keys, newStaff, grants, s.user.id);
    const uri = totpUri(totpSecret, user.username);
    if (!isFormRequest(c)) return c.json({ user: publicStaff(user), totp_secret: totpSecret, totp_uri: uri }, 201);
    const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 2, width: 220 });
    return page(c, '账号管理', staffPage(s, allStaff(), { username: user.username, totpSecret, qrSvg, uri }), 201);
  });

  route({ method: 'POST', path: '/api/admin/staff/:id/deactivate', allow: ['admin'] }, function deactivate(c) {
    deactivateStaff(db, sessionOf(c), param(c, 'id'));
    return done(c, { ok: true }, '/admin/staff/');
  });

  route({ method: 'GET', path: '/admin/settings/', allow: ['admin'] }, function settingsRoute(c) {
    return page(c, '期限和保存设置', settingsPage(sessionOf(c), handlingSettings(db), c.get('input').saved === '1'));
  });

  route({ method: 'POST', path: '/api/admin/settings', allow: ['admin'] }, function saveSettings(c) {
    const s = sessionOf(c);
    const settings = parseSettings(c.get('input'));
    saveHandlingSettings(db, settings);
    appendAudit(db, { actor: s.user.id, action: 'settings.changed', detail: { ...settings } });
    return isFormRequest(c) ? c.redirect('/admin/settings/?saved=1', 303) : c.json(settings);
  });

  route({ method: 'POST', path: '/api/admin/retention/run', allow: ['admin'] }, function retention(c) {
    const result = purgeExpired(db, store, sessionOf(c).user.id);
    return isFormRequest(c) ? c.redirect('/admin/settings/?saved=1', 303) : c.json(result);
  });

  // Issue 15: staff-entered reports, 12345 work orders, channel figures, notifications (api/routes/admin/channels.ts).
  registerChannelRoutes(app, rules, { db, store, keys, shell, notify: deps.notify ?? null });

  // Unknown back-office API paths: 404 in JSON, with no-store.
  app.onError((err, c) => {
    if (!(err instanceof UserError)) throw err;
    c.header('Cache-Control', 'no-store');
    const path = c.req.path;
    if (err instanceof AccessError && err.status === 401 && (c.req.method === 'GET' && path.startsWith('/admin/'))) return c.redirect('/admin/login', 303);
    if (path.startsWith('/api/') && !isFormRequest(c)) return c.json({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } }, err.status);
    const back = c.req.method === 'POST' ? backTo(c as Context<AdminEnv>, '/admin/') : '/admin/';
    return c.html(shell.render({ title: '操作没有完成 - 办理后台', body: errorBody(err.message, back) }), err.status);
  });

  return { app, rules };
}

function errorBody(message: string, back: string): SafeHtml {
  return html`<link rel="stylesheet" href="/styles/admin.css"><div class="page-head"><h1>操作没有完成</h1><p class="lead" role="alert">${message}</p></div><p><a class="button" href="${back}">返回</a></p>`;
}
