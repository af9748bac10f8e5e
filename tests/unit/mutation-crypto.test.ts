/**
 * api/crypto/ against its documented formats: an independent implementation here (node:crypto used
 * directly, following the layout in the module's header comment) must open what the module seals and
 * the module must open what this file builds — so data stored today still opens tomorrow. Plus
 * known-answer vectors (RFC 6238 for TOTP, fixed inputs for the key derivations) and edge cases.
 */
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as c from '../../api/crypto/index.ts';

const hex = (s: string) => Buffer.from(s, 'hex');
const PRIV = hex('11'.repeat(32));
const PKCS8 = hex('302e020100300506032b656e04220420');
const x25519Private = (raw: Buffer) => createPrivateKey({ key: Buffer.concat([PKCS8, raw]), format: 'der', type: 'pkcs8' });
const x25519Public = (raw: Buffer) => createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
const rawPublic = (priv: Buffer) => Buffer.from(createPublicKey(x25519Private(priv)).export({ format: 'jwk' }).x!, 'base64url');

/** version(1) | ephemeral public(32) | iv(12) | tag(16) | ct; key = HKDF-SHA256(DH, eph‖recipient, "shanghe-seal-v1"); AAD = version‖eph. */
function independentOpen(priv: Buffer, sealed: Buffer): Buffer {
  expect(sealed[0]).toBe(1);
  const eph = sealed.subarray(1, 33);
  const shared = diffieHellman({ privateKey: x25519Private(priv), publicKey: x25519Public(eph) });
  const key = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([eph, rawPublic(priv)]), 'shanghe-seal-v1', 32));
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(33, 45));
  d.setAAD(sealed.subarray(0, 33));
  d.setAuthTag(sealed.subarray(45, 61));
  return Buffer.concat([d.update(sealed.subarray(61)), d.final()]);
}

function independentSeal(recipientPublic: Buffer, plaintext: Buffer): Buffer {
  const ephPriv = hex('99'.repeat(32));
  const eph = rawPublic(ephPriv);
  const shared = diffieHellman({ privateKey: x25519Private(ephPriv), publicKey: x25519Public(recipientPublic) });
  const key = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([eph, recipientPublic]), 'shanghe-seal-v1', 32));
  const iv = hex('aa'.repeat(12));
  const header = Buffer.concat([Buffer.from([1]), eph]);
  const e = createCipheriv('aes-256-gcm', key, iv);
  e.setAAD(header);
  const ct = Buffer.concat([e.update(plaintext), e.final()]);
  return Buffer.concat([header, iv, e.getAuthTag(), ct]);
}

/** "SHF1" | prefix(4) | per 64 KiB chunk: tag(16) | ct; nonce = prefix ‖ u64be(i); AAD = [last ? 1 : 0]. */
function independentFile(key: Buffer, data: Buffer, prefix = hex('01020304')): Buffer {
  const parts = [Buffer.from('SHF1'), prefix];
  const total = Math.max(1, Math.ceil(data.length / 65536));
  for (let i = 0; i < total; i++) {
    const nonce = Buffer.alloc(12);
    prefix.copy(nonce);
    nonce.writeBigUInt64BE(BigInt(i), 4);
    const e = createCipheriv('aes-256-gcm', key, nonce);
    e.setAAD(Buffer.from([i === total - 1 ? 1 : 0]));
    const ct = Buffer.concat([e.update(data.subarray(i * 65536, (i + 1) * 65536)), e.final()]);
    parts.push(e.getAuthTag(), ct);
  }
  return Buffer.concat(parts);
}

describe('加密格式：独立实现互相打开', () => {
  it('seal 的格式、密钥派生和附加数据与说明一致', () => {
    const pub = c.publicKeyFromPrivate(PRIV);
    expect(pub).toEqual(rawPublic(PRIV));
    expect(pub.toString('hex')).toBe('7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13');
    const sealed = c.seal(pub, Buffer.from('举报内容'));
    expect(sealed.length).toBe(1 + 32 + 12 + 16 + Buffer.byteLength('举报内容'));
    expect(independentOpen(PRIV, sealed).toString()).toBe('举报内容');
    expect(c.open(PRIV, independentSeal(pub, Buffer.from('由独立实现加密'))).toString()).toBe('由独立实现加密');
    // A vector sealed by an earlier run still opens.
    const stored = hex('01bad08aff678735bfbd9f6b4cb87e5a388838fbd4757238594b6463c2a52648459f147d490ed2d826b2a369975aafea4f16d862651c79b83a91d5ec5bed6437122ad9d6a43afeff0935a07f5b37f585dc6796518e0b5e1d');
    expect(c.open(PRIV, stored).toString()).toBe('举报内容：known answer');
    expect(c.openJson(PRIV, c.sealJson(pub, { a: [1, '二'] }))).toEqual({ a: [1, '二'] });
  });

  it('seal/open 拒绝错误的长度、版本和截断，错误类型是 DecryptError', () => {
    const pub = c.publicKeyFromPrivate(PRIV);
    expect(() => c.seal(pub.subarray(0, 31), Buffer.from('x'))).toThrow(new c.DecryptError('公钥长度不正确'));
    expect(() => c.open(PRIV.subarray(0, 31), c.seal(pub, Buffer.from('x')))).toThrow(new c.DecryptError('私钥长度不正确'));
    expect(() => c.publicKeyFromPrivate(Buffer.alloc(33))).toThrow(c.DecryptError);
    const sealed = c.seal(pub, Buffer.alloc(0));
    expect(sealed.length).toBe(61);
    expect(c.open(PRIV, sealed)).toEqual(Buffer.alloc(0));
    expect(() => c.open(PRIV, sealed.subarray(0, 60))).toThrow(new c.DecryptError('密文格式不正确'));
    // Too short to hold an ephemeral key: refused as malformed before any key is built.
    for (const n of [1, 20, 30]) expect(() => c.open(PRIV, sealed.subarray(0, n)), String(n)).toThrow(new c.DecryptError('密文格式不正确'));
    // An all-zero ephemeral key makes X25519 fail inside node:crypto; that too is a DecryptError.
    const zeroEph = Buffer.concat([Buffer.from([1]), Buffer.alloc(32), sealed.subarray(33)]);
    expect(() => c.open(PRIV, zeroEph)).toThrow(new c.DecryptError('无法解密'));
    const v2 = Buffer.from(sealed);
    v2[0] = 2;
    expect(() => c.open(PRIV, v2)).toThrow(new c.DecryptError('密文格式不正确'));
    const other = c.generateKeyPair();
    expect(() => c.open(other.privateKey, sealed)).toThrow(new c.DecryptError('无法解密：密钥错误或数据被篡改'));
    const flipped = Buffer.from(c.seal(pub, Buffer.from('abc')));
    flipped[5]! ^= 1; // inside the ephemeral key, which is also authenticated data
    expect(() => c.open(PRIV, flipped)).toThrow(c.DecryptError);
    expect(new c.DecryptError('x').name).toBe('DecryptError');
    const kp = c.generateKeyPair();
    expect(kp.publicKey.length).toBe(32);
    expect(kp.privateKey.length).toBe(32);
    expect(c.publicKeyFromPrivate(kp.privateKey)).toEqual(kp.publicKey);
  });

  it('box：version | iv | tag | ct，附加数据 = version ‖ 用途', () => {
    const key = hex('22'.repeat(32));
    const box = c.boxEncrypt(key, Buffer.from('box plaintext'), 'ctx-1');
    expect(box[0]).toBe(1);
    const d = createDecipheriv('aes-256-gcm', key, box.subarray(1, 13));
    d.setAAD(Buffer.from('\x01ctx-1', 'latin1'));
    d.setAuthTag(box.subarray(13, 29));
    expect(Buffer.concat([d.update(box.subarray(29)), d.final()]).toString()).toBe('box plaintext');
    expect(c.boxDecrypt(key, hex('01e6a260b16705455000f90aaad34f7941a746fd8945997a800d272211c2a05b5e144b87d1fd55d910de'), 'ctx-1').toString()).toBe('box plaintext');
    expect(c.boxDecrypt(key, c.boxEncrypt(key, Buffer.from('no context')))).toEqual(Buffer.from('no context'));
    expect(() => c.boxDecrypt(key, c.boxEncrypt(key, Buffer.from('x')), 'other')).toThrow(c.DecryptError);
    expect(() => c.boxEncrypt(key.subarray(1), Buffer.from('x'))).toThrow('key must be 32 bytes');
    expect(() => c.boxDecrypt(key.subarray(1), box, 'ctx-1')).toThrow(new c.DecryptError('密文格式不正确'));
    expect(() => c.boxDecrypt(key, Buffer.alloc(0))).toThrow(new c.DecryptError('密文格式不正确'));
    expect(() => c.boxDecrypt(key, Buffer.concat([Buffer.from([2]), box.subarray(1)]), 'ctx-1')).toThrow(new c.DecryptError('密文格式不正确'));
    expect(() => c.boxDecrypt(key, box.subarray(0, 28), 'ctx-1')).toThrow(new c.DecryptError('密文格式不正确'));
    expect(c.randomKey().length).toBe(32);
    expect(c.randomKey()).not.toEqual(c.randomKey());
  });

  it('附件分块加密：格式与说明一致，块边界、截断、换块都会被发现', () => {
    const key = hex('33'.repeat(32));
    expect(c.FILE_CHUNK_BYTES).toBe(65536);
    expect(c.decryptFile(key, hex('53484631b1ccdd22f14618a563ee9f2c0c54ba7f942a262ac00b319ca7877ce1255e1dafe31ad8d37bc50c1e3f')).toString()).toBe('file bytes 0123456789');
    for (const size of [0, 1, 65535, 65536, 65537, 2 * 65536, 2 * 65536 + 5]) {
      const data = Buffer.alloc(size, 7);
      for (let i = 0; i < size; i += 997) data[i] = i & 255;
      const pieces = [...c.encryptFileChunks(key, data)];
      expect(pieces[0]!.subarray(0, 4).toString(), String(size)).toBe('SHF1');
      expect(pieces).toHaveLength(1 + Math.max(1, Math.ceil(size / 65536)));
      const blob = Buffer.concat(pieces);
      expect(blob.length).toBe(8 + size + 16 * Math.max(1, Math.ceil(size / 65536)));
      expect(c.decryptFile(key, blob).equals(data), String(size)).toBe(true);
      // Same layout as the independent writer when the random prefix is the same.
      expect(independentFile(key, data, blob.subarray(4, 8)).equals(blob), String(size)).toBe(true);
      expect(c.decryptFile(key, independentFile(key, data)).equals(data)).toBe(true);
    }
    const big = Buffer.alloc(3 * 65536, 1);
    const blob = Buffer.concat([...c.encryptFileChunks(key, big)]);
    const chunk = 16 + 65536;
    // Cut at a chunk boundary: the new last chunk was not marked last.
    expect(() => c.decryptFile(key, blob.subarray(0, 8 + 2 * chunk))).toThrow(new c.DecryptError('无法解密文件：密钥错误、数据被篡改或文件不完整'));
    // Two chunks swapped.
    const swapped = Buffer.concat([blob.subarray(0, 8), blob.subarray(8 + chunk, 8 + 2 * chunk), blob.subarray(8, 8 + chunk), blob.subarray(8 + 2 * chunk)]);
    expect(() => c.decryptFile(key, swapped)).toThrow(c.DecryptError);
    expect(() => c.decryptFile(key, Buffer.concat([Buffer.from('SHF2'), blob.subarray(4)]))).toThrow(new c.DecryptError('文件格式不正确'));
    expect(() => c.decryptFile(key, blob.subarray(0, 23))).toThrow(new c.DecryptError('文件格式不正确'));
    expect(() => c.decryptFile(hex('34'.repeat(32)), blob)).toThrow(c.DecryptError);
  });
});

describe('查询码、口令、会话、恢复密钥、动态验证码：已知答案', () => {
  it('查询码：20 位数字，每一位都会出现；分组、宽松输入', () => {
    const many = Array.from({ length: 60 }, () => c.generateReceipt());
    for (const r of many) expect(r).toMatch(/^\d{20}$/);
    expect(new Set(many.join(''))).toEqual(new Set('0123456789'));
    expect(new Set(many).size).toBe(60);
    expect(c.RECEIPT_DIGITS).toBe(20);
    expect(c.formatReceipt('12345678901234567890')).toBe('1234 5678 9012 3456 7890');
    const r = '12345678901234567890';
    for (const typed of ['1234 5678 9012 3456 7890', '1234-5678-9012-3456-7890', '１２３４５６７８９０１２３４５６７８９０', '1234－5678—9012_3456.7890', '1234·5678\t9012\n3456 7890', ` ${r} `]) expect(c.normalizeReceipt(typed), typed).toBe(r);
    for (const bad of [r.slice(1), `${r}1`, `${r.slice(0, 19)}a`, 12345678901234567890, null, undefined, `${' '.repeat(81)}${r}`]) expect(c.normalizeReceipt(bad), String(bad)).toBeNull();
    expect(c.normalizeReceipt(`${' '.repeat(80)}${r}`)).toBe(r);
  });

  it('查询码的 scrypt + HKDF：已知答案，N 必须是 ≥1024 的 2 的幂', async () => {
    const salt = hex('44'.repeat(16));
    const s = await c.deriveReceiptSecrets('12345678901234567890', salt, 1024);
    expect(s.lookupHash).toBe('dPDqjdp6hTQPrVZtg3hBhQBBmw2Pn1TtSfg5oD7EMH4');
    expect(s.keyFor(hex('55'.repeat(16))).toString('hex')).toBe('f0b61724f8ee4ebd87e19821edd64e369f134bd020c981fc4df0a0a01d10e446');
    // The same from first principles.
    const stretched = scryptSync('12345678901234567890', salt, 32, { N: 1024, r: 8, p: 1 });
    expect(Buffer.from(hkdfSync('sha256', stretched, Buffer.alloc(0), 'shanghe-receipt-lookup-v1', 32)).toString('base64url')).toBe(s.lookupHash);
    expect(c.SCRYPT_PARAMS).toEqual({ N: 8192, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    for (const bad of [1000, 512, 1536]) await expect(c.deriveReceiptSecrets('1', salt, bad)).rejects.toThrow('scrypt N must be a power of two ≥ 1024');
    // NFKC: full-width digits stretch like ASCII ones.
    expect((await c.scrypt('１２', salt, 16, { N: 1024, r: 8, p: 1, maxmem: 64 * 1024 * 1024 })).equals(await c.scrypt('12', salt, 16, { N: 1024, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }))).toBe(true);
    await expect(c.scrypt('x', salt, 16, { N: 3, r: 8, p: 1, maxmem: 1024 })).rejects.toThrow();
  });

  it('口令：存储格式、已知答案、错误口令和坏格式', async () => {
    const stored = 'scrypt$1024$8$1$VfmByMvegEMZDG8tzeFuYw$cS5el9B-eoJbayM7EOrT2mLUk-GgserTUCNm7orZihk';
    expect((await c.verifyPassword('correct horse battery', stored))?.toString('hex')).toBe('f96b1fa7cdb56511d5fb1ebede9d0da395fe4a2e73c0d94fe49ae8c2a0a3a348');
    expect(await c.verifyPassword('correct horse batterY', stored)).toBeNull();
    for (const bad of ['', 'bcrypt$1024$8$1$VfmByMvegEMZDG8tzeFuYw$cS5e', 'scrypt$1024$8$1$VfmByMvegEMZDG8tzeFuYw$', 'scrypt$$8$1$a$b', stored.slice(0, -2)]) expect(await c.verifyPassword('correct horse battery', bad), bad).toBeNull();
    const made = await c.hashPassword('另一个口令 long enough', { N: 1024, r: 8, p: 1 });
    expect(made.hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await c.verifyPassword('另一个口令 long enough', made.hash)).toEqual(made.key);
    // Each field of the stored form is required; node:crypto would otherwise fill in its own defaults
    // (N=16384, r=8, p=1) or an empty salt, and a verifier made that way must still be refused.
    const forged = async (N: number, salt: Buffer) => {
      const stretched = scryptSync('pw-forged-1234', salt, 32, { N, r: 8, p: 1, maxmem: 128 * 1024 * 1024 });
      return Buffer.from(hkdfSync('sha256', stretched, salt, 'shanghe-password-verifier-v1', 32)).toString('base64url');
    };
    const salt = hex('66'.repeat(16));
    const v1024 = await forged(1024, salt);
    expect(await c.verifyPassword('pw-forged-1234', `scrypt$1024$8$1$${salt.toString('base64url')}$${v1024}`)).not.toBeNull();
    expect(await c.verifyPassword('pw-forged-1234', `scrypX$1024$8$1$${salt.toString('base64url')}$${v1024}`)).toBeNull();
    expect(await c.verifyPassword('pw-forged-1234', `scrypt$1024$$1$${salt.toString('base64url')}$${v1024}`)).toBeNull();
    expect(await c.verifyPassword('pw-forged-1234', `scrypt$1024$8$$${salt.toString('base64url')}$${v1024}`)).toBeNull();
    expect(await c.verifyPassword('pw-forged-1234', `scrypt$$8$1$${salt.toString('base64url')}$${await forged(16384, salt)}`)).toBeNull();
    expect(await c.verifyPassword('pw-forged-1234', `scrypt$1024$8$1$$${await forged(1024, Buffer.alloc(0))}`)).toBeNull();
    expect(c.PASSWORD_SCRYPT).toEqual({ N: 32768, r: 8, p: 1, maxmem: 128 * 1024 * 1024 });
  });

  it('会话令牌、会话编号和会话密钥', () => {
    const t = c.newSessionToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(c.newSessionToken()).not.toBe(t);
    expect(c.sessionIdOf('token-abc')).toBe('cFtbg0EoqKdJri164P57sNEO5AGGuUWqE0k0z-WTjuI');
    expect(c.sessionIdOf('token-abc')).toBe(createHash('sha256').update('session:token-abc').digest('base64url'));
    expect(c.sessionKeyOf('token-abc').toString('hex')).toBe('ea5e1f0be952097f184e734272ef0b19b3e07db9995986567892205db2669e65');
    expect(c.randomId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(c.sha256Hex('审计')).toBe(createHash('sha256').update(Buffer.from('审计', 'utf8')).digest('hex'));
    expect(c.safeEqual('abc', 'abc')).toBe(true);
    expect(c.safeEqual('abc', 'abd')).toBe(false);
    expect(c.safeEqual('abc', 'abcd')).toBe(false);
    expect(c.safeEqual('', '')).toBe(true);
  });

  it('恢复密钥：已知答案、校验组、容错输入', () => {
    const text = c.encodeRecoveryKey(PRIV);
    expect(text).toBe('CEJT-CEJT-CEJT-CEJT-CEJT-CEJT-CEJT-CEJT-CEJT-CEJT-CEJT-CEJT-CEJS-QG2K');
    expect(c.decodeRecoveryKey(text)).toEqual(PRIV);
    expect(c.decodeRecoveryKey(text.toLowerCase().replace(/-/g, ' '))).toEqual(PRIV);
    expect(c.decodeRecoveryKey(text.replace('QG2K', 'QG2L'))).toBeNull();
    expect(c.decodeRecoveryKey(text.replace(/^C/, 'D'))).toBeNull();
    expect(c.decodeRecoveryKey(text.slice(0, -1))).toBeNull();
    expect(c.decodeRecoveryKey(`${text}A`)).toBeNull();
    expect(c.decodeRecoveryKey(text.replace(/^C/, '0'))).toBeNull();
    expect(c.decodeRecoveryKey(text.replace(/^C/, '1'))).toBeNull();
    for (let i = 0; i < 20; i++) {
      const k = c.generateKeyPair().privateKey;
      const enc = c.encodeRecoveryKey(k);
      expect(enc).toMatch(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){13}$/);
      expect(c.decodeRecoveryKey(enc)).toEqual(k);
    }
  });

  it('动态验证码：RFC 6238 向量，前后各一步有效，返回时间步，格式检查', () => {
    // RFC 6238 appendix B: secret "12345678901234567890", SHA-1, T = 59 s → 94287082 (6 digits: 287082).
    const rfc = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(c.totpCode(rfc, 59_000)).toBe('287082');
    expect(c.totpCode(rfc, 1_111_111_109_000)).toBe('081804');
    expect(c.verifyTotp(rfc, '287082', 59_000)).toBe(1);
    expect(c.verifyTotp(rfc, '287 082', 59_000)).toBe(1);
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    expect(c.verifyTotp(rfc, c.totpCode(rfc, now - 30_000), now)).toBe(step - 1);
    expect(c.verifyTotp(rfc, c.totpCode(rfc, now + 30_000), now)).toBe(step + 1);
    expect(c.verifyTotp(rfc, c.totpCode(rfc, now - 60_000), now)).toBeNull();
    expect(c.verifyTotp(rfc, c.totpCode(rfc, now + 60_000), now)).toBeNull();
    expect(c.verifyTotp(rfc, '28708', 59_000)).toBeNull();
    expect(c.verifyTotp(rfc, '2870821', 59_000)).toBeNull();
    expect(c.verifyTotp(rfc, 'abcdef', 59_000)).toBeNull();
    expect(c.newTotpSecret()).toMatch(/^[A-Z2-7]{32}$/);
    // Exactly six digits: a longer string that starts or ends with the right code is refused.
    expect(c.verifyTotp(rfc, '2870829', 59_000)).toBeNull();
    expect(c.verifyTotp(rfc, '9287082', 59_000)).toBeNull();
    expect(c.verifyTotp(rfc, 'x287082', 59_000)).toBeNull();
    expect(c.totpUri('JBSWY3DPEHPK3PXP', 'alice')).toBe('otpauth://totp/%E5%95%86%E6%B2%B3%E5%AE%89%E5%85%A8:alice?issuer=%E5%95%86%E6%B2%B3%E5%AE%89%E5%85%A8&secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30');
    expect(c.TOTP_PARAMS).toEqual({ issuer: '商河安全', algorithm: 'SHA1', digits: 6, period: 30 });
  });
});
