import { describe, expect, it } from 'vitest';
import {
  boxDecrypt,
  boxEncrypt,
  DecryptError,
  decodeRecoveryKey,
  decryptFile,
  deriveReceiptSecrets,
  encodeRecoveryKey,
  encryptFileChunks,
  FILE_CHUNK_BYTES,
  formatReceipt,
  generateKeyPair,
  generateReceipt,
  normalizeReceipt,
  open,
  openJson,
  publicKeyFromPrivate,
  randomKey,
  seal,
  sealJson,
} from '../../api/crypto/index.ts';

describe('公钥加密（seal/open）', () => {
  it('往返：只有对应私钥能打开', () => {
    const a = generateKeyPair();
    const sealed = seal(a.publicKey, Buffer.from('举报内容 ✓'));
    expect(open(a.privateKey, sealed).toString()).toBe('举报内容 ✓');
    expect(openJson(a.privateKey, sealJson(a.publicKey, { x: [1, '二'] }))).toEqual({ x: [1, '二'] });
    expect(publicKeyFromPrivate(a.privateKey).equals(a.publicKey)).toBe(true);
  });
  it('错误的私钥、被改动或截断的密文都会失败', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    const sealed = seal(a.publicKey, Buffer.from('secret'));
    expect(() => open(b.privateKey, sealed)).toThrow(DecryptError);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => open(a.privateKey, tampered)).toThrow(DecryptError);
    expect(() => open(a.privateKey, sealed.subarray(0, 40))).toThrow(DecryptError);
    expect(() => open(a.privateKey, Buffer.alloc(0))).toThrow(DecryptError);
  });
  it('同样的明文每次密文都不同', () => {
    const a = generateKeyPair();
    expect(seal(a.publicKey, Buffer.from('x')).equals(seal(a.publicKey, Buffer.from('x')))).toBe(false);
  });
});

describe('对称加密（box）', () => {
  it('往返，错误的密钥或用途都会失败', () => {
    const k = randomKey();
    const box = boxEncrypt(k, Buffer.from('key material'), 'report-1');
    expect(boxDecrypt(k, box, 'report-1').toString()).toBe('key material');
    expect(() => boxDecrypt(randomKey(), box, 'report-1')).toThrow(DecryptError);
    expect(() => boxDecrypt(k, box, 'report-2')).toThrow(DecryptError);
  });
});

describe('附件分块加密', () => {
  it.each([0, 1, FILE_CHUNK_BYTES, FILE_CHUNK_BYTES + 1, 3 * FILE_CHUNK_BYTES + 17])('长度 %i 往返', (n) => {
    const k = randomKey();
    const data = Buffer.alloc(n, 0x5a);
    const blob = Buffer.concat([...encryptFileChunks(k, data)]);
    expect(blob.includes(Buffer.alloc(Math.min(n, 64), 0x5a)) && n >= 64).toBe(false);
    expect(decryptFile(k, blob).equals(data)).toBe(true);
  });
  it('错误的密钥、截断或改动都会失败', () => {
    const k = randomKey();
    const blob = Buffer.concat([...encryptFileChunks(k, Buffer.alloc(3 * FILE_CHUNK_BYTES, 1))]);
    expect(() => decryptFile(randomKey(), blob)).toThrow(DecryptError);
    // Cut at a chunk boundary: the new last chunk was not marked last, so it fails.
    expect(() => decryptFile(k, blob.subarray(0, 8 + 2 * (16 + FILE_CHUNK_BYTES)))).toThrow(DecryptError);
    const bad = Buffer.from(blob);
    bad[100]! ^= 1;
    expect(() => decryptFile(k, bad)).toThrow(DecryptError);
  });
});

describe('查询码', () => {
  it('20 位数字（约 66 位熵），分组书写，输入宽松', () => {
    const r = generateReceipt();
    expect(r).toMatch(/^\d{20}$/);
    expect(Math.log2(10 ** 20)).toBeGreaterThan(64);
    expect(formatReceipt('12345678901234567890')).toBe('1234 5678 9012 3456 7890');
    expect(normalizeReceipt('1234-5678 9012 3456 7890')).toBe('12345678901234567890');
    expect(normalizeReceipt('１２３４５６７８９０１２３４５６７８９０')).toBe('12345678901234567890');
    expect(normalizeReceipt('1234')).toBeNull();
    expect(normalizeReceipt(1234567890)).toBeNull();
    const many = new Set(Array.from({ length: 500 }, generateReceipt));
    expect(many.size).toBe(500);
  });
  it('查找值稳定；解密钥匙随每件举报的盐不同，且与查找值无关', async () => {
    const salt = Buffer.alloc(16, 1);
    const a = await deriveReceiptSecrets('12345678901234567890', salt);
    const b = await deriveReceiptSecrets('12345678901234567890', salt);
    const c = await deriveReceiptSecrets('12345678901234567891', salt);
    expect(a.lookupHash).toBe(b.lookupHash);
    expect(a.lookupHash).not.toBe(c.lookupHash);
    expect(a.keyFor(Buffer.alloc(16, 2)).equals(b.keyFor(Buffer.alloc(16, 2)))).toBe(true);
    expect(a.keyFor(Buffer.alloc(16, 2)).equals(a.keyFor(Buffer.alloc(16, 3)))).toBe(false);
    expect(a.keyFor(Buffer.alloc(16, 2)).toString('base64url')).not.toBe(a.lookupHash);
  });
});

describe('恢复密钥', () => {
  it('可打印、可抄回，抄错一个字符会被发现', () => {
    const k = generateKeyPair();
    const text = encodeRecoveryKey(k.privateKey);
    expect(text).toMatch(/^([A-Z2-9]{4}-){13}[A-Z2-9]{4}$/);
    expect(decodeRecoveryKey(text.toLowerCase().replace(/-/g, ' '))!.equals(k.privateKey)).toBe(true);
    const typo = (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    expect(decodeRecoveryKey(typo)).toBeNull();
    expect(decodeRecoveryKey('not a key')).toBeNull();
  });
});
