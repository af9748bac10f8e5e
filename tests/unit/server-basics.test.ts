import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, type BuiltApp } from '../../api/app.ts';
import { closeDb, openDb } from '../../api/db/client.ts';
import { databaseKind } from '../../api/db/dialect.ts';
import { ConfigError, parseEnv } from '../../api/env.ts';
import { resolveStaticFile } from '../../api/static.ts';
import { html } from '../../api/views/html.ts';
import { inlineScriptHashes } from '../../scripts/postbuild.ts';
import { freePort, scriptNode } from './report-fixtures.ts';

/** The database these tests run on (DATABASE_URL, as the server would read it). */
const KIND = databaseKind(process.env);

function siteFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'site-'));
  mkdirSync(join(dir, 'guides', 'x'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html lang="zh-CN"><body>首页</body></html>');
  writeFileSync(join(dir, '404.html'), '<!doctype html><html lang="zh-CN"><body>页面找不到</body></html>');
  writeFileSync(join(dir, 'guides', 'x', 'index.html'), '<p>guide</p>');
  writeFileSync(join(dir, '.csp-hashes.json'), JSON.stringify({ '/': ['sha256-abc='] }));
  return dir;
}

describe('配置', () => {
  it('使用默认值', () => {
    const c = parseEnv({});
    expect(c.port).toBe(4321);
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).toMatch(/data$/);
  });
  it('错误的端口给出中文说明', () => {
    expect(() => parseEnv({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => parseEnv({ PORT: '70000' })).toThrow(/PORT 必须是 1–65535 的整数/);
  });
});

describe('静态文件', () => {
  const root = siteFixture();
  it('不会跳出网站目录', () => {
    expect(resolveStaticFile(root, '/../../etc/passwd')).toBeNull();
    expect(resolveStaticFile(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveStaticFile(root, '/%00')).toBeNull();
    expect(resolveStaticFile(root, '/%E0%A4%A')).toBeNull();
  });
  it('目录映射到 index.html', () => {
    expect(resolveStaticFile(root, '/guides/x/')).toBe(join(root, 'guides', 'x', 'index.html'));
  });
});

describe('HTML 转义', () => {
  it('插值一律转义，嵌套片段保留', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${'<script>'}</p>`.value).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;script&gt;</p>',
    );
  });
});

describe('CSP 内联脚本哈希', () => {
  it('只计算没有 src 的内联脚本', () => {
    const hashes = inlineScriptHashes('<script src="/a.js"></script><script>alert(1)</script><script type="application/ld+json">{}</script>');
    expect(hashes).toEqual(['sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=']);
  });
});

describe('应用', () => {
  const siteDir = siteFixture();
  let app: BuiltApp['app'];
  beforeAll(async () => {
    ({ app } = await createApp({ db: await openDb(':memory:'), siteDir, dataDir: siteDir, reporting: { onRecoveryKey: () => {} } }));
  });

  it('健康检查执行真实查询，说明数据库种类，不含地址和账号', async () => {
    const res = await app.request('/api/health');
    expect(res.status).toBe(200);
    // Exactly these fields: no address, user name or password of the database.
    expect(await res.json()).toEqual({ ok: true, database: { kind: KIND, ok: true } });
  });

  it('数据库不可用时健康检查报 503 和中文说明', async () => {
    const db = await openDb(':memory:');
    const { app: broken } = await createApp({ db, siteDir, dataDir: siteDir, reporting: { onRecoveryKey: () => {} } });
    await closeDb(db);
    const res = await broken.request('/api/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, database: { kind: KIND, ok: false }, error: { code: 'db_unavailable', message: '数据库暂时不可用。' } });
  });

  it('HTML 页面的 CSP 带上该页的脚本哈希，不含 unsafe-inline', async () => {
    const res = await app.request('/');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("'sha256-abc='");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('未知页面返回 404 页面，未知接口返回 JSON', async () => {
    const page = await app.request('/missing/');
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('页面找不到');
    const api = await app.request('/api/missing');
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('not_found');
  });

  it('请求体超限返回 413 和中文说明', async () => {
    const res = await app.request('/api/health', {
      method: 'POST',
      body: 'x'.repeat(300 * 1024),
      headers: { 'content-type': 'text/plain', 'content-length': String(300 * 1024) },
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toContain('太大');
  });

  it('服务器模板目录不对外', async () => {
    const res = await app.request('/server-shell/');
    expect(res.status).toBe(404);
  });
});

describe('启动时连不上数据库', () => {
  it('PostgreSQL 连不上：服务不启动，标准错误里一句中文说明（不带地址里的密码，不打印调用栈），退出码 1', async () => {
    const port = await freePort(); // nothing listens here
    const dataDir = mkdtempSync(join(tmpdir(), 'db-start-'));
    const proc = spawn(scriptNode(), ['api/server.ts'], {
      env: { ...process.env, PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, SITE_DIR: join(dataDir, 'no-site'), DATABASE_URL: `postgres://probe:SECRET-PASSWORD@127.0.0.1:${port}/shanghe`, DATABASE_TEST_ISOLATE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout!.on('data', (d) => (stdout += d));
    proc.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code, stdout + stderr).toBe(1);
    expect(stderr).toContain(`无法连接数据库 PostgreSQL 127.0.0.1:${port}/shanghe`);
    expect(stderr).toContain('DATABASE_URL');
    expect(stderr + stdout).not.toContain('SECRET-PASSWORD');
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stdout).not.toContain('已启动');
  }, 60_000);
});
