/** Back-office fixtures: staff of every role on a test app, logged in through the real login route. */
import { eq, sql } from 'drizzle-orm';
import type { DepartmentCode } from '../../config/departments.ts';
import type { StaffRole } from '../../config/staff.ts';
import { decodeRecoveryKey, open, totpCode } from '../../api/crypto/index.ts';
import { first, row } from '../../api/db/client.ts';
import { cryptoKeys } from '../../api/db/schema.ts';
import { createFirstAdmin, createStaff, deptKeyId, ensureDepartmentKey, setPasswordCostForTests } from '../../api/services/admin/staff.ts';
import { KEY_IDS, unlockWithRecoveryKey } from '../../api/services/keys.ts';
import { makeApp, reportForm, submit, type TestApp } from './report-fixtures.ts';

setPasswordCostForTests(2 ** 10);

export const ORIGIN = 'http://localhost';
export const PASSWORD = 'correct horse battery';

export interface StaffLogin {
  id: string;
  username: string;
  role: StaffRole;
  totpSecret: string;
  cookie: string;
  csrf: string;
}

/** Creates an account directly (keys taken with the recovery key, as the CLI would). */
export async function addStaff(t: TestApp, username: string, role: StaffRole, department: DepartmentCode | null = null): Promise<{ id: string; totpSecret: string }> {
  const escrow = decodeRecoveryKey(t.recoveryKey)!;
  const { intakePrivateKey, custodianPrivateKey } = await unlockWithRecoveryKey(t.db, t.recoveryKey);
  const input = { username, displayName: `测试${username}`, role, department, password: PASSWORD };
  if (role === 'admin') {
    const { user, totpSecret } = await createFirstAdmin(t.db, t.deps.keys, input);
    return { id: user.id, totpSecret };
  }
  const deptKey = async (code: DepartmentCode) => {
    const made = await ensureDepartmentKey(t.db, t.deps.keys, code);
    if (made.newPrivateKey) return made.newPrivateKey;
    return open(escrow, first(await t.db.select().from(cryptoKeys).where(eq(cryptoKeys.id, deptKeyId(code))).limit(1))!.escrowSealedPrivateKey!);
  };
  const grants =
    role === 'intake' || role === 'supervisor'
      ? [{ keyId: KEY_IDS.intake, privateKey: intakePrivateKey }]
      : role === 'handler'
        ? [{ keyId: deptKeyId(department!), privateKey: await deptKey(department!) }]
        : role === 'custodian'
          ? [{ keyId: KEY_IDS.custodian, privateKey: custodianPrivateKey }]
          : [];
  const { user, totpSecret } = await createStaff(t.db, t.deps.keys, input, grants, 'test');
  return { id: user.id, totpSecret };
}

export async function loginAs(t: TestApp, username: string, totpSecret: string, code?: string): Promise<{ res: Response; cookie: string; csrf: string }> {
  const res = await t.app.request('/api/admin/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ username, password: PASSWORD, code: code ?? totpCode(totpSecret) }),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = /shanghe_staff=([^;]+)/.exec(setCookie)?.[1] ?? '';
  const body = res.status === 200 ? ((await res.json()) as { csrf_token: string }) : { csrf_token: '' };
  return { res, cookie: `shanghe_staff=${cookie}`, csrf: body.csrf_token };
}

export async function staffOf(t: TestApp, username: string, role: StaffRole, department: DepartmentCode | null = null): Promise<StaffLogin> {
  const { id, totpSecret } = await addStaff(t, username, role, department);
  const { cookie, csrf, res } = await loginAs(t, username, totpSecret);
  if (res.status !== 200) throw new Error(`login failed for ${username}: ${res.status}`);
  return { id, username, role, totpSecret, cookie, csrf };
}

/** Calls the staff API as `who` (or anonymously), JSON in and out, with Origin and the CSRF header. */
export async function call(t: TestApp, who: StaffLogin | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; res: Response }> {
  const headers: Record<string, string> = { origin: ORIGIN };
  if (who) {
    headers.cookie = who.cookie;
    headers['x-csrf-token'] = who.csrf;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await t.app.request(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, json: type.includes('json') ? await res.json() : null, res };
}

export async function fileReportAs(t: TestApp, fields: Record<string, string> = {}, files: File[] = []): Promise<{ receipt: string; reportId: string }> {
  const { body } = await submit(t.app, reportForm(fields, files));
  const receipt = body.receipt as string;
  const last = await row<{ id: string }>(t.db, sql`select id from reports order by rowid desc limit 1`);
  return { receipt, reportId: last!.id };
}

export async function lookup(t: TestApp, receipt: string): Promise<any> {
  const res = await t.app.request('/api/reports/lookup', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ receipt }) });
  return res.json();
}

export { makeApp };
