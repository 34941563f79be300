// The API killed for real (SIGKILL, from the test-only fault hook) between any two writes of
// a create. After a restart nothing is lost or left half-made: the reconciler finishes every
// half-made store, the same POST again starts a missing install, and DELETE of a store whose
// provisioner identity never existed still removes everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../../test-support/harness.ts';
import { WRITE_STEPS, type WriteStep } from '../src/provisioning/operations.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { settledViolations, snapshot } from '../../test-support/invariants.ts';
import { preparePlatform } from '../../test-support/platform.ts';

const STEPS: WriteStep[] = [...WRITE_STEPS];
const run = uniqueName('crash');
const nameAt = (step: string) => `${run}-${step.split('-').map((w) => w.slice(0, 3)).join('')}`;
const body = (name: string) => ({ name, plan: 'small', title: `Shop ${name}` });

/** Starts an API that SIGKILLs itself right after `step`, sends the create, and checks it died that way. */
async function createAndCrash(step: WriteStep, name: string) {
  const doomed = await startApi({ STOREFLEET_TEST_CRASH_AFTER: step });
  const answer = await client(doomed, TOKENS.alice).create(body(name)).then((r) => r.status, () => 'no answer');
  await doomed.kill('SIGKILL');
  expect(answer).toBe('no answer');
  expect(doomed.child.signalCode).toBe('SIGKILL');
}

let api: ApiProcess | undefined;
afterAll(async () => {
  await api?.kill();
});

beforeAll(() => preparePlatform(), 600_000);

describe('a create killed between two writes', () => {
  it('is finished by the same POST again, answered 202 with the install it started', async () => {
    const name = `${run}-repost`;
    await createAndCrash('secret', name);
    // A long grace keeps the reconciler out of it: the request itself must do the work.
    api = await startApi({ STOREFLEET_RECOVERY_GRACE_SECONDS: '3600' });
    const alice = client(api, TOKENS.alice);
    expect((await alice.get(name)).body.store.state).toMatchObject({ phase: 'Provisioning', reason: 'Pending' });
    // Within its first seconds the same POST is taken for a duplicate of a create in flight;
    // past them, for a retry after a crash.
    await new Promise((r) => setTimeout(r, 10_000));
    const again = await alice.create(body(name));
    expect(again.status).toBe(202);
    expect(again.body.operation.job).toBe(`${name}-install-1`);
    await waitForPhase(alice, name, 'Ready');
    expect(settledViolations(await snapshot([name]))).toEqual([]);
    expect((await alice.remove(name)).status).toBe(202);
    await waitForGone(alice, name);
  });

  it('is removed whole by DELETE even though its ServiceAccount and RoleBinding never existed', async () => {
    const name = `${run}-delete`;
    await api!.kill();
    await createAndCrash('secret', name);
    api = await startApi({ STOREFLEET_RECOVERY_GRACE_SECONDS: '3600' });
    const alice = client(api, TOKENS.alice);
    expect((await alice.remove(name)).status).toBe(202);
    await waitForGone(alice, name);
    const snap = await snapshot([name]);
    expect(settledViolations(snap)).toEqual([]);
    expect(snap.accounts.get(name)).toEqual([]);
    expect(snap.slots.get(name)).toEqual({ platform: [], tenant: [] });
  });

  // In groups, so the recovered installs do not all compete for the one node at once.
  const groups = [STEPS.slice(0, 4), STEPS.slice(4, 8), STEPS.slice(8)];
  it.each(groups)('at every write (%s, …), is finished or freed by the reconciler after a restart', async (...steps: WriteStep[]) => {
    await api!.kill();
    for (const step of steps) await createAndCrash(step, nameAt(step));
    const names = steps.map(nameAt);
    api = await startApi({ STOREFLEET_RECOVERY_GRACE_SECONDS: '5', STOREFLEET_SWEEP_MIN_AGE_SECONDS: '10' });
    const alice = client(api, TOKENS.alice);
    for (const step of steps) {
      // Killed before its namespace: no store, its slots are swept, and the name is free again.
      if (step === 'slots') {
        expect((await alice.get(nameAt(step))).status).toBe(404);
        await waitForSettled([nameAt(step)]);
        expect((await alice.create(body(nameAt(step)))).status).toBe(202);
      }
    }
    for (const name of names) await waitForPhase(alice, name, 'Ready', 400_000);
    await waitForSettled(names);
    const removals = await Promise.all(names.map((name) => alice.remove(name)));
    expect(removals.map((r) => r.status)).toEqual(names.map(() => 202));
    for (const name of names) await waitForGone(alice, name);
    await waitForSettled(names);
  }, 900_000);
});

async function waitForSettled(names: string[]) {
  let problems: string[] = [];
  for (let i = 0; i < 60; i++) {
    problems = settledViolations(await snapshot(names));
    if (problems.length === 0) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  expect(problems).toEqual([]);
}
