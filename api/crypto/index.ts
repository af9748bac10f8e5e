/**
 * All cryptography of the site in one module: pure functions, no storage, no HTTP.
 *
 * - Sealing (public-key encryption to a recipient): ephemeral X25519 → HKDF-SHA256 → AES-256-GCM.
 *   Layout: version(1) | ephemeral public key(32) | iv(12) | tag(16) | ciphertext.
 * - Symmetric boxes: AES-256-GCM with a random 96-bit IV. Layout: version(1) | iv(12) | tag(16) | ciphertext.
 * - File streams: AES-256-GCM per 64 KiB chunk, nonce = random prefix(4) | chunk counter(8), with the
 *   last-chunk flag in the associated data so a truncated file fails to decrypt.
 * - Receipts: 20 random decimal digits (log2(10^20) ≈ 66.4 bits), stretched with scrypt.
 */
import {
  createCipheriv,
  createHash,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  randomInt,
  scrypt as scryptCb,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { Secret as OTPSecret, TOTP } from 'otpauth';

const SEAL_VERSION = 1;
const BOX_VERSION = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Raised for any failure to open sealed or boxed data: wrong key, tampering or truncation. */
export class DecryptError extends Error {
  override name = 'DecryptError';
}

export interface KeyPair {
  /** Raw 32-byte X25519 public key. */
  publicKey: Buffer;
  /** Raw 32-byte X25519 private key. */
  privateKey: Buffer;
}

// Raw X25519 keys travel as 32 bytes; node:crypto wants KeyObjects, built here from JWK.
const b64u = (b: Buffer) => b.toString('base64url');

function publicKeyObject(raw: Buffer): KeyObject {
  if (raw.length !== KEY_BYTES) throw new DecryptError('公钥长度不正确');
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(raw) }, format: 'jwk' });
}

// PKCS#8 DER prefix of an X25519 private key; the 32 raw bytes follow.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function privateKeyObject(raw: Buffer): KeyObject {
  if (raw.length !== KEY_BYTES) throw new DecryptError('私钥长度不正确');
  return createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

export function generateKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'),
    privateKey: Buffer.from(jwk.d!, 'base64url'),
  };
}

export function publicKeyFromPrivate(privateKey: Buffer): Buffer {
  return Buffer.from(createPublicKey(privateKeyObject(privateKey)).export({ format: 'jwk' }).x!, 'base64url');
}

function sealKey(shared: Buffer, ephemeralPublic: Buffer, recipientPublic: Buffer): Buffer {
  const salt = Buffer.concat([ephemeralPublic, recipientPublic]);
  return Buffer.from(hkdfSync('sha256', shared, salt, 'shanghe-seal-v1', KEY_BYTES));
}

/** Encrypts to a recipient's public key; only the matching private key opens it. */
export function seal(recipientPublicKey: Buffer, plaintext: Uint8Array): Buffer {
  const recipient = publicKeyObject(recipientPublicKey);
  const eph = generateKeyPairSync('x25519');
  const ephPublic = Buffer.from(eph.publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: recipient });
  const key = sealKey(shared, ephPublic, recipientPublicKey);
  const header = Buffer.concat([Buffer.from([SEAL_VERSION]), ephPublic]);
  return Buffer.concat([header, aesGcmEncrypt(key, plaintext, header)]);
}

/** Opens data sealed to the public half of `privateKey`; throws DecryptError otherwise. */
export function open(privateKey: Buffer, sealed: Uint8Array): Buffer {
  const data = Buffer.from(sealed);
  if (data.length < 1 + KEY_BYTES + IV_BYTES + TAG_BYTES || data[0] !== SEAL_VERSION) throw new DecryptError('密文格式不正确');
  const header = data.subarray(0, 1 + KEY_BYTES);
  const ephPublic = data.subarray(1, 1 + KEY_BYTES);
  try {
    const shared = diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: publicKeyObject(Buffer.from(ephPublic)) });
    const key = sealKey(shared, Buffer.from(ephPublic), publicKeyFromPrivate(privateKey));
    return aesGcmDecrypt(key, data.subarray(1 + KEY_BYTES), header);
  } catch (e) {
    if (e instanceof DecryptError) throw e;
    throw new DecryptError('无法解密');
  }
}

function aesGcmEncrypt(key: Buffer, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

function aesGcmDecrypt(key: Buffer, data: Uint8Array, aad: Uint8Array): Buffer {
  const buf = Buffer.from(data);
  if (buf.length < IV_BYTES + TAG_BYTES) throw new DecryptError('密文格式不正确');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES));
    decipher.setAAD(aad);
    decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptError('无法解密：密钥错误或数据被篡改');
  }
}

export function randomKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Symmetric authenticated encryption under a 32-byte key; `context` binds the box to its use. */
export function boxEncrypt(key: Buffer, plaintext: Uint8Array, context = ''): Buffer {
  if (key.length !== KEY_BYTES) throw new Error('key must be 32 bytes');
  const header = Buffer.from([BOX_VERSION]);
  return Buffer.concat([header, aesGcmEncrypt(key, plaintext, Buffer.concat([header, Buffer.from(context, 'utf8')]))]);
}

export function boxDecrypt(key: Buffer, box: Uint8Array, context = ''): Buffer {
  const data = Buffer.from(box);
  if (key.length !== KEY_BYTES || data.length < 1 || data[0] !== BOX_VERSION) throw new DecryptError('密文格式不正确');
  return aesGcmDecrypt(key, data.subarray(1), Buffer.concat([data.subarray(0, 1), Buffer.from(context, 'utf8')]));
}

/** Convenience: seal/open JSON values. */
export function sealJson(recipientPublicKey: Buffer, value: unknown): Buffer {
  return seal(recipientPublicKey, Buffer.from(JSON.stringify(value), 'utf8'));
}
export function openJson<T>(privateKey: Buffer, sealed: Uint8Array): T {
  return JSON.parse(open(privateKey, sealed).toString('utf8')) as T;
}

// ---------------------------------------------------------------------------------------------
// File encryption in chunks

export const FILE_CHUNK_BYTES = 64 * 1024;
const FILE_MAGIC = Buffer.from('SHF1');

/**
 * Encrypts a file in independent 64 KiB chunks, yielding the pieces to write in order.
 * Each chunk is iv-less GCM with nonce prefix|counter; the final chunk's AAD marks it last.
 */
export function* encryptFileChunks(key: Buffer, data: Uint8Array): Generator<Buffer> {
  const prefix = randomBytes(4);
  yield Buffer.concat([FILE_MAGIC, prefix]);
  const total = Math.max(1, Math.ceil(data.length / FILE_CHUNK_BYTES));
  for (let i = 0; i < total; i++) {
    const chunk = data.subarray(i * FILE_CHUNK_BYTES, (i + 1) * FILE_CHUNK_BYTES);
    const nonce = Buffer.alloc(IV_BYTES);
    prefix.copy(nonce, 0);
    nonce.writeBigUInt64BE(BigInt(i), 4);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from([i === total - 1 ? 1 : 0]));
    const ct = Buffer.concat([cipher.update(chunk), cipher.final()]);
    yield Buffer.concat([cipher.getAuthTag(), ct]);
  }
}

export function decryptFile(key: Buffer, blob: Uint8Array): Buffer {
  const data = Buffer.from(blob);
  if (data.length < 8 + TAG_BYTES || !data.subarray(0, 4).equals(FILE_MAGIC)) throw new DecryptError('文件格式不正确');
  const prefix = data.subarray(4, 8);
  const out: Buffer[] = [];
  let offset = 8;
  let i = 0;
  while (offset < data.length) {
    const end = Math.min(offset + TAG_BYTES + FILE_CHUNK_BYTES, data.length);
    const last = end === data.length;
    const nonce = Buffer.alloc(IV_BYTES);
    prefix.copy(nonce, 0);
    nonce.writeBigUInt64BE(BigInt(i), 4);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(Buffer.from([last ? 1 : 0]));
      decipher.setAuthTag(data.subarray(offset, offset + TAG_BYTES));
      out.push(decipher.update(data.subarray(offset + TAG_BYTES, end)), decipher.final());
    } catch {
      throw new DecryptError('无法解密文件：密钥错误、数据被篡改或文件不完整');
    }
    offset = end;
    i++;
  }
  return Buffer.concat(out);
}

// ---------------------------------------------------------------------------------------------
// Receipts

export const RECEIPT_DIGITS = 20;

/** 20 uniformly random decimal digits (≈66.4 bits). */
export function generateReceipt(): string {
  let s = '';
  for (let i = 0; i < RECEIPT_DIGITS; i++) s += String(randomInt(10));
  return s;
}

/** Groups of four for writing down: "1234 5678 9012 3456 7890". */
export function formatReceipt(receipt: string): string {
  return receipt.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/**
 * Accepts what people type: spaces, dashes, full-width digits. Returns the 20 digits or null.
 */
export function normalizeReceipt(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 100) return null;
  const ascii = input.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const digits = ascii.replace(/[\s\-－—_.·]/g, '');
  return new RegExp(`^\\d{${RECEIPT_DIGITS}}$`).test(digits) ? digits : null;
}

/**
 * scrypt cost for receipts: N=2^13, r=8 (8 MiB, tens of milliseconds). A receipt is 20 uniformly
 * random digits (≈66 bits), not a password a person chose, so stretching is defence in depth rather
 * than what stops guessing: 2^65 expected tries at even 1 ms each is far beyond reach. A higher cost
 * would only make every submission and lookup slower for reporters (see `npm run bench`). The cost
 * is stored per instance (app_meta.receipt_scrypt_n), so it can be raised for new instances.
 */
export const SCRYPT_PARAMS = { N: 2 ** 13, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

export function scrypt(secret: string, salt: Buffer, length: number, params: { N: number; r: number; p: number; maxmem: number } = SCRYPT_PARAMS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(secret.normalize('NFKC'), salt, length, params, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export interface ReceiptSecrets {
  /** Stored to find the report; useless for decryption. */
  lookupHash: string;
  /** Never stored: the key that unwraps the reporter's copy of the report key, bound to a per-report salt. */
  keyFor(reportSalt: Buffer): Buffer;
}

/**
 * One slow scrypt of the receipt under the instance-wide salt (a lookup needs a stable salt), then
 * two independent HKDF outputs: the stored lookup hash, and the key bound to this report's own salt.
 */
export async function deriveReceiptSecrets(receipt: string, instanceSalt: Buffer, scryptN: number = SCRYPT_PARAMS.N): Promise<ReceiptSecrets> {
  if (!Number.isInteger(Math.log2(scryptN)) || scryptN < 2 ** 10) throw new Error('scrypt N must be a power of two ≥ 1024');
  const stretched = await scrypt(receipt, instanceSalt, KEY_BYTES, { ...SCRYPT_PARAMS, N: scryptN });
  const lookupHash = Buffer.from(hkdfSync('sha256', stretched, Buffer.alloc(0), 'shanghe-receipt-lookup-v1', KEY_BYTES)).toString('base64url');
  return {
    lookupHash,
    keyFor: (salt: Buffer) => Buffer.from(hkdfSync('sha256', stretched, salt, 'shanghe-receipt-key-v1', KEY_BYTES)),
  };
}

/** Constant-time string comparison for secrets of equal length. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

// ---------------------------------------------------------------------------------------------
// Recovery key (the escrow private key in a form a person can print and type back)

const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I

/** 32 bytes → 52 base32 characters in groups of four, plus a 4-character checksum group. */
export function encodeRecoveryKey(privateKey: Buffer): string {
  const body = base32(privateKey);
  const check = base32(Buffer.from(hkdfSync('sha256', privateKey, Buffer.alloc(0), 'shanghe-recovery-check', 3))).slice(0, 4);
  return (body + check).replace(/(.{4})(?=.)/g, '$1-');
}

export function decodeRecoveryKey(text: string): Buffer | null {
  const clean = text.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (clean.length !== 56) return null;
  const key = unbase32(clean.slice(0, 52));
  if (!key || key.length < KEY_BYTES) return null;
  const raw = key.subarray(0, KEY_BYTES);
  return encodeRecoveryKey(raw).replace(/-/g, '') === clean ? raw : null;
}

function base32(data: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += RECOVERY_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += RECOVERY_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer | null {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of text) {
    const idx = RECOVERY_ALPHABET.indexOf(ch);
    if (idx < 0) return null;
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** Random identifier for rows and blobs (128 bits, URL-safe). */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

export { randomBytes };

// ---------------------------------------------------------------------------------------------
// Staff passwords, sessions, TOTP and the audit chain (issue 7)

/** scrypt for staff passwords: N=2^15, r=8 (32 MiB, ~100 ms) — people choose passwords, so stretch hard. */
export const PASSWORD_SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 128 * 1024 * 1024 } as const;

export interface PasswordSecrets {
  /** Stored: "scrypt$N$r$p$salt$verifier". */
  hash: string;
  /** Never stored: wraps the staff private key and TOTP secret. */
  key: Buffer;
}

async function stretchPassword(password: string, salt: Buffer, N: number, r: number, p: number): Promise<{ verifier: Buffer; key: Buffer }> {
  const stretched = await scrypt(password, salt, KEY_BYTES, { N, r, p, maxmem: PASSWORD_SCRYPT.maxmem });
  return {
    verifier: Buffer.from(hkdfSync('sha256', stretched, salt, 'shanghe-password-verifier-v1', KEY_BYTES)),
    key: Buffer.from(hkdfSync('sha256', stretched, salt, 'shanghe-password-key-v1', KEY_BYTES)),
  };
}

/** One scrypt gives both the stored verifier and the key that wraps the staff private key. */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = PASSWORD_SCRYPT): Promise<PasswordSecrets> {
  const salt = randomBytes(16);
  const { verifier, key } = await stretchPassword(password, salt, params.N, params.r, params.p);
  return { hash: ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), verifier.toString('base64url')].join('$'), key };
}

/** Returns the password-derived key when the password matches, else null (constant-time compare). */
export async function verifyPassword(password: string, stored: string): Promise<Buffer | null> {
  const [tag, n, r, p, salt, verifier] = stored.split('$');
  if (tag !== 'scrypt' || !n || !r || !p || !salt || !verifier) return null;
  const out = await stretchPassword(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  const expected = Buffer.from(verifier, 'base64url');
  return expected.length === out.verifier.length && timingSafeEqual(expected, out.verifier) ? out.key : null;
}

/** A session token (cookie value) and what the server keeps of it. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(`session:${token}`).digest('base64url');
}
/** The key that wraps the staff private key for the length of a session; only the browser holds the token. */
export function sessionKeyOf(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'utf8'), Buffer.alloc(0), 'shanghe-session-key-v1', KEY_BYTES));
}

/** TOTP (RFC 6238, SHA-1, 6 digits, 30 s) as every authenticator app expects. */
export const TOTP_PARAMS = { issuer: '商河安全', algorithm: 'SHA1', digits: 6, period: 30 } as const;

export function newTotpSecret(): string {
  return new OTPSecret({ size: 20 }).base32;
}

export function totpUri(secretBase32: string, label: string): string {
  return new TOTP({ ...TOTP_PARAMS, label, secret: OTPSecret.fromBase32(secretBase32) }).toString();
}

/**
 * Checks a code against the current step ±1 and returns the matched time step (so the caller can
 * refuse replays), or null.
 */
export function verifyTotp(secretBase32: string, code: string, now: number = Date.now()): number | null {
  const clean = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(clean)) return null;
  const totp = new TOTP({ ...TOTP_PARAMS, secret: OTPSecret.fromBase32(secretBase32) });
  const delta = totp.validate({ token: clean, timestamp: now, window: 1 });
  if (delta === null) return null;
  return Math.floor(now / 1000 / TOTP_PARAMS.period) + delta;
}

/** Current code (the CLI and tests use it; staff use their phone). */
export function totpCode(secretBase32: string, now: number = Date.now()): string {
  return new TOTP({ ...TOTP_PARAMS, secret: OTPSecret.fromBase32(secretBase32) }).generate({ timestamp: now });
}

export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}
