/**
 * Access control for the back office, in one place. Every /admin and /api/admin route is registered
 * through `defineRoute` with its rule next to it; the rule is enforced here (origin check, session,
 * role, CSRF token) before the handler runs. tests/unit/admin-access.test.ts fails when any route of
 * the back-office app was registered without a rule.
 */
import type { Context, Handler, Hono, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { StaffRole } from '../../../config/staff.ts';
import type { Db } from '../../db/client.ts';
import { safeEqual } from '../../crypto/index.ts';
import { UserError } from '../../errors.ts';
import { getClient } from '../../middleware/client.ts';
import { sessionFromToken, type StaffSession } from '../../services/admin/staff.ts';

/** 'public': no session needed (the login itself); otherwise the roles that may call the route. */
export type AccessRule = 'public' | readonly StaffRole[];

export interface RouteRule {
  method: 'GET' | 'POST';
  path: string;
  allow: AccessRule;
}

export type AdminEnv = { Variables: { session: StaffSession | null; input: Record<string, unknown> } };

export const SESSION_COOKIE = 'shanghe_staff';
export const COOKIE_PATHS = ['/admin', '/api/admin'] as const;

export function setSessionCookies(c: Context, token: string): void {
  // HTTPS directly, per a trusted proxy's X-Forwarded-Proto, or always with COOKIE_SECURE=on.
  const secure = getClient(c).secureCookies;
  for (const path of COOKIE_PATHS) setCookie(c, SESSION_COOKIE, token, { path, httpOnly: true, secure, sameSite: 'Strict' });
}

export function clearSessionCookies(c: Context): void {
  for (const path of COOKIE_PATHS) deleteCookie(c, SESSION_COOKIE, { path });
}

/** True for requests from the back-office pages' own forms (answered with pages and redirects). */
export function isFormRequest(c: Context): boolean {
  return /^application\/x-www-form-urlencoded|^multipart\/form-data/i.test(c.req.header('content-type') ?? '');
}

/**
 * Fail closed: the request must say it comes from this origin. Chromium sends `Origin: null` on form
 * posts from pages with `Referrer-Policy: no-referrer` (the whole site's policy), so a same-origin
 * `Sec-Fetch-Site` (set by the browser, not by page scripts) is accepted in that case.
 */
function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (!origin || origin === 'null') return c.req.header('sec-fetch-site') === 'same-origin';
  try {
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}

/** Reads a JSON or form body once, so the guard (CSRF field) and the handler see the same input. */
async function readInput(c: Context): Promise<Record<string, unknown>> {
  if (c.req.method === 'GET') return Object.fromEntries(new URL(c.req.url).searchParams);
  const type = c.req.header('content-type') ?? '';
  if (/^application\/json/i.test(type)) {
    try {
      const body: unknown = await c.req.json();
      if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      /* fall through */
    }
    throw new UserError(400, 'bad_json', '请求格式不正确：需要 JSON 对象。');
  }
  if (isFormRequest(c)) {
    const form = await c.req.parseBody({ all: true });
    // Strings, repeated fields and uploaded files (staff documents); nothing else.
    return Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string' || Array.isArray(v) || v instanceof File));
  }
  if (!type) return {};
  throw new UserError(415, 'unsupported_type', '请用 JSON 或表单格式提交。');
}

export class AccessError extends UserError {}

/** The only routes open to a session whose password was set by someone else. */
const PASSWORD_CHANGE_PATHS = new Set(['/admin/password', '/api/admin/password', '/api/admin/logout', '/api/admin/session']);

/** The central check applied to every back-office route. */
export function guard(db: Db, rule: RouteRule): MiddlewareHandler<AdminEnv> {
  return async function accessGuard(c, next) {
    c.header('Cache-Control', 'no-store');
    const unsafe = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    // Fail closed: a state-changing request must come from a page of this site.
    if (unsafe && !sameOrigin(c)) throw new AccessError(403, 'bad_origin', '请求来源不正确（缺少或不匹配 Origin），已拒绝。请从后台页面重新操作。');
    const session = await sessionFromToken(db, getCookie(c, SESSION_COOKIE));
    c.set('session', session);
    if (rule.allow === 'public') {
      c.set('input', await readInput(c));
      return next();
    }
    // Session and role first: a stranger's body (up to the upload limit) is never parsed.
    if (!session) throw new AccessError(401, 'unauthenticated', '请先登录后台。登录已过期时请重新登录。');
    if (!rule.allow.includes(session.user.role as StaffRole)) throw new AccessError(403, 'forbidden', '您的账号角色没有这项权限。');
    // An initial or reset password must be replaced before anything else (issue 14 item 7).
    if (session.user.mustChangePassword && !PASSWORD_CHANGE_PATHS.has(rule.path)) {
      if (!unsafe && rule.path.startsWith('/admin/')) return c.redirect('/admin/password', 303);
      throw new AccessError(403, 'password_change_required', '请先修改管理员设置的初始密码，再使用后台其他功能。');
    }
    const input = await readInput(c);
    c.set('input', input);
    if (unsafe) {
      const token = c.req.header('x-csrf-token') ?? (typeof input._csrf === 'string' ? input._csrf : '');
      if (!token || !safeEqual(token, session.csrfToken)) throw new AccessError(403, 'csrf', '页面已过期（安全校验码不匹配），请刷新页面后重新提交。');
    }
    return next();
  };
}

/** Registers a route with its rule; the only way back-office routes are added. */
export function defineRoute(app: Hono<AdminEnv>, db: Db, rules: RouteRule[], rule: RouteRule, handler: Handler<AdminEnv>): void {
  rules.push(rule);
  app.on(rule.method, rule.path, guard(db, rule), handler);
}

/** The session of a guarded route (never null behind a non-public rule). */
export function sessionOf(c: Context<AdminEnv>): StaffSession {
  const s = c.get('session');
  if (!s) throw new AccessError(401, 'unauthenticated', '请先登录后台。');
  return s;
}
