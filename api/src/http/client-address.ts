// The client's address: the socket peer, or an address from X-Forwarded-For only as far as
// every hop after it is a configured proxy (proxy-addr walks the header from the right), so a
// client cannot pick its own rate-limit key by sending the header itself.
import { isIPv6 } from 'node:net';
import type { Context, Next } from 'koa';
import proxyaddr from 'proxy-addr';

/** `trusted`: addresses, CIDRs or proxy-addr's names (loopback, linklocal, uniquelocal); none by default. */
export function clientAddress(trusted: readonly string[]) {
  const trust = proxyaddr.compile([...trusted]);
  return async (ctx: Context, next: Next) => {
    ctx.request.ip = proxyaddr(ctx.req, trust);
    await next();
  };
}

/** Whether proxy-addr understands every entry (checked at start, not on the first request). */
export function trustedProxiesProblem(trusted: readonly string[]): string | undefined {
  try {
    proxyaddr.compile([...trusted]);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The budget an address counts against. One IPv6 host usually holds a whole /64, so an IPv6
 * client is its /64 there: otherwise it could take a fresh budget per address.
 */
export function addressKey(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (!isIPv6(plain)) return plain;
  const [head = '', tail = ''] = plain.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = plain.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
