import { createHash, randomBytes, randomInt } from 'node:crypto';

/** Letters and digits that cannot be confused when read off a board or a printout (no 0/O, 1/I/L). */
const UNAMBIGUOUS = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A long random secret for teacher links, player and exam tokens (256 bits, URL-safe). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Only the hash of a secret is stored, so a copy of the database cannot be used to act as a teacher. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Join code for the board: 8 digits (10^8 codes; guessing is rate-limited), easy to type on a phone. */
export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += String(randomInt(10));
  return code;
}

/** Certificate verification code, e.g. 7KQ4-MX2P-9HTD (about 59 bits). */
export function newCertificateCode(): string {
  const chars = Array.from({ length: 12 }, () => UNAMBIGUOUS[randomInt(UNAMBIGUOUS.length)]!);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

/** Accepts codes typed with spaces, lower case or without dashes. */
export function normaliseCertificateCode(input: string): string | null {
  const raw = input.toUpperCase().replace(/[\s-]/g, '');
  if (raw.length !== 12 || [...raw].some((ch) => !UNAMBIGUOUS.includes(ch))) return null;
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

export function normaliseJoinCode(input: string): string | null {
  const raw = input.replace(/[\s-]/g, '');
  return /^\d{8}$/.test(raw) ? raw : null;
}
