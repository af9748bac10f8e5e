/**
 * Who may call what — written by hand from the role table in README.md ("办理后台和数据公开 → 角色"),
 * NOT derived from the rules in api/routes/admin/. tests/unit/route-access.test.ts takes the route
 * inventory from the whole running app (api/app.ts) and compares every route's real answers, for an
 * anonymous caller and for a logged-in member of each role, with this table.
 *
 * Adding a route? Add one line here, keyed "METHOD /path" exactly as Hono registers it:
 *   'public'      anyone, no staff session (pages, reporter and quiz routes, the login itself);
 *   [roles…]      staff only: anonymous API calls get 401, pages redirect to /admin/login, other roles 403;
 *   'middleware'  an app.use() / app.all() entry that only wraps other routes (it is not probed).
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

  // ---- Sealed identity: 办理人员 asks, 身份保管人 decides, the requester views once -----------
  'POST /api/admin/reports/:id/identity-requests': ['handler', 'supervisor'],
  'GET /admin/identity/': ['custodian'],
  'GET /api/admin/identity-requests': ['custodian'],
  'POST /api/admin/identity-requests/:id/decision': ['custodian'],
  'POST /api/admin/identity-requests/:id/view': ['handler', 'supervisor'],

  // ---- Audit log: 审计员 and 系统管理员 -------------------------------------------------------
  'GET /admin/audit/': ['auditor', 'admin'],
  'GET /api/admin/audit': ['auditor', 'admin'],

  // ---- 系统管理员: accounts, deadlines and retention settings, purge --------------------------
  'GET /admin/staff/': ['admin'],
  'GET /api/admin/staff': ['admin'],
  'POST /api/admin/staff': ['admin'],
  'POST /api/admin/staff/:id/deactivate': ['admin'],
  'GET /admin/settings/': ['admin'],
  'POST /api/admin/settings': ['admin'],
  'POST /api/admin/retention/run': ['admin'],
};

/** Routes that end the caller's session are probed last for each role. */
export const ENDS_SESSION = new Set(['POST /api/admin/logout']);
