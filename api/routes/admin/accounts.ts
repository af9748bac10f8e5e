/**
 * Routes for account care (administrator) and key grants (key holders). Registered from index.ts with
 * the same `route` helper, so each has its access rule beside it and the central guard applies.
 */
import type { Context, Handler } from 'hono';
import QRCode from 'qrcode';
import type { StaffRole } from '../../../config/staff.ts';
import { totpUri } from '../../crypto/index.ts';
import { asc, eq } from 'drizzle-orm';
import { first, type Db } from '../../db/client.ts';
import { staffUsers } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { createAccount, deactivateAccount, reactivateAccount, reissueAuthenticator, resetPassword, unlockAccount } from '../../services/admin/accounts.ts';
import { accountCheckCode, approvableRequests, approveGrant, keyName, ownPendingRequests, refuseGrant, requestsForAccounts, roleKeyIds } from '../../services/admin/grants.ts';
import { publicStaff, validateNewStaff, type StaffRow } from '../../services/admin/staff.ts';
import type { InstanceKeys } from '../../services/keys.ts';
import { ACCOUNT_ACTIONS, accountsPage, confirmAccountPage, keyRequestsPage, type AccountAction, type HandOver } from '../../views/admin/accounts.ts';
import type { SafeHtml } from '../../views/html.ts';
import { isFormRequest, sessionOf, type AdminEnv, type RouteRule } from './access.ts';

/** Roles that hold a key opening reports, and so may approve giving it to a colleague. */
export const KEY_HOLDER_ROLES = ['intake', 'handler', 'supervisor', 'custodian'] as const satisfies readonly StaffRole[];

type Page = (c: Context, title: string, body: SafeHtml, status?: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 423) => Response | Promise<Response>;

const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

export function accountRoutes(db: Db, keys: InstanceKeys, route: (rule: RouteRule, handler: Handler<AdminEnv>) => void, page: Page): void {
  const allStaff = async () => (await db.select().from(staffUsers).orderBy(asc(staffUsers.createdAt), asc(staffUsers.id))).map((u) => publicStaff(u));
  const idOf = (c: Context<AdminEnv>) => {
    const id = c.req.param('id');
    if (!id) throw new UserError(404, 'not_found', '没有这个账号。');
    return id;
  };
  const confirmed = (c: Context<AdminEnv>) => {
    const v = c.get('input').confirm;
    if (v !== 'yes' && v !== true) throw new UserError(400, 'confirm', '请在确认页面上确认这项操作。', 'confirm');
  };
  const pendingNames = (u: StaffRow) => roleKeyIds(u.role as StaffRole, u.department).map(keyName);
  const handOver = async (title: string, u: StaffRow, totpSecret: string, password?: string): Promise<HandOver> => {
    const uri = totpUri(totpSecret, u.username);
    return { title, username: u.username, totpSecret, password, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 2, width: 220 }), keysPending: password || title === '已创建账号' ? pendingNames(u) : [] };
  };
  const listPage = async (c: Context<AdminEnv>, extra?: HandOver, notice?: string, status: 200 | 201 = 200) =>
    page(c, '账号管理', accountsPage(sessionOf(c), await allStaff(), await requestsForAccounts(db), extra, notice), status);
  const NOTICES: Record<string, string> = { deactivated: '账号已停用。', reactivated: '账号已恢复；它的密钥需要另一位持有人重新批准。', unlocked: '已解除锁定。' };

  route({ method: 'GET', path: '/admin/staff/', allow: ['admin'] }, function staffRoute(c) {
    return listPage(c, undefined, NOTICES[str(c.get('input').done)]);
  });

  route({ method: 'GET', path: '/api/admin/staff', allow: ['admin'] }, async function staffJson(c) {
    const pending = await requestsForAccounts(db);
    return c.json({ items: (await allStaff()).map((u) => ({ ...u, pending_keys: (pending.get(u.id) ?? []).map((p) => p.key_id) })) });
  });

  route({ method: 'POST', path: '/api/admin/staff', allow: ['admin'] }, async function createStaffRoute(c) {
    const input = c.get('input');
    const newStaff = validateNewStaff({ username: str(input.username), display_name: str(input.display_name), role: str(input.role), department: str(input.department), password: str(input.password) });
    const { user, totpSecret } = await createAccount(db, keys, sessionOf(c), newStaff);
    const pending = roleKeyIds(user.role as StaffRole, user.department);
    if (!isFormRequest(c)) return c.json({ user: publicStaff(user), totp_secret: totpSecret, totp_uri: totpUri(totpSecret, user.username), pending_keys: pending }, 201);
    return listPage(c, await handOver('已创建账号', user, totpSecret), undefined, 201);
  });

  route({ method: 'GET', path: '/admin/staff/:id/confirm', allow: ['admin'] }, async function confirmRoute(c) {
    const action = str(c.get('input').action) as AccountAction;
    if (!(action in ACCOUNT_ACTIONS)) throw new UserError(404, 'not_found', '没有这项操作。');
    const row = first(await db.select().from(staffUsers).where(eq(staffUsers.id, idOf(c))).limit(1));
    if (!row) throw new UserError(404, 'not_found', '没有这个账号。');
    return page(c, `确认${ACCOUNT_ACTIONS[action].label}`, confirmAccountPage(sessionOf(c), publicStaff(row), action, roleKeyIds(row.role as StaffRole, row.department).length > 0));
  });

  const after = (c: Context<AdminEnv>, what: string) => (isFormRequest(c) ? c.redirect(`/admin/staff/?done=${what}`, 303) : c.json({ ok: true }));

  route({ method: 'POST', path: '/api/admin/staff/:id/deactivate', allow: ['admin'] }, async function deactivate(c) {
    confirmed(c);
    await deactivateAccount(db, sessionOf(c), idOf(c));
    return after(c, 'deactivated');
  });

  route({ method: 'POST', path: '/api/admin/staff/:id/reactivate', allow: ['admin'] }, async function reactivate(c) {
    confirmed(c);
    await reactivateAccount(db, keys, sessionOf(c), idOf(c));
    return after(c, 'reactivated');
  });

  route({ method: 'POST', path: '/api/admin/staff/:id/unlock', allow: ['admin'] }, async function unlock(c) {
    await unlockAccount(db, sessionOf(c), idOf(c));
    return after(c, 'unlocked');
  });

  route({ method: 'POST', path: '/api/admin/staff/:id/reset-password', allow: ['admin'] }, async function reset(c) {
    confirmed(c);
    const { user, password, totpSecret } = await resetPassword(db, keys, sessionOf(c), idOf(c));
    if (!isFormRequest(c)) return c.json({ user: publicStaff(user), password, totp_secret: totpSecret, totp_uri: totpUri(totpSecret, user.username), pending_keys: roleKeyIds(user.role as StaffRole, user.department) });
    return listPage(c, await handOver('已重置密码', user, totpSecret, password));
  });

  route({ method: 'POST', path: '/api/admin/staff/:id/reissue-authenticator', allow: ['admin'] }, async function reissue(c) {
    confirmed(c);
    const { user, totpSecret } = await reissueAuthenticator(db, sessionOf(c), idOf(c));
    if (!isFormRequest(c)) return c.json({ user: publicStaff(user), totp_secret: totpSecret, totp_uri: totpUri(totpSecret, user.username) });
    return listPage(c, await handOver('已重新发放动态验证码', user, totpSecret));
  });

  // ---- Key grants: the second person ------------------------------------------------------------
  route({ method: 'GET', path: '/admin/keys/', allow: KEY_HOLDER_ROLES }, async function keysPage(c) {
    const s = sessionOf(c);
    const done = str(c.get('input').done);
    const notice = done === 'granted' ? '已批准，密钥已转交对方账号。' : done === 'refused' ? '已拒绝这条申请。' : undefined;
    return page(c, '密钥授权', keyRequestsPage(s, await approvableRequests(db, s), notice, await ownPendingRequests(db, s), accountCheckCode(s.user.publicKey)));
  });

  route({ method: 'GET', path: '/api/admin/key-requests', allow: KEY_HOLDER_ROLES }, async function keysJson(c) {
    const s = sessionOf(c);
    return c.json({ items: await approvableRequests(db, s), own: { check_code: accountCheckCode(s.user.publicKey), pending: await ownPendingRequests(db, s) } });
  });

  route({ method: 'POST', path: '/api/admin/key-requests/:id/approve', allow: KEY_HOLDER_ROLES }, async function approve(c) {
    await approveGrant(db, sessionOf(c), idOf(c));
    return isFormRequest(c) ? c.redirect('/admin/keys/?done=granted', 303) : c.json({ ok: true });
  });

  route({ method: 'POST', path: '/api/admin/key-requests/:id/refuse', allow: KEY_HOLDER_ROLES }, async function refuse(c) {
    await refuseGrant(db, sessionOf(c), idOf(c));
    return isFormRequest(c) ? c.redirect('/admin/keys/?done=refused', 303) : c.json({ ok: true });
  });
}
