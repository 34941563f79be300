// The edge's budgets on a real Koa server (no cluster): only verified tokens get budgets of
// their own, anything else spends its address's small one, and memory stays bounded.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, identify, requirePrincipal, TokenRegistry } from './auth.ts';
import { errorMiddleware } from './errors.ts';
import { BoundedMap, budgetOf, rateLimit } from './rate-limit.ts';

describe('BoundedMap', () => {
  it('forgets the key set longest ago once full, and a re-set key moves to the back', () => {
    const map = new BoundedMap<string, number>(3);
    map.set('a', 1).set('b', 2).set('c', 3).set('a', 4).set('d', 5);
    expect([...map.keys()]).toEqual(['c', 'a', 'd']);
    for (let i = 0; i < 10_000; i++) map.set(`k${i}`, i);
    expect(map.size).toBe(3);
  });
});

describe('budgetOf', () => {
  const ctx = (method: string, ip: string, tokenHash?: string) => ({ method, ip, state: { tokenHash } });
  it('keys a verified token by its hash, per kind, and anything else by its address', () => {
    expect(budgetOf(ctx('GET', '10.0.0.1', 'ab'))).toEqual({ budget: 'read', key: 'token:ab' });
    expect(budgetOf(ctx('DELETE', '10.0.0.1', 'ab'))).toEqual({ budget: 'write', key: 'token:ab' });
    expect(budgetOf(ctx('GET', '10.0.0.1'))).toEqual({ budget: 'anonymous', key: 'ip:10.0.0.1' });
    expect(budgetOf(ctx('GET', '::ffff:10.0.0.1'))).toEqual({ budget: 'anonymous', key: 'ip:10.0.0.1' });
    expect(budgetOf(ctx('GET', '2001:db8:1:2:aaaa::1'))).toEqual({ budget: 'anonymous', key: 'ip:2001:db8:1:2::/64' });
  });
});

describe('the token and address budgets on a real server', () => {
  const real = 'real-token';
  const logger = { info: () => undefined, error: () => undefined };
  let url: string;
  let server: ReturnType<Koa['listen']>;

  beforeAll(async () => {
    const app = new Koa();
    app.use(errorMiddleware(logger));
    app.use(identify(new TokenRegistry([{ sha256: hashToken(real), tenant: 'alice', role: 'tenant' }])));
    app.use(rateLimit({ durationMs: 60_000, readMax: 5, writeMax: 2, anonymousMax: 3, maxKeys: 100 }));
    app.use(requirePrincipal);
    app.use((ctx) => { ctx.body = { ok: true }; });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  const get = (token?: string, method = 'GET') => fetch(url, { method, headers: token ? { Authorization: `Bearer ${token}` } : {} }).then(async (r) => ({ status: r.status, body: await r.json() }));

  it('gives random fake tokens the address budget (401 within it, then 429), and the real token its own', async () => {
    const fakes = [];
    for (let i = 0; i < 6; i++) fakes.push(await get(randomBytes(16).toString('hex')));
    expect(fakes.map((a) => a.status)).toEqual([401, 401, 401, 429, 429, 429]);
    expect(fakes[3]!.body.error.code).toBe('rate_limited');
    expect((await get()).status).toBe(429);
    const reads = [];
    for (let i = 0; i < 6; i++) reads.push((await get(real)).status);
    expect(reads).toEqual([200, 200, 200, 200, 200, 429]);
    expect([(await get(real, 'POST')).status, (await get(real, 'POST')).status, (await get(real, 'POST')).status]).toEqual([200, 200, 429]);
  });
});
