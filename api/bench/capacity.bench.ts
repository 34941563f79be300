// Benchmark (not a test): P8, a new user's fill of the bundled cluster. Twelve small stores
// asked for at once, with the room reserve `npm start` uses: how many the platform admits
// (it should be what the nodes hold: their allocatable minus the reserve, by the plan's
// share), how soon the rest say "Waiting for room", whether any store pod was ever
// Unschedulable (the model against what the scheduler says), and how soon a waiting store
// starts once a store is deleted.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { kubeConfig, uniqueName, waitFor } from '../../test-support/harness.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { preparePlatform } from '../../test-support/platform.ts';
import { recordBenchResult } from '../../bench/results.ts';
import { footprint, parseReserve, roomOf, schedulable } from '../src/capacity/room.ts';
import { plans } from '../src/store/plans.ts';

const STORES = Number(process.env.BENCH_P8_STORES ?? 12);
const RESERVE = process.env.BENCH_P8_RESERVE ?? 'cpu=400m,memory=1Gi';
const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const run = uniqueName('p8');
const names = Array.from({ length: STORES }, (_, i) => `${run}-${i}`);
let api: ApiProcess;

beforeAll(async () => {
  preparePlatform();
  api = await startApi({ STOREFLEET_ROOM_RESERVE: RESERVE, STOREFLEET_MAX_STORES_PER_TENANT: String(STORES + 20) });
}, 600_000);

afterAll(async () => {
  const alice = client(api, TOKENS.alice);
  await Promise.all(names.map((name) => alice.remove(name)));
  await Promise.all(names.map((name) => waitForGone(alice, name, 600_000).catch(() => undefined)));
  await api.kill();
}, 900_000);

/** Store pods the scheduler could not place, by name, seen at any sample. */
async function unschedulable(seen: Set<string>) {
  const pods = await core.listPodForAllNamespaces();
  for (const pod of pods.items) {
    if (!pod.metadata?.namespace?.startsWith(`store-${run}`)) continue;
    if (pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')) seen.add(pod.metadata.name!);
  }
}

it(`P8: ${STORES} small stores at once on the bundled cluster, reserve ${RESERVE}`, async () => {
  const alice = client(api, TOKENS.alice);
  const nodes = (await core.listNode()).items.filter(schedulable);
  const room = roomOf({ nodes, reserve: parseReserve(RESERVE), admitted: [], plans });
  const share = footprint(plans.small).total;
  const expected = Math.min(STORES, Math.floor(room.free.cpuMilli / share.cpuMilli));

  const stuck = new Set<string>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await unschedulable(stuck).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();

  const asked = Date.now();
  const answeredAt = new Map<string, number>();
  const answers = await Promise.all(names.map(async (name) => {
    const answer = await alice.create({ name, plan: 'small' });
    answeredAt.set(name, Date.now() - asked);
    return answer;
  }));
  expect(answers.map((a) => a.status)).toEqual(names.map(() => 202));
  const slowestAnswer = Math.max(...answeredAt.values());
  // Each store's first sign: started (a Job running or Ready) or told to wait for room.
  const firstWord = new Map<string, { at: number; waiting: boolean }>();
  await waitFor('every store to start or say it waits for room', async () => {
    await Promise.all(names.filter((name) => !firstWord.has(name)).map(async (name) => {
      const state = (await alice.get(name)).body?.store?.state;
      if (state?.reason === 'WaitingForRoom') firstWord.set(name, { at: Date.now() - asked, waiting: true });
      else if (state && state.phase !== 'Queued' && state.reason !== 'Pending') firstWord.set(name, { at: Date.now() - asked, waiting: false });
    }));
    return firstWord.size === names.length ? true : undefined;
  }, 300_000, 250);
  const admitted = names.filter((name) => !firstWord.get(name)!.waiting);
  const waiting = names.filter((name) => firstWord.get(name)!.waiting);
  const toldWithin = Math.max(...waiting.map((name) => firstWord.get(name)!.at));
  const toldAfterAnswer = Math.max(...waiting.map((name) => firstWord.get(name)!.at - answeredAt.get(name)!));
  for (const name of admitted) await waitForPhase(alice, name, 'Ready', 600_000);
  const allReady = Date.now() - asked;

  // One deleted: the first waiting store starts by itself.
  expect((await alice.remove(admitted[0]!)).status).toBe(202);
  await waitForGone(alice, admitted[0]!, 300_000);
  const gone = Date.now();
  const started = await waitFor('a waiting store to start', async () => {
    for (const name of waiting) {
      const state = (await alice.get(name)).body?.store?.state;
      if (state && state.reason !== 'WaitingForRoom') return name;
    }
    return undefined;
  }, 60_000, 250);
  const startedAfter = Date.now() - gone;
  await waitForPhase(alice, started, 'Ready', 600_000);
  sampling = false;
  await sampler;

  console.log([
    `P8 ${STORES} small stores, reserve ${RESERVE}, ${nodes.length} node(s) with ${room.allocatable.cpuMilli}m CPU allocatable: a small store's share ${share.cpuMilli}m CPU`,
    `creates answered within ${(slowestAnswer / 1000).toFixed(1)} s (the slowest of ${STORES} at once)`,
    `admitted ${admitted.length} (expected ${expected}), waiting for room ${waiting.length}, told within ${(toldWithin / 1000).toFixed(1)} s of the POST, ${(toldAfterAnswer / 1000).toFixed(1)} s of its answer; admitted all Ready ${(allReady / 1000).toFixed(0)} s after the POSTs`,
    `store pods ever Unschedulable: ${stuck.size}${stuck.size ? ` (${[...stuck].join(', ')})` : ''}`,
    `after a delete, ${started} started ${startedAfter} ms after the deleted store was gone`,
  ].join('\n'));
  await recordBenchResult({
    id: 'P8',
    title: 'a new user fills the bundled cluster: room admission',
    settings: { stores: STORES, reserve: RESERVE },
    metrics: [
      { name: 'stores admitted', value: admitted.length, unit: 'stores', goal: { op: '<=', value: expected } },
      { name: 'stores waiting for room', value: waiting.length, unit: 'stores' },
      { name: 'told "waiting for room" within (from the POST)', value: toldWithin / 1000, unit: 's', goal: { op: '<=', value: 20 } },
      { name: '… of which the slowest create\'s answer', value: slowestAnswer / 1000, unit: 's' },
      { name: 'told after the create\'s answer (max)', value: toldAfterAnswer / 1000, unit: 's' },
      { name: 'store pods ever Unschedulable', value: stuck.size, unit: 'pods', goal: { op: '<=', value: 0 } },
      { name: 'admitted stores all Ready after', value: allReady / 1000, unit: 's' },
      { name: 'a waiting store started after a delete', value: startedAfter / 1000, unit: 's' },
    ],
  });
}, 3_600_000);
