/**
 * Back office: staff API under /api/admin/ and its server-rendered pages under /admin/.
 * Every route is declared with `defineRoute` and its access rule (see access.ts). API calls answer
 * JSON; the pages' own forms get a redirect back (or a Chinese error page) instead.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { StaffRole } from '../../../config/staff.ts';
import { first, type Db } from '../../db/client.ts';
import { staffUsers } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { auditCheckpoint, listAudit, verifyAuditChain, appendAudit } from '../../services/admin/audit.ts';
import { addInternalNote, addStaffFiles, assignCase, caseNumbers, extendCase, listQueue, messageReporter, openCase, parseCaseNumberQuery, readCaseFile, transitionCase, type CaseView, type QueueFilter } from '../../services/admin/cases.ts';
import { auditCsv, casesCsv, monthlyCsv } from '../../services/admin/export.ts';
import { isMonth, monthlySummary } from '../../services/admin/stats.ts';
import { addDays, dayOf } from '../../services/reports/shared.ts';
import { isEmptyFilePart } from '../../services/reports/attachments.ts';
import { caseAssignments, reports } from '../../db/schema.ts';
import { and, eq } from 'drizzle-orm';
import { decideIdentityRequest, listIdentityRequests, requestIdentity, viewApprovedIdentity } from '../../services/admin/identity.ts';
import { purgeExpired } from '../../services/admin/retention.ts';
import { defaultRuleSetFor, parseRewardCase, recordRewardDecision, suggestReward } from '../../services/admin/rewards.ts';
import { handlingSettings, parseSettings, saveHandlingSettings } from '../../services/admin/settings.ts';
import { changePassword, login, logout, publicStaff } from '../../services/admin/staff.ts';
import type { BlobStore } from '../../services/blob-store.ts';
import type { InstanceKeys } from '../../services/keys.ts';
import { auditPage, casePage, identityRequestsPage, identityShownPage, loginPage, monthlyStatsPage, passwordPage, printPage, queuePage, replyPage, settingsPage, slipPage, StaffLayout, type CaseDraft } from '../../views/admin-pages.ts';
import type { AuditPageFilter } from '../../views/admin/audit.ts';
import { forcedPasswordNotice, passwordChangedNotice } from '../../views/admin/accounts.ts';
import { rewardSuggestionOrError } from './reward-form.ts';
import { accountRoutes } from './accounts.ts';
import { registerChannelRoutes } from './channels.ts';
import type { NotifyConfig } from '../../services/notify/config.ts';
import { fileHeaders, fileRoutes } from './files.ts';
import { staffFile } from '../../services/admin/case-files.ts';
import { html, type SafeHtml } from '../../views/html.ts';
import type { PageShell } from '../../views/shell.ts';
import { nextStatusesFor } from './policy.ts';
import { AccessError, clearSessionCookies, defineRoute, isFormRequest, sessionOf, setSessionCookies, type AdminEnv, type RouteRule } from './access.ts';

export interface AdminDeps {
  db: Db;
  store: BlobStore;
  keys: InstanceKeys;
  shell: PageShell;
  /** Built site: the staff layout borrows its stylesheets (optional in API-only tests). */
  siteDir?: string;
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
  const { db, store, keys } = deps;
  const layout = new StaffLayout(deps.siteDir ?? null);
  const app = new Hono<AdminEnv>();
  const rules: RouteRule[] = [];
  const route = (rule: RouteRule, handler: Parameters<typeof defineRoute>[4]) => defineRoute(app, db, rules, rule, handler);
  const page = (c: Context, title: string, body: SafeHtml, status: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 413 | 423 = 200, print = false) => c.html(layout.render({ title, body, print }), status);
  /** JSON for API clients, a redirect for the pages' forms. */
  const done = (c: Context<AdminEnv>, json: unknown, back: string) => (isFormRequest(c) ? c.redirect(backTo(c, back), 303) : c.json(json as object, 200));

  // ---- Login and session ------------------------------------------------------------------
  route({ method: 'GET', path: '/admin/login', allow: 'public' }, function loginForm(c) {
    if (c.get('session')) return c.redirect('/admin/', 303);
    return page(c, '登录', c.get('input').changed === '1' ? html`${passwordChangedNotice()}${loginPage()}` : loginPage());
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

  route({ method: 'POST', path: '/api/admin/logout', allow: ALL_ROLES }, async function logoutRoute(c) {
    await logout(db, sessionOf(c));
    clearSessionCookies(c);
    return isFormRequest(c) ? c.redirect('/admin/login', 303) : c.json({ ok: true });
  });

  route({ method: 'GET', path: '/api/admin/session', allow: ALL_ROLES }, function whoami(c) {
    const s = sessionOf(c);
    return c.json({ user: publicStaff(s.user), csrf_token: s.csrfToken });
  });

  route({ method: 'GET', path: '/admin/password', allow: ALL_ROLES }, function passwordForm(c) {
    const s = sessionOf(c);
    const body = passwordPage(s, c.get('input').saved === '1');
    return page(c, '修改密码', s.user.mustChangePassword ? html`${forcedPasswordNotice()}${body}` : body);
  });

  route({ method: 'POST', path: '/api/admin/password', allow: ALL_ROLES }, async function passwordRoute(c) {
    const i = c.get('input');
    const { relogin } = await changePassword(db, sessionOf(c), str(i.current_password), str(i.new_password), keys);
    // Replacing an initial password makes a new key pair and ends the session: log in again with it.
    if (relogin) clearSessionCookies(c);
    if (!isFormRequest(c)) return c.json({ ok: true, relogin });
    return c.redirect(relogin ? '/admin/login?changed=1' : sessionOf(c).user.mustChangePassword ? '/admin/' : '/admin/password?saved=1', 303);
  });

  // ---- Queue and cases ----------------------------------------------------------------------
  const filterOf = (c: Context<AdminEnv>): QueueFilter => {
    const i = c.get('input');
    const month = str(i.month);
    return { status: str(i.status) || undefined, sector: str(i.sector) || undefined, department: str(i.department) || undefined, deadline: str(i.deadline) || undefined, q: str(i.q).trim() || undefined, month: isMonth(month) ? month : undefined, channel: str(i.channel) || undefined };
  };

  route({ method: 'GET', path: '/admin/', allow: ALL_ROLES }, async function home(c) {
    const s = sessionOf(c);
    const role = s.user.role as StaffRole;
    if (role === 'custodian') return c.redirect('/admin/identity/', 303);
    if (role === 'admin') return c.redirect('/admin/staff/', 303);
    const filter = filterOf(c);
    const all = await listQueue(db, s.user, {});
    const counts = { overdue: all.filter((i) => i.deadline_state === 'overdue').length, soon: all.filter((i) => i.deadline_state === 'soon').length, newMessages: all.filter((i) => i.new_messages > 0).length };
    return page(c, '案件列表', queuePage(s, await listQueue(db, s.user, filter), filter, counts));
  });

  route({ method: 'GET', path: '/api/admin/reports', allow: QUEUE_ROLES }, async function queue(c) {
    return c.json({ items: await listQueue(db, sessionOf(c).user, filterOf(c)) });
  });

  route({ method: 'GET', path: '/api/admin/export.csv', allow: ['intake', 'supervisor', 'auditor'] }, async function exportCsv(c) {
    const s = sessionOf(c);
    const filter = filterOf(c);
    const items = await listQueue(db, s.user, filter);
    await appendAudit(db, { actor: s.user.id, action: 'export.csv', detail: { rows: items.length, ...(filter.month ? { month: filter.month } : {}) } });
    c.header('Content-Disposition', `attachment; filename="cases-${filter.month ?? dayOf()}.csv"`);
    return c.body(casesCsv(items), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  const caseActions = (role: StaffRole, view: Pick<CaseView, 'status' | 'extension_days' | 'due_on'>) => {
    const status = view.status;
    const working = !['received', 'closed', 'not_accepted'].includes(status);
    return {
      transitions: nextStatusesFor(role, status),
      assign: (role === 'intake' || role === 'supervisor') && working,
      // One extension, decided before the deadline runs out (extendCase checks the same).
      extend: (role === 'handler' || role === 'supervisor') && working && !view.extension_days && view.due_on >= dayOf(),
      reward: role === 'supervisor' && ['substantiated', 'unsubstantiated', 'rectifying', 'closed'].includes(status),
      identity: role === 'handler' || role === 'supervisor',
      documents: status !== 'received' && status !== 'not_accepted',
    };
  };
  const renderCase = async (c: Context<AdminEnv>, view: CaseView, draft?: CaseDraft, status: 200 | 400 | 403 | 404 | 409 | 413 = 200) => {
    const s = sessionOf(c);
    return page(c, `案件 ${view.ref}`, casePage(s, view, caseActions(s.user.role as StaffRole, view), (await handlingSettings(db)).maxExtensionDays, draft), status);
  };

  route({ method: 'GET', path: '/admin/cases/:id', allow: CASE_ROLES }, async function casePageRoute(c) {
    const s = sessionOf(c);
    return renderCase(c, await openCase(db, s, param(c, 'id')));
  });

  route({ method: 'GET', path: '/admin/cases/:id/print', allow: CASE_ROLES }, async function printRoute(c) {
    const s = sessionOf(c);
    const view = await openCase(db, s, param(c, 'id'));
    await appendAudit(db, { actor: s.user.id, action: 'case.printed', reportId: view.id });
    return page(c, `案卷 ${view.ref}`, printPage(view), 200, true);
  });

  route({ method: 'GET', path: '/admin/cases/:id/slip', allow: ['intake', 'supervisor', 'handler'] }, async function slipRoute(c) {
    const s = sessionOf(c);
    const view = await openCase(db, s, param(c, 'id'));
    if (!view.departments.length) throw new UserError(409, 'not_assigned', '这件案件还没有转办，没有转办单。');
    const assignedOn = first(await db.select({ on: caseAssignments.assignedOn }).from(caseAssignments).where(and(eq(caseAssignments.reportId, view.id), eq(caseAssignments.department, view.departments[0]!))).limit(1))?.on ?? dayOf();
    await appendAudit(db, { actor: s.user.id, action: 'slip.printed', reportId: view.id });
    return page(c, `转办单 ${view.ref}`, slipPage(view, assignedOn, (await handlingSettings(db)).maxExtensionDays), 200, true);
  });

  route({ method: 'GET', path: '/admin/cases/:id/reply', allow: CASE_ROLES }, async function replyRoute(c) {
    const s = sessionOf(c);
    const view = await openCase(db, s, param(c, 'id'));
    if (view.status !== 'closed' && view.status !== 'not_accepted') throw new UserError(409, 'not_closed', '案件办结（或不予受理）后才能出具回复函。');
    await appendAudit(db, { actor: s.user.id, action: 'reply.printed', reportId: view.id });
    return page(c, `回复函 ${view.ref}`, replyPage(view), 200, true);
  });

  route({ method: 'GET', path: '/api/admin/reports/:id', allow: CASE_ROLES }, async function caseJson(c) {
    const s = sessionOf(c);
    const view = await openCase(db, s, param(c, 'id'));
    return c.json({ ...view, actions: caseActions(s.user.role as StaffRole, view) });
  });

  route({ method: 'GET', path: '/api/admin/reports/:id/files/:fileId', allow: CASE_ROLES }, async function fileRoute(c) {
    // Issue 10 item 3: PDFs only as page images (files.ts); images (re-encoded) may be previewed inline;
    // everything else is a download under a generated name (附件N.ext), never the uploader's.
    const f = await staffFile(db, store, sessionOf(c), param(c, 'id'), param(c, 'fileId'));
    if (f.kind === 'pdf') return c.redirect(`/admin/cases/${f.reportId}/files/${f.id}`, 303);
    const preview = c.get('input').preview === '1' && f.kind === 'image';
    // Issue 14: an image shown on the case page is audited once per login; a download every time.
    const { data } = await readCaseFile(db, store, sessionOf(c), f.reportId, f.id, preview ? 'inline' : 'download');
    return c.body(new Uint8Array(data), 200, fileHeaders(f, preview ? 'inline' : 'attachment', preview ? f.mime : 'application/octet-stream'));
  });
  fileRoutes(db, store, route, page);

  route({ method: 'POST', path: '/api/admin/reports/:id/transition', allow: CASE_ROLES }, async function transition(c) {
    const i = c.get('input');
    const id = param(c, 'id');
    await transitionCase(db, sessionOf(c), id, { status: str(i.status), note: str(i.note), internalNote: str(i.internal_note), rectifyDueOn: str(i.rectify_due_on) || undefined });
    return done(c, { ok: true }, `/admin/cases/${id}`);
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/assign', allow: ['intake', 'supervisor'] }, async function assign(c) {
    const i = c.get('input');
    const id = param(c, 'id');
    await assignCase(db, sessionOf(c), id, list(i.departments), str(i.note), str(i.internal_note));
    return done(c, { ok: true }, `/admin/cases/${id}`);
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/extend', allow: ['handler', 'supervisor'] }, async function extend(c) {
    const i = c.get('input');
    const id = param(c, 'id');
    const days = typeof i.days === 'number' ? i.days : Number(str(i.days));
    await extendCase(db, sessionOf(c), id, days, str(i.reason), str(i.internal_note));
    return done(c, { ok: true }, `/admin/cases/${id}`);
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/messages', allow: CASE_ROLES }, async function message(c) {
    const id = param(c, 'id');
    await messageReporter(db, sessionOf(c), id, str(c.get('input').body));
    return done(c, { ok: true }, `/admin/cases/${id}`);
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/notes', allow: CASE_ROLES }, async function note(c) {
    const id = param(c, 'id');
    await addInternalNote(db, sessionOf(c), id, str(c.get('input').body));
    return done(c, { ok: true }, `/admin/cases/${id}`);
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/files', allow: CASE_ROLES }, async function uploadDocuments(c) {
    const id = param(c, 'id');
    const raw = c.get('input').files;
    const files = (Array.isArray(raw) ? raw : [raw]).filter((f): f is File => f instanceof File && !isEmptyFilePart(f));
    const attachments = await addStaffFiles(db, store, sessionOf(c), id, files);
    return done(c, { ok: true, attachments }, `/admin/cases/${id}`);
  });

  // ---- Rewards ------------------------------------------------------------------------------
  route({ method: 'POST', path: '/api/admin/reports/:id/reward/calculate', allow: ['supervisor'] }, async function calculate(c) {
    const i = c.get('input');
    const view = await openCase(db, sessionOf(c), param(c, 'id'));
    return c.json(suggestReward(str(i.rule_set) || defaultRuleSetFor(view.created_on), parseRewardCase(i), { sector: view.sector, reportedOn: view.created_on }));
  });

  route({ method: 'POST', path: '/api/admin/reports/:id/reward', allow: ['supervisor'] }, async function reward(c) {
    const i = c.get('input');
    const id = param(c, 'id');
    if (str(i.action) === 'calculate' && isFormRequest(c)) {
      // The calculator inside the decision form: nothing is saved, the form comes back filled in with the working.
      const view = await openCase(db, sessionOf(c), id);
      const calc = rewardSuggestionOrError(i, view);
      return renderCase(c, view, { form: 'reward', values: draftValues(i), ...calc }, calc.error ? 400 : 200);
    }
    const decision = str(i.decision);
    if (decision !== 'granted' && decision !== 'not_granted') throw new UserError(400, 'invalid_field', '请选择"给予奖励"或"不予奖励"。', 'decision');
    const amountRaw = typeof i.amount_yuan === 'number' ? i.amount_yuan : str(i.amount_yuan) ? Number(str(i.amount_yuan)) : null;
    await recordRewardDecision(db, sessionOf(c), id, {
      decision,
      amountYuan: amountRaw,
      ruleSet: str(i.rule_set) || defaultRuleSetFor((await openCase(db, sessionOf(c), id)).created_on),
      case: decision === 'granted' ? parseRewardCase(i) : null,
      reason: str(i.reason),
      verifiedAgainstCurrentText: i.verified === 'yes' || i.verified === true,
      correctionReason: str(i.correction_reason),
    });
    return done(c, { ok: true }, `/admin/cases/${id}`);
  });

  // ---- Identity access ----------------------------------------------------------------------
  route({ method: 'POST', path: '/api/admin/reports/:id/identity-requests', allow: ['handler', 'supervisor'] }, async function askIdentity(c) {
    const id = param(c, 'id');
    const requestId = await requestIdentity(db, keys, sessionOf(c), id, str(c.get('input').reason));
    return done(c, { id: requestId }, `/admin/cases/${id}`);
  });

  route({ method: 'GET', path: '/admin/identity/', allow: ['custodian'] }, async function identityPage(c) {
    const s = sessionOf(c);
    return page(c, '身份查看申请', identityRequestsPage(s, await listIdentityRequests(db, s)));
  });

  route({ method: 'GET', path: '/api/admin/identity-requests', allow: ['custodian'] }, async function identityList(c) {
    return c.json({ items: await listIdentityRequests(db, sessionOf(c)) });
  });

  route({ method: 'POST', path: '/api/admin/identity-requests/:id/decision', allow: ['custodian'] }, async function identityDecision(c) {
    const approve = c.get('input').approve;
    await decideIdentityRequest(db, sessionOf(c), param(c, 'id'), approve === true || approve === 'yes');
    return done(c, { ok: true }, '/admin/identity/');
  });

  route({ method: 'POST', path: '/api/admin/identity-requests/:id/view', allow: ['handler', 'supervisor'] }, async function identityView(c) {
    const s = sessionOf(c);
    const requestId = param(c, 'id');
    const identity = await viewApprovedIdentity(db, s, requestId);
    if (!isFormRequest(c)) return c.json(identity);
    const reportId = (await listIdentityRequests(db, s)).find((q) => q.id === requestId)?.report_id ?? '';
    return page(c, '举报人身份', identityShownPage(s, reportId, identity));
  });

  // ---- Monthly statistics for the 安委会 ------------------------------------------------------
  const STATS_ROLES = ['intake', 'supervisor', 'auditor'] as const satisfies readonly StaffRole[];
  const monthOf = (c: Context<AdminEnv>) => {
    const m = str(c.get('input').month);
    if (!m) return addDays(dayOf().slice(0, 7) + '-01', -1).slice(0, 7);
    if (!isMonth(m)) throw new UserError(400, 'invalid_field', '月份格式不对，请用月份选择框选择（例如 2026-11）。', 'month');
    return m;
  };

  route({ method: 'GET', path: '/admin/stats/', allow: STATS_ROLES }, async function monthlyPage(c) {
    const s = sessionOf(c);
    const summary = await monthlySummary(db, monthOf(c));
    await appendAudit(db, { actor: s.user.id, action: 'stats.monthly', detail: { month: summary.month } });
    return page(c, `${summary.label}月度统计`, monthlyStatsPage(s, summary));
  });

  route({ method: 'GET', path: '/api/admin/stats.csv', allow: STATS_ROLES }, async function monthlyCsvRoute(c) {
    const s = sessionOf(c);
    const summary = await monthlySummary(db, monthOf(c));
    await appendAudit(db, { actor: s.user.id, action: 'stats.monthly', detail: { month: summary.month, rows: summary.by_sector.length + summary.by_township.length + 1 } });
    c.header('Content-Disposition', `attachment; filename="monthly-${summary.month}.csv"`);
    return c.body(monthlyCsv(summary), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  route({ method: 'GET', path: '/api/admin/stats/monthly', allow: STATS_ROLES }, async function monthlyJson(c) {
    return c.json(await monthlySummary(db, monthOf(c)));
  });

  // ---- Audit --------------------------------------------------------------------------------
  const staffNames = async () => new Map((await db.select({ id: staffUsers.id, n: staffUsers.displayName }).from(staffUsers)).map((u) => [u.id, u.n] as [string, string]));
  const DAY = /^\d{4}-\d{2}-\d{2}$/;

  /** The auditor's filters; a case is named by its number, as the auditor knows it. */
  const auditFilterOf = async (c: Context<AdminEnv>): Promise<{ filter: AuditPageFilter; reportId?: string; caseNotFound: boolean }> => {
    const i = c.get('input');
    const filter: AuditPageFilter = {
      from: DAY.test(str(i.from)) ? str(i.from) : undefined,
      to: DAY.test(str(i.to)) ? str(i.to) : undefined,
      action: str(i.action) || undefined,
      actor: str(i.actor) || undefined,
      case: str(i.case).trim() || undefined,
    };
    let reportId: string | undefined = str(i.report_id) || undefined;
    let caseNotFound = false;
    if (filter.case) {
      const q = parseCaseNumberQuery(filter.case);
      const row = q && !('legacy' in q) && q.year ? first(await db.select({ id: reports.id }).from(reports).where(and(eq(reports.caseYear, q.year), eq(reports.caseSeq, q.seq))).limit(1)) : undefined;
      reportId = row?.id ?? '-none-';
      caseNotFound = !row;
    }
    return { filter, reportId, caseNotFound };
  };

  route({ method: 'GET', path: '/admin/audit/', allow: ['auditor', 'admin'] }, async function auditRoute(c) {
    const s = sessionOf(c);
    const pageNo = Math.max(1, Number(str(c.get('input').page)) || 1);
    const { filter, reportId, caseNotFound } = await auditFilterOf(c);
    const { total, entries } = await listAudit(db, { limit: 50, offset: (pageNo - 1) * 50, reportId, actor: filter.actor, action: filter.action, from: filter.from, to: filter.to });
    return page(c, '审计日志', auditPage(s, entries, total, pageNo, await verifyAuditChain(db), await staffNames(), await caseNumbers(db), filter, await auditCheckpoint(db, addDays(dayOf(), -1)), caseNotFound));
  });

  route({ method: 'GET', path: '/api/admin/audit.csv', allow: ['auditor', 'admin'] }, async function auditCsvRoute(c) {
    const s = sessionOf(c);
    const { filter, reportId } = await auditFilterOf(c);
    const { entries } = await listAudit(db, { limit: Number.MAX_SAFE_INTEGER, offset: 0, reportId, actor: filter.actor, action: filter.action, from: filter.from, to: filter.to });
    await appendAudit(db, { actor: s.user.id, action: 'audit.exported', detail: { rows: entries.length } });
    c.header('Content-Disposition', `attachment; filename="audit-${dayOf()}.csv"`);
    return c.body(auditCsv(entries, await staffNames(), await caseNumbers(db)), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  route({ method: 'GET', path: '/api/admin/audit', allow: ['auditor', 'admin'] }, async function auditJson(c) {
    const i = c.get('input');
    const limit = Math.min(500, Math.max(1, Number(str(i.limit)) || 100));
    const offset = Math.max(0, Number(str(i.offset)) || 0);
    const { filter, reportId } = await auditFilterOf(c);
    return c.json({ ...(await listAudit(db, { limit, offset, reportId, actor: filter.actor, action: filter.action, from: filter.from, to: filter.to })), verify: await verifyAuditChain(db), checkpoint: await auditCheckpoint(db, addDays(dayOf(), -1)) });
  });

  // ---- Administration -----------------------------------------------------------------------
  // Accounts and the two-person rule for report keys live in accounts.ts (issue 10 item 6, issue 14 item 7).
  accountRoutes(db, keys, route, page);

  route({ method: 'GET', path: '/admin/settings/', allow: ['admin'] }, async function settingsRoute(c) {
    const i = c.get('input');
    const purged = /^\d+\.\d+\.\d+$/.exec(str(i.purged)) ? str(i.purged).split('.').map(Number) : null;
    return page(c, '期限和保存设置', settingsPage(sessionOf(c), await handlingSettings(db), i.saved === '1', purged ? { cases: purged[0]!, files: purged[1]!, identities: purged[2]! } : undefined));
  });

  route({ method: 'POST', path: '/api/admin/settings', allow: ['admin'] }, async function saveSettings(c) {
    const s = sessionOf(c);
    const settings = parseSettings(c.get('input'));
    await saveHandlingSettings(db, settings);
    await appendAudit(db, { actor: s.user.id, action: 'settings.changed', detail: { ...settings } });
    return isFormRequest(c) ? c.redirect('/admin/settings/?saved=1', 303) : c.json(settings);
  });

  route({ method: 'POST', path: '/api/admin/retention/run', allow: ['admin'] }, async function retention(c) {
    const result = await purgeExpired(db, store, sessionOf(c).user.id);
    return isFormRequest(c) ? c.redirect(`/admin/settings/?purged=${result.cases}.${result.files}.${result.identities}`, 303) : c.json(result);
  });

  // Issue 15: staff-entered reports, 12345 work orders, channel figures, notifications (api/routes/admin/channels.ts).
  registerChannelRoutes(app, rules, { db, store, keys, page, notify: deps.notify ?? null });

  /** Which form on the case page a refused POST came from, so the page can come back filled in. */
  const CASE_FORM = /^\/api\/admin\/reports\/([^/]+)\/(transition|assign|extend|messages|notes|reward|files|identity-requests)$/;
  const formKey = (action: string, input: Record<string, unknown>) => (action === 'transition' ? `transition:${str(input.status)}` : action === 'identity-requests' ? 'identity' : action);

  app.onError(async (err, c) => {
    if (!(err instanceof UserError)) throw err;
    c.header('Cache-Control', 'no-store');
    const path = c.req.path;
    if (err instanceof AccessError && err.status === 401 && (c.req.method === 'GET' && path.startsWith('/admin/'))) return c.redirect('/admin/login', 303);
    if (path.startsWith('/api/') && !isFormRequest(c)) return c.json({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } }, err.status);
    // Pages speak Chinese only: "登录名（username）" reads "登录名" on a page (the JSON keeps the field name).
    const message = err.message.replace(/（[a-z_]+）/g, '');
    const input = (c.get('input') ?? {}) as Record<string, unknown>;
    const m = CASE_FORM.exec(path);
    const session = c.get('session');
    if (m && session && !(err instanceof AccessError)) {
      // Back to the case with what was typed and the reason next to that form.
      try {
        const view = await openCase(db, session, m[1]!);
        return await renderCase(c as Context<AdminEnv>, view, { form: formKey(m[2]!, input), values: draftValues(input), error: message }, err.status as 400);
      } catch {
        /* the case itself cannot be shown: fall through to the plain error page */
      }
    }
    if (path === '/api/admin/settings' && session && err.code === 'invalid_field') {
      // The settings form comes back with what was typed and the reason.
      return c.html(layout.render({ title: '期限和保存设置', body: settingsPage(session, await handlingSettings(db), false, undefined, { error: message, values: draftValues(input) }) }), 400);
    }
    const back = c.req.method === 'POST' ? backTo(c as Context<AdminEnv>, '/admin/') : '/admin/';
    return c.html(layout.render({ title: '操作没有完成', body: errorBody(message, back) }), err.status);
  });

  return { app, rules };
}

/** Form fields as text, for filling a refused form in again (files and the CSRF token are not kept). */
function draftValues(input: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(input)) {
    if (k === '_csrf' || k === '_back') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string').join(',');
  }
  return out;
}

function errorBody(message: string, back: string): SafeHtml {
  return html`<div class="page-head"><h1>操作没有完成</h1><p class="lead" role="alert">${message}</p></div><p><a class="button" href="${back}">返回</a></p>`;
}
