import { mkdirSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { closeDb, DatabaseStartError, dbFile, openDb, type Db } from './db/client.ts';
import { ConfigError, parseEnv } from './env.ts';
import { blobStoreFor } from './services/blob-store.ts';
import { revokeKeysOutsideRoles } from './services/admin/grants.ts';
import { videoRemuxAvailable } from './services/reports/video-metadata.ts';
import { purgeExpired } from './services/admin/retention.ts';
import { sweepOrphanBlobs } from './services/reports/workflow.ts';
import { ContentError } from '../content/schemas/friendly-errors.ts';
import { QuestionBank } from './services/quiz/bank.ts';
import { startQuizPurge } from './services/quiz/purge.ts';
import { operatorWarning } from '../config/operator.ts';
import { parseNotifyEnv, type NotifyConfig } from './services/notify/config.ts';
import { startNotifier } from './services/notify/index.ts';

/** Starts the one process: static site + API. Used by `npm start` and the e2e tests. */
export async function startServer() {
  let config;
  let notify: NotifyConfig;
  try {
    config = parseEnv();
    notify = parseNotifyEnv(process.env, config.siteUrl);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  mkdirSync(config.dataDir, { recursive: true });
  let db: Db;
  try {
    db = await openDb(dbFile(config.dataDir));
  } catch (e) {
    // Unreachable or too old PostgreSQL, bad pool size: the operator gets one Chinese sentence, no trace.
    if (e instanceof DatabaseStartError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  let bank: QuestionBank;
  try {
    bank = QuestionBank.load();
  } catch (e) {
    if (e instanceof ContentError) {
      console.error(`题库有错误，服务没有启动：\n${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const { app } = await createApp({
    db,
    siteDir: config.siteDir,
    dataDir: config.dataDir,
    reporting: config.rateLimits ? {} : { limits: {} },
    edge: { trustProxy: config.trustProxy, allowedHosts: config.allowedHosts, cookieSecure: config.cookieSecure },
    notify,
    quiz: { bank, retentionDays: config.quizRetentionDays, attemptsPerDay: config.quizExamAttemptsPerDay, siteUrl: config.siteUrl },
  });
  // Blobs without a row come from requests cut off before commit; none of them was acknowledged.
  const swept = await sweepOrphanBlobs(db, blobStoreFor(db, config.dataDir));
  if (swept) console.log(`已清理 ${swept} 个未完成提交留下的临时附件文件。`);
  if (!videoRemuxAvailable()) console.warn('警告：没有找到 ffmpeg（或 /dev/shm），视频附件将原样保存，拍摄位置等信息不会被清除；举报人的回执会如实提示。请安装：apt-get install --no-install-recommends ffmpeg');
  // Two-person rule (issue 10 item 6): keys a role does not need (administrators' old intake and
  // department keys) are taken back at start.
  const revoked = await revokeKeysOutsideRoles(db);
  if (revoked) console.log(`已收回 ${revoked} 把角色不需要的密钥（系统管理员不再持有能打开举报的密钥），已记入审计日志。`);
  // Retention (issue 7): purge attachments and identities of long-closed cases now and once a day.
  const runRetention = async () => {
    const purged = await purgeExpired(db, blobStoreFor(db, config.dataDir), 'system');
    if (purged.cases) console.log(`保存期限到期：已清除 ${purged.cases} 件案件的 ${purged.files} 个附件和 ${purged.identities} 份身份信息。`);
  };
  await runRetention();
  setInterval(() => {
    // A database that is briefly away (PostgreSQL restart) must not stop the site; tomorrow's run catches up.
    runRetention().catch((e) => console.error('[error] 保存期限清理没有完成，明天会再试：', e));
  }, 24 * 3600_000).unref();
  const stopQuizPurge = await startQuizPurge(db);
  // Issue 15: notifications derived from database state, beside the workflow (never inside it).
  const stopNotifier = await startNotifier(db, notify);

  // Who runs the site must be said on every page (issue 13): remind the operator while it is not.
  const operatorNote = operatorWarning();
  if (operatorNote) console.warn(operatorNote);

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    console.log(`商河安全已启动：http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${info.port}/`);
  });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`收到 ${signal}，正在停止服务……`);
    stopQuizPurge();
    stopNotifier();
    server.close(() => {
      closeDb(db).finally(() => process.exit(0));
    });
    // Idle keep-alive connections must not hold the process open.
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    setTimeout(() => process.exit(0), 8000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return server;
}

if (import.meta.main) await startServer();
