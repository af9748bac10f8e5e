/** Handling deadlines and retention period: defaults in config/staff.ts, changes kept in app_meta. */
import { eq } from 'drizzle-orm';
import { DEFAULT_HANDLING, type HandlingSettings } from '../../../config/staff.ts';
import { first, type Db } from '../../db/client.ts';
import { appMeta } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';

const KEY = 'handling_settings';

export async function handlingSettings(db: Db): Promise<HandlingSettings> {
  const row = first(await db.select().from(appMeta).where(eq(appMeta.key, KEY)).limit(1));
  return { ...DEFAULT_HANDLING, ...(row ? (JSON.parse(row.value) as Partial<HandlingSettings>) : {}) };
}

const LIMITS: Record<keyof HandlingSettings, { min: number; max: number; label: string }> = {
  acceptDays: { min: 1, max: 30, label: '受理期限（天）' },
  closeDays: { min: 7, max: 180, label: '办结期限（天）' },
  maxExtensionDays: { min: 0, max: 90, label: '最长延期（天）' },
  dueSoonDays: { min: 1, max: 30, label: '临期提醒（天）' },
  retentionDays: { min: 30, max: 3650, label: '办结后附件和身份保存期（天）' },
};

export function parseSettings(input: Record<string, unknown>): HandlingSettings {
  const out = { ...DEFAULT_HANDLING };
  for (const [key, rule] of Object.entries(LIMITS) as [keyof HandlingSettings, (typeof LIMITS)[keyof HandlingSettings]][]) {
    const raw = input[key];
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < rule.min || n > rule.max) throw new UserError(400, 'invalid_field', `${rule.label}要填 ${rule.min}–${rule.max} 的整数。`, key);
    out[key] = n;
  }
  return out;
}

export async function saveHandlingSettings(db: Db, s: HandlingSettings): Promise<void> {
  const value = JSON.stringify(s);
  const now = new Date().toISOString();
  await db.insert(appMeta).values({ key: KEY, value, updatedAt: now }).onConflictDoUpdate({ target: appMeta.key, set: { value, updatedAt: now } });
}

export const SETTING_LABELS = Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, v.label])) as Record<keyof HandlingSettings, string>;
