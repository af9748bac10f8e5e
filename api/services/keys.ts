/**
 * Instance key setup (first start) and recovery.
 *
 * First start: an escrow key pair, an intake key pair and an identity-custodian key pair are made.
 * The intake and custodian private keys are sealed to the escrow public key; the escrow private key
 * is never stored — it is handed to `onRecoveryKey` (the console) once, as the printable recovery key.
 * Submissions only need public keys, so they work before any staff account exists.
 */
import { eq } from 'drizzle-orm';
import { decodeRecoveryKey, encodeRecoveryKey, generateKeyPair, open, publicKeyFromPrivate, randomBytes, SCRYPT_PARAMS, seal } from '../crypto/index.ts';
import { first, lockedTransaction, type Db } from '../db/client.ts';
import { appMeta, cryptoKeys } from '../db/schema.ts';

export interface InstanceKeys {
  intakePublicKey: Buffer;
  custodianPublicKey: Buffer;
  escrowPublicKey: Buffer;
  /** Instance-wide scrypt salt for receipt lookups (not secret). */
  receiptSalt: Buffer;
  /** scrypt cost for receipts, fixed when the instance is created (stored so it can be raised later). */
  receiptScryptN: number;
}

export const KEY_IDS = { escrow: 'escrow', intake: 'intake', custodian: 'identity_custodian' } as const;
const RECEIPT_SALT_META = 'receipt_lookup_salt';
const RECEIPT_SCRYPT_META = 'receipt_scrypt_n';

async function load(db: Db): Promise<InstanceKeys | null> {
  const rows = await db.select().from(cryptoKeys);
  const get = (id: string) => rows.find((r) => r.id === id)?.publicKey;
  const salt = first(await db.select().from(appMeta).where(eq(appMeta.key, RECEIPT_SALT_META)).limit(1));
  const cost = first(await db.select().from(appMeta).where(eq(appMeta.key, RECEIPT_SCRYPT_META)).limit(1));
  const intake = get(KEY_IDS.intake);
  const custodian = get(KEY_IDS.custodian);
  const escrow = get(KEY_IDS.escrow);
  if (!intake || !custodian || !escrow || !salt) return null;
  return { intakePublicKey: intake, custodianPublicKey: custodian, escrowPublicKey: escrow, receiptSalt: Buffer.from(salt.value, 'base64'), receiptScryptN: cost ? Number(cost.value) : SCRYPT_PARAMS.N };
}

/** Prints the recovery key once, with the warning an operator needs. */
export function printRecoveryKey(recoveryKey: string): void {
  const line = '='.repeat(72);
  console.log(
    [
      line,
      '首次启动：已生成举报加密密钥。下面是【恢复密钥】，只显示这一次，服务器不会保存它。',
      '请立即抄写或打印，密封后交给单位负责人保管（不要拍照、不要存在这台服务器上）。',
      '所有工作人员都忘记密码或离职时，只有凭它才能重新打开已收到的举报；丢失后任何人都无法恢复。',
      '',
      `    ${recoveryKey}`,
      '',
      '恢复步骤见 README.md 的"密钥和恢复"一节。',
      line,
    ].join('\n'),
  );
}

/**
 * Returns the instance keys, creating them on first start. The recovery key is shown before the
 * keys are committed: if the process dies in between, the next start makes (and shows) a new one,
 * so a committed escrow key always had its recovery key shown.
 *
 * Several processes may start at once on one PostgreSQL database: creation runs under a named lock
 * and looks again inside it, so the first process's keys stand and the others use them (and show no
 * recovery key of their own). The key is shown inside the transaction, after that second look; if
 * PostgreSQL re-runs the body, the same key is shown again, never a different one.
 */
export async function ensureInstanceKeys(
  db: Db,
  onRecoveryKey: (recoveryKey: string) => void = printRecoveryKey,
  /** Only tests lower this, to run thousands of requests quickly. */
  receiptScryptN: number = SCRYPT_PARAMS.N,
): Promise<InstanceKeys> {
  const existing = await load(db);
  if (existing) return existing;
  const escrow = generateKeyPair();
  const intake = generateKeyPair();
  const custodian = generateKeyPair();
  const salt = randomBytes(16);
  const now = new Date().toISOString();
  const recoveryKey = encodeRecoveryKey(escrow.privateKey);
  // The lock is held from before the transaction's snapshot: a second process starting at the same
  // moment waits, then sees the first one's keys and shows no recovery key of its own.
  await lockedTransaction(db, 'instance_keys', async (tx) => {
    if (await load(tx)) return; // another process made them meanwhile
    onRecoveryKey(recoveryKey);
    await tx.delete(cryptoKeys);
    await tx
      .insert(cryptoKeys)
      .values([
        { id: KEY_IDS.escrow, publicKey: escrow.publicKey, escrowSealedPrivateKey: null, createdAt: now },
        { id: KEY_IDS.intake, publicKey: intake.publicKey, escrowSealedPrivateKey: seal(escrow.publicKey, intake.privateKey), createdAt: now },
        { id: KEY_IDS.custodian, publicKey: custodian.publicKey, escrowSealedPrivateKey: seal(escrow.publicKey, custodian.privateKey), createdAt: now },
      ]);
    for (const [key, value] of [
      [RECEIPT_SALT_META, salt.toString('base64')],
      [RECEIPT_SCRYPT_META, String(receiptScryptN)],
    ] as const) {
      await tx.insert(appMeta).values({ key, value, updatedAt: now }).onConflictDoUpdate({ target: appMeta.key, set: { value, updatedAt: now } });
    }
  });
  return (await load(db))!;
}

export class RecoveryKeyError extends Error {
  override name = 'RecoveryKeyError';
}

/**
 * With the printed recovery key, opens the intake and identity-custodian private keys — the step an
 * administrator takes to re-grant them to a new staff key after lost passwords (see README).
 */
export async function unlockWithRecoveryKey(db: Db, recoveryKeyText: string): Promise<{ intakePrivateKey: Buffer; custodianPrivateKey: Buffer }> {
  const escrowPrivate = decodeRecoveryKey(recoveryKeyText);
  if (!escrowPrivate) throw new RecoveryKeyError('恢复密钥格式不正确或有抄写错误（校验失败）。');
  const rows = await db.select().from(cryptoKeys);
  const escrow = rows.find((r) => r.id === KEY_IDS.escrow);
  if (!escrow || !publicKeyFromPrivate(escrowPrivate).equals(escrow.publicKey)) {
    throw new RecoveryKeyError('这个恢复密钥不属于本系统的数据。');
  }
  const openKey = (id: string) => {
    const row = rows.find((r) => r.id === id);
    if (!row?.escrowSealedPrivateKey) throw new RecoveryKeyError(`缺少密钥 ${id}。`);
    return open(escrowPrivate, row.escrowSealedPrivateKey);
  };
  return { intakePrivateKey: openKey(KEY_IDS.intake), custodianPrivateKey: openKey(KEY_IDS.custodian) };
}
