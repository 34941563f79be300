// A host belongs to one store: the rule (<name>.<base domain>, or a domain the operator gave
// the tenant; never a platform host) and the claim (a Lease per host in storefleet-system)
// on the real cluster. The stores' installs are made to fail at the chart's schema at once:
// the hosts are held by the API's Leases, not by anything Helm renders, and a store with a
// failed install holds its host like any other, so no WordPress pod needs to run here.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfig, uniqueName, waitFor } from '../../test-support/harness.ts';
import { hashToken } from '../src/http/auth.ts';
import { type ApiProcess, client, STORE_TEST_VALUES, startApi, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { preparePlatform } from '../../test-support/platform.ts';
import { SYSTEM } from '../../test-support/kube.ts';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const coordination = kc.makeApiClient(k8s.CoordinationV1Api);

const run = uniqueName('hn');
const ACME = 'token-hn-acme';
const BOB = 'token-hn-bob';
const env = {
  STOREFLEET_API_TOKENS: JSON.stringify([
    { sha256: hashToken(ACME), tenant: 'hn-acme', role: 'tenant' },
    { sha256: hashToken(BOB), tenant: 'hn-bob', role: 'tenant' },
  ]),
  STOREFLEET_TENANT_DOMAINS: JSON.stringify({ 'hn-acme': [`${run}.test`] }),
  // The dashboard's host, and the API's own host inside acme's domain: neither is claimable.
  STOREFLEET_PLATFORM_HOSTS: `storefleet.localhost,api.${run}.test`,
  STOREFLEET_PLATFORM_VALUES: JSON.stringify({ ...STORE_TEST_VALUES, backup: { retentionDays: 0 } }),
  STOREFLEET_JOB_BACKOFF_LIMIT: '0',
  STOREFLEET_SWEEP_MIN_AGE_SECONDS: '10',
  // Room for the 20 racing creates: the host, not the tenant's store limit, must decide.
  STOREFLEET_MAX_STORES_PER_TENANT: '50',
};

let api: ApiProcess;
let acme: ReturnType<typeof client>;
let bob: ReturnType<typeof client>;
const made = new Set<string>();
const refused: Record<string, number> = {};

/** Creates a store and remembers it for clean-up. */
async function create(who: ReturnType<typeof client>, body: { name: string; host?: string }) {
  const answer = await who.create(body);
  if (answer.status === 202 || answer.status === 200) made.add(body.name);
  else refused[answer.body?.error?.code ?? answer.status] = (refused[answer.body?.error?.code ?? answer.status] ?? 0) + 1;
  return answer;
}

const lease = (host: string) => coordination.readNamespacedLease({ namespace: SYSTEM, name: `host-${host}` }).catch(() => undefined);
const heldBy = async (store: string) => JSON.parse((await core.readNamespace({ name: `store-${store}` })).metadata!.annotations!['storefleet.io/slots']!) as Array<{ name: string; uid: string }>;
const nothingOf = async (store: string) => {
  const leases = await coordination.listNamespacedLease({ namespace: SYSTEM, labelSelector: `storefleet.io/store=${store}` });
  const namespace = await core.readNamespace({ name: `store-${store}` }).catch(() => undefined);
  return leases.items.length === 0 && !namespace;
};

beforeAll(async () => {
  preparePlatform();
  api = await startApi(env);
  acme = client(api, ACME);
  bob = client(api, BOB);
}, 600_000);

afterAll(async () => {
  // Every store made here is acme's: bob's attempts are all refused.
  await Promise.all([...made].map((name) => acme.remove(name)));
  await Promise.all([...made].map((name) => waitForGone(acme, name)));
  await api?.kill();
  console.log(`host claims refused by code: ${JSON.stringify(refused)}`);
}, 300_000);

describe('who may have which host', () => {
  const own = `${run}-own`;
  const shared = `shop.${run}.test`;

  beforeAll(async () => {
    // The same create sent five times at once is still one store: one 202, four 200.
    const answers = await Promise.all(Array.from({ length: 5 }, () => create(acme, { name: own })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 202]);
    expect((await create(acme, { name: `${run}-shop`, host: shared })).status).toBe(202);
  });

  it("gives a store its own <name>.<base domain> and a host in its tenant's domain, each held by a Lease it records", async () => {
    for (const [store, host] of [[own, `${own}.localhost`], [`${run}-shop`, shared]] as const) {
      const claim = await lease(host);
      expect(claim?.metadata?.labels).toMatchObject({ 'storefleet.io/slot-scope': 'host', 'storefleet.io/store': store });
      expect(await heldBy(store)).toContainEqual({ name: `host-${host}`, uid: claim!.metadata!.uid });
    }
  });

  it.each([
    ['bob squats acme\'s store host', () => create(bob, { name: `${run}-sq1`, host: `${run}-own.localhost` }), 'Hosts under localhost are store names'],
    ['bob takes a future store\'s <name>.<domain>', () => create(bob, { name: `${run}-sq2`, host: `${run}-later.localhost` }), 'Hosts under localhost are store names'],
    ['acme takes a future store\'s <name>.<domain>', () => create(acme, { name: `${run}-sq3`, host: `${run}-later.localhost` }), 'Hosts under localhost are store names'],
    ['bob uses acme\'s domain', () => create(bob, { name: `${run}-sq4`, host: shared }), 'Tenant "hn-bob" may not use the host'],
    ['acme takes the API\'s own host inside its domain', () => create(acme, { name: `${run}-sq5`, host: `api.${run}.test` }), 'belongs to the platform itself'],
    ['acme takes the dashboard host', () => create(acme, { name: `${run}-sq6`, host: 'storefleet.localhost' }), 'belongs to the platform itself'],
    ['acme takes a host under another store\'s name', () => create(acme, { name: `${run}-sq7`, host: `www.${run}-own.localhost` }), 'Hosts under localhost are store names'],
  ])('refuses with 422 when %s, and makes nothing', async (_case, attempt, message) => {
    const answer = await attempt();
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('host_not_allowed');
    expect(answer.body.error.message).toContain(message);
    expect(answer.body.error.details.allowed[0]).toMatch(/\.localhost$/);
  });

  it("refuses with 409 another of acme's own stores on a host already held, and makes nothing", async () => {
    const answer = await create(acme, { name: `${run}-sq8`, host: shared });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({ code: 'host_taken', message: `The host "${shared}" belongs to another store; choose another host.`, details: { host: shared } });
    expect(await nothingOf(`${run}-sq8`)).toBe(true);
    for (let i = 1; i <= 7; i++) expect(await nothingOf(`${run}-sq${i}`)).toBe(true);
  });

  it('moves the claim on PATCH: the new host is held, the old one freed; a held host is refused and nothing changes', async () => {
    await waitForPhase(acme, own, 'Failed', 120_000);
    const moved = `moved.${run}.test`;
    const taken = await acme.change(own, { host: shared });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('host_taken');
    const refusedBob = await bob.change(own, { host: moved });
    expect(refusedBob.status).toBe(404);
    expect((await acme.get(own)).body.store.spec.host).toBe(`${own}.localhost`);

    const answer = await acme.change(own, { host: moved });
    expect(answer.status).toBe(202);
    expect(answer.body.store.spec.host).toBe(moved);
    const claim = await lease(moved);
    expect(claim?.metadata?.labels?.['storefleet.io/store']).toBe(own);
    expect(await lease(`${own}.localhost`)).toBeUndefined();
    const held = await heldBy(own);
    expect(held.filter((slot) => slot.name.startsWith('host-'))).toEqual([{ name: `host-${moved}`, uid: claim!.metadata!.uid }]);
    expect(held.filter((slot) => slot.name.startsWith('slot-'))).toHaveLength(2);
    // Back to its own name: that host is the store's own, whoever asks for it later.
    await waitForPhase(acme, own, 'Failed', 120_000);
    expect((await acme.change(own, { host: `${own}.localhost` })).status).toBe(202);
    expect(await lease(moved)).toBeUndefined();
    expect(await lease(`${own}.localhost`)).toBeDefined();
  });
});

describe('racing creates for one host', () => {
  const host = `race.${run}.test`;
  const names = Array.from({ length: 20 }, (_, i) => `${run}-r${i}`);
  let winner: string;

  it('admits exactly one of 20; the rest are told 409 host_taken and hold nothing', async () => {
    const answers = await Promise.all(names.map((name) => create(acme, { name, host })));
    const winners = names.filter((_, i) => answers[i]!.status === 202);
    expect(winners).toHaveLength(1);
    winner = winners[0]!;
    const losers = answers.filter((a) => a.status === 409);
    expect(losers).toHaveLength(19);
    for (const loser of losers) expect(loser.body.error.code).toBe('host_taken');
    expect((await lease(host))?.metadata?.labels?.['storefleet.io/store']).toBe(winner);
    for (const name of names.filter((n) => n !== winner)) expect(await nothingOf(name)).toBe(true);
  });

  it('frees the host when its store is deleted, and it can be claimed again', async () => {
    const again = `${run}-again`;
    expect((await create(acme, { name: again, host })).status).toBe(409);
    expect((await acme.remove(winner)).status).toBe(202);
    await waitForGone(acme, winner, 120_000);
    made.delete(winner);
    expect(await lease(host)).toBeUndefined();
    expect((await create(acme, { name: again, host })).status).toBe(202);
    expect((await lease(host))?.metadata?.labels?.['storefleet.io/store']).toBe(again);
  });
});

describe('a create killed after its claims, before its namespace', () => {
  it('leaves a claim that is respected while it may be a create in flight, then freed', async () => {
    const host = `crash.${run}.test`;
    const dead = `${run}-dead`;
    const doomed = await startApi({ ...env, STOREFLEET_TEST_CRASH_AFTER: 'slots' });
    const answer = await client(doomed, ACME).create({ name: dead, host }).then((r) => r.status, () => 'no answer');
    await doomed.kill('SIGKILL');
    expect(answer).toBe('no answer');
    const orphan = await lease(host);
    expect(orphan?.metadata?.labels?.['storefleet.io/store']).toBe(dead);
    expect(await core.readNamespace({ name: `store-${dead}` }).catch(() => undefined)).toBeUndefined();

    // Younger than the sweep age it may be a create still on its way: refused.
    const heir = `${run}-heir`;
    expect((await create(acme, { name: heir, host })).body.error.code).toBe('host_taken');
    // Older, no live store holds it: the sweep (or the next claim) frees it, and the host is taken.
    const taken = await waitFor('the orphaned host claim to be freed', async () => {
      const attempt = await acme.create({ name: heir, host });
      if (attempt.status === 202) made.add(heir);
      return attempt.status === 202 ? attempt : undefined;
    }, 60_000, 2000);
    expect(taken.body.store.spec.host).toBe(host);
    expect((await lease(host))?.metadata?.uid).not.toBe(orphan!.metadata!.uid);
    await waitFor('the dead create\'s slots to be swept', async () => (await nothingOf(dead) ? true : undefined), 60_000, 1000);
  });
});
