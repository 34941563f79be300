// Tenants, tokens, limits and hostile input on the real cluster.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfig, uniqueName, waitFor } from '../../test-support/harness.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone } from '../../test-support/api-process.ts';
import { preparePlatform } from '../../test-support/platform.ts';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
let api: ApiProcess;
const extraApis: ApiProcess[] = [];

const tenantNamespaces = async (tenant: string) =>
  (await core.listNamespace({ labelSelector: `storefleet.io/tenant=${tenant}` })).items.filter((ns) => !ns.metadata?.deletionTimestamp);

beforeAll(async () => {
  preparePlatform();
  api = await startApi();
}, 600_000);

afterAll(async () => {
  await Promise.all([api, ...extraApis].map((a) => a?.kill()));
});

describe('tenant isolation on every route', () => {
  const name = uniqueName('iso');

  beforeAll(async () => {
    expect((await client(api, TOKENS.alice).create({ name })).status).toBe(202);
  });

  afterAll(async () => {
    await client(api, TOKENS.alice).remove(name);
  });

  it("answers another tenant 404 for alice's store, whatever the route", async () => {
    const bob = client(api, TOKENS.bob);
    const answers = {
      get: await bob.get(name),
      logs: await bob.logs(name),
      events: await bob.events(name),
      change: await bob.change(name, { plan: 'large' }),
      rollback: await bob.rollback(name, { revision: 0 }),
      remove: await bob.remove(name),
    };
    for (const [route, answer] of Object.entries(answers)) {
      expect(answer.status, route).toBe(404);
      expect(answer.body.error.code, route).toBe('store_not_found');
    }
    expect((await bob.list()).body.items.map((s: { name: string }) => s.name)).not.toContain(name);
    expect(await client(api, TOKENS.alice).get(name).then((r) => r.body.store.state.operation.job)).toBe(`${name}-install-1`);
  });

  it('lets an admin see every tenant', async () => {
    const admin = client(api, TOKENS.admin);
    expect((await admin.list()).body.items.map((s: { name: string }) => s.name)).toContain(name);
  });

  it('asks for a token with 401 and WWW-Authenticate', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const answer = await client(api, token).list();
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="storefleet"');
      expect(answer.body.error.code).toBe('unauthorized');
    }
  });

  it('limits an embed token to read and create', async () => {
    const embed = client(api, TOKENS.aliceEmbed);
    expect((await embed.get(name)).status).toBe(200);
    const denied = await embed.remove(name);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('insufficient_scope');
    expect((await embed.change(name, { plan: 'large' })).status).toBe(403);
  });
});

describe('store limits counted in the cluster', () => {
  it('admits exactly 5 of 30 concurrent creates for a tenant limited to 5', async () => {
    const carol = client(api, TOKENS.carol);
    const names = Array.from({ length: 30 }, (_, i) => `lim-${i}-${uniqueName('c').slice(2)}`);
    const answers = await Promise.all(names.map((name) => carol.create({ name })));
    const accepted = names.filter((_, i) => answers[i]!.status === 202);
    try {
      expect(accepted).toHaveLength(5);
      const refused = answers.filter((a) => a.status === 409);
      expect(refused).toHaveLength(25);
      expect(refused[0]!.body.error).toMatchObject({ code: 'store_limit_reached', message: 'Tenant "carol" has reached its limit of 5 stores.', details: { limit: 5 } });
      expect((await tenantNamespaces('carol')).map((ns) => ns.metadata!.labels!['storefleet.io/store']).sort()).toEqual([...accepted].sort());
    } finally {
      await Promise.all(accepted.map((name) => carol.remove(name)));
    }
    // Deleting frees the slots: a new store fits again.
    await Promise.all(accepted.map((name) => waitForGone(carol, name)));
    const again = uniqueName('lim-again');
    expect((await carol.create({ name: again })).status).toBe(202);
    await carol.remove(again);
  });
});

describe('rate limits', () => {
  it('answers the request over budget with 429, Retry-After and X-RateLimit-*', async () => {
    const limited = await startApi({ STOREFLEET_RATE_READ_MAX: '5', STOREFLEET_RATE_WINDOW_SECONDS: '30' });
    extraApis.push(limited);
    const alice = client(limited, TOKENS.alice);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await alice.list());
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[0]!.headers.get('x-ratelimit-limit')).toBe('5');
    expect(answers[4]!.headers.get('x-ratelimit-remaining')).toBe('0');
    const over = answers[5]!;
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limited');
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    // Another token has its own budget, and changing routes have their own.
    expect((await client(limited, TOKENS.bob).list()).status).toBe(200);
    expect((await alice.create({ name: 'Not Valid' })).status).toBe(400);
  });

  it('shares one budget between two API processes through Redis', async () => {
    const port = 16379 + Math.floor(Math.random() * 1000);
    const redis: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      await waitFor('redis', async () => (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG' ? true : undefined), 10_000, 100);
      const env = { REDIS_URL: `redis://127.0.0.1:${port}`, STOREFLEET_RATE_READ_MAX: '6', STOREFLEET_RATE_WINDOW_SECONDS: '30' };
      const first = await startApi(env);
      const second = await startApi(env);
      extraApis.push(first, second);
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await client(first, TOKENS.alice).list()).status);
        statuses.push((await client(second, TOKENS.alice).list()).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      expect((await client(first, TOKENS.alice).list()).status).toBe(429);
      expect((await client(second, TOKENS.alice).list()).status).toBe(429);
    } finally {
      redis.kill();
    }
  });
});

describe('hostile input', () => {
  const raw = (route: string, init: RequestInit & { headers?: Record<string, string> }) =>
    fetch(`${api.url}${route}`, { ...init, headers: { Authorization: `Bearer ${TOKENS.mallory}`, ...init.headers } });
  const counts: Record<number, number> = {};

  afterAll(() => console.log(`hand-written hostile requests by status: ${JSON.stringify(counts)}`));

  const cases: Array<[string, () => Promise<Response>]> = [
    ['a 1 MiB body', () => raw('/api/v1/stores', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'big', title: 'x'.repeat(1 << 20) }) })],
    ['invalid UTF-8', () => raw('/api/v1/stores', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) })],
    ['malformed JSON', () => raw('/api/v1/stores', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":' })],
    ['JSON that is not an object', () => raw('/api/v1/stores', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[1,2,3]' })],
    ['a prototype-pollution body', () => raw('/api/v1/stores', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"proto1","__proto__":{"admin":true}}' })],
    ['deeply nested JSON', () => raw('/api/v1/stores', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `${'['.repeat(5000)}${']'.repeat(5000)}` })],
    ['a form body', () => raw('/api/v1/stores', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=shop' })],
    ['text/plain JSON', () => raw('/api/v1/stores', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"name":"plain1"}' })],
    ['path traversal', () => raw('/api/v1/stores/..%2F..%2Fkube-system', { method: 'GET' })],
    ['path traversal on delete', () => raw('/api/v1/stores/%2e%2e', { method: 'DELETE' })],
    ['a CRLF in the name', () => raw('/api/v1/stores/shop%0d%0aSet-Cookie:%20x=1', { method: 'GET' })],
    ['a unicode look-alike name', () => raw('/api/v1/stores', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'shоp1' }) })],
    ['a huge name', () => raw(`/api/v1/stores/${'a'.repeat(5000)}`, { method: 'GET' })],
    ['an unknown method', () => raw('/api/v1/stores', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' })],
    ['a host with an injected newline', () => raw('/api/v1/stores', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'inject1', host: 'a.com\nX: y' }) })],
    ['a negative rollback revision', () => raw('/api/v1/stores/shop1/rollback', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"revision":-1}' })],
    ['a valid create over the tenant limit', () => raw('/api/v1/stores', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"mallory1"}' })],
  ];

  it.each(cases)('answers %s with a 4xx JSON error', async (_label, send) => {
    const response = await send();
    counts[response.status] = (counts[response.status] ?? 0) + 1;
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const body = await response.json();
    expect(body.error.code).toMatch(/^[a-z_]+$/);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('does not echo an injected request id', async () => {
    const response = await raw('/api/v1/stores', { method: 'GET', headers: { 'X-Request-Id': 'a\tb<script>' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('survives 1,000+ requests generated by schemathesis from the OpenAPI document: no 5xx, nothing created', async () => {
    const reportDir = mkdtempSync(path.join(tmpdir(), 'schemathesis-'));
    const st = path.join(process.env.STOREFLEET_CACHE ?? path.join(process.env.HOME!, '.cache/storefleet'), 'venv/bin/st');
    const result = spawnSync(st, [
      'run', `${api.url}/api/v1/openapi.json`, '--url', api.url,
      '-H', `Authorization: Bearer ${TOKENS.mallory}`,
      '--checks', 'not_a_server_error', '--max-examples', '300', '--seed', '1',
      // The coverage phase of schemathesis 4.32 crashes on Python 3.11 (a hypothesis AST error).
      '--phases', 'fuzzing,stateful', '--workers', '2', '--request-timeout', '10',
      '--report', 'har', '--report-har-path', path.join(reportDir, 'run.har'),
    ], { encoding: 'utf8', timeout: 900_000, env: { ...process.env, SCHEMATHESIS_HOOKS: '' } });
    const har = JSON.parse(readFileSync(path.join(reportDir, 'run.har'), 'utf8')) as { log: { entries: Array<{ response: { status: number } }> } };
    const statuses = har.log.entries.map((e) => e.response.status);
    const byStatus = statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
    console.log(`schemathesis: ${statuses.length} requests, by status ${JSON.stringify(byStatus)}`);
    expect(statuses.length).toBeGreaterThanOrEqual(1000);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(result.status, result.stdout.slice(-3000)).toBe(0);
    expect(api.child.exitCode).toBeNull();
    expect(await tenantNamespaces('mallory')).toEqual([]);
  }, 900_000);
});
