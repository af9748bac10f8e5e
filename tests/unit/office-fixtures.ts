/** Back-office page fixtures: form posts as the pages send them (urlencoded or multipart, CSRF field, Origin). */
import { sql } from 'drizzle-orm';
import { onTestFinished } from 'vitest';
import { rows as dbRows } from '../../api/db/client.ts';
import { ORIGIN, type StaffLogin } from './admin-fixtures.ts';
import type { TestApp } from './report-fixtures.ts';

/** Posts a page form; returns status, Location and the HTML body. */
export async function formPost(t: TestApp, who: StaffLogin, path: string, fields: Record<string, string | string[]>, files: File[] = []): Promise<{ status: number; location: string | null; body: string }> {
  const headers: Record<string, string> = { origin: ORIGIN, cookie: who.cookie };
  let body: BodyInit;
  if (files.length) {
    const form = new FormData();
    for (const [k, v] of Object.entries({ _csrf: who.csrf, ...fields })) for (const x of [v].flat()) form.append(k, x);
    for (const f of files) form.append('files', f);
    body = form;
  } else {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ _csrf: who.csrf, ...fields })) for (const x of [v].flat()) params.append(k, x);
    body = params.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await t.app.request(path, { method: 'POST', headers, body });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

export async function getPage(t: TestApp, who: StaffLogin, path: string): Promise<{ status: number; body: string; res: Response }> {
  const res = await t.app.request(path, { headers: { cookie: who.cookie } });
  return { status: res.status, body: await res.text(), res };
}

/** Sets the test clock (api/clock.ts) for the rest of the test. */
export function setNow(value: string): void {
  process.env.NOW = value;
  onTestFinished(() => void delete process.env.NOW);
}

export async function auditActions(t: TestApp, reportId?: string): Promise<string[]> {
  const rows = reportId
    ? await dbRows<{ action: string }>(t.db, sql`select action from audit_log where report_id = ${reportId} order by id`)
    : await dbRows<{ action: string }>(t.db, sql`select action from audit_log order by id`);
  return rows.map((r) => r.action);
}
