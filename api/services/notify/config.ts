/**
 * Notification settings from the environment (issue 15), parsed once at start like api/env.ts: a bad
 * value stops the process with a Chinese message naming the variable. The SMTP password lives only
 * in SMTP_URL and is never shown back (describeSmtp masks it).
 */
import { z } from 'zod';
import { ConfigError } from '../../env.ts';

export interface SmtpConfig {
  url: string;
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  hasPassword: boolean;
  from: string;
}

export interface NotifyConfig {
  smtp: SmtpConfig | null;
  /** How often the notifier derives events and sends (seconds). */
  intervalSeconds: number;
  /** Beijing hour at which daily digests go out. */
  digestHour: number;
  /** Attempts before a delivery is marked failed (then only the administrator's 重发 retries it). */
  maxAttempts: number;
  /** Public origin for links to the back office (SITE_URL). */
  siteUrl: string;
}

const EMAIL_RE = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/** "商河安全 <noreply@x.gov.cn>" or "noreply@x.gov.cn". */
export function isFromAddress(v: string): boolean {
  const m = /^\s*(?:"?([^"<>]*)"?\s*)?<([^<>]+)>\s*$/.exec(v);
  return EMAIL_RE.test(m ? m[2]!.trim() : v.trim());
}

export function isEmail(v: string): boolean {
  return EMAIL_RE.test(v) && v.length <= 254;
}

const int = (name: string, min: number, max: number, dflt: number) =>
  z.coerce
    .number({ error: `${name} 必须是 ${min}–${max} 的整数` })
    .int(`${name} 必须是 ${min}–${max} 的整数`)
    .min(min, `${name} 必须是 ${min}–${max} 的整数`)
    .max(max, `${name} 必须是 ${min}–${max} 的整数`)
    .default(dflt);

const schema = z.object({
  SMTP_URL: z.string().optional(),
  SMTP_FROM: z.string().optional(),
  NOTIFY_INTERVAL_SECONDS: int('NOTIFY_INTERVAL_SECONDS', 5, 3600, 60),
  NOTIFY_DIGEST_HOUR: int('NOTIFY_DIGEST_HOUR', 0, 23, 8),
  NOTIFY_MAX_ATTEMPTS: int('NOTIFY_MAX_ATTEMPTS', 1, 20, 8),
});

export function parseSmtpUrl(raw: string, from: string | undefined): SmtpConfig {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError('配置错误，服务没有启动：\n  SMTP_URL: 不是有效的网址，例如 smtps://用户名:密码@smtp.example.gov.cn:465');
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new ConfigError('配置错误，服务没有启动：\n  SMTP_URL: 只能以 smtp://（587/25 端口，支持时自动 STARTTLS）或 smtps://（465 端口）开头');
  if (!u.hostname) throw new ConfigError('配置错误，服务没有启动：\n  SMTP_URL: 缺少邮件服务器地址');
  const secure = u.protocol === 'smtps:';
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError('配置错误，服务没有启动：\n  SMTP_URL: 端口必须是 1–65535');
  if (u.password && !u.username) throw new ConfigError('配置错误，服务没有启动：\n  SMTP_URL: 有密码但没有用户名');
  if (!from) throw new ConfigError('配置错误，服务没有启动：\n  SMTP_FROM: 设置了 SMTP_URL 时必须填写发件人，例如 "商河安全 <noreply@example.gov.cn>"');
  if (!isFromAddress(from)) throw new ConfigError(`配置错误，服务没有启动：\n  SMTP_FROM: 不是有效的邮件地址（当前值：${JSON.stringify(from)}）`);
  return { url: raw, host: u.hostname, port, secure, user: u.username ? decodeURIComponent(u.username) : null, hasPassword: !!u.password, from };
}

export function parseNotifyEnv(env: NodeJS.ProcessEnv, siteUrl: string): NotifyConfig {
  const r = schema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}（当前值：${JSON.stringify(env[String(i.path[0])])}）`);
    throw new ConfigError(`配置错误，服务没有启动：\n${lines.join('\n')}`);
  }
  const e = r.data;
  if (!e.SMTP_URL && e.SMTP_FROM) throw new ConfigError('配置错误，服务没有启动：\n  SMTP_FROM: 填写了发件人但没有 SMTP_URL（邮件服务器）');
  return {
    smtp: e.SMTP_URL ? parseSmtpUrl(e.SMTP_URL, e.SMTP_FROM) : null,
    intervalSeconds: e.NOTIFY_INTERVAL_SECONDS,
    digestHour: e.NOTIFY_DIGEST_HOUR,
    maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
    siteUrl: siteUrl.replace(/\/+$/, ''),
  };
}

/** What the administrator sees of the SMTP setting: never the password. */
export function describeSmtp(s: SmtpConfig | null): string {
  if (!s) return '没有设置（SMTP_URL），邮件提醒不会发送';
  return `${s.secure ? 'smtps' : 'smtp'}://${s.host}:${s.port}${s.user ? `，用户 ${s.user}` : ''}${s.hasPassword ? '，密码已设置（不显示）' : ''}，发件人 ${s.from}`;
}
