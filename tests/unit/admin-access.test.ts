/**
 * Access rules: every back-office route has one (this test fails when a route is added without it),
 * unauthenticated calls get 401, and every role is refused (403) by every route it is not allowed.
 */
import { describe, expect, it } from 'vitest';
import { STAFF_ROLE_CODES, type StaffRole } from '../../config/staff.ts';
import { adminRoutes } from '../../api/routes/admin/index.ts';
import { PageShell } from '../../api/views/shell.ts';
import { call, makeApp, staffOf, type StaffLogin } from './admin-fixtures.ts';

const sampleParams = (path: string) => path.replace(':id', 'no-such-case').replace(':fileId', 'no-such-file');

describe('back-office access rules', async () => {
  const t = await makeApp({ fastReceipts: true });
  const { app, rules } = adminRoutes({ db: t.db, store: t.deps.store, keys: t.deps.keys, shell: new PageShell('/nonexistent') });

  it('declares a rule for every route registered on the back-office app', () => {
    const registered = app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
    const declared = new Set(rules.map((r) => `${r.method} ${r.path}`));
    const missing = [...new Set(registered)].filter((r) => !declared.has(r));
    expect(missing, '没有访问规则的后台路由').toEqual([]);
    expect(rules.length).toBeGreaterThan(20);
    // Every route lives under the two back-office prefixes (the cookie is scoped to them).
    for (const r of rules) expect(r.path).toMatch(/^\/(api\/)?admin\//);
  });

  it('the missing-rule check catches a route added directly', () => {
    const probe = adminRoutes({ db: t.db, store: t.deps.store, keys: t.deps.keys, shell: new PageShell('/nonexistent') });
    probe.app.get('/api/admin/sneaky', (c) => c.text('x'));
    const declared = new Set(probe.rules.map((r) => `${r.method} ${r.path}`));
    const missing = probe.app.routes.filter((r) => r.method !== 'ALL' && !declared.has(`${r.method} ${r.path}`));
    expect(missing.map((r) => r.path)).toEqual(['/api/admin/sneaky']);
  });

  it('answers 401 to every non-public API route without a session', async () => {
    for (const rule of rules.filter((r) => r.allow !== 'public' && r.path.startsWith('/api/'))) {
      const { status, json } = await call(t, null, rule.method, sampleParams(rule.path), rule.method === 'POST' ? {} : undefined);
      expect(status, `${rule.method} ${rule.path}`).toBe(401);
      expect(json.error.message).toMatch(/登录/);
    }
  });

  it('sends back-office pages to the login form without a session', async () => {
    for (const rule of rules.filter((r) => r.allow !== 'public' && r.path.startsWith('/admin/'))) {
      const res = await t.app.request(sampleParams(rule.path));
      expect(res.status, rule.path).toBe(303);
      expect(res.headers.get('location')).toBe('/admin/login');
    }
  });

  it('role × endpoint matrix: forbidden roles get 403, allowed roles get past the guard', async () => {
    const staff = {} as Record<StaffRole, StaffLogin>;
    for (const role of STAFF_ROLE_CODES) staff[role] = await staffOf(t, `m${role}`, role, role === 'handler' ? 'emergency' : null);
    let checked = 0;
    for (const rule of rules.filter((r) => r.allow !== 'public')) {
      for (const role of STAFF_ROLE_CODES) {
        // Logging out would end the session the rest of the matrix needs; it is covered in the login tests.
        if (rule.path === '/api/admin/logout') continue;
        const allowed = (rule.allow as readonly string[]).includes(role);
        const { status } = await call(t, staff[role], rule.method, sampleParams(rule.path), rule.method === 'POST' ? {} : undefined);
        if (allowed) expect([401, 403], `${role} ${rule.method} ${rule.path} → ${status}`).not.toContain(status);
        else expect(status, `${role} ${rule.method} ${rule.path}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
