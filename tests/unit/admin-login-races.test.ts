/**
 * Issue 10 item 4: logins under parallel requests. The failure counter and the last used TOTP step are
 * read and written in one transaction, and unknown names cost what real ones do.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { row, rows } from '../../api/db/client.ts';
import { totpCode } from '../../api/crypto/index.ts';
import { LOGIN_RULES } from '../../config/staff.ts';
import { addStaff, makeApp, ORIGIN, PASSWORD } from './admin-fixtures.ts';
import type { TestApp } from './report-fixtures.ts';

const attempt = (t: TestApp, username: string, password: string, code: string) =>
  t.app.request('/api/admin/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN }, body: JSON.stringify({ username, password, code }) });

describe('atomic logins', () => {
  it('80 parallel wrong-password logins lock the account, and the right password is then refused', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { id, totpSecret } = await addStaff(t, 'racer', 'intake');
    const answers = await Promise.all(Array.from({ length: 80 }, () => attempt(t, 'racer', 'wrong password!!', '123456')));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_RULES.maxFailures - 1);
    expect(statuses.filter((s) => s === 423)).toHaveLength(80 - (LOGIN_RULES.maxFailures - 1));
    const locked = await row<{ locked_until: string | null }>(t.db, sql`select locked_until from staff_users where id = ${id}`);
    expect(locked!.locked_until).not.toBeNull();
    expect((await attempt(t, 'racer', PASSWORD, totpCode(totpSecret))).status).toBe(423);
    const actions = (await rows<{ action: string }>(t.db, sql`select action from audit_log where action like 'login.%'`)).map((r) => r.action);
    expect(actions.filter((a) => a === 'login.failed')).toHaveLength(LOGIN_RULES.maxFailures - 1);
    expect(actions.filter((a) => a === 'login.locked')).toHaveLength(1);
  }, 20_000);

  it('one TOTP code sent in 10 parallel logins admits exactly one', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { totpSecret } = await addStaff(t, 'twin', 'supervisor');
    const code = totpCode(totpSecret);
    const answers = await Promise.all(Array.from({ length: 10 }, () => attempt(t, 'twin', PASSWORD, code)));
    expect(answers.map((r) => r.status).filter((s) => s === 200)).toHaveLength(1);
    // The replays are failures (401, then 423 once they reach the lockout): none gets a session.
    expect(answers.map((r) => r.status).filter((s) => s === 401 || s === 423)).toHaveLength(9);
    const oks = await row<{ n: number }>(t.db, sql`select count(*) as n from audit_log where action = 'login.ok'`);
    expect(Number(oks!.n)).toBe(1);
  }, 20_000);

  it('an unknown name answers like a real one: same backoff on a first failure, and the same lockout', async () => {
    const t = await makeApp({ fastReceipts: true });
    await addStaff(t, 'realname', 'intake');
    const time = async (name: string) => {
      const started = performance.now();
      const res = await attempt(t, name, 'wrong password!!', '000000');
      return { ms: performance.now() - started, status: res.status };
    };
    const real = await time('realname');
    const ghost = await time('nosuchname');
    expect(real.status).toBe(401);
    expect(ghost.status).toBe(401);
    // Both wait the first-failure backoff (500 ms); before the fix an unknown name answered at once.
    expect(ghost.ms).toBeGreaterThan(450);
    expect(Math.abs(ghost.ms - real.ms)).toBeLessThan(250);
    // The lockout answer comes for unknown names too, after the same number of failures.
    const ghostStatuses: number[] = [];
    for (let i = 0; i < LOGIN_RULES.maxFailures; i++) ghostStatuses.push((await attempt(t, 'ghost2', 'x'.repeat(12), '000000')).status);
    expect(ghostStatuses).toEqual([401, 401, 401, 401, 423]);
    const after = await attempt(t, 'ghost2', 'x'.repeat(12), '000000');
    expect(after.status).toBe(423);
    expect(((await after.json()) as any).error.message).toMatch(/分钟后再试/);
  }, 40_000);
});
