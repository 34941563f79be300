// What the API's ServiceAccount may do, on the real API server: nothing inside namespaces
// storefleet did not make (asked through kubectl auth can-i, SubjectAccessReview and real
// calls with its own token), and everything a store's life needs inside the ones it makes:
// the API runs here as a host process with nothing but that token and takes a real store
// from create to gone.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, client, startApi, TOKENS, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { kubectl, preparePlatform } from '../../test-support/platform.ts';
import { deleteNamespaces, kubeConfig, repoRoot, uniqueName } from '../../test-support/harness.ts';
import { statusCode, SYSTEM } from '../../test-support/kube.ts';

const API_USER = `system:serviceaccount:${SYSTEM}:storefleet-api`;
const admin = kubeConfig();
const adminCore = admin.makeApiClient(k8s.CoreV1Api);
const foreign = uniqueName('lp-foreign');
const store = uniqueName('lp');
const storeNs = `store-${store}`;
const kubeconfigFile = path.join(repoRoot, `test-results/${store}-api.kubeconfig`);
let api: ApiProcess;
let asApi: { core: k8s.CoreV1Api; rbac: k8s.RbacAuthorizationV1Api; apps: k8s.AppsV1Api };

/** A kubeconfig that is the API's ServiceAccount and nothing else: the admin's cluster, the SA's token. */
function apiKubeConfig(token: string): k8s.KubeConfig {
  const cluster = admin.getCurrentCluster()!;
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'storefleet-api', token }],
    contexts: [{ name: 'storefleet-api', cluster: cluster.name, user: 'storefleet-api' }],
    currentContext: 'storefleet-api',
  });
  return kc;
}

beforeAll(async () => {
  preparePlatform();
  await adminCore.createNamespace({ body: { metadata: { name: foreign } } });
  await adminCore.createNamespacedSecret({ namespace: foreign, body: { metadata: { name: 'team-secret' }, stringData: { password: 'not-for-storefleet' } } });
  const kc = apiKubeConfig(kubectl('-n', SYSTEM, 'create', 'token', 'storefleet-api', '--duration=1h').trim());
  asApi = { core: kc.makeApiClient(k8s.CoreV1Api), rbac: kc.makeApiClient(k8s.RbacAuthorizationV1Api), apps: kc.makeApiClient(k8s.AppsV1Api) };
  writeFileSync(kubeconfigFile, kc.exportConfig(), { mode: 0o600 });
  api = await startApi({ KUBECONFIG: kubeconfigFile });
  // The install runs while the denials below are checked.
  const created = await client(api, TOKENS.alice).create({ name: store });
  expect(created.status, api.output()).toBe(202);
}, 600_000);

afterAll(async () => {
  if (api) {
    await client(api, TOKENS.alice).remove(store);
    await waitForGone(client(api, TOKENS.alice), store).catch(() => undefined);
    await api.kill();
  }
  await deleteNamespaces(admin, foreign, storeNs);
  rmSync(kubeconfigFile, { force: true });
}, 300_000);

/** `kubectl auth can-i --list` rows: "resource [names] [verbs]", one per rule, non-resource URLs left out. */
function canIList(namespace: string): string[] {
  return kubectl('auth', 'can-i', '--list', `--as=${API_USER}`, '-n', namespace).trim().split('\n').slice(1)
    .map((line) => line.trim().split(/\s{2,}/))
    .filter((cells) => !cells[0]!.startsWith('['))
    .map(([resource, , names, verbs]) => `${resource} ${names} ${verbs}`);
}

const EVERYWHERE = [
  'clusterroles.rbac.authorization.k8s.io [storefleet-api-store-reader] [bind]',
  'clusterroles.rbac.authorization.k8s.io [storefleet-api-store-writer] [bind]',
  'clusterroles.rbac.authorization.k8s.io [storefleet-provisioner] [bind]',
  'namespaces [] [create get list watch update delete]',
  'nodes [] [get list watch]',
  'rolebindings.rbac.authorization.k8s.io [] [create]',
  'selfsubjectaccessreviews.authorization.k8s.io [] [create]',
  'selfsubjectreviews.authentication.k8s.io [] [create]',
  'selfsubjectrulesreviews.authorization.k8s.io [] [create]',
];

async function allowed(attributes: k8s.V1ResourceAttributes): Promise<boolean> {
  const review = await admin.makeApiClient(k8s.AuthorizationV1Api).createSubjectAccessReview({
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: API_USER, groups: ['system:serviceaccounts', `system:serviceaccounts:${SYSTEM}`, 'system:authenticated'], resourceAttributes: attributes } },
  });
  return review.status!.allowed;
}

/** The status a call made with the API's own token is answered with (and the message). */
async function refusal(call: () => Promise<unknown>): Promise<{ status: number | undefined; message: string }> {
  try {
    await call();
    return { status: 200, message: '' };
  } catch (error) {
    return { status: statusCode(error), message: String((error as { body?: string }).body ?? error) };
  }
}

describe('the storefleet-api ServiceAccount outside storefleet', () => {
  it.each(['kube-system', foreign])('kubectl auth can-i --list in %s: namespaces, RoleBinding create and bind only', (namespace) => {
    const rows = canIList(namespace);
    console.log(`auth can-i --list -n ${namespace} as storefleet-api: ${rows.length} resource rules\n  ${rows.join('\n  ')}`);
    expect(rows.sort()).toEqual(EVERYWHERE);
  });

  it('is refused reading or writing Secrets, ConfigMaps, Events, ServiceAccounts and workloads (SubjectAccessReview)', async () => {
    const reads = ['secrets', 'configmaps', 'pods', 'events', 'serviceaccounts', 'persistentvolumeclaims', 'rolebindings'].flatMap((resource) =>
      ['get', 'list', 'watch'].map((verb) => ({ resource, verb })));
    const writes = ['secrets', 'configmaps', 'events', 'serviceaccounts', 'resourcequotas', 'networkpolicies'].flatMap((resource) =>
      ['create', 'update', 'delete'].map((verb) => ({ resource, verb, group: resource === 'networkpolicies' ? 'networking.k8s.io' : '' })));
    const asked = [...reads, ...writes, { resource: 'deployments', verb: 'list', group: 'apps' }]
      .flatMap((attributes) => ['kube-system', foreign, ''].map((namespace) => ({ ...attributes, namespace })));
    const answers = await Promise.all(asked.map(async (attributes) => ({ ...attributes, allowed: await allowed(attributes) })));
    console.log(`SubjectAccessReview: ${answers.filter((a) => !a.allowed).length} of ${answers.length} asked refused (kube-system, ${foreign}, all namespaces)`);
    expect(answers.filter((a) => a.allowed)).toEqual([]);
    // Secrets only in the store namespace it made, not even in its own.
    expect(await allowed({ namespace: SYSTEM, resource: 'secrets', verb: 'get' })).toBe(false);
  });

  it('is refused the same with its own token, and may not bind its roles outside a store namespace', async () => {
    const { core, rbac, apps } = asApi;
    const refused = await Promise.all([
      refusal(() => core.readNamespacedSecret({ namespace: foreign, name: 'team-secret' })),
      refusal(() => core.listNamespacedSecret({ namespace: 'kube-system' })),
      refusal(() => core.listSecretForAllNamespaces()),
      refusal(() => core.listNamespacedConfigMap({ namespace: 'kube-system' })),
      refusal(() => core.listNamespacedPod({ namespace: foreign })),
      refusal(() => apps.listNamespacedDeployment({ namespace: 'kube-system' })),
      refusal(() => core.createNamespacedSecret({ namespace: foreign, body: { metadata: { name: 'planted' } } })),
      refusal(() => core.createNamespacedServiceAccount({ namespace: 'kube-system', body: { metadata: { name: 'planted' } } })),
      refusal(() => core.createNamespacedEvent({ namespace: foreign, body: { metadata: { name: 'planted' }, involvedObject: { kind: 'Namespace', name: foreign } } })),
    ]);
    expect(refused.map((r) => r.status)).toEqual(refused.map(() => 403));
    // RBAC lets it create RoleBindings anywhere; the admission policy keeps them to store namespaces.
    const binding = (role: string): k8s.V1RoleBinding => ({
      metadata: { name: 'borrowed' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: 'storefleet-api', namespace: SYSTEM }],
    });
    for (const namespace of ['kube-system', foreign, SYSTEM]) {
      const denied = await refusal(() => rbac.createNamespacedRoleBinding({ namespace, body: binding('storefleet-api-store-writer') }));
      expect(denied.status, namespace).toBe(403);
      expect(denied.message).toContain(`storefleet-api may only change namespaces labelled app.kubernetes.io/managed-by=storefleet, not \\"${namespace}\\"`);
    }
    const untouched = await adminCore.listNamespacedSecret({ namespace: foreign });
    expect(untouched.items.map((s) => s.metadata!.name)).toEqual(['team-secret']);
  });
});

/** What Kubernetes refused the API process, from its log: "cannot <verb> resource <r> … in the namespace <ns>". */
function refusals(): string[] {
  return api.output().split('\n').filter((line) => /forbidden/i.test(line)).map((line) => {
    const plain = line.replace(/\\+"/g, '"');
    return /cannot \w+ resource "[^"]+"( in API group "[^"]*")?( in the namespace "[^"]+")?/.exec(plain)?.[0] ?? plain.slice(0, 300);
  });
}

describe('a store made by the API running as that ServiceAccount', () => {
  it('becomes Ready, with the API\'s rights in its namespace coming from RoleBindings made there', async () => {
    const alice = client(api, TOKENS.alice);
    await waitForPhase(alice, store, 'Ready');
    const bindings = await admin.makeApiClient(k8s.RbacAuthorizationV1Api).listNamespacedRoleBinding({ namespace: storeNs });
    expect(bindings.items.map((b) => `${b.roleRef.name}→${b.subjects!.map((s) => `${s.namespace}/${s.name}`).join(',')}`).sort()).toEqual([
      `storefleet-api-store-reader→${SYSTEM}/storefleet-api`,
      `storefleet-api-store-writer→${SYSTEM}/storefleet-api`,
      `storefleet-provisioner→${SYSTEM}/provisioner-${store}`,
    ]);
    expect(await allowed({ namespace: storeNs, resource: 'secrets', verb: 'get' })).toBe(true);
    // Even there it can bind only its own roles (RBAC's escalation check, past the admission policy).
    const escalation = await refusal(() => asApi.rbac.createNamespacedRoleBinding({ namespace: storeNs, body: {
      metadata: { name: 'borrowed' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'storefleet-api', namespace: SYSTEM }],
    } }));
    expect(escalation.status).toBe(403);
    expect(escalation.message).toContain('is attempting to grant RBAC permissions not currently held');
    // What the API does inside the store namespace works through those bindings: the one-time
    // password reveal (Secret get + update), the release history (Secret list), Events.
    const reveal = await alice.call('POST', `/api/v1/stores/${store}/admin-credentials`);
    expect(reveal.status).toBe(200);
    expect(reveal.body.password.length).toBeGreaterThanOrEqual(16);
    expect((await alice.call('GET', `/api/v1/stores/${store}/revisions`)).status).toBe(200);
    const events = await adminCore.listNamespacedEvent({ namespace: storeNs });
    expect(events.items.map((e) => e.reason)).toContain('InstallStarted');
    expect(refusals()).toEqual([]);
  });

  it('runs WordPress with only the database password and its salts, MariaDB without the admin password', () => {
    const files = (pod: string, container: string) => kubectl('-n', storeNs, 'exec', pod, '-c', container, '--', 'ls', '/run/secrets/store').trim().split(/\s+/).sort();
    const wordpressPod = kubectl('-n', storeNs, 'get', 'pods', '-l', 'app.kubernetes.io/component=wordpress', '-o', 'jsonpath={.items[0].metadata.name}');
    const wordpress = files(wordpressPod, 'wordpress');
    expect(wordpress).toContain('mariadb-password');
    expect(wordpress).toHaveLength(9);
    expect(wordpress.filter((key) => !key.startsWith('wordpress-') || key === 'wordpress-admin-password')).toEqual(['mariadb-password']);
    expect(files(`${store}-mariadb-0`, 'mariadb')).toEqual(['mariadb-password', 'mariadb-root-password']);
  });

  it('is deleted and gone, the uninstall too carried out with the ServiceAccount alone', async () => {
    const alice = client(api, TOKENS.alice);
    expect((await alice.remove(store)).status).toBe(202);
    await waitForGone(alice, store);
    expect(refusals()).toEqual([]);
  });
});
