// Room admission on the real cluster, as a new user meets it: the cluster is filled until the
// next store cannot fit (here by the reserve: it leaves room for one small store on this
// 2-CPU node, as nine would fill it without one), and that store says so within 20 s, stays
// Queued with its Job suspended (no pod waits Unschedulable), and starts by itself when a store
// is deleted. A plan no node could ever hold is refused at once; a store that waits longer
// than the platform allows fails with the same sentence. Invariants after every step.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfig, uniqueName, waitFor } from '../../test-support/harness.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { safetyViolations, settledViolations, snapshot } from '../../test-support/invariants.ts';
import { preparePlatform } from '../../test-support/platform.ts';
import { SYSTEM } from '../../test-support/kube.ts';
import { NONE, roomOf } from '../src/capacity/room.ts';
import { plans } from '../src/store/plans.ts';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const run = uniqueName('room');
const [first, second, third, huge] = ['a', 'b', 'c', 'huge'].map((suffix) => `${run}-${suffix}`) as [string, string, string, string];
const stores = [first, second, third, huge];
let api: ApiProcess;
let reserve: string;

/** A reserve that leaves `cpuMilli` and `memoryMiB` for stores: 300m and 1 GiB hold one small store (250m CPU, 576 MiB), with 50m CPU and 448 MiB over. */
async function reserveLeaving(cpuMilli: number, memoryMiB = 1024): Promise<string> {
  const { allocatable } = roomOf({ nodes: (await core.listNode()).items, reserve: NONE, admitted: [], plans });
  return `cpu=${allocatable.cpuMilli - cpuMilli}m,memory=${Math.floor(allocatable.memoryBytes / 2 ** 20) - memoryMiB}Mi`;
}

const roomEnv = (waitSeconds: number) => ({ STOREFLEET_ROOM_RESERVE: reserve, STOREFLEET_ROOM_WAIT_SECONDS: String(waitSeconds) });

async function invariantsHold(settled = false) {
  const snap = await snapshot(stores);
  expect(settled ? settledViolations(snap) : safetyViolations(snap)).toEqual([]);
}

/** The store's Job as the cluster has it, and how many pods it has made. */
async function jobOf(store: string) {
  const jobs = (await kc.makeApiClient(k8s.BatchV1Api).listNamespacedJob({ namespace: SYSTEM, labelSelector: `storefleet.io/store=${store}` })).items;
  const pods = (await core.listNamespacedPod({ namespace: SYSTEM, labelSelector: `storefleet.io/store=${store}` })).items;
  return { suspended: jobs.map((job) => job.spec?.suspend), pods: pods.length };
}

beforeAll(async () => {
  preparePlatform();
  reserve = await reserveLeaving(300);
  api = await startApi(roomEnv(900));
}, 600_000);

afterAll(async () => {
  const admin = client(api, TOKENS.alice);
  await Promise.all(stores.map((name) => admin.remove(name)));
  await Promise.all(stores.map((name) => waitForGone(admin, name).catch(() => undefined)));
  await api.kill();
}, 600_000);

describe('room admission, with a reserve that leaves room for one small store', () => {
  it('refuses at once a plan the cluster could never hold, and makes nothing', async () => {
    const alice = client(api, TOKENS.alice);
    const answer = await alice.create({ name: huge, plan: 'large' });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('plan_never_fits');
    expect(answer.body.error.message).toMatch(/^A large store needs 1.1 CPU and 2.1 GiB, more than this cluster can ever give stores \(300m CPU and 1 GiB\)\. Choose a smaller plan, or add nodes\.$/);
    expect((await alice.get(huge)).status).toBe(404);
    expect((await snapshot([huge])).namespaces.size).toBe(0);
  });

  it('starts a store that fits; the next one waits for room with the numbers, Queued, its Job suspended, and starts by itself when a store is deleted', async () => {
    const alice = client(api, TOKENS.alice);
    const admin = client(api, TOKENS.admin);
    expect((await alice.create({ name: first, plan: 'small' })).status).toBe(202);
    await waitForPhase(alice, first, 'Ready', 300_000);
    await invariantsHold();
    // Nor may a store move to a plan the cluster could never hold (here both bigger plans:
    // 300m CPU for stores in all). A bigger plan that could fit some day but not now is 409
    // no_room (api/src/capacity/room.test.ts): this reserve leaves no such plan.
    for (const plan of ['medium', 'large']) {
      const bigger = await alice.change(first, { plan });
      expect([bigger.status, bigger.body.error.code]).toEqual([422, 'plan_never_fits']);
    }
    expect((await alice.get(first)).body.store).toMatchObject({ spec: { plan: 'small' }, state: { phase: 'Ready' } });

    const asked = Date.now();
    expect((await alice.create({ name: second, plan: 'small' })).status).toBe(202);
    const waiting = await waitFor('the second store to wait for room', async () => {
      const state = (await alice.get(second)).body?.store?.state;
      return state?.reason === 'WaitingForRoom' ? state : undefined;
    }, 20_000, 250);
    console.log(`waiting for room after ${Date.now() - asked} ms: ${waiting.message}`);
    expect(waiting.phase).toBe('Queued');
    expect(waiting.message).toBe('Waiting for room: a small store needs 250m CPU and 576 MiB; the cluster has 50m CPU and 448 MiB free for stores. It starts by itself when a store is deleted or a node is added.');

    const capacity = await admin.call('GET', '/api/v1/capacity');
    expect(capacity.status).toBe(200);
    expect(capacity.body).toMatchObject({ tracked: true, used: { cpuMilli: 250, cpu: '250m CPU' }, free: { cpuMilli: 50, memory: '448 MiB' }, storesByPlan: { small: 1, medium: 0, large: 0 }, waitingForRoom: 1 });
    expect(capacity.body.perStore.small).toMatchObject({ cpu: '250m CPU', memory: '576 MiB' });
    expect((await alice.call('GET', '/api/v1/capacity')).body).toEqual({ tracked: false, reason: 'Only a platform admin sees the cluster\'s capacity.' });

    // Still waiting a while later: the Job stays suspended and no pod of it waits Unschedulable.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect((await alice.get(second)).body.store.state.reason).toBe('WaitingForRoom');
    expect(await jobOf(second)).toEqual({ suspended: [true], pods: 0 });
    await invariantsHold();

    expect((await alice.remove(first)).status).toBe(202);
    await waitForGone(alice, first);
    const freed = Date.now();
    await waitFor('the waiting store to start', async () => ((await jobOf(second)).suspended[0] === false ? true : undefined), 30_000, 250);
    console.log(`started ${Date.now() - freed} ms after the first store was gone`);
    await waitForPhase(alice, second, 'Ready', 300_000);
    await invariantsHold(true);
  }, 900_000);

  it('fails a store that waited longer than the platform allows, with the same sentence, and deletes it cleanly, its Job too', async () => {
    await api.kill();
    api = await startApi(roomEnv(10));
    const alice = client(api, TOKENS.alice);
    expect((await alice.create({ name: third, plan: 'small' })).status).toBe(202);
    const failed = await waitFor('the third store to give up', async () => {
      const state = (await alice.get(third)).body?.store?.state;
      return state?.phase === 'Failed' ? state : undefined;
    }, 60_000, 500);
    expect(failed).toMatchObject({ reason: 'NoRoom' });
    expect(failed.message).toBe('Gave up after 10 s. Waiting for room: a small store needs 250m CPU and 576 MiB; the cluster has 50m CPU and 448 MiB free for stores.');
    expect(await jobOf(third)).toEqual({ suspended: [true], pods: 0 });
    // The reason outlives a restart: it is on the Job and in the saved record.
    await api.kill();
    api = await startApi(roomEnv(900));
    expect((await client(api, TOKENS.alice).get(third)).body.store.state).toMatchObject({ phase: 'Failed', reason: 'NoRoom' });
    await invariantsHold();
    const again = client(api, TOKENS.alice);
    expect((await again.remove(third)).status).toBe(202);
    await waitForGone(again, third);
    await invariantsHold(true);
    // The given-up Job never finishes, so no TTL takes it: the sweep does, once its store is gone.
    // (Its uninstall Job stays until its TTL, as every finished Job does.)
    await waitFor('the given-up Job to be swept', async () => ((await jobOf(third)).suspended.includes(true) ? undefined : true), 120_000, 1000);
  }, 600_000);

  it('refuses a rollback to a revision whose plan the cluster could never hold, and changes nothing', async () => {
    // More room for a while (as after a node was added): the second store grows to medium and back.
    await api.kill();
    api = await startApi({ ...roomEnv(900), STOREFLEET_ROOM_RESERVE: await reserveLeaving(900, 4096) });
    let alice = client(api, TOKENS.alice);
    for (const [plan, seq] of [['medium', 2], ['small', 3]] as const) {
      expect((await alice.change(second, { plan })).status).toBe(202);
      await waitFor(`${second} on ${plan}`, async () => {
        const store = (await alice.get(second)).body?.store;
        return store?.state.phase === 'Ready' && store.state.operation?.seq === seq ? true : undefined;
      }, 300_000, 500);
    }
    // Room for one small store again: revision 2 (medium) could never come back.
    await api.kill();
    api = await startApi(roomEnv(900));
    alice = client(api, TOKENS.alice);
    const back = await alice.rollback(second, { revision: 2 });
    expect([back.status, back.body.error.code]).toEqual([422, 'plan_never_fits']);
    expect(back.body.error.message).toMatch(/^A medium store needs 550m CPU and 1.1 GiB, more than this cluster can ever give stores/);
    expect((await alice.get(second)).body.store).toMatchObject({ spec: { plan: 'small' }, state: { phase: 'Ready', operation: { seq: 3 } } });
    await invariantsHold(true);
  }, 900_000);
});
