// The provisioning core on the real cluster: API → Job → provisioner → Helm release.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfig, uniqueName, waitFor } from '../../test-support/harness.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { kubectl, preparePlatform } from '../../test-support/platform.ts';
import { readEvents, type SseEvent } from '../../test-support/sse.ts';
import { SYSTEM } from '../../test-support/kube.ts';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const batch = kc.makeApiClient(k8s.BatchV1Api);
const authz = kc.makeApiClient(k8s.AuthorizationV1Api);

let api: ApiProcess;
const alice = () => client(api, TOKENS.alice);
const bob = () => client(api, TOKENS.bob);

const jobsOf = async (store: string) =>
  (await batch.listNamespacedJob({ namespace: SYSTEM, labelSelector: `storefleet.io/store=${store}` })).items.map((j) => j.metadata!.name!).sort();

beforeAll(async () => {
  preparePlatform();
  api = await startApi();
}, 600_000);

afterAll(async () => {
  await api?.kill();
});

describe('a store from create to delete', () => {
  const name = uniqueName('life');
  let sseDuringInstall: Promise<SseEvent[]>;

  it('is accepted, installed by a Job running Helm and becomes Ready', async () => {
    const created = await alice().create({ name, plan: 'small' });
    expect(created.status).toBe(202);
    expect(created.body.operation.job).toBe(`${name}-install-1`);
    expect(['Queued', 'Provisioning']).toContain(created.body.store.state.phase);
    sseDuringInstall = readEvents(`${api.url}/api/v1/stores/${name}/events`, TOKENS.alice, {
      until: (events) => events.some((e) => e.event === 'status' && (e.data as { phase: string }).phase === 'Ready'),
      timeoutMs: 240_000,
    });

    const store = await waitForPhase(alice(), name, 'Ready');
    expect(store.state.reason).toBe('InstallSucceeded');
    const releases = await core.listNamespacedSecret({ namespace: `store-${name}`, labelSelector: 'owner=helm' });
    expect(releases.items.map((s) => s.metadata?.labels?.status)).toContain('deployed');
    const ns = await core.readNamespace({ name: `store-${name}` });
    expect(ns.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'storefleet', 'storefleet.io/store': name, 'storefleet.io/tenant': 'alice',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  it('streams the phases in order and the provisioner log lines over SSE', async () => {
    const events = await sseDuringInstall;
    const phases = events.filter((e) => e.event === 'status').map((e) => (e.data as { phase: string }).phase);
    expect(phases.at(-1)).toBe('Ready');
    expect(phases.indexOf('Ready')).toBeGreaterThan(phases.lastIndexOf('Provisioning') === -1 ? -1 : phases.lastIndexOf('Provisioning'));
    const logs = events.filter((e) => e.event === 'log');
    expect(logs.length).toBeGreaterThan(3);
    // "<job>:<line>", and once progress events have been sent, ":<progress cursor>" after it.
    logs.forEach((e, i) => expect(e.id).toMatch(new RegExp(`^${name}-install-1:${i + 1}(:[0-9a-z]+\\.[0-9a-f]{8})?$`)));
    expect(JSON.parse((logs[0]!.data as { text: string }).text)).toMatchObject({ step: 'start', status: 'started' });
  });

  it('resumes with Last-Event-ID and sends no line twice', async () => {
    const all = await readEvents(`${api.url}/api/v1/stores/${name}/events`, TOKENS.alice, {
      until: (events) => events.filter((e) => e.event === 'log').some((e) => (e.data as { text: string }).text.includes('"step":"done"')),
      timeoutMs: 60_000,
    });
    const lines = all.filter((e) => e.event === 'log');
    const cut = Math.floor(lines.length / 2);
    const resumed = await readEvents(`${api.url}/api/v1/stores/${name}/events`, TOKENS.alice, {
      lastEventId: lines[cut - 1]!.id,
      until: (events) => events.filter((e) => e.event === 'log').some((e) => (e.data as { text: string }).text.includes('"step":"done"')),
      timeoutMs: 60_000,
    });
    const lineOf = (e: { data: unknown }) => (e.data as { line: number }).line;
    expect(resumed.filter((e) => e.event === 'log').map(lineOf)).toEqual(lines.slice(cut).map(lineOf));
  });

  it('answers kubectl the way the README says', () => {
    const jobs = kubectl('-n', SYSTEM, 'get', 'jobs', '-l', `storefleet.io/store=${name}`, '-o', 'name');
    expect(jobs.trim()).toBe(`job.batch/${name}-install-1`);
    const log = kubectl('-n', SYSTEM, 'logs', `job/${name}-install-1`);
    expect(log).toContain('"step":"done","status":"succeeded"');
  });

  it('is deleted by an uninstall Job, its namespace goes, and it leaves the list', async () => {
    const removed = await alice().remove(name);
    expect(removed.status).toBe(202);
    expect(removed.body.operation.job).toBe(`${name}-uninstall-2`);
    await waitForGone(alice(), name);
    await waitFor('the namespace to be gone', async () => {
      const status = await core.readNamespace({ name: `store-${name}` }).then(() => 200, (e: k8s.ApiException<unknown>) => e.code);
      return status === 404 ? true : undefined;
    }, 240_000);
    expect((await alice().list()).body.items.map((s: { name: string }) => s.name)).not.toContain(name);
    const serviceAccounts = await core.listNamespacedServiceAccount({ namespace: SYSTEM });
    expect(serviceAccounts.items.map((s) => s.metadata?.name)).not.toContain(`provisioner-${name}`);
  });
});

describe('creating the same store again', () => {
  it('returns the existing store for the same POST, with one Job', async () => {
    const name = uniqueName('twice');
    const first = await alice().create({ name });
    const second = await alice().create({ name });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body.store.name).toBe(name);
    expect(await jobsOf(name)).toEqual([`${name}-install-1`]);
    await alice().remove(name);
  });

  it('makes exactly one install Job for 20 concurrent creates', async () => {
    const name = uniqueName('race');
    const answers = await Promise.all(Array.from({ length: 20 }, () => alice().create({ name })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.every((s) => s === 202 || s === 200 || s === 409)).toBe(true);
    expect(await jobsOf(name)).toEqual([`${name}-install-1`]);
    await alice().remove(name);
  });

  it('refuses a name another tenant holds with 409, and hides it as 404', async () => {
    const name = uniqueName('taken');
    expect((await alice().create({ name })).status).toBe(202);
    const clash = await bob().create({ name });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('store_conflict');
    expect((await bob().get(name)).status).toBe(404);
    expect(await jobsOf(name)).toEqual([`${name}-install-1`]);
    await alice().remove(name);
  });

  it('rejects bad input with a 4xx JSON error and creates nothing', async () => {
    const bad = await alice().create({ name: 'Bad_Name', plan: 'huge', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['name', 'plan']));
    expect((await core.listNamespace({ labelSelector: 'storefleet.io/store=Bad_Name' }).catch(() => ({ items: [] }))).items).toEqual([]);
    expect((await alice().create({ name: 'kube-system' })).status).toBe(400);
  });
});

describe('least privilege on the real API server', () => {
  const storeA = uniqueName('rbac-a');
  const storeB = uniqueName('rbac-b');

  beforeAll(async () => {
    await alice().create({ name: storeA });
    await alice().create({ name: storeB });
    await waitForPhase(alice(), storeA, 'Ready');
  }, 300_000);

  afterAll(async () => {
    await alice().remove(storeA);
    await alice().remove(storeB);
  });

  const can = async (store: string, namespace: string, verb: string, resource: string, group = '') => {
    const review = await authz.createSubjectAccessReview({
      body: { spec: { user: `system:serviceaccount:${SYSTEM}:provisioner-${store}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${SYSTEM}`], resourceAttributes: { namespace, verb, resource, group } } },
    });
    return review.status?.allowed ?? false;
  };

  it('lets a provisioner manage its own store release', async () => {
    expect(await can(storeA, `store-${storeA}`, 'create', 'secrets')).toBe(true);
    expect(await can(storeA, `store-${storeA}`, 'create', 'deployments', 'apps')).toBe(true);
  });

  it("denies store A's provisioner anything in store B's namespace", async () => {
    expect(await can(storeA, `store-${storeB}`, 'list', 'secrets')).toBe(false);
    expect(await can(storeA, `store-${storeB}`, 'create', 'deployments', 'apps')).toBe(false);
  });

  it('denies a provisioner its own guardrails and the namespace itself', async () => {
    const own = `store-${storeA}`;
    expect(await can(storeA, own, 'update', 'resourcequotas')).toBe(false);
    expect(await can(storeA, own, 'delete', 'limitranges')).toBe(false);
    expect(await can(storeA, own, 'create', 'networkpolicies', 'networking.k8s.io')).toBe(false);
    expect(await can(storeA, own, 'create', 'rolebindings', 'rbac.authorization.k8s.io')).toBe(false);
    expect(await can(storeA, '', 'delete', 'namespaces')).toBe(false);
  });

  it('agrees with kubectl auth can-i', () => {
    const as = `--as=system:serviceaccount:${SYSTEM}:provisioner-${storeA}`;
    const answer = (args: string[]) => {
      try {
        return kubectl('auth', 'can-i', as, ...args).trim();
      } catch (error) {
        return String((error as { stdout?: string }).stdout).trim();
      }
    };
    expect(answer(['list', 'secrets', '-n', `store-${storeA}`])).toBe('yes');
    expect(answer(['list', 'secrets', '-n', `store-${storeB}`])).toBe('no');
    expect(answer(['patch', 'resourcequota', '-n', `store-${storeA}`])).toBe('no');
  });

  it('runs the store pods under PSA restricted without a token', async () => {
    const pods = await core.listNamespacedPod({ namespace: `store-${storeA}` });
    expect(pods.items.length).toBeGreaterThanOrEqual(2);
    for (const pod of pods.items) expect(pod.spec?.automountServiceAccountToken).toBe(false);
    const sa = await core.readNamespacedServiceAccount({ namespace: `store-${storeA}`, name: 'default' });
    expect(sa.automountServiceAccountToken).toBe(false);
  });
});

describe('changing a store', () => {
  const name = uniqueName('change');
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const wordpressLimits = async () =>
    (await apps.readNamespacedDeployment({ namespace: `store-${name}`, name: `${name}-wordpress` })).spec!.template.spec!.containers[0]!.resources!.limits;

  afterAll(async () => {
    await alice().remove(name);
  });

  it('refuses a change while an operation runs', async () => {
    expect((await alice().create({ name })).status).toBe(202);
    const busy = await alice().change(name, { plan: 'medium' });
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toMatch(new RegExp(`busy with ${name}-install-1`));
    await waitForPhase(alice(), name, 'Ready');
  });

  it('upgrades to a new plan with an upgrade Job: bigger quota, bigger pods', async () => {
    expect(await wordpressLimits()).toEqual({ cpu: '500m', memory: '512Mi' });
    const changed = await alice().change(name, { plan: 'medium' });
    expect(changed.status).toBe(202);
    expect(changed.body.operation.job).toBe(`${name}-upgrade-2`);
    const store = await waitForPhase(alice(), name, 'Ready');
    expect(store.state.reason).toBe('UpgradeSucceeded');
    expect(store.spec.plan).toBe('medium');
    const quota = await core.readNamespacedResourceQuota({ namespace: `store-${name}`, name: 'store-quota' });
    expect(quota.spec?.hard?.['requests.cpu']).toBe('2');
    expect(await wordpressLimits()).toEqual({ cpu: '1', memory: '1Gi' });
    // Volumes keep the size they were bound with: local-path cannot resize them.
    const claims = await core.listNamespacedPersistentVolumeClaim({ namespace: `store-${name}` });
    expect(claims.items.map((c) => c.spec?.resources?.requests?.storage)).toEqual(['2Gi', '2Gi', '2Gi']);
  });

  it('rolls back to an earlier revision with a rollback Job', async () => {
    const rolled = await alice().rollback(name, { revision: 1 });
    expect(rolled.status).toBe(202);
    expect(rolled.body.operation.job).toBe(`${name}-rollback-3`);
    const store = await waitForPhase(alice(), name, 'Ready');
    expect(store.state.reason).toBe('RollbackSucceeded');
    expect(await wordpressLimits()).toEqual({ cpu: '500m', memory: '512Mi' });
    expect(await jobsOf(name)).toEqual([`${name}-install-1`, `${name}-rollback-3`, `${name}-upgrade-2`]);
  });
});

describe('an API restarted while a Job runs', () => {
  it('reaches the right phase afterwards with no second Job and no orphan', async () => {
    const name = uniqueName('restart');
    expect((await alice().create({ name })).status).toBe(202);
    await waitFor('the install pod to run', async () => {
      const pods = await core.listNamespacedPod({ namespace: SYSTEM, labelSelector: `job-name=${name}-install-1` });
      return pods.items.some((p) => p.status?.phase === 'Running') ? true : undefined;
    }, 120_000, 250);
    await api.kill('SIGKILL');
    api = await startApi();
    await waitForPhase(alice(), name, 'Ready');
    expect(await jobsOf(name)).toEqual([`${name}-install-1`]);
    expect((await alice().remove(name)).status).toBe(202);
    await waitForGone(alice(), name);
    expect(await jobsOf(name)).toEqual([`${name}-install-1`, `${name}-uninstall-2`]);
  });
});
