/**
 * Every route of the whole app (api/app.ts, not only the back-office sub-app) answers as the
 * hand-written access table (tests/unit/access-table.ts, from the README's role table) says:
 * anonymous callers, and a logged-in member of each staff role, are tried on every route.
 */
import { describe, expect, it } from 'vitest';
import { STAFF_ROLE_CODES, type StaffRole } from '../../config/staff.ts';
import { ACCESS_TABLE, ENDS_SESSION, type Access } from './access-table.ts';
import { makeApp, ORIGIN, staffOf, type StaffLogin } from './admin-fixtures.ts';
import type { TestApp } from './report-fixtures.ts';

const TABLE_FILE = 'tests/unit/access-table.ts';

/** The app's route inventory: every distinct "METHOD /path" Hono has registered. */
export function inventory(app: { routes: { method: string; path: string }[] }): string[] {
  return [...new Set(app.routes.map((r) => `${r.method} ${r.path}`))];
}

/** A concrete URL for a route pattern: parameters and wildcards get harmless sample values. */
export function sampleUrl(path: string): string {
  return path
    .replace(/:([A-Za-z_]\w*)\{[^}]*\}/g, 'probe-$1')
    .replace(/:([A-Za-z_]\w*)/g, 'probe-$1')
    .replace(/\*/g, 'probe-any');
}

interface Answer {
  status: number;
  code: string | null;
  location: string | null;
}

async function probe(t: TestApp, who: StaffLogin | null, method: string, path: string): Promise<Answer> {
  const headers: Record<string, string> = { origin: ORIGIN };
  if (who) {
    headers.cookie = who.cookie;
    headers['x-csrf-token'] = who.csrf;
  }
  const unsafe = method !== 'GET' && method !== 'HEAD';
  if (unsafe) headers['content-type'] = 'application/json';
  const res = await t.app.request(sampleUrl(path), { method, headers, ...(unsafe ? { body: '{}' } : {}) });
  let code: string | null = null;
  if ((res.headers.get('content-type') ?? '').includes('json')) code = ((await res.json()) as { error?: { code?: string } }).error?.code ?? null;
  else await res.arrayBuffer();
  return { status: res.status, code, location: res.headers.get('location') };
}

const toLogin = (a: Answer) => a.status === 303 && a.location === '/admin/login';
/** The access guard's own refusals (api/routes/admin/access.ts); a handler's 401 for a wrong password is not one. */
const refusedByGuard = (a: Answer) => (a.status === 401 && a.code === 'unauthenticated') || toLogin(a) || (a.status === 403 && (a.code === null || ['forbidden', 'csrf', 'bad_origin', 'unauthenticated'].includes(a.code)));
const isPage = (path: string) => !path.startsWith('/api/');
const fmt = (a: Answer) => `${a.status}${a.code ? ` ${a.code}` : ''}${a.location ? ` → ${a.location}` : ''}`;

function describeAccess(access: Access): string {
  return typeof access === 'string' ? access : `[${access.join(', ')}]`;
}

describe('整个应用的访问表（按 README 角色表手写）', async () => {
  const t = await makeApp({ fastReceipts: true });
  const routes = inventory(t.app);

  it('每个路由都在访问表里，访问表里没有已删除的路由', () => {
    const missing = routes.filter((r) => !(r in ACCESS_TABLE));
    const stale = Object.keys(ACCESS_TABLE).filter((r) => !routes.includes(r));
    const advice = [
      ...missing.map((r) => `  路由 "${r}" 不在 ${TABLE_FILE} 里：按 README 的角色表加一行，例如  '${r}': ${r.includes('/admin') ? "['admin']" : "'public'"},（公开写 'public'，只包裹其他路由的中间件写 'middleware'）`),
      ...stale.map((r) => `  ${TABLE_FILE} 里的 "${r}" 在应用里已不存在：删掉这一行，或改成现在的路径`),
    ];
    expect(advice, `访问表和应用的路由不一致：\n${advice.join('\n')}\n`).toEqual([]);
    expect(routes.length).toBeGreaterThan(60);
  });

  it('每个路由对匿名访问者和每个角色的回答都符合访问表', async () => {
    const staff = {} as Record<StaffRole, StaffLogin>;
    for (const role of STAFF_ROLE_CODES) staff[role] = await staffOf(t, `acc${role}`, role, role === 'handler' ? 'emergency' : null);
    const wrong: string[] = [];
    let probes = 0;
    // Routes that end the session run last, so the rest of the matrix keeps its logins.
    const ordered = [...routes.filter((r) => !ENDS_SESSION.has(r)), ...routes.filter((r) => ENDS_SESSION.has(r))];
    for (const route of ordered) {
      const access = ACCESS_TABLE[route];
      if (access === undefined || access === 'middleware') continue;
      const [verb, path] = route.split(' ') as [string, string];
      const methods = verb === 'ALL' ? ['GET', 'POST'] : [verb];
      for (const method of methods) {
        const anon = await probe(t, null, method, path);
        probes++;
        if (access === 'public') {
          if (refusedByGuard(anon)) wrong.push(`  ${route}（公开）匿名访问被拒绝：${fmt(anon)}`);
          continue;
        }
        const expectAnon = isPage(path) ? toLogin(anon) : anon.status === 401 && anon.code === 'unauthenticated';
        if (!expectAnon) wrong.push(`  ${route} 只给 ${describeAccess(access)}，但匿名访问回答 ${fmt(anon)}（应为 ${isPage(path) ? '303 → /admin/login' : '401 unauthenticated'}）`);
        for (const role of STAFF_ROLE_CODES) {
          const answer = await probe(t, staff[role], method, path);
          probes++;
          const allowed = access.includes(role);
          if (allowed && refusedByGuard(answer)) wrong.push(`  ${route}：访问表允许 ${role}，但回答 ${fmt(answer)}（规则太窄，或访问表需要更新）`);
          if (!allowed && !(answer.status === 403 && (answer.code === 'forbidden' || (isPage(path) && answer.code === null)))) {
            wrong.push(`  ${route}：访问表不允许 ${role}，但回答 ${fmt(answer)}（应为 403 forbidden；规则太宽？）`);
          }
        }
      }
    }
    expect(wrong, `实际回答与 ${TABLE_FILE} 不符：\n${wrong.join('\n')}\n`).toEqual([]);
    expect(probes).toBeGreaterThan(200);
  });

  it('检查能发现：app.ts 里直接加的没有规则的后台路由、被放宽的规则', async () => {
    // The same inventory and probes, on an app with an unguarded back-office route added at the top level.
    const u = await makeApp({ fastReceipts: true });
    u.app.get('/api/admin/sneaky', (c) => c.json({ secret: true }));
    expect(inventory(u.app).filter((r) => !(r in ACCESS_TABLE))).toEqual(['GET /api/admin/sneaky']);
    const anon = await probe(u, null, 'GET', '/api/admin/sneaky');
    expect(refusedByGuard(anon)).toBe(false);
  });
});
