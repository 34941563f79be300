// Runs the real API (api/src/main.ts on Node 24) as a child process against the test
// cluster, so tests can kill and restart it like an operator would.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { inject } from 'vitest';
import { hashToken } from '../api/src/http/auth.ts';
import { forgetApiProcess, noteApiProcess } from '../cluster/test/clean-slate.ts';
import { repoRoot, waitFor } from './harness.ts';
import { STORE_IMAGE_VALUES } from '../cluster/test/store-images.ts';
import { networkEnv } from './network.ts';

export const TOKENS = {
  alice: 'token-alice', aliceEmbed: 'token-alice-embed', bob: 'token-bob', carol: 'token-carol',
  mallory: 'token-mallory', admin: 'token-admin',
} as const;

const tokenConfig = JSON.stringify([
  { sha256: hashToken(TOKENS.alice), tenant: 'alice', role: 'tenant' },
  { sha256: hashToken(TOKENS.aliceEmbed), tenant: 'alice', role: 'tenant', scopes: ['read', 'create'] },
  { sha256: hashToken(TOKENS.bob), tenant: 'bob', role: 'tenant' },
  { sha256: hashToken(TOKENS.carol), tenant: 'carol', role: 'tenant' },
  { sha256: hashToken(TOKENS.mallory), tenant: 'mallory', role: 'tenant' },
  { sha256: hashToken(TOKENS.admin), tenant: 'ops', role: 'admin' },
]);

/** carol may have 5 stores; mallory (the fuzzer) none, so no hostile request can make one. */
const TENANT_LIMITS = JSON.stringify({ carol: 5, mallory: 0 });

/**
 * Chart values every test store gets: the real WordPress and MariaDB images, built here from
 * Debian packages (cluster/test/store-images.ts), since this machine cannot pull the official ones.
 */
export const STORE_TEST_VALUES = STORE_IMAGE_VALUES;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `until: 'listening'` returns once /livez answers, before /readyz does (the readiness suite watches it turn). */
export async function startApi(env: Record<string, string> = {}, port?: number, { until = 'ready' }: { until?: 'ready' | 'listening' } = {}): Promise<ApiProcess> {
  const listenPort = port ?? (await freePort());
  let output = '';
  const child = spawn(process.execPath, [...(process.env.API_NODE_ARGS?.split(' ').filter(Boolean) ?? []), path.join(repoRoot, 'api/src/main.ts')], {
    env: {
      ...process.env,
      KUBECONFIG: inject('kubeconfig'),
      PORT: String(listenPort),
      STOREFLEET_API_TOKENS: tokenConfig,
      STOREFLEET_PROVISIONER_IMAGE: 'storefleet.local/provisioner:test',
      STOREFLEET_PLATFORM_VALUES: JSON.stringify(STORE_TEST_VALUES),
      STOREFLEET_HELM_TIMEOUT_SECONDS: '120',
      STOREFLEET_TENANT_STORE_LIMITS: TENANT_LIMITS,
      // The cluster's ranges and DNS, for the store NetworkPolicies the cluster enforces.
      ...networkEnv(inject('clusterKind')),
      // Generous budgets and stream caps: the suites make many requests and open many streams;
      // the rate-limit and stream-limit tests set their own.
      STOREFLEET_RATE_READ_MAX: '100000',
      STOREFLEET_RATE_WRITE_MAX: '100000',
      STOREFLEET_RATE_ANONYMOUS_MAX: '100000',
      STOREFLEET_SSE_MAX_PER_TOKEN: '1000',
      STOREFLEET_SSE_MAX_STREAMS: '5000',
      // Test APIs are killed and restarted often: a dead leader's queue Lease expires in seconds.
      STOREFLEET_QUEUE_LEASE_SECONDS: '4',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  noteApiProcess(child.pid!);
  child.once('exit', () => forgetApiProcess(child.pid!));
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${listenPort}`;
  await waitFor(`the API to be ${until}`, async () => {
    if (child.exitCode !== null) throw new Error(`API exited: ${output}`);
    const response = await fetch(`${url}/${until === 'ready' ? 'readyz' : 'livez'}`).catch(() => undefined);
    return response?.ok ? true : undefined;
  }, 30_000, 200);
  return {
    url,
    child,
    output: () => output,
    kill: (signal = 'SIGTERM') => new Promise((resolve) => {
      // Already gone (exited, or killed by a signal: then exitCode stays null).
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    }),
  };
}

export function client(api: { url: string }, token?: string) {
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${api.url}${route}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  return {
    call,
    create: (body: unknown) => call('POST', '/api/v1/stores', body),
    list: () => call('GET', '/api/v1/stores'),
    get: (name: string) => call('GET', `/api/v1/stores/${name}`),
    change: (name: string, body: unknown) => call('PATCH', `/api/v1/stores/${name}`, body),
    rollback: (name: string, body: unknown) => call('POST', `/api/v1/stores/${name}/rollback`, body),
    remove: (name: string) => call('DELETE', `/api/v1/stores/${name}`),
    logs: (name: string) => call('GET', `/api/v1/stores/${name}/logs`),
    events: async (name: string) => {
      const response = await fetch(`${api.url}/api/v1/stores/${name}/events`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      const body = response.headers.get('content-type')?.includes('json') ? await response.json() : undefined;
      if (!body) await response.body?.cancel();
      return { status: response.status, body };
    },
  };
}

export type Client = ReturnType<typeof client>;

/** Waits until the store reaches `phase` (or fails the test with its last state). */
export async function waitForPhase(api: Client, name: string, phase: string, timeoutMs = 240_000) {
  let last: unknown;
  try {
    return await waitFor(`store ${name} to be ${phase}`, async () => {
      const response = await api.get(name);
      last = response.body?.store?.state ?? response.body;
      return response.body?.store?.state?.phase === phase ? response.body.store : undefined;
    }, timeoutMs, 500);
  } catch (error) {
    throw new Error(`store ${name} did not reach ${phase}; last state ${JSON.stringify(last)}`, { cause: error });
  }
}

export async function waitForGone(api: Client, name: string, timeoutMs = 240_000) {
  await waitFor(`store ${name} to be gone`, async () => ((await api.get(name)).status === 404 ? true : undefined), timeoutMs, 500);
}
