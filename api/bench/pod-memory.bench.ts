// P5: the API in its pod, as `kubectl apply -k k8s/overlays/local` installs it (the shipped
// requests, limits and heap setting), under the loads of P3 (50 concurrent creates, each sent
// twice, then their deletes) and P4 (200 viewers of one store's upgrade), all sent to one
// replica. Memory is read inside the pod, not from a host process: the API's own peak
// resident set (VmHWM of PID 1, reset between phases), its resident set every half second
// (its /metrics), and the container's working set as the kubelet reports it (what limits
// and eviction look at). Restarts and OOM kills come from the pod's status.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { recordBenchResult } from '../../bench/results.ts';
import { kubeConfig, kubectlBinary, repoRoot, uniqueName, waitFor } from '../../test-support/harness.ts';
import { type InstalledApi, installApi } from '../../test-support/installed-api.ts';
import { client, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { kubectl, preparePlatform } from '../../test-support/platform.ts';
import { createTwice, percentile, viewUpgrade } from './load.ts';
import { SYSTEM } from '../../test-support/kube.ts';
import { fetchMetrics, metricSample } from '../../test-support/metrics.ts';

const TOKEN = 'token-pod-memory-alice';
const STORES = Number(process.env.BENCH_P3_STORES ?? 50);
const VIEWERS = Number(process.env.BENCH_P4_SUBSCRIBERS ?? 200);
const MiB = 2 ** 20;
const core = kubeConfig().makeApiClient(k8s.CoreV1Api);
let installed: InstalledApi;

beforeAll(async () => {
  preparePlatform();
  installed = await installApi({
    name: 'pod-memory-overlay',
    token: TOKEN,
    // Budgets a load test needs; memory settings stay as shipped.
    settings: {
      STOREFLEET_MAX_STORES_PER_TENANT: String(STORES * 2),
      STOREFLEET_RATE_READ_MAX: '100000',
      STOREFLEET_RATE_WRITE_MAX: '100000',
      STOREFLEET_SSE_MAX_PER_TOKEN: String(VIEWERS * 2),
      STOREFLEET_SSE_MAX_STREAMS: String(VIEWERS * 4),
    },
  });
  kubectl('-n', SYSTEM, 'rollout', 'status', 'deployment/storefleet-api', '--timeout=300s');
}, 900_000);

afterAll(async () => {
  try {
    // The API's own log, kept for reading what it did under load (the pods go with the workload).
    const log = openSync(path.join(repoRoot, 'test-results/pod-memory-api.log'), 'w');
    try {
      execFileSync(kubectlBinary(), ['-n', SYSTEM, 'logs', '-l', 'app.kubernetes.io/name=storefleet-api', '--tail=-1', '--prefix', '--max-log-requests=10'], {
        env: { ...process.env, KUBECONFIG: inject('kubeconfig') }, stdio: ['ignore', log, 'inherit'],
      });
    } finally {
      closeSync(log);
    }
  } finally {
    await installed?.remove();
  }
}, 120_000);

interface ApiPod {
  metadata: { name: string };
  spec: {
    nodeName: string;
    containers: Array<{
      name: string;
      env?: Array<{ name: string; value?: string }>;
      resources: { limits?: { memory?: string }; requests?: { memory?: string } };
    }>;
  };
  status: { containerStatuses?: Array<{ name: string; restartCount: number; lastState?: { terminated?: { reason?: string } } }> };
}

const apiPods = () => (JSON.parse(kubectl('-n', SYSTEM, 'get', 'pods', '-l', 'app.kubernetes.io/name=storefleet-api', '-o', 'json')).items as ApiPod[])
  .filter((pod) => !('deletionTimestamp' in pod.metadata));

/** Inside the pod: the API process's resident set now and at its peak (MiB); `reset` starts a new peak. */
function processMemory(pod: string, reset = false): { rss: number; peak: number } {
  const script = "const fs=require('fs');const s=fs.readFileSync('/proc/1/status','utf8');"
    + "const mib=(f)=>Number(new RegExp(f+':\\\\s+(\\\\d+) kB').exec(s)[1])/1024;"
    + "console.log(JSON.stringify({rss:mib('VmRSS'),peak:mib('VmHWM')}));"
    + (reset ? "fs.writeFileSync('/proc/1/clear_refs','5');" : '');
  return JSON.parse(kubectl('-n', SYSTEM, 'exec', pod, '-c', 'api', '--', '/nodejs/bin/node', '-e', script));
}

/** The kubelet's working set of each API container (MiB), by pod. Asynchronous: the viewers measured meanwhile share this process. */
async function workingSets(node: string): Promise<Map<string, number>> {
  const body: unknown = await core.connectGetNodeProxyWithPath({ name: node, path: 'stats/summary' });
  const summary = (typeof body === 'string' ? JSON.parse(body) : body) as {
    pods: Array<{ podRef: { name: string; namespace: string }; containers?: Array<{ name: string; memory?: { workingSetBytes?: number } }> }>;
  };
  const sets = new Map<string, number>();
  for (const pod of summary.pods) {
    const api = pod.podRef.namespace === SYSTEM && pod.containers?.find((c) => c.name === 'api');
    if (api && api.memory?.workingSetBytes) sets.set(pod.podRef.name, api.memory.workingSetBytes / MiB);
  }
  return sets;
}

/** Samples the loaded replica's RSS (its /metrics, every 500 ms) and every API container's working set (every 2 s). */
function sampleMemory(url: string, node: string) {
  const rss: number[] = [];
  const working = new Map<string, number[]>();
  let on = true;
  const metrics = (async () => {
    while (on) {
      const text = await fetchMetrics(url, { signal: AbortSignal.timeout(5000) }).catch(() => '');
      const bytes = metricSample(text, 'process_resident_memory_bytes') ?? NaN;
      if (Number.isFinite(bytes)) rss.push(bytes / MiB);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const kubelet = (async () => {
    while (on) {
      try {
        for (const [pod, mib] of await workingSets(node)) working.set(pod, [...(working.get(pod) ?? []), mib]);
      } catch { /* a summary missed is a sample missed */ }
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  return {
    async stop() {
      on = false;
      await Promise.all([metrics, kubelet]);
      return { rss, working };
    },
  };
}

const mib = (value: number) => `${value.toFixed(0)} MiB`;

it(`P5: the API in its pod under P3 (${STORES} creates ×2) and P4 (${VIEWERS} viewers)`, async () => {
  const [loaded, other] = apiPods();
  expect(loaded).toBeDefined();
  const pod = loaded!.metadata.name;
  const node = loaded!.spec.nodeName;
  const container = loaded!.spec.containers.find((c) => c.name === 'api')!;
  const limits = container.resources;
  const nodeOptions = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  const url = await installed.portForward(`pod/${pod}`, 8080);
  const alice = client({ url }, TOKEN);
  await waitFor('the API to answer', async () => ((await alice.list()).status === 200 ? true : undefined), 60_000, 500);

  // Idle: up, caches filled, nothing asked of it for a while.
  await new Promise((r) => setTimeout(r, 15_000));
  const idle = processMemory(pod, true); // and a new peak from here
  const idleWorking = (await workingSets(node)).get(pod) ?? NaN;

  // P3: the burst of creates, the queue working through them, then every delete.
  const run = uniqueName('p5');
  const names = Array.from({ length: STORES }, (_, i) => `${run}-${i}`);
  const p3Sampler = sampleMemory(url, node);
  let burst: Awaited<ReturnType<typeof createTwice>>;
  try {
    burst = await createTwice(alice, names);
    await new Promise((r) => setTimeout(r, 60_000));
  } finally {
    await Promise.all(names.map((name) => alice.remove(name)));
    await Promise.all(names.map((name) => waitForGone(alice, name, 1_200_000)));
  }
  const p3 = { process: processMemory(pod), ...(await p3Sampler.stop()) };

  // P4: 200 viewers of one store's upgrade, all on this replica; the peak from when they connect.
  const name = uniqueName('p5v');
  let p4: typeof p3;
  let viewing: Awaited<ReturnType<typeof viewUpgrade>>;
  try {
    expect((await alice.create({ name })).status).toBe(202);
    await waitForPhase(alice, name, 'Ready', 600_000);
    processMemory(pod, true);
    const p4Sampler = sampleMemory(url, node);
    try {
      viewing = await viewUpgrade({ url, token: TOKEN, alice }, name, VIEWERS);
    } finally {
      p4 = { process: processMemory(pod), ...(await p4Sampler.stop()) };
    }
  } finally {
    await alice.remove(name);
    await waitForGone(alice, name, 600_000);
  }

  const after = apiPods().filter((p) => p.metadata.name === pod || p.metadata.name === other?.metadata.name);
  const statuses = after.flatMap((p) => p.status.containerStatuses ?? []).filter((c) => c.name === 'api');
  const restarts = statuses.reduce((sum, c) => sum + c.restartCount, 0);
  const oomKills = statuses.filter((c) => c.lastState?.terminated?.reason === 'OOMKilled').length;
  const maxOf = (values: number[]) => (values.length ? Math.max(...values) : NaN);
  const workingPeak = (phase: typeof p3) => maxOf(phase.working.get(pod) ?? []);
  const otherPeak = maxOf([...(p3.working.get(other?.metadata.name ?? '') ?? []), ...(p4.working.get(other?.metadata.name ?? '') ?? [])]);

  console.log([
    '',
    `P5 the API in its pod ${pod} (requests ${limits.requests?.memory}, limit ${limits.limits?.memory}, NODE_OPTIONS ${nodeOptions})`,
    `  idle                 RSS ${mib(idle.rss)} (start-up peak ${mib(idle.peak)}), working set ${mib(idleWorking)}`,
    `  P3 ${STORES}×2 creates     peak RSS ${mib(p3.process.peak)}, RSS samples max ${mib(maxOf(p3.rss))} (${p3.rss.length}), working set max ${mib(workingPeak(p3))}; `
      + `answers ${Object.entries(burst.statuses).map(([s, n]) => `${s}×${n}`).join(' ')}, duplicates ${burst.duplicates}, create p99 ${percentile(burst.latencies, 99).toFixed(0)} ms`,
    `  P4 ${VIEWERS} viewers      peak RSS ${mib(p4.process.peak)}, RSS samples max ${mib(maxOf(p4.rss))} (${p4.rss.length}), working set max ${mib(workingPeak(p4))}; `
      + `${viewing.lines} lines, missing ${viewing.missing}, p99 ${percentile(viewing.latencies, 99).toFixed(0)} ms (through port-forward)`,
    `  other replica        working set max ${mib(otherPeak)}`,
    `  restarts ${restarts}, OOM kills ${oomKills}`,
    '',
  ].join('\n'));
  await recordBenchResult({
    id: 'P5',
    title: 'The API in its pod under P3 and P4 load',
    settings: { stores: STORES, viewers: VIEWERS, 'memory limit': limits.limits?.memory ?? '', 'memory request': limits.requests?.memory ?? '' },
    metrics: [
      { name: 'idle RSS', value: idle.rss, unit: 'MiB' },
      { name: 'P3 peak RSS', value: p3.process.peak, unit: 'MiB' },
      { name: 'P3 working set max', value: workingPeak(p3), unit: 'MiB' },
      { name: 'P4 peak RSS', value: p4.process.peak, unit: 'MiB' },
      { name: 'P4 working set max', value: workingPeak(p4), unit: 'MiB' },
      { name: 'P4 log lines missing', value: viewing.missing, unit: 'lines', goal: { op: '<=', value: 0 } },
      { name: 'duplicate Jobs', value: burst.duplicates, unit: 'Jobs', goal: { op: '<=', value: 0 } },
      { name: 'error answers', value: burst.errors, unit: 'answers', goal: { op: '<=', value: 0 } },
      { name: 'restarts', value: restarts, unit: 'restarts', goal: { op: '<=', value: 0 } },
      { name: 'OOM kills', value: oomKills, unit: 'kills', goal: { op: '<=', value: 0 } },
    ],
  });
  expect(restarts).toBe(0);
}, 3_600_000);
