import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress, trustedProxiesProblem } from './client-address.ts';

async function addressSeen(trusted: string[], peer: string, forwardedFor?: string) {
  const req = { socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} } as unknown as IncomingMessage;
  const ctx = { req, request: {} as { ip?: string } } as unknown as Context;
  await clientAddress(trusted)(ctx, async () => undefined);
  return ctx.request.ip;
}

describe('clientAddress', () => {
  it('ignores X-Forwarded-For unless the peer is a configured proxy hop', async () => {
    expect(await addressSeen([], '203.0.113.9', '1.2.3.4')).toBe('203.0.113.9');
    expect(await addressSeen(['10.42.0.0/16'], '203.0.113.9', '1.2.3.4')).toBe('203.0.113.9');
    expect(await addressSeen(['10.42.0.0/16'], '10.42.0.7', '198.51.100.4')).toBe('198.51.100.4');
  });

  it('takes the address in front of the last trusted hop, not what the client wrote first', async () => {
    // The client sent "X-Forwarded-For: 1.1.1.1"; the ingress appended the real peer.
    expect(await addressSeen(['10.42.0.0/16'], '10.42.0.7', '1.1.1.1, 198.51.100.4')).toBe('198.51.100.4');
    expect(await addressSeen(['10.42.0.0/16', '10.43.0.0/16'], '10.42.0.7', '1.1.1.1, 198.51.100.4, 10.43.0.2')).toBe('198.51.100.4');
  });

  it('refuses entries that are no address at start', () => {
    expect(trustedProxiesProblem(['10.0.0.0/8', 'loopback'])).toBeUndefined();
    expect(trustedProxiesProblem(['ingress.example'])).toMatch(/invalid IP address/);
  });
});

describe('addressKey', () => {
  it('is the address for IPv4 and the /64 for IPv6', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:0db8:0001:0002:0003:0004:0005:0006')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
