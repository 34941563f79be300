// The provisioning queue on the real cluster, with two API replicas and a cap of 3: never
// more than 3 operation Jobs run (sampled from the cluster, not asked of the API), the rest
// wait suspended where kubectl shows them, they start in the order asked, the store says
// Queued with its place (also on its event stream), and SIGKILL of the replica holding the
// queue's Lease mid-queue loses nothing: the other takes over and every store reaches Ready
// (each is then deleted, through the same queue, to keep the node's CPUs for the next).
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfig, uniqueName } from '../../test-support/harness.ts';
import { QUEUE_LEASE } from '../src/provisioning/queue.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone } from '../../test-support/api-process.ts';
import { settledViolations, snapshot } from '../../test-support/invariants.ts';
import { kubectl, preparePlatform } from '../../test-support/platform.ts';
import { readEvents } from '../../test-support/sse.ts';
import { SYSTEM } from '../../test-support/kube.ts';

// CI runs 9 (three rounds); QUEUE_TEST_STORES=30 is the full run (~15 min here).
const STORES = Number(process.env.QUEUE_TEST_STORES ?? 9);
const CAP = 3;
const kc = kubeConfig();
const coordination = kc.makeApiClient(k8s.CoordinationV1Api);

const apis: ApiProcess[] = [];
const run = uniqueName('q');
const names = Array.from({ length: STORES }, (_, i) => `${run}-${i}`);

beforeAll(async () => {
  preparePlatform();
  const env = { STOREFLEET_MAX_CONCURRENT_OPERATIONS: String(CAP), STOREFLEET_MAX_STORES_PER_TENANT: String(STORES + 20), STOREFLEET_QUEUE_LEASE_SECONDS: '6' };
  apis.push(await startApi(env), await startApi(env));
}, 600_000);

afterAll(async () => {
  await Promise.all(apis.map((api) => api.kill()));
});

const holder = async () => (await coordination.readNamespacedLease({ name: QUEUE_LEASE, namespace: SYSTEM })).spec?.holderIdentity ?? '';
const portOf = (api: ApiProcess) => new URL(api.url).port;

describe(`${STORES} creates with a cap of ${CAP} and two replicas`, () => {
  it('never runs more than the cap, starts them in order, shows the queue, and survives SIGKILL of the leader', async () => {
    const [first, second] = apis as [ApiProcess, ApiProcess];
    // Every moment: how many of these stores' Jobs run, and when each was first seen running.
    const firstRunning = new Map<string, number>();
    let most = 0;
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const snap = await snapshot(names);
        const running = [...snap.running.values()].flat().filter((job) => snap.jobs.find((j) => j.metadata?.name === job)?.spec?.suspend !== true);
        most = Math.max(most, running.length);
        for (const job of running) if (!firstRunning.has(job)) firstRunning.set(job, Date.now());
        samples += 1;
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    // Asked one after another, so the order asked is known; each request to either replica.
    for (const [i, name] of names.entries()) {
      const answer = await client(apis[i % 2]!, TOKENS.alice).create({ name, plan: 'small' });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    }
    // The replica holding the queue's Lease will be killed; the other one is watched throughout.
    const leaderPort = (await holder()).split(':')[1];
    const leader = apis.find((api) => portOf(api) === leaderPort)!;
    expect(leader, `Lease holder ${await holder()}`).toBeDefined();
    const survivor = leader === first ? second : first;
    const alice = client(survivor, TOKENS.alice);
    const last = names.at(-1)!;

    // The last store waits, says so with its place, and its stream says it too.
    const queued = (await alice.get(last)).body.store.state;
    expect(queued).toMatchObject({ phase: 'Queued', reason: 'Queued' });
    expect(queued.queuePosition).toBeGreaterThan(0);
    expect(queued.message).toMatch(/number \d+ in line/);
    const streamed = readEvents(`${survivor.url}/api/v1/stores/${last}/events`, TOKENS.alice, {
      until: (events) => events.some((e) => e.event === 'status' && (e.data as { reason: string }).reason !== 'Queued'),
      timeoutMs: 600_000,
    });
    // kubectl users see the waiting Jobs as suspended.
    const suspended = kubectl('-n', SYSTEM, 'get', 'jobs', '-l', 'storefleet.io/operation=install', '-o', 'jsonpath={range .items[?(@.spec.suspend==true)]}{.metadata.name}{"\\n"}{end}').split('\n').filter((job) => job.startsWith(run));
    expect(suspended.length).toBeGreaterThanOrEqual(STORES - CAP - 1);

    // Each store, once Ready, is deleted: a 2-CPU node holds about nine small stores, not 30,
    // and the deletes (which go ahead in the queue) count against the cap too. Mid-queue,
    // once the first store is Ready, the leader dies without a word.
    const readyAt = new Map<string, number>();
    let killedAt = 0;
    const deadline = Date.now() + 1_500_000;
    while (readyAt.size < names.length) {
      for (const name of names.filter((n) => !readyAt.has(n))) {
        const state = (await alice.get(name)).body?.store?.state;
        expect(state?.phase, `${name}: ${JSON.stringify(state)}`).not.toBe('Failed');
        if (state?.phase !== 'Ready') continue;
        readyAt.set(name, Date.now());
        expect((await alice.remove(name)).status).toBe(202);
      }
      if (!killedAt && readyAt.has(names[0]!)) {
        await leader.kill('SIGKILL');
        killedAt = Date.now();
      }
      expect(Date.now(), `stores still not Ready: ${names.filter((n) => !readyAt.has(n)).join(' ')}`).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 1000));
    }
    for (const name of names) await waitForGone(alice, name, 400_000);
    sampling = false;
    await sampler;
    const tookOver = (await holder()).split(':')[1] === portOf(survivor);
    const positionsSeen = (await streamed)
      .filter((e) => e.event === 'status' && (e.data as { reason: string }).reason === 'Queued')
      .map((e) => (e.data as { queuePosition?: number }).queuePosition ?? NaN);

    const starts = names.map((name) => firstRunning.get(`${name}-install-1`) ?? NaN);
    const startedAfterKill = starts.filter((t) => t > killedAt).length;
    console.log(`[queue] ${STORES} stores, cap ${CAP}: at most ${most} running in ${samples} samples; ${startedAfterKill} started after the leader was killed; `
      + `the last store's stream showed places ${JSON.stringify(positionsSeen)}; Ready after ${((Math.max(...readyAt.values()) - killedAt) / 1000).toFixed(0)} s from the kill`);

    expect(most).toBeLessThanOrEqual(CAP);
    expect(most).toBe(CAP);
    expect(tookOver).toBe(true);
    expect(startedAfterKill).toBeGreaterThan(0);
    // First come, first served: each started no earlier than the one asked before it.
    for (let i = 1; i < starts.length; i++) expect(starts[i]! + 300, `${names[i]} started before ${names[i - 1]}`).toBeGreaterThanOrEqual(starts[i - 1]!);
    // The stream carried the place as it moved forward (a delete asked meanwhile steps ahead).
    expect(positionsSeen.length).toBeGreaterThan(1);
    expect(positionsSeen.every(Number.isInteger), JSON.stringify(positionsSeen)).toBe(true);
    expect(Math.min(...positionsSeen)).toBeLessThan(positionsSeen[0]!);
    expect(settledViolations(await snapshot(names))).toEqual([]);
  }, 1_800_000);
});
