import { resolve } from 'node:path';
import { z } from 'zod';
import { parseNow, testClockAllowed } from './clock.ts';
import { NO_PROXY, parseTrustProxy, type ProxyTrust } from './middleware/client.ts';
import { DEV_HOSTS, hostnameOf } from './middleware/host-check.ts';

/** Process configuration, parsed once at start. A bad value stops the process with a clear message. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(1, 'PORT 必须是 1–65535 的整数').max(65535, 'PORT 必须是 1–65535 的整数').default(4321),
  HOST: z.string().min(1, 'HOST 不能为空').default('127.0.0.1'),
  DATA_DIR: z.string().min(1, 'DATA_DIR 不能为空').default('./data'),
  /** Built static site (Astro output). */
  SITE_DIR: z.string().min(1).default('./dist'),
  /** Per-address rate limits on reporter routes; "off" only for benchmarks and crash tests. */
  RATE_LIMITS: z.enum(['on', 'off'], { message: 'RATE_LIMITS 只能是 on 或 off' }).default('on'),
  /** The site's public address (https://…); its host name is what the server answers to. */
  SITE_URL: z
    .url({ protocol: /^https?$/, message: 'SITE_URL 必须是完整网址，例如 https://aq.shanghe.gov.cn' })
    .transform((u) => u.replace(/\/+$/, ''))
    .default('http://127.0.0.1:4321'),
  /** Host names the server answers to, comma-separated; default: SITE_URL's host plus localhost, 127.0.0.1, ::1. */
  ALLOWED_HOSTS: z.string().optional(),
  /** Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: off, loopback, or addresses/CIDRs. */
  TRUST_PROXY: z.string().default('off'),
  /** Staff cookie Secure flag: auto (when the request came over HTTPS) or on (always). */
  COOKIE_SECURE: z.enum(['auto', 'on'], { message: 'COOKIE_SECURE 只能是 auto 或 on' }).default('auto'),
  /** How often one name may start the same exam set per day; certificates show the attempt number. */
  QUIZ_EXAM_ATTEMPTS_PER_DAY: z.coerce
    .number({ error: 'QUIZ_EXAM_ATTEMPTS_PER_DAY 必须是 1–20 的整数' })
    .int('QUIZ_EXAM_ATTEMPTS_PER_DAY 必须是 1–20 的整数')
    .min(1, 'QUIZ_EXAM_ATTEMPTS_PER_DAY 必须是 1–20 的整数')
    .max(20, 'QUIZ_EXAM_ATTEMPTS_PER_DAY 必须是 1–20 的整数')
    .default(3),
  /** Days after which a class quiz session and all its answers are deleted. */
  QUIZ_RETENTION_DAYS: z.coerce.number().int('QUIZ_RETENTION_DAYS 必须是 1–365 的整数').min(1, 'QUIZ_RETENTION_DAYS 必须是 1–365 的整数').max(365, 'QUIZ_RETENTION_DAYS 必须是 1–365 的整数').default(7),
});

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  siteDir: string;
  rateLimits: boolean;
  quizRetentionDays: number;
  quizExamAttemptsPerDay: number;
  /** Public origin without a trailing slash. */
  siteUrl: string;
  allowedHosts: string[];
  trustProxy: ProxyTrust;
  cookieSecure: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}（当前值：${JSON.stringify(env[String(i.path[0])])}）`);
    throw new ConfigError(`配置错误，服务没有启动：\n${lines.join('\n')}`);
  }
  const e = result.data;
  // The test clock (api/clock.ts) only exists in tests; a production server must never run on a fake date.
  if (env.NOW && !testClockAllowed(env)) {
    throw new ConfigError(`配置错误，服务没有启动：\n  NOW: 只能在测试中使用（需要 NODE_ENV=test 或 TEST_CLOCK=1），正式运行时请删除这个变量（当前值：${JSON.stringify(env.NOW)}）`);
  }
  if (env.NOW && !parseNow(env.NOW)) throw new ConfigError(`配置错误，服务没有启动：\n  NOW: 日期格式不对，应为 2026-12-07 或 2026-12-07T09:00:00+08:00（当前值：${JSON.stringify(env.NOW)}）`);
  const problems: string[] = [];
  let trustProxy: ProxyTrust = NO_PROXY;
  try {
    trustProxy = parseTrustProxy(e.TRUST_PROXY);
  } catch (err) {
    problems.push(`  TRUST_PROXY: ${(err as Error).message}（当前值：${JSON.stringify(e.TRUST_PROXY)}）`);
  }
  const allowedHosts = e.ALLOWED_HOSTS !== undefined
    ? e.ALLOWED_HOSTS.split(',').map((h) => h.trim()).filter(Boolean)
    : [new URL(e.SITE_URL).hostname.replace(/^\[|\]$/g, ''), ...DEV_HOSTS];
  const badHost = allowedHosts.find((h) => hostnameOf(h.includes(':') && !h.startsWith('[') ? `[${h}]` : h) === null);
  if (allowedHosts.length === 0 || badHost !== undefined) {
    problems.push(`  ALLOWED_HOSTS: 需要用逗号分隔的主机名，例如 aq.shanghe.gov.cn,localhost（当前值：${JSON.stringify(e.ALLOWED_HOSTS)}）`);
  }
  if (problems.length) throw new ConfigError(`配置错误，服务没有启动：\n${problems.join('\n')}`);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    siteDir: resolve(e.SITE_DIR),
    rateLimits: e.RATE_LIMITS === 'on',
    quizRetentionDays: e.QUIZ_RETENTION_DAYS,
    quizExamAttemptsPerDay: e.QUIZ_EXAM_ATTEMPTS_PER_DAY,
    siteUrl: e.SITE_URL,
    allowedHosts: allowedHosts.map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')),
    trustProxy,
    cookieSecure: e.COOKIE_SECURE === 'on',
  };
}
