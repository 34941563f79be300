// CORS on a real Koa server placed like app.ts places it: before authentication.
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePrincipal } from './auth.ts';
import { corsFor } from './cors.ts';
import { errorMiddleware } from './errors.ts';

const ALLOWED = 'http://127.0.0.1:4000';
let url: string;
let server: ReturnType<Koa['listen']>;

beforeAll(async () => {
  const app = new Koa();
  app.use(errorMiddleware({ info: () => undefined, error: () => undefined }));
  app.use(corsFor([ALLOWED]));
  app.use(async (ctx, next) => {
    if (ctx.path === '/bundle.js') ctx.body = 'export {}';
    else await next();
  });
  app.use(requirePrincipal);
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const preflight = (origin: string) => fetch(`${url}/api/v1/stores`, {
  method: 'OPTIONS',
  headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
});

describe('corsFor', () => {
  it('answers an allowed origin\'s preflight before authentication, allowing Authorization', async () => {
    const answer = await preflight(ALLOWED);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(answer.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('vary')).toContain('Origin');
  });

  it('refuses another origin\'s preflight with 403 JSON and no CORS headers', async () => {
    const answer = await preflight('http://127.0.0.1:4001');
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect((await answer.json()).error.code).toBe('origin_not_allowed');
  });

  it('lets an allowed page read errors and the bundle, and gives others nothing to read', async () => {
    const refused = await fetch(`${url}/api/v1/stores`, { headers: { Origin: ALLOWED } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(refused.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    const bundle = await fetch(`${url}/bundle.js`, { headers: { Origin: ALLOWED } });
    expect(bundle.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const other = await fetch(`${url}/bundle.js`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
