/**
 * Who gets notified how (issue 15): each person's e-mail and instant / daily-digest / off choice, and
 * the group-robot webhooks (企业微信 / 钉钉) per department. Webhook addresses and 加签 secrets are
 * write-only: the pages show whether one is set, never the value.
 */
import { eq } from 'drizzle-orm';
import { DEPARTMENTS, DEPARTMENT_NAMES, isDepartmentCode, type DepartmentCode } from '../../../config/departments.ts';
import { first, type Db } from '../../db/client.ts';
import { notifyPrefs, notifyWebhooks } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { isEmail } from './config.ts';

export const NOTIFY_MODES = [
  { code: 'instant', name: '有新情况时立即提醒' },
  { code: 'digest', name: '每天一封汇总' },
  { code: 'off', name: '不提醒' },
] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number]['code'];
const MODE_CODES = NOTIFY_MODES.map((m) => m.code) as readonly string[];

export const WEBHOOK_KINDS = [
  { code: 'wecom', name: '企业微信群机器人' },
  { code: 'dingtalk', name: '钉钉群机器人' },
] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number]['code'];

/** Webhook scopes: the intake office, or a handling department. */
export const WEBHOOK_SCOPES: { code: string; name: string }[] = [{ code: 'intake', name: '受理（县应急局 / 安委办）' }, ...DEPARTMENTS.map((d) => ({ code: d.code as string, name: d.name as string }))];
export const scopeName = (scope: string) => (scope === 'intake' ? '受理（县应急局 / 安委办）' : (DEPARTMENT_NAMES[scope as DepartmentCode] ?? scope));

export interface Prefs {
  email: string | null;
  mode: NotifyMode;
}

export async function prefsOf(db: Db, staffId: string): Promise<Prefs> {
  const row = first(await db.select().from(notifyPrefs).where(eq(notifyPrefs.staffId, staffId)).limit(1));
  return row ? { email: row.email, mode: row.mode as NotifyMode } : { email: null, mode: 'off' };
}

export function parsePrefs(input: Record<string, unknown>): Prefs {
  const email = typeof input.email === 'string' ? input.email.trim() : '';
  const mode = typeof input.mode === 'string' ? input.mode : '';
  if (!MODE_CODES.includes(mode)) throw new UserError(400, 'invalid_field', '提醒方式（mode）只能是：立即提醒、每天汇总或不提醒。', 'mode');
  if (email && !isEmail(email)) throw new UserError(400, 'invalid_field', '邮箱（email）格式不正确，例如 zhangsan@example.gov.cn。', 'email');
  if (mode !== 'off' && !email) throw new UserError(400, 'invalid_field', '要收到提醒，请填写邮箱（email）；不想收到请选"不提醒"。', 'email');
  return { email: email || null, mode: mode as NotifyMode };
}

export async function savePrefs(db: Db, staffId: string, p: Prefs): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insert(notifyPrefs).values({ staffId, email: p.email, mode: p.mode, updatedAt: now }).onConflictDoUpdate({ target: notifyPrefs.staffId, set: { email: p.email, mode: p.mode, updatedAt: now } });
}

export interface WebhookSetting {
  scope: string;
  kind: WebhookKind;
  url: string;
  secret: string | null;
  mode: 'instant' | 'digest';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https only, except loopback (a local relay or a test receiver); the robot key must be in the address. */
export function validateWebhookUrl(kind: WebhookKind, raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new UserError(400, 'invalid_field', '机器人地址（url）不是有效的网址。请从群机器人设置里复制完整的 Webhook 地址。', 'url');
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) throw new UserError(400, 'invalid_field', '机器人地址（url）必须以 https:// 开头（只有本机地址 127.0.0.1 可以用 http://）。', 'url');
  if (u.username || u.password) throw new UserError(400, 'invalid_field', '机器人地址（url）不能包含用户名或密码。', 'url');
  const param = kind === 'wecom' ? 'key' : 'access_token';
  if (!u.searchParams.get(param)) throw new UserError(400, 'invalid_field', `${kind === 'wecom' ? '企业微信' : '钉钉'}机器人地址（url）里缺少 ${param}=… 参数。请复制完整的 Webhook 地址。`, 'url');
  return u.toString();
}

export function parseWebhook(input: Record<string, unknown>, existing: WebhookSetting | null): WebhookSetting {
  const s = (k: string) => (typeof input[k] === 'string' ? (input[k] as string).trim() : '');
  const scope = s('scope');
  if (scope !== 'intake' && !isDepartmentCode(scope)) throw new UserError(400, 'invalid_field', '请选择机器人所属的部门（scope）。', 'scope');
  const kind = s('kind');
  if (kind !== 'wecom' && kind !== 'dingtalk') throw new UserError(400, 'invalid_field', '机器人类型（kind）只能是企业微信或钉钉。', 'kind');
  const mode = s('mode') || 'instant';
  if (mode !== 'instant' && mode !== 'digest') throw new UserError(400, 'invalid_field', '提醒方式（mode）只能是立即提醒或每天汇总。', 'mode');
  // Write-only fields: empty means "keep what is set" when one exists.
  const urlRaw = s('url');
  if (!urlRaw && !existing) throw new UserError(400, 'invalid_field', '请填写机器人地址（url）。', 'url');
  if (!urlRaw && existing && existing.kind !== kind) throw new UserError(400, 'invalid_field', '更换机器人类型时请重新填写机器人地址（url）。', 'url');
  const url = urlRaw ? validateWebhookUrl(kind, urlRaw) : existing!.url;
  const secretRaw = s('secret');
  if (secretRaw && kind !== 'dingtalk') throw new UserError(400, 'invalid_field', '加签密钥（secret）只用于钉钉机器人。', 'secret');
  if (secretRaw && !/^SEC[0-9a-zA-Z]{20,100}$/.test(secretRaw)) throw new UserError(400, 'invalid_field', '加签密钥（secret）应是钉钉机器人"加签"一栏里以 SEC 开头的字符串。', 'secret');
  const secret = kind !== 'dingtalk' ? null : secretRaw || (s('clear_secret') === '1' ? null : (existing?.secret ?? null));
  return { scope, kind, url, secret, mode };
}

export async function webhooks(db: Db): Promise<WebhookSetting[]> {
  return (await db.select().from(notifyWebhooks)).map((w) => ({ scope: w.scope, kind: w.kind as WebhookKind, url: w.url, secret: w.secret, mode: (w.mode as 'instant' | 'digest') ?? 'instant' }));
}

export async function webhookOf(db: Db, scope: string): Promise<WebhookSetting | null> {
  return (await webhooks(db)).find((w) => w.scope === scope) ?? null;
}

export async function saveWebhook(db: Db, w: WebhookSetting): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insert(notifyWebhooks).values({ ...w, updatedAt: now }).onConflictDoUpdate({ target: notifyWebhooks.scope, set: { kind: w.kind, url: w.url, secret: w.secret, mode: w.mode, updatedAt: now } });
}

export async function deleteWebhook(db: Db, scope: string): Promise<void> {
  await db.delete(notifyWebhooks).where(eq(notifyWebhooks.scope, scope));
}

/** What a page may show of a webhook: host and whether the key and secret are set. */
export function describeWebhook(w: WebhookSetting): string {
  const host = new URL(w.url).host;
  return `${WEBHOOK_KINDS.find((k) => k.code === w.kind)?.name ?? w.kind}，${host}，机器人密钥已设置（不显示）${w.secret ? '，加签已设置（不显示）' : ''}`;
}

export { isDepartmentCode };
