/**
 * Who is on the other end of a request, for rate limits and for the Secure cookie: the TCP peer, or —
 * only when that peer is a trusted reverse proxy (TRUST_PROXY) — what the proxy says in
 * X-Forwarded-For and X-Forwarded-Proto. Headers from anyone else are ignored, so a client cannot
 * pick its own rate-limit key or pretend to be on HTTPS. Nothing here is stored or logged.
 */
import { BlockList, isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export interface ProxyTrust {
  /** True when `address` is one of the trusted proxies. */
  trusts(address: string): boolean;
  /** Empty when no proxy is trusted (the default). */
  readonly description: string;
}

/** No proxy trusted: the TCP peer is the client. */
export const NO_PROXY: ProxyTrust = { trusts: () => false, description: '' };

/** Strips IPv6 brackets, a port and the IPv4-mapped prefix: "[::ffff:10.0.0.1]:80" → "10.0.0.1". */
export function normaliseAddress(raw: string): string {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  return a.toLowerCase();
}

/**
 * Parses TRUST_PROXY: "off" (or empty), "loopback", or a comma-separated list of addresses and CIDR
 * ranges ("10.0.0.5, 192.168.0.0/16, ::1, loopback"). Throws a Chinese message on a bad entry.
 */
export function parseTrustProxy(spec: string): ProxyTrust {
  const entries = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0 || (entries.length === 1 && entries[0]!.toLowerCase() === 'off')) return NO_PROXY;
  const list = new BlockList();
  for (const entry of entries) {
    if (entry.toLowerCase() === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const [addr, bits, extra] = entry.split('/');
    const family = isIP(addr ?? '');
    if (!family || extra !== undefined) throw new Error(`TRUST_PROXY 里的“${entry}”不是 IP 地址或网段（例如 10.0.0.5、192.168.0.0/16、loopback）`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(addr!, type);
    } else {
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`TRUST_PROXY 里的“${entry}”网段长度不正确`);
      list.addSubnet(addr!, prefix, type);
    }
  }
  return {
    description: entries.join(', '),
    trusts(address: string): boolean {
      const a = normaliseAddress(address);
      const family = isIP(a);
      return family ? list.check(a, family === 4 ? 'ipv4' : 'ipv6') : false;
    },
  };
}

/**
 * The client address given the TCP peer and X-Forwarded-For: walk the chain from the right (the
 * entry our proxy appended last) past every trusted proxy; the first untrusted address is the
 * client. Entries left of it were written by the client itself and are ignored.
 */
export function resolveClient(peer: string, forwardedFor: string | undefined, trust: ProxyTrust): string {
  const peerAddress = normaliseAddress(peer);
  if (!peerAddress || !trust.trusts(peerAddress) || !forwardedFor) return peerAddress;
  const chain = forwardedFor.split(',').map(normaliseAddress).filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!trust.trusts(chain[i]!)) return chain[i]!;
  }
  // Every hop is a trusted proxy: the left-most one is as close to the client as we can know.
  return chain[0] ?? peerAddress;
}

export interface ClientInfo {
  /** The client's address, for rate-limit keys only (hashed at once, never stored). */
  address: string;
  /** The request reached us over HTTPS (directly, or per a trusted proxy's X-Forwarded-Proto). */
  https: boolean;
  /** Cookies set on this response get the Secure flag (over HTTPS, or always with COOKIE_SECURE=on). */
  secureCookies: boolean;
}

function peerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? '';
  } catch {
    return ''; // in-process requests (unit tests) have no socket
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    client: ClientInfo;
  }
}

/** Works out the client once per request, so every route and limiter agrees on it. */
export function clientInfo(trust: ProxyTrust, opts: { cookieSecure?: boolean } = {}): MiddlewareHandler {
  return async function clientInfoMiddleware(c, next) {
    const peer = peerAddress(c);
    const viaProxy = trust.trusts(peer);
    // The proxy's own scheme is the right-most entry, as with X-Forwarded-For.
    const proto = viaProxy ? (c.req.header('x-forwarded-proto') ?? '').split(',').pop()!.trim().toLowerCase() : '';
    const https = proto ? proto === 'https' : new URL(c.req.url).protocol === 'https:';
    c.set('client', {
      address: resolveClient(peer, c.req.header('x-forwarded-for'), trust),
      https,
      secureCookies: https || opts.cookieSecure === true,
    });
    await next();
  };
}

/** The request's client (the TCP peer when the middleware did not run, as in sub-app tests). */
export function getClient(c: Context): ClientInfo {
  const https = new URL(c.req.url).protocol === 'https:';
  return c.get('client') ?? { address: normaliseAddress(peerAddress(c)), https, secureCookies: https };
}

/** The client address for rate limits; '' when unknown (in-process tests). */
export function clientAddress(c: Context): string {
  return getClient(c).address;
}
