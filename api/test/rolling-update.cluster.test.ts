// A rolling update of the API in its pods (two replicas, as `kubectl apply -k
// k8s/overlays/local` installs them) while 50 creates come in through the ingress, as users
// reach it: no create is lost or made twice (one install Job per store), and no request is
// answered 5xx or refused a connection. Traffic follows readiness: the ingress controller
// sends requests only to ready pods, and a pod told to stop (after its preStop pause) drains.
import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { removeLeftoverStores } from '../../cluster/test/clean-slate.ts';
import { kubectlBinary, uniqueName, waitFor } from '../../test-support/harness.ts';
import { type InstalledApi, installApi } from '../../test-support/installed-api.ts';
import { SYSTEM } from '../../test-support/kube.ts';
import { kubectl, preparePlatform } from '../../test-support/platform.ts';

const TOKEN = 'token-rolling-update-alice';
const STORES = 50;
const INGRESS_PORT = 8081;
let installed: InstalledApi | undefined;

beforeAll(async () => {
  preparePlatform();
  installed = await installApi({
    name: 'rolling-update',
    token: TOKEN,
    settings: { STOREFLEET_MAX_STORES_PER_TENANT: String(STORES * 2), STOREFLEET_RATE_READ_MAX: '100000', STOREFLEET_RATE_WRITE_MAX: '100000' },
  });
  kubectl('-n', SYSTEM, 'rollout', 'status', 'deployment/storefleet-api', '--timeout=300s');
}, 900_000);

afterAll(async () => {
  await installed?.remove();
  // 50 installs are heavy on one node: their namespaces and Jobs go at once, not by uninstall.
  removeLeftoverStores(kubectlBinary(), inject('kubeconfig'));
}, 600_000);

/** One request through the ingress controller on this host, with the API's host name (what a browser sends). */
function call(method: string, route: string, body?: unknown): Promise<{ status: number | string; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const request = http.request({
      host: '127.0.0.1', port: INGRESS_PORT, method, path: route, agent: false, signal: AbortSignal.timeout(60_000),
      headers: { Host: 'storefleet.localhost', Authorization: `Bearer ${TOKEN}`, ...(payload ? { 'Content-Type': 'application/json' } : {}) },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: text }));
      response.on('error', (error) => resolve({ status: error.message, body: '' }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ status: error.code ?? error.message, body: '' }));
    request.end(payload);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it(`a rolling update of the API during ${STORES} creates loses and duplicates nothing and answers no 5xx`, async () => {
  const run = uniqueName('roll');
  await waitFor('the API to answer through the ingress', async () => ((await call('GET', '/api/v1/plans')).status === 200 ? true : undefined), 60_000, 500);
  const pods = () => kubectl('-n', SYSTEM, 'get', 'pods', '-l', 'app.kubernetes.io/name=storefleet-api', '-o', 'jsonpath={.items[*].metadata.name}').split(' ').filter(Boolean);
  const before = pods();

  // Reads all along, so a refused or failed answer anywhere in the rollout is seen.
  const reads: (number | string)[] = [];
  let reading = true;
  const reader = (async () => {
    while (reading) {
      reads.push((await call('GET', '/api/v1/stores?limit=5')).status);
      await sleep(100);
    }
  })();

  // Creates spread over about 75 s; the rollout starts after the fifth.
  const names = Array.from({ length: STORES }, (_, i) => `${run}-${i}`);
  const creates: Promise<{ name: string; status: number | string; body: string }>[] = [];
  let rollout: Promise<void> | undefined;
  const rolloutStarted = Date.now();
  for (const [i, name] of names.entries()) {
    creates.push(call('POST', '/api/v1/stores', { name, plan: 'small' }).then((answer) => ({ name, ...answer })));
    if (i === 4) {
      kubectl('-n', SYSTEM, 'rollout', 'restart', 'deployment/storefleet-api');
      // Not kubectl() (synchronous): the creates and reads go on while it waits.
      rollout = promisify(execFile)(kubectlBinary(), ['-n', SYSTEM, 'rollout', 'status', 'deployment/storefleet-api', '--timeout=400s'], {
        env: { ...process.env, KUBECONFIG: inject('kubeconfig') },
      }).then(() => undefined);
    }
    await sleep(1500);
  }
  const answers = await Promise.all(creates);
  await rollout;
  const rolloutMs = Date.now() - rolloutStarted;
  reading = false;
  await reader;
  const after = pods();

  const statusCounts = (statuses: (number | string)[]) => {
    const counts: Record<string, number> = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  };
  console.log(`[rolling-update] pods ${before.join(',')} → ${after.join(',')}; creates ${JSON.stringify(statusCounts(answers.map((a) => a.status)))}; `
    + `reads ${JSON.stringify(statusCounts(reads))}; rollout and creates took ${rolloutMs} ms`);
  // The rollout really replaced both pods while the creates came.
  expect(after.filter((pod) => before.includes(pod))).toEqual([]);
  expect(answers.filter((answer) => answer.status !== 202)).toEqual([]);
  expect(reads.filter((status) => status !== 200)).toEqual([]);

  // Nothing lost, nothing twice: each store exists with exactly one install Job.
  type Jobs = { items: { metadata: { labels: Record<string, string> } }[] };
  const jobs = JSON.parse(kubectl('-n', SYSTEM, 'get', 'jobs', '-l', 'storefleet.io/operation=install', '-o', 'json')) as Jobs;
  const perStore = new Map<string, number>();
  for (const job of jobs.items) {
    const store = job.metadata.labels['storefleet.io/store']!;
    if (store.startsWith(`${run}-`)) perStore.set(store, (perStore.get(store) ?? 0) + 1);
  }
  expect(names.filter((name) => perStore.get(name) !== 1)).toEqual([]);
  const stored = await Promise.all(names.map((name) => call('GET', `/api/v1/stores/${name}`)));
  expect(stored.filter((answer) => answer.status !== 200)).toEqual([]);
});
