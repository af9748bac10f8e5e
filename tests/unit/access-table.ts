/**
 * Who may call what — written by hand from the role table in README.md ("办理后台和数据公开 → 角色"),
 * NOT derived from the rules in api/routes/admin/. tests/unit/route-access.test.ts takes the route
 * inventory from the whole running app (api/app.ts) and compares every route's real answers, for an
 * anonymous caller and for a logged-in member of each role, with this table.
 *
 * Adding a route? Add one line here, keyed "METHOD /path" exactly as Hono registers it:
 *   'public'      anyone, no staff session (pages, reporter and quiz routes, the login itself);
 *   [roles…]      staff only: anonymous API calls get 401, pages redirect to /admin/login, other roles 403;
 *   'middleware'  an app.use(…) / app.all(…) entry that only wraps other routes (it is not probed).
 */
import type { StaffRole } from '../../config/staff.ts';

export type Access = 'public' | 'middleware' | readonly StaffRole[];

// README: 受理员 / 办理人员 / 主管领导 / 身份保管人 / 审计员 / 系统管理员
const EVERY_STAFF = ['intake', 'handler', 'supervisor', 'custodian', 'auditor', 'admin'] as const;
/** Open a report's content: 受理员 (all), 办理人员 (own department), 主管领导 (all). */
const CASE_CONTENT = ['intake', 'handler', 'supervisor'] as const;
/** The case list without content: the above and 审计员. */
const CASE_LIST = ['intake', 'handler', 'supervisor', 'auditor'] as const;

export const ACCESS_TABLE: Record<string, Access> = {
  // ---- Whole-site wrappers (security headers, body limits, no-store) ----------------------
  'ALL /*': 'middleware',
  'ALL /api/*': 'middleware',
  'ALL /report/*': 'middleware',
  'ALL /api/quiz/*': 'middleware',

  // ---- Public: static site, health, public figures ----------------------------------------
  'GET /*': 'public',
  'HEAD /*': 'public',
  'GET /api/health': 'public',
  'GET /api/stats': 'public',
  'GET /data': 'public',
  'GET /data/': 'public',

  // ---- Public: quizzes ----------------------------------------------------------------------
  'GET /api/quiz/practice': 'public',
  'POST /api/quiz/practice/check': 'public',
  'POST /api/quiz/exams': 'public',
  'POST /api/quiz/exams/submit': 'public',
  'POST /api/quiz/certificates/verify': 'public',
  'POST /quiz/verify/': 'public',
  'GET /quiz/certificate/:code{[A-Za-z0-9-]+}/': 'public',
  'POST /api/quiz/class': 'public',
  'POST /api/quiz/class/join': 'public',
  'POST /api/quiz/class/me': 'public',
  'POST /api/quiz/class/submit': 'public',
  'POST /api/quiz/class/teacher': 'public',
  'POST /api/quiz/class/teacher/remove': 'public',
  'POST /api/quiz/class/teacher/close': 'public',
  'POST /api/quiz/class/teacher/export': 'public',

  // ---- Public: anonymous reporting (receipt in the body is the only credential) -------------
  'POST /api/reports': 'public',
  'POST /api/reports/lookup': 'public',
  'POST /api/reports/messages': 'public',
  'POST /report/status/': 'public',
  // Same-origin check on reporter POSTs (issue 10): wraps the routes above.
  'ALL /api/reports': 'middleware',
  'ALL /api/reports/*': 'middleware',
  // The single-use view a no-JS lookup or submission redirects to (the token is the only credential).
  'GET /report/view/': 'public',

  // ---- Public: search (server-rendered, works without JavaScript) ----------------------------
  'GET /search': 'public',
  'GET /search/': 'public',

  // ---- Back office: login and own account ----------------------------------------------------
  'GET /admin/login': 'public',
  'POST /api/admin/login': 'public',
  'POST /api/admin/logout': EVERY_STAFF,
  'GET /api/admin/session': EVERY_STAFF,
  'GET /admin/password': EVERY_STAFF,
  'POST /api/admin/password': EVERY_STAFF,
  'GET /admin/': EVERY_STAFF,

  // ---- Cases ----------------------------------------------------------------------------------
  'GET /api/admin/reports': CASE_LIST,
  // 导出 CSV: 受理员, 审计员 (CSV), 主管领导 (全部环节).
  'GET /api/admin/export.csv': ['intake', 'supervisor', 'auditor'],
  'GET /admin/cases/:id': CASE_CONTENT,
  'GET /admin/cases/:id/print': CASE_CONTENT,
  'GET /api/admin/reports/:id': CASE_CONTENT,
  'GET /api/admin/reports/:id/files/:fileId': CASE_CONTENT,
  'POST /api/admin/reports/:id/transition': CASE_CONTENT,
  // 转办、改派: 受理员; 主管领导 can do every step.
  'POST /api/admin/reports/:id/assign': ['intake', 'supervisor'],
  // 延期一次: 办理人员; 主管领导.
  'POST /api/admin/reports/:id/extend': ['handler', 'supervisor'],
  'POST /api/admin/reports/:id/messages': CASE_CONTENT,
  // 奖励决定: 主管领导 only.
  'POST /api/admin/reports/:id/reward/calculate': ['supervisor'],
  'POST /api/admin/reports/:id/reward': ['supervisor'],
  // 案件页的打印按钮（转办单、回复函）、内部记录、工作材料: whoever can open the case.
  'GET /admin/cases/:id/slip': CASE_CONTENT,
  'GET /admin/cases/:id/reply': CASE_CONTENT,
  'POST /api/admin/reports/:id/notes': CASE_CONTENT,
  'POST /api/admin/reports/:id/files': CASE_CONTENT,
  // PDF attachments as page images, and the original only after the warning: whoever can open the case.
  'GET /admin/cases/:id/files/:fileId': CASE_CONTENT,
  'GET /api/admin/reports/:id/files/:fileId/pages/:page': CASE_CONTENT,
  'GET /admin/cases/:id/files/:fileId/original': CASE_CONTENT,
  'POST /api/admin/reports/:id/files/:fileId/original': CASE_CONTENT,

  // ---- 月度统计: 受理员、主管领导、审计员 (README) ------------------------------------------------
  'GET /admin/stats/': ['intake', 'supervisor', 'auditor'],
  'GET /api/admin/stats.csv': ['intake', 'supervisor', 'auditor'],
  'GET /api/admin/stats/monthly': ['intake', 'supervisor', 'auditor'],
  // Figures by channel without content, like the monthly statistics.
  'GET /api/admin/channels/stats': ['intake', 'supervisor', 'auditor'],

  // ---- 多渠道受理: 录入来电来信 and 12345 工单 — 受理员和主管领导 (README) --------------------------
  'GET /admin/intake/': ['intake', 'supervisor'],
  'POST /api/admin/intake': ['intake', 'supervisor'],
  'GET /admin/hotline/': ['intake', 'supervisor'],
  'POST /api/admin/hotline/import': ['intake', 'supervisor'],
  'ALL /api/admin/hotline/import': 'middleware',
  'GET /api/admin/hotline/results.csv': ['intake', 'supervisor'],
  'GET /api/admin/hotline/results.json': ['intake', 'supervisor'],

  // ---- 密钥授权: holders of a key (受理员、办理人员、主管领导、身份保管人) approve or refuse ----------
  'GET /admin/keys/': ['intake', 'handler', 'supervisor', 'custodian'],
  'GET /api/admin/key-requests': ['intake', 'handler', 'supervisor', 'custodian'],
  'POST /api/admin/key-requests/:id/approve': ['intake', 'handler', 'supervisor', 'custodian'],
  'POST /api/admin/key-requests/:id/refuse': ['intake', 'handler', 'supervisor', 'custodian'],

  // ---- 办理提醒: everyone sets their own ("我的提醒"); the administrator runs "提醒发送情况" -------
  'GET /admin/notifications/me': EVERY_STAFF,
  'POST /api/admin/notifications/me': EVERY_STAFF,
  'GET /admin/notifications/': ['admin'],
  'GET /api/admin/notifications/deliveries': ['admin'],
  'POST /api/admin/notifications/webhooks': ['admin'],
  'POST /api/admin/notifications/webhooks/delete': ['admin'],
  'POST /api/admin/notifications/test': ['admin'],
  'POST /api/admin/notifications/deliveries/:id/retry': ['admin'],

  // ---- Sealed identity: 办理人员 asks, 身份保管人 decides, the requester views once -----------
  'POST /api/admin/reports/:id/identity-requests': ['handler', 'supervisor'],
  'GET /admin/identity/': ['custodian'],
  'GET /api/admin/identity-requests': ['custodian'],
  'POST /api/admin/identity-requests/:id/decision': ['custodian'],
  'POST /api/admin/identity-requests/:id/view': ['handler', 'supervisor'],

  // ---- Audit log: 审计员 and 系统管理员 -------------------------------------------------------
  'GET /admin/audit/': ['auditor', 'admin'],
  'GET /api/admin/audit': ['auditor', 'admin'],
  'GET /api/admin/audit.csv': ['auditor', 'admin'],

  // ---- 系统管理员: accounts, deadlines and retention settings, purge --------------------------
  'GET /admin/staff/': ['admin'],
  'GET /api/admin/staff': ['admin'],
  'POST /api/admin/staff': ['admin'],
  'POST /api/admin/staff/:id/deactivate': ['admin'],
  // 重置密码、重新发放验证码、解锁、停用（先确认）/ 恢复: 系统管理员 (README).
  'GET /admin/staff/:id/confirm': ['admin'],
  'POST /api/admin/staff/:id/reactivate': ['admin'],
  'POST /api/admin/staff/:id/unlock': ['admin'],
  'POST /api/admin/staff/:id/reset-password': ['admin'],
  'POST /api/admin/staff/:id/reissue-authenticator': ['admin'],
  'GET /admin/settings/': ['admin'],
  'POST /api/admin/settings': ['admin'],
  'POST /api/admin/retention/run': ['admin'],
};

/** Routes that end the caller's session are probed last for each role. */
export const ENDS_SESSION = new Set(['POST /api/admin/logout']);
