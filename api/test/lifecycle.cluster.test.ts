// A store's whole life as users live it, on the real cluster: the same name again after a
// delete (same tenant and another), the event stream of a deleted store, rollback that keeps
// the truth, two changes at the same instant, bad data in the cluster, the seed's clients.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfig, uniqueName, waitFor } from '../../test-support/harness.ts';
import { buildResourceQuota } from '../src/provisioning/guardrails.ts';
import { plans } from '../src/store/plans.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { safetyViolations, settledViolations, snapshot } from '../../test-support/invariants.ts';
import { preparePlatform } from '../../test-support/platform.ts';
import { readEvents } from '../../test-support/sse.ts';
import { SYSTEM } from '../../test-support/kube.ts';
import { metricSample } from '../../test-support/metrics.ts';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const batch = kc.makeApiClient(k8s.BatchV1Api);

let api: ApiProcess;
const alice = () => client(api, TOKENS.alice);
const bob = () => client(api, TOKENS.bob);
const admin = () => client(api, TOKENS.admin);

/** Samples the cluster while `work` runs and returns every moment a store ran two Jobs. */
async function whileSampling<T>(stores: string[], work: () => Promise<T>): Promise<{ result: T; violations: string[]; samples: number }> {
  const violations: string[] = [];
  let samples = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const snap = await snapshot(stores);
      samples += 1;
      for (const [store, running] of snap.running) if (running.length > 1) violations.push(`${store}: ${running.join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    return { result: await work(), violations, samples };
  } finally {
    done = true;
    await sampler;
  }
}

beforeAll(async () => {
  preparePlatform();
  api = await startApi({ STOREFLEET_RECOVERY_GRACE_SECONDS: '5', STOREFLEET_SWEEP_MIN_AGE_SECONDS: '10' });
}, 600_000);

afterAll(async () => {
  await api?.kill();
});

// The parts below are independent (each its own store names) and mostly wait on Kubernetes:
// they run at the same time. The rollback-and-races part is one story, told in order.
describe.concurrent('a store\'s life', () => {
  describe('the same store name again after a delete', () => {
    const name = uniqueName('again');

    it('installs again for the same tenant, then for another, each starting with a clean history', async () => {
      // First life: created, Ready, its stream open while it is deleted.
      expect((await alice().create({ name, plan: 'small' })).status).toBe(202);
      const first = await waitForPhase(alice(), name, 'Ready');
      const firstStream = readEvents(`${api.url}/api/v1/stores/${name}/events`, TOKENS.alice, { until: () => false, timeoutMs: 240_000 });
      await new Promise((r) => setTimeout(r, 500));
      expect((await alice().remove(name)).status).toBe(202);
      await waitForGone(alice(), name);

      // The stream of the deleted store ended by itself, on a final Deleted status.
      const firstEvents = await firstStream;
      const statuses = firstEvents.filter((e) => e.event === 'status').map((e) => (e.data as { phase: string }).phase);
      expect(statuses.at(-1)).toBe('Deleted');

      // Second life, same tenant: a new identity, its own Jobs, nothing of the first.
      const again = await alice().create({ name, plan: 'small' });
      expect(again.status, JSON.stringify(again.body)).toBe(202);
      expect(again.body.operation.job).toBe(`${name}-install-3`);
      const second = await waitForPhase(alice(), name, 'Ready');
      expect(second.uid).not.toBe(first.uid);
      expect(second.state.operation.job).toBe(`${name}-install-3`);
      const logs = await alice().logs(name);
      expect(logs.body.job).toBe(`${name}-install-3`);
      const timeline = await readEvents(`${api.url}/api/v1/stores/${name}/events`, TOKENS.alice, {
        until: (events) => events.some((e) => e.event === 'log' && (e.data as { text: string }).text.includes('"step":"done"')),
        timeoutMs: 60_000,
      });
      expect(new Set(timeline.filter((e) => e.event === 'log').map((e) => (e.data as { job: string }).job))).toEqual(new Set([`${name}-install-3`]));
      expect(timeline.filter((e) => e.event === 'status').every((e) => (e.data as { phase: string }).phase === 'Ready')).toBe(true);
      // A reconnect pinned to the first store is told it is gone, not shown the second.
      const pinned = await readEvents(`${api.url}/api/v1/stores/${name}/events?uid=${first.uid}`, TOKENS.alice, { until: () => false, timeoutMs: 30_000 });
      expect(pinned.map((e) => [e.event, (e.data as { phase?: string }).phase])).toEqual([['status', 'Deleted']]);
      expect(settledViolations(await snapshot([name]))).toEqual([]);

      // Third life, another tenant: bob owns it now, alice cannot see it.
      expect((await alice().remove(name)).status).toBe(202);
      await waitForGone(alice(), name);
      expect((await bob().create({ name, plan: 'small' })).status).toBe(202);
      const third = await waitForPhase(bob(), name, 'Ready');
      expect(third.tenant).toBe('bob');
      expect(third.state.operation.job).toBe(`${name}-install-5`);
      expect((await alice().get(name)).status).toBe(404);
      expect(settledViolations(await snapshot([name]))).toEqual([]);

      // DELETE twice at the same instant: one uninstall, both told its name. Then DELETE again
      // and again until the store is gone, through the moment its uninstall has succeeded and
      // the namespace is being removed: each is told the same uninstall or that the store is
      // going, never a 5xx, and none starts a second uninstall (stop 19's CI: a 502 there).
      const [a, b] = await Promise.all([bob().remove(name), bob().remove(name)]);
      expect([a.status, b.status]).toEqual([202, 202]);
      expect(a.body.operation.job).toBe(b.body.operation.job);
      const answers = new Map<string, number>();
      let gone = false;
      await Promise.all([0, 1].map(async () => {
        while (!gone) {
          const again = await bob().remove(name);
          const answer = again.status === 202 ? `202 ${again.body.operation.job}` : `${again.status} ${again.body?.error?.message ?? ''}`;
          answers.set(answer, (answers.get(answer) ?? 0) + 1);
          if (again.status === 404) gone = true;
          else await new Promise((r) => setTimeout(r, 20));
        }
      }));
      console.log(`[delete again] ${JSON.stringify(Object.fromEntries(answers))}`);
      const allowed = [`202 ${a.body.operation.job}`, `409 The store "${name}" is being deleted.`, '409 The store is being deleted.', `404 No store named "${name}".`];
      expect([...answers.keys()].filter((answer) => !allowed.includes(answer)), JSON.stringify([...answers])).toEqual([]);
      expect(settledViolations(await snapshot([name]))).toEqual([]);
      const jobs = (await batch.listNamespacedJob({ namespace: SYSTEM, labelSelector: `storefleet.io/store=${name}` })).items.map((j) => j.metadata!.name).sort();
      expect(jobs).toEqual([`${name}-install-1`, `${name}-install-3`, `${name}-install-5`, `${name}-uninstall-2`, `${name}-uninstall-4`, `${name}-uninstall-6`].sort());
    });
  });

  describe('rollback keeps the truth, and changes at the same instant', () => {
    const name = uniqueName('truth');

    // One story in order: its races start from the revisions the rollback made.
    it('lists revisions, rolls back to the truth, then never runs two Jobs when PATCH, rollback and DELETE race', async () => {
      await rollbackKeepsTheTruth();
      await racesRunOneJob();
    });

    async function rollbackKeepsTheTruth() {
      expect((await alice().create({ name, plan: 'small' })).status).toBe(202);
      await waitForPhase(alice(), name, 'Ready');
      expect((await alice().rollback(name, { revision: 0 })).status).toBe(409); // nothing before revision 1
      expect((await alice().change(name, { plan: 'medium' })).status).toBe(202);
      await waitForPhase(alice(), name, 'Ready');

      const revisions = await alice().call('GET', `/api/v1/stores/${name}/revisions`);
      expect(revisions.status).toBe(200);
      expect(revisions.body.items.map((r: { revision: number; status: string; plan: string }) => [r.revision, r.status, r.plan]))
        .toEqual([[2, 'deployed', 'medium'], [1, 'superseded', 'small']]);
      expect(Date.parse(revisions.body.items[0].updatedAt)).toBeGreaterThan(Date.now() - 600_000);

      const rolled = await alice().rollback(name, { revision: 1 });
      expect(rolled.status).toBe(202);
      expect(rolled.body.store.spec.plan).toBe('small');
      const store = await waitForPhase(alice(), name, 'Ready');
      expect(store.spec.plan).toBe('small');
      const quota = await core.readNamespacedResourceQuota({ namespace: `store-${name}`, name: 'store-quota' });
      expect(quota.spec?.hard).toEqual(buildResourceQuota(plans.small).spec?.hard);
      const limits = await core.readNamespacedLimitRange({ namespace: `store-${name}`, name: 'store-limits' });
      expect(limits.spec?.limits.find((l) => l.type === 'Container')?.max).toEqual(plans.small.limitRange.max);
      expect(plans.small.limitRange.max).not.toEqual(plans.medium.limitRange.max);
      const after = await alice().call('GET', `/api/v1/stores/${name}/revisions`);
      expect(after.body.items[0]).toMatchObject({ revision: 3, status: 'deployed', plan: 'small' });
    }

    async function racesRunOneJob() {
      const race = async (first: () => Promise<{ status: number }>, second: () => Promise<{ status: number }>) => {
        const { result, violations, samples } = await whileSampling([name], () => Promise.all([first(), second()]));
        expect(violations).toEqual([]);
        expect(samples).toBeGreaterThan(0);
        return result.map((r) => r.status);
      };
      // PATCH + rollback: exactly one wins, the other is told the store is busy.
      expect((await race(() => alice().change(name, { plan: 'large' }), () => alice().rollback(name, { revision: 2 }))).sort()).toEqual([202, 409]);
      await waitForPhase(alice(), name, 'Ready');
      // rollback + rollback.
      expect((await race(() => alice().rollback(name, { revision: 1 }), () => alice().rollback(name, { revision: 2 }))).sort()).toEqual([202, 409]);
      await waitForPhase(alice(), name, 'Ready');
      // PATCH + DELETE: the delete always wins; a change that got in first is stopped.
      const { violations } = await whileSampling([name], async () => {
        const [patch, remove] = await Promise.all([alice().change(name, { plan: 'medium' }), alice().remove(name)]);
        expect(remove.status).toBe(202);
        expect([202, 409]).toContain(patch.status);
        // Deleting: a change or rollback now is refused.
        expect((await alice().change(name, { plan: 'large' })).status).toBe(409);
        expect((await alice().rollback(name, { revision: 1 })).status).toBe(409);
        await waitForGone(alice(), name);
      });
      expect(violations).toEqual([]);
      expect(settledViolations(await snapshot([name]))).toEqual([]);
    }
  });

  describe('bad data in the cluster', () => {
    const name = uniqueName('broken');

    afterAll(async () => {
      await core.deleteNamespace({ name: `store-${name}` }).catch(() => undefined);
      await batch.deleteNamespacedJob({ namespace: SYSTEM, name: `${name}-odd`, propagationPolicy: 'Background' }).catch(() => undefined);
    });

    it('shows a store namespace without annotations as Unknown and never answers 500', async () => {
      await core.createNamespace({ body: { metadata: { name: `store-${name}`, labels: { 'app.kubernetes.io/managed-by': 'storefleet', 'storefleet.io/store': name } } } });
      await batch.createNamespacedJob({
        namespace: SYSTEM,
        body: {
          metadata: { name: `${name}-odd`, labels: { 'storefleet.io/store': name, 'storefleet.io/seq': 'not-a-number' } },
          spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'storefleet.local/base:1', command: ['true'] }] } } },
        },
      });
      const store = await waitFor('the broken store to be listed', async () => {
        const list = await admin().list();
        expect(list.status).toBe(200);
        return list.body.items.find((s: { name: string }) => s.name === name);
      }, 30_000, 300);
      expect(store.state).toMatchObject({ phase: 'Unknown', reason: 'InvalidStoreData' });
      expect(store.state.message).toMatch(/cannot be read/);
      const one = await admin().get(name);
      expect(one.status).toBe(200);
      expect(one.body.store.state.phase).toBe('Unknown');
      expect((await admin().change(name, { plan: 'medium' })).status).toBe(409);
      expect((await admin().remove(name)).status).toBe(409);
      const metrics = await fetch(`${api.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metricSample(await metrics.text(), 'storefleet_stores{phase="Unknown"}')).toBeGreaterThanOrEqual(1);
      expect((await admin().list()).status).toBe(200);
    });
  });

  describe('the seed\'s clients', () => {
    const name = uniqueName('seed');

    it('create with POST /stores {name, type} and delete with DELETE /stores/:name', async () => {
      const wrong = await alice().call('POST', '/stores', { name, type: 'medusa' });
      expect(wrong.status).toBe(400);
      expect(JSON.stringify(wrong.body)).toContain('valid types: woocommerce');
      expect((await alice().get(name)).status).toBe(404);
      const created = await alice().call('POST', '/stores', { name, type: 'woocommerce' });
      expect(created.status).toBe(202);
      expect(created.body.operation.job).toBe(`${name}-install-1`);
      await waitForPhase(alice(), name, 'Ready');
      // Real WordPress, set up for real; WooCommerce cannot be downloaded here, and the store says so.
      const said = await waitFor('the store to say what its setup did', async () => {
        const message = (await alice().get(name)).body.store.state.message as string;
        return message.includes('WooCommerce') ? message : undefined;
      }, 30_000, 500);
      expect(said).toMatch(/WordPress is set up at http:\/\/.+; WooCommerce is not available: /);
      expect((await alice().call('POST', '/stores', { name, type: 'woocommerce' })).status).toBe(200);
      expect((await alice().call('DELETE', `/stores/${name}`)).status).toBe(202);
      await waitForGone(alice(), name);
      expect(safetyViolations(await snapshot([name]))).toEqual([]);
    });
  });
});
