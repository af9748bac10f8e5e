import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import { ATTACHMENT_LIMITS } from '../config/reporting.ts';
import type { Db } from './db/client.ts';
import { MESSAGES, UserError } from './errors.ts';
import { bodyLimits } from './middleware/body-limit.ts';
import { clientInfo, NO_PROXY, type ProxyTrust } from './middleware/client.ts';
import { DEV_HOSTS, hostCheck } from './middleware/host-check.ts';
import { DEFAULT_REPORT_LIMITS, RateLimiter } from './middleware/rate-limit.ts';
import { sameOriginPosts } from './middleware/same-origin.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { adminRoutes } from './routes/admin/index.ts';
import { CHANNEL_UPLOAD_PATHS, INTAKE_UPLOAD_PATH } from './routes/admin/channels.ts';
import type { NotifyConfig } from './services/notify/config.ts';
import { dataRoutes } from './routes/data.ts';
import { healthRoutes } from './routes/health.ts';
import { reportRoutes, UPLOAD_BODY_LIMIT, UPLOAD_PATHS } from './routes/reports.ts';
import { blobStoreFor } from './services/blob-store.ts';
import { ensureInstanceKeys } from './services/keys.ts';
import { quizRoutes, type QuizOptions } from './routes/quiz.ts';
import { loadScriptHashes, resolveStaticFile, sendFile } from './static.ts';
import { PageShell } from './views/shell.ts';
import { compressHtml } from './middleware/compress.ts';
import { searchRoutes } from './routes/search.ts';

export interface AppDeps {
  db: Db;
  /** Built site (Astro dist). */
  siteDir: string;
  /** Data directory (database and encrypted files). */
  dataDir: string;
  /** Edge of the network: which proxies to believe, which host names to answer, cookie policy. */
  edge?: {
    /** Reverse proxies whose X-Forwarded-For/-Proto are believed (TRUST_PROXY); default none. */
    trustProxy?: ProxyTrust;
    /** Host names answered (ALLOWED_HOSTS / SITE_URL); default localhost, 127.0.0.1, ::1. */
    allowedHosts?: readonly string[];
    /** Staff cookie always Secure (COOKIE_SECURE=on); otherwise Secure when the request came over HTTPS. */
    cookieSecure?: boolean;
  };
  /** One limiter for reports and quizzes (tests pass their own clock). */
  limiter?: RateLimiter;
  reporting?: {
    /** Per-client limits per hour by bucket; pass {} to disable (benchmarks, crash test). */
    limits?: Record<string, number>;
    /** Receives the recovery key on first start (default: printed once to the console). */
    onRecoveryKey?: (recoveryKey: string) => void;
    /** Minimum duration of receipt lookups, so right and wrong codes take the same time. */
    lookupFloorMs?: number;
  };
  /** Quizzes: question bank, retention of class sessions (defaults load content/questions, 7 days). */
  quiz?: QuizOptions;
  /** Notification settings (issue 15), parsed at start by server.ts. */
  notify?: NotifyConfig | null;
}

/** Default cap on request bodies; upload routes declare their own larger limit. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Staff upload of documents to a case (multipart, larger than the default body limit). */
const STAFF_UPLOAD_PATH = /^\/api\/admin\/reports\/[^/]+\/files$/;

/** Paths the server renders or hides itself; never served from dist as-is. */
const HIDDEN_STATIC = [/^\/server-shell(\/|$)/, /^\/\.csp-hashes\.json$/, /^\/\.search-index\.json$/, /^\/\.nginx-csp\.map$/];

export interface BuiltApp {
  app: Hono;
  shell: PageShell;
}

export async function createApp(deps: AppDeps): Promise<BuiltApp> {
  const app = new Hono();
  const shell = new PageShell(deps.siteDir);
  const siteRoot = deps.siteDir;

  const limiter = deps.limiter ?? new RateLimiter();

  // Order matters: know the client (proxy-aware), refuse foreign host names, set headers on every
  // answer (refusals included), then refuse cross-site reporter posts and oversized bodies before
  // any handler reads a byte.
  app.use('*', clientInfo(deps.edge?.trustProxy ?? NO_PROXY, { cookieSecure: deps.edge?.cookieSecure ?? false }));
  app.use('*', securityHeaders(loadScriptHashes(deps.siteDir)));
  // Server-rendered HTML goes out compressed (issue 13); runs inside the security headers.
  app.use('*', compressHtml());
  app.use('*', hostCheck(deps.edge?.allowedHosts ?? DEV_HOSTS));
  for (const path of ['/api/reports', '/api/reports/*', '/report/*']) app.use(path, sameOriginPosts());
  app.use(
    '*',
    bodyLimits({
      defaultBytes: DEFAULT_BODY_LIMIT,
      uploads: { paths: [...UPLOAD_PATHS, STAFF_UPLOAD_PATH, ...CHANNEL_UPLOAD_PATHS], bytes: UPLOAD_BODY_LIMIT },
      onError: (c) => {
        const message = UPLOAD_PATHS.includes(c.req.path) || STAFF_UPLOAD_PATH.test(c.req.path) || INTAKE_UPLOAD_PATH.test(c.req.path)
          ? `${MESSAGES.tooLarge}附件最多 ${ATTACHMENT_LIMITS.maxFiles} 个，每个不超过 ${ATTACHMENT_LIMITS.maxBytes / 1024 / 1024} MB；只有附件可以用表单上传，文字留言不超过 ${DEFAULT_BODY_LIMIT / 1024} KB。`
          : MESSAGES.tooLarge;
        c.header('Cache-Control', 'no-store');
        return c.req.path.startsWith('/api/') && !/text\/html/i.test(c.req.header('accept') ?? '')
          ? c.json({ error: { code: 'too_large', message } }, 413)
          : c.html(shell.error('提交的内容太大', message), 413);
      },
    }),
  );

  app.route('/api', healthRoutes(deps.db));
  app.route('/', quizRoutes({ db: deps.db, shell, quiz: { ...deps.quiz, limiter: deps.quiz?.limiter ?? limiter } }));

  const keys = await ensureInstanceKeys(deps.db, deps.reporting?.onRecoveryKey);
  // Attachment bytes: files beside SQLite, the database itself on PostgreSQL (issue 16).
  const store = blobStoreFor(deps.db, deps.dataDir);
  app.route(
    '/',
    reportRoutes({
      db: deps.db,
      store,
      keys,
      shell,
      limiter,
      limits: deps.reporting?.limits ?? { ...DEFAULT_REPORT_LIMITS },
      ...(deps.reporting?.lookupFloorMs !== undefined ? { lookupFloorMs: deps.reporting.lookupFloorMs } : {}),
    }),
  );

  // Back office and public figures (issue 7).
  app.route('/', adminRoutes({ db: deps.db, store, keys, shell, siteDir: deps.siteDir, notify: deps.notify ?? null }).app);
  app.route('/', dataRoutes(deps.db, shell));
  app.route('/', searchRoutes(deps.siteDir, shell));

  app.all('/api/*', (c) => c.json({ error: { code: 'not_found', message: MESSAGES.notFound } }, 404));

  app.on(['GET', 'HEAD'], '*', function staticSite(c) {
    const path = c.req.path;
    const file = HIDDEN_STATIC.some((re) => re.test(path)) ? null : resolveStaticFile(siteRoot, path);
    if (file) {
      // Directory without trailing slash: redirect so relative links resolve.
      if (!path.endsWith('/') && file.endsWith('/index.html') && !path.endsWith('index.html')) {
        return c.redirect(`${path}/`, 301);
      }
      return sendFile(c, file, path);
    }
    const notFound = resolveStaticFile(siteRoot, '/404.html');
    if (notFound) return sendFile(c, notFound, '/404.html', 404);
    return c.html(shell.error('页面找不到', '您要找的页面不存在。'), 404);
  });

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) return c.json({ error: { code: 'not_found', message: MESSAGES.notFound } }, 404);
    return c.html(shell.error('不支持的请求', MESSAGES.methodNotAllowed), 405);
  });

  app.onError((err, c) => {
    const isApi = c.req.path.startsWith('/api/');
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = err instanceof UserError ? err.code : status === 413 ? 'too_large' : 'bad_request';
      const message = err instanceof UserError ? err.message : status === 413 ? MESSAGES.tooLarge : MESSAGES.badRequest;
      const field = err instanceof UserError ? err.field : undefined;
      if (isApi) return c.json({ error: { code, message, ...(field ? { field } : {}) } }, status);
      return c.html(shell.error('请求没有完成', message), status);
    }
    // Full trace for the operator only; the client gets a generic message. No request data is logged.
    console.error(`[error] ${c.req.method} ${isApi ? routePath(c) : 'page'}:`, err);
    if (isApi) return c.json({ error: { code: 'internal', message: MESSAGES.internal } }, 500);
    return c.html(shell.error('服务器出错了', MESSAGES.internal), 500);
  });

  return { app, shell };
}
