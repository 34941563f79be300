// Readiness that tells the truth, on the real API process against the real cluster: /readyz is
// 503 naming what is missing before the caches sync, when the kube-apiserver stops answering
// (cut here by stopping a loopback TCP proxy the API reaches it through), without Redis, and
// without a permission; 200 once each is back. On SIGTERM the creates in flight finish, the
// event stream ends with a retry hint, the process exits 0, and the stream resumes on the next
// API by Last-Event-ID without a missed or repeated line.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, client, startApi, TOKENS, waitForGone } from '../../test-support/api-process.ts';
import { kubeConfig, uniqueName, waitFor } from '../../test-support/harness.ts';
import { SYSTEM } from '../../test-support/kube.ts';
import { kubectl, preparePlatform } from '../../test-support/platform.ts';

const run = uniqueName('ready');
const started: ApiProcess[] = [];
const start = async (...args: Parameters<typeof startApi>) => {
  const api = await startApi(...args);
  started.push(api);
  return api;
};
afterAll(async () => {
  await Promise.all(started.map((api) => api.kill()));
});
beforeAll(() => preparePlatform(), 600_000);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A loopback TCP proxy to the kube-apiserver: stopped, it refuses connections and cuts the open ones. */
class ApiServerProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  readonly port: number;
  private readonly target: { host: string; port: number };

  constructor(port: number, target: URL) {
    this.port = port;
    this.target = { host: target.hostname, port: Number(target.port || 443) };
  }

  async start() {
    this.server = net.createServer((inbound) => {
      const outbound = net.connect(this.target);
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => this.sockets.delete(socket));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async stop() {
    const closed = new Promise((resolve) => (this.server?.listening ? this.server.close(resolve) : resolve(undefined)));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

/** A copy of the test kube config whose cluster is reached at `server` (and as `user`, when given). */
function kubeConfigFile(server: string, user?: k8s.User): string {
  const original = kubeConfig();
  const copy = new k8s.KubeConfig();
  const cluster = original.getCurrentCluster()!;
  const context = original.getContextObject(original.getCurrentContext())!;
  copy.loadFromOptions({
    clusters: [{ ...cluster, server }],
    users: [user ?? original.getCurrentUser()!],
    contexts: [{ ...context, user: user?.name ?? context.user }],
    currentContext: context.name,
  });
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'storefleet-readiness-')), 'kubeconfig');
  writeFileSync(file, copy.exportConfig());
  return file;
}

interface Readyz { ready: boolean; status: string; checks: { name: string; ok: boolean; reason?: string }[] }
async function readyz(api: ApiProcess): Promise<{ status: number; body: Readyz }> {
  const response = await fetch(`${api.url}/readyz`);
  return { status: response.status, body: await response.json() as Readyz };
}
const failing = (body: Readyz, name: string) => body.checks.find((check) => check.name === name && !check.ok);
const timed = async (what: string, probe: () => Promise<true | undefined>, timeoutMs: number) => {
  const from = Date.now();
  await waitFor(what, probe, timeoutMs, 100);
  const ms = Date.now() - from;
  console.log(`[readiness] ${what}: ${ms} ms`);
  return ms;
};
const lines = (api: ApiProcess, pattern: RegExp) => api.output().split('\n').filter((line) => pattern.test(line));
/** The log lines matching `pattern` once one has come (readiness is logged within a second of changing). */
const logged = async (api: ApiProcess, pattern: RegExp) => {
  await waitFor(`a log line ${pattern}`, async () => (lines(api, pattern).length > 0 ? true : undefined), 5_000, 100);
  return lines(api, pattern);
};

describe('readiness', () => {
  const cluster = new URL(kubeConfig().getCurrentCluster()!.server);
  let proxy: ApiServerProxy;
  let api: ApiProcess;

  it('listens at once: liveness answers, /readyz is 503 naming each unmet check and the API routes 503 until the cluster answers, then 200', async () => {
    proxy = new ApiServerProxy(await freePort(), cluster);
    api = await start({ KUBECONFIG: kubeConfigFile(`https://127.0.0.1:${proxy.port}`), STOREFLEET_CLUSTER_CHECK_SECONDS: '1' }, undefined, { until: 'listening' });
    for (const route of ['/livez', '/healthz']) expect((await fetch(`${api.url}${route}`)).status).toBe(200);
    await waitFor('the cluster check to fail', async () => (failing((await readyz(api)).body, 'cluster')?.reason !== 'not checked yet' ? true : undefined), 10_000, 100);
    const before = await readyz(api);
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({ ready: false, status: 'starting' });
    expect(failing(before.body, 'caches')?.reason).toMatch(/^syncing: namespaces.*jobs.*pods.*records/);
    expect(failing(before.body, 'cluster')?.reason).toMatch(/kube-apiserver: https:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    const list = await client(api, TOKENS.alice).list();
    expect(list.status).toBe(503);
    expect(list.body.error.code).toBe('starting');
    expect(list.headers.get('retry-after')).toBe('2');
    // A line when what is missing changes, never one per failed check.
    const said = (await logged(api, /"msg":"not ready: .*cluster: kube-apiserver: .*ECONNREFUSED/)).length;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(lines(api, /"msg":"not ready: .*cluster: kube-apiserver: .*ECONNREFUSED/).length).toBe(said);

    await proxy.start();
    await timed('ready after the cluster answers', async () => ((await readyz(api)).status === 200 ? true : undefined), 30_000);
    const after = await readyz(api);
    expect(after.body).toEqual({ ready: true, status: 'ready', checks: ['caches', 'cluster', 'permissions'].map((name) => ({ name, ok: true })) });
    expect((await client(api, TOKENS.alice).list()).status).toBe(200);
  });

  it('turns 503 within seconds when the cluster stops answering, refuses changes meanwhile, and is ready again when it answers', async () => {
    const name = `${run}-cut`;
    await proxy.stop();
    const down = await timed('503 after the cluster stopped answering', async () => {
      const { status, body } = await readyz(api);
      return status === 503 && failing(body, 'cluster') ? true : undefined;
    }, 20_000);
    expect(down).toBeLessThan(5_000);
    const alice = client(api, TOKENS.alice);
    // Reads are served from the cache; a change would stop half-way, so it is not begun.
    expect((await alice.list()).status).toBe(200);
    const refused = await alice.create({ name, plan: 'small' });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('cluster_unavailable');
    expect(refused.headers.get('retry-after')).toBeTruthy();
    expect((await logged(api, /"level":"error".*"msg":"not ready: cluster: kube-apiserver/)).length).toBe(1);

    await proxy.start();
    const up = await timed('200 after the cluster answered again', async () => ((await readyz(api)).status === 200 ? true : undefined), 20_000);
    expect(up).toBeLessThan(5_000);
    expect((await alice.get(name)).status).toBe(404);
    await api.kill();
    expect(api.child.exitCode).toBe(0);
    await proxy.stop();
  });

  it('without Redis: one line names it, /readyz says it, nothing is served or made until Redis answers', async () => {
    const name = `${run}-redis`;
    const port = await freePort();
    const redisApi = await start({ REDIS_URL: `redis://127.0.0.1:${port}` }, undefined, { until: 'listening' });
    // Until ioredis's first attempt fails, the check says it is connecting (the client is made
    // after the caches have synced): wait for that attempt's answer.
    await waitFor('the redis check alone to fail, with its first error', async () => {
      const { body } = await readyz(redisApi);
      const unmet = body.checks.filter((check) => !check.ok);
      return unmet.map((check) => check.name).join() === 'redis' && !unmet[0]!.reason?.startsWith('connecting') ? true : undefined;
    }, 30_000, 200);
    const { status, body } = await readyz(redisApi);
    expect(status).toBe(503);
    expect(failing(body, 'redis')?.reason).toMatch(new RegExp(`ECONNREFUSED \\(127\\.0\\.0\\.1:${port}\\)`));
    const alice = client(redisApi, TOKENS.alice);
    const refused = await alice.create({ name, plan: 'small' });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('redis_unavailable');
    // ioredis retries every few hundred ms: a line each time would bury the one that matters.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await logged(redisApi, /"level":"error".*"msg":"not ready: redis: ECONNREFUSED/)).length).toBe(1);

    let redis: ChildProcess | undefined;
    try {
      redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await timed('ready after Redis answered', async () => ((await readyz(redisApi)).status === 200 ? true : undefined), 15_000);
      expect((await alice.get(name)).status).toBe(404);
    } finally {
      await redisApi.kill();
      redis?.kill();
    }
  });

  it('without a permission it needs: one line names it, /readyz says it, changes are refused before anything is made', async () => {
    const account = `${run}-limited`;
    const name = `${run}-perm`;
    // The API's own RBAC, with its platform Role lacking leases (as if a new release needed them).
    const role = JSON.parse(kubectl('-n', SYSTEM, 'get', 'role', 'storefleet-api', '-o', 'json')) as k8s.V1Role;
    const limited = {
      apiVersion: 'v1', kind: 'List', items: [
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account, namespace: SYSTEM } },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: account },
          subjects: [{ kind: 'ServiceAccount', name: account, namespace: SYSTEM }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'storefleet-api' } },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: account, namespace: SYSTEM },
          rules: role.rules!.filter((rule) => !rule.resources?.includes('leases')) },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: account, namespace: SYSTEM },
          subjects: [{ kind: 'ServiceAccount', name: account, namespace: SYSTEM }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: account } },
      ],
    };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'storefleet-readiness-')), 'rbac.json');
    writeFileSync(file, JSON.stringify(limited));
    kubectl('apply', '-f', file);
    try {
      const token = kubectl('-n', SYSTEM, 'create', 'token', account, '--duration', '1h').trim();
      const limitedApi = await start({
        KUBECONFIG: kubeConfigFile(kubeConfig().getCurrentCluster()!.server, { name: account, token }),
      }, undefined, { until: 'listening' });
      await waitFor('the permissions check to fail', async () => (failing((await readyz(limitedApi)).body, 'permissions')?.reason?.startsWith('missing') ? true : undefined), 30_000, 200);
      const { status, body } = await readyz(limitedApi);
      expect(status).toBe(503);
      expect(failing(body, 'permissions')?.reason).toMatch(/^missing: create leases\.coordination\.k8s\.io in storefleet-system, get leases/);
      const refused = await client(limitedApi, TOKENS.alice).create({ name, plan: 'small' });
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('missing_permissions');
      expect(refused.body.error.message).toContain('create leases.coordination.k8s.io in storefleet-system');
      await logged(limitedApi, /"level":"error".*"msg":"not ready: permissions: missing: create leases/);
      // Checked again every few seconds while missing, but said once.
      await new Promise((resolve) => setTimeout(resolve, 6000));
      expect(lines(limitedApi, /"level":"error".*"msg":"not ready: permissions: missing: create leases/).length).toBe(1);
      await limitedApi.kill();
      expect(kubectl('get', 'namespaces', '-l', `storefleet.io/store=${name}`, '-o', 'name').trim()).toBe('');
    } finally {
      kubectl('delete', '-f', file, '--ignore-not-found', '--wait=false');
    }
  });
});

interface Followed { events: { event: string; id?: string; data: unknown }[]; retries: number[]; ended: Promise<void>; stop(): void }

/** Follows a store's event stream as the element does (fetch, Last-Event-ID), keeping the `retry:` hints too. */
function follow(api: ApiProcess, name: string, lastEventId?: string): Followed {
  const controller = new AbortController();
  const followed: Followed = { events: [], retries: [], ended: Promise.resolve(), stop: () => controller.abort() };
  const parser = createParser({
    onEvent: ({ event, id, data }) => followed.events.push({ event: event ?? 'message', id, data: JSON.parse(data || 'null') }),
    onRetry: (ms) => followed.retries.push(ms),
  });
  followed.ended = (async () => {
    const response = await fetch(`${api.url}/api/v1/stores/${name}/events`, {
      headers: { Authorization: `Bearer ${TOKENS.alice}`, Accept: 'text/event-stream', ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) parser.feed(decoder.decode(chunk, { stream: true }));
  })().catch((error: Error) => {
    if (!controller.signal.aborted) throw error;
  });
  return followed;
}

const logLines = (followed: Followed) => followed.events.filter((event) => event.event === 'log').map((event) => event.id!.split(':').slice(0, 2).join(':'));
/** Waits for the operation's end on a stream, and then for the stream to stay quiet (late lines come too). */
async function settle(followed: Followed, timeoutMs: number) {
  await waitFor('the operation to finish on the stream', async () => (finished(followed) ? true : undefined), timeoutMs, 500);
  let seen = -1;
  await waitFor('the stream to go quiet', async () => {
    if (followed.events.length === seen) return true;
    seen = followed.events.length;
    return undefined;
  }, 30_000, 2000);
  followed.stop();
}
const finished = (followed: Followed) => followed.events.some((event) => event.event === 'status' && ['Ready', 'Failed'].includes((event.data as { phase: string }).phase));

describe('SIGTERM', () => {
  it('finishes the creates in flight, ends the event stream with a retry hint and exits 0; the stream resumes on the next API missing and repeating no line', async () => {
    const [streamed, ...inFlight] = ['a', 'b', 'c'].map((suffix) => `${run}-${suffix}`);
    const first = await start();
    const alice = client(first, TOKENS.alice);
    expect((await alice.create({ name: streamed, plan: 'small' })).status).toBe(202);
    const before = follow(first, streamed!);
    await waitFor('the install to print its first lines', async () => (logLines(before).length >= 2 ? true : undefined), 120_000, 200);

    const creates = inFlight.map((name) => alice.create({ name, plan: 'small' }).then((answer) => answer.status, (error: Error) => error.message));
    // Long enough for the server to have them, short of the dozen writes a create makes.
    await new Promise((resolve) => setTimeout(resolve, 60));
    const signalled = Date.now();
    const exited = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
    first.child.kill('SIGTERM');
    expect(await Promise.all(creates)).toEqual([202, 202]);
    await before.ended;
    expect(await exited).toBe(0);
    console.log(`[readiness] SIGTERM to exit: ${Date.now() - signalled} ms`);
    expect(before.retries).toEqual([1000]);
    const drained = JSON.parse(lines(first, /"msg":"drained"/)[0]!) as { streams: number; inFlight: number; cut: number };
    console.log(`[readiness] drained ${JSON.stringify(drained)}`);
    expect(drained).toMatchObject({ streams: 1, cut: 0 });
    expect(drained.inFlight).toBeGreaterThanOrEqual(1);

    const second = await start();
    const last = before.events.filter((event) => event.id).at(-1)!.id!;
    const resumed = follow(second, streamed!, last);
    await settle(resumed, 240_000);
    // A fresh stream from the start has every line of the operation: the two halves are exactly it.
    const whole = follow(second, streamed!);
    await settle(whole, 30_000);
    const halves = [...logLines(before), ...logLines(resumed)];
    expect(new Set(halves).size).toBe(halves.length);
    expect(halves).toEqual(logLines(whole));
    console.log(`[readiness] lines before SIGTERM ${logLines(before).length}, after resume ${logLines(resumed).length}, whole ${logLines(whole).length}`);

    // Nothing lost: each create answered in flight has its store and its install Job.
    const next = client(second, TOKENS.alice);
    for (const name of inFlight) expect((await next.get(name)).body.store.state.operation?.job).toBe(`${name}-install-1`);
    for (const name of [streamed!, ...inFlight]) expect((await next.remove(name)).status).toBe(202);
    for (const name of [streamed!, ...inFlight]) await waitForGone(next, name);
  });
});
