// The loads of P3 and P4, against any API (a host process or the pod in the cluster): a burst
// of creates each sent twice, and many viewers of one store following an upgrade's log.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as k8s from '@kubernetes/client-node';
import { expect } from 'vitest';
import { kubeConfig, waitFor } from '../../test-support/harness.ts';
import { followPodLog } from '../src/kube/pod-log.ts';
import { type NodeCpu, sampleNodeCpu, sampleNodeCpuInProcess } from './node-cpu.ts';
import type { Client } from '../../test-support/api-process.ts';
import { monotonicMs } from '../../test-support/sse-subscribers.ts';
import { subscribeInProcesses } from './viewer-processes.ts';
import { SYSTEM } from '../../test-support/kube.ts';
import { fetchMetrics, metricSample, metricSum } from '../../test-support/metrics.ts';

/** Processes the viewers are spread over (viewer-process.ts says why). */
const VIEWER_PROCESSES = Number(process.env.BENCH_P4_VIEWER_PROCESSES ?? 4);
/** Also say which processes had the CPUs and how long ours waited for one (a sampler process of its own scans /proc). */
const SAMPLE_PROCESSES = process.env.BENCH_P4_PROCESSES === '1';

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

export interface CreateBurst {
  /** HTTP status → how many answers had it. */
  statuses: Record<number, number>;
  /** Answers of 400 or more. */
  errors: number;
  latencies: number[];
  seconds: number;
  /** Stores of the burst with an install Job, and install Jobs beyond the first of a store. */
  stores: number;
  duplicates: number;
}

/** Every name created twice, all requests at once; then how many install Jobs each store got. */
export async function createTwice(alice: Client, names: string[]): Promise<CreateBurst> {
  const statuses: Record<number, number> = {};
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all([...names, ...names].map(async (name) => {
    const sent = performance.now();
    const response = await alice.create({ name });
    latencies.push(performance.now() - sent);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }));
  const seconds = (performance.now() - start) / 1000;
  const wanted = new Set(names);
  const jobs = await kubeConfig().makeApiClient(k8s.BatchV1Api).listNamespacedJob({ namespace: SYSTEM, labelSelector: 'storefleet.io/operation=install' });
  const perStore = new Map<string, number>();
  for (const job of jobs.items) {
    const store = job.metadata!.labels!['storefleet.io/store']!;
    if (wanted.has(store)) perStore.set(store, (perStore.get(store) ?? 0) + 1);
  }
  const duplicates = [...perStore.values()].reduce((sum, n) => sum + n - 1, 0);
  const errors = Object.entries(statuses).filter(([status]) => Number(status) >= 400).reduce((sum, [, n]) => sum + n, 0);
  return { statuses, errors, latencies, seconds, stores: perStore.size, duplicates };
}

export interface UpgradeViewing {
  job: string;
  /** Log lines of the upgrade, as followed straight from the Kubernetes API. */
  lines: number;
  /** Per delivered line and viewer: arrival at the viewer minus arrival at the direct follower (ms). */
  latencies: number[];
  /** The same, against the line's earliest sighting by the follower or any viewer (ms). */
  strictLatencies: number[];
  missing: number;
  /** Per viewer: `progress` events received. */
  progress: number[];
  /** Per viewer: the reads its stream arrived in, since it connected (about the API's writes to it). */
  chunks: number[];
  /**
   * The latest lines: each line's latency at its first and its last viewer (ms). A late
   * first viewer means the API had the line late; a spread, that the fan-out was slow.
   */
  slowest: Array<{ line: number; first: number; last: number }>;
  /** The API's own event-loop delay (max) and time in GC while the upgrade was watched (ms). */
  api: { loopDelayMax: number; gc: number };
  /** The node's CPUs from the change to the log's end. */
  node: NodeCpu;
  /**
   * The measuring side's event-loop delay (max, ms): the worst of the viewer processes (a
   * viewer stamps a line late by as much), and this process, whose direct follow is the
   * reference (a line stamped late here makes the viewers look early).
   */
  harness: { viewersLoopDelayMax: number; followerLoopDelayMax: number };
}

/** The API's /metrics numbers by name (the first sample of each, summed over labels for GC). */
async function apiLoad(url: string): Promise<{ loopDelayMax: number; gcSeconds: number }> {
  const text = await fetchMetrics(url);
  return { loopDelayMax: (metricSample(text, 'nodejs_eventloop_lag_max_seconds') ?? NaN) * 1000, gcSeconds: metricSum(text, 'nodejs_gc_duration_seconds_sum') };
}

/**
 * `viewers` streams of a Ready store's events, then a change: every line of the upgrade's log
 * should reach every viewer, measured against following the same pod's log directly.
 */
export async function viewUpgrade(api: { url: string; token: string; alice: Client }, name: string, viewers: number): Promise<UpgradeViewing> {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const controller = new AbortController();
  const watching = subscribeInProcesses(api.url, api.token, name, viewers, VIEWER_PROCESSES);
  try {
    await watching.connected;
    // Read once so the API's event-loop histogram starts again (prom-client resets it per read).
    const before = await apiLoad(api.url);
    const nodeCpu = SAMPLE_PROCESSES ? await sampleNodeCpuInProcess() : sampleNodeCpu();
    const followerLoop = monitorEventLoopDelay({ resolution: 10 });
    followerLoop.enable();
    watching.startClock();
    const changed = await api.alice.change(name, { title: 'P4 bench' });
    expect(changed.status).toBe(202);
    const job = changed.body.operation.job as string;
    const direct = new Map<string, number>();
    const pod = await waitFor('the upgrade pod to run', async () => {
      const pods = await core.listNamespacedPod({ namespace: SYSTEM, labelSelector: `job-name=${job}` });
      return pods.items.find((p) => p.status?.phase !== 'Pending')?.metadata?.name;
    }, 300_000, 20);
    let line = 0;
    for await (const text of followPodLog(kc, SYSTEM, pod, 'provisioner', controller.signal)) {
      void text;
      direct.set(`${job}:${++line}`, monotonicMs());
    }
    const node = await nodeCpu.stop();
    followerLoop.disable();
    watching.stopClock();
    // The container has exited: give the viewers a moment for the last lines.
    await waitFor('every viewer to get every line', async () =>
      ((await watching.read()).arrivals.every((seen) => [...direct.keys()].every((id) => seen.has(id))) ? true : undefined),
      30_000, 100).catch(() => undefined);
    const latencies: number[] = [];
    let missing = 0;
    const { arrivals, progress, chunks, loopDelayMax: viewersLoopDelayMax } = await watching.read();
    const perLine = [...direct].map(([id, at], i) => ({ line: i + 1, first: Infinity, last: -Infinity, at, id }));
    for (const seen of arrivals) {
      for (const line of perLine) {
        const got = seen.get(line.id);
        if (got === undefined) { missing++; continue; }
        latencies.push(got - line.at);
        line.first = Math.min(line.first, got - line.at);
        line.last = Math.max(line.last, got - line.at);
      }
    }
    // The stricter reference: a line's earliest sighting, by the follower or by any viewer. A
    // follower that stamped a line late would make every viewer look early by as much.
    const strictLatencies = arrivals.flatMap((seen) => perLine.flatMap((line) => {
      const got = seen.get(line.id);
      return got === undefined ? [] : [got - line.at - Math.min(0, line.first)];
    }));
    const slowest = perLine.sort((a, b) => b.last - a.last).slice(0, 5).map(({ line, first, last }) => ({ line, first, last }));
    const after = await apiLoad(api.url);
    return {
      job, lines: direct.size, latencies, strictLatencies, missing, progress, chunks, slowest,
      api: { loopDelayMax: after.loopDelayMax, gc: (after.gcSeconds - before.gcSeconds) * 1000 },
      node,
      harness: { viewersLoopDelayMax, followerLoopDelayMax: followerLoop.max / 1e6 },
    };
  } finally {
    controller.abort();
    watching.close();
  }
}
