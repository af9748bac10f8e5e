import { resolve } from 'node:path';
import { z } from 'zod';

/** Process configuration, parsed once at start. A bad value stops the process with a clear message. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(1, 'PORT 必须是 1–65535 的整数').max(65535, 'PORT 必须是 1–65535 的整数').default(4321),
  HOST: z.string().min(1, 'HOST 不能为空').default('127.0.0.1'),
  DATA_DIR: z.string().min(1, 'DATA_DIR 不能为空').default('./data'),
  /** Built static site (Astro output). */
  SITE_DIR: z.string().min(1).default('./dist'),
  /** Per-address rate limits on reporter routes; "off" only for benchmarks and crash tests. */
  RATE_LIMITS: z.enum(['on', 'off'], { message: 'RATE_LIMITS 只能是 on 或 off' }).default('on'),
  /** Days after which a class quiz session and all its answers are deleted. */
  /** How often one name may start the same exam set per day; certificates show the attempt number. */
  QUIZ_EXAM_ATTEMPTS_PER_DAY: z.coerce
    .number({ error: 'QUIZ_EXAM_ATTEMPTS_PER_DAY 必须是 1–20 的整数' })
    .int('QUIZ_EXAM_ATTEMPTS_PER_DAY 必须是 1–20 的整数')
    .min(1, 'QUIZ_EXAM_ATTEMPTS_PER_DAY 必须是 1–20 的整数')
    .max(20, 'QUIZ_EXAM_ATTEMPTS_PER_DAY 必须是 1–20 的整数')
    .default(3),
  /** Public origin of the site (certificates print it with a QR code). */
  SITE_URL: z
    .url({ message: 'SITE_URL 必须是完整网址，例如 https://aq.shanghe.gov.cn' })
    .refine((u) => /^https?:\/\//.test(u), 'SITE_URL 必须以 http:// 或 https:// 开头')
    .transform((u) => u.replace(/\/+$/, ''))
    .default('http://127.0.0.1:4321'),
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
  siteUrl: string;
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
  return { port: e.PORT, host: e.HOST, dataDir: resolve(e.DATA_DIR), siteDir: resolve(e.SITE_DIR), rateLimits: e.RATE_LIMITS === 'on', quizRetentionDays: e.QUIZ_RETENTION_DAYS, quizExamAttemptsPerDay: e.QUIZ_EXAM_ATTEMPTS_PER_DAY, siteUrl: e.SITE_URL };
}
