import { resolve } from 'node:path';
import { z } from 'zod';
import { parseNow, testClockAllowed } from './clock.ts';

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
  QUIZ_RETENTION_DAYS: z.coerce.number().int('QUIZ_RETENTION_DAYS 必须是 1–365 的整数').min(1, 'QUIZ_RETENTION_DAYS 必须是 1–365 的整数').max(365, 'QUIZ_RETENTION_DAYS 必须是 1–365 的整数').default(7),
});

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  siteDir: string;
  rateLimits: boolean;
  quizRetentionDays: number;
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
  return { port: e.PORT, host: e.HOST, dataDir: resolve(e.DATA_DIR), siteDir: resolve(e.SITE_DIR), rateLimits: e.RATE_LIMITS === 'on', quizRetentionDays: e.QUIZ_RETENTION_DAYS };
}
