// `kubectl apply -k k8s/overlays/local` on the real cluster: the API comes up in-cluster with
// two ready replicas and provisions and deletes a store using only its ServiceAccount.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { kubectl, preparePlatform } from '../../test-support/platform.ts';
import { repoRoot, uniqueName, waitFor } from '../../test-support/harness.ts';
import { type InstalledApi, installApi } from '../../test-support/installed-api.ts';
import { SYSTEM } from '../../test-support/kube.ts';
import { fetchMetrics, metricSample } from '../../test-support/metrics.ts';

const TOKEN = 'token-installed-alice';
let installed: InstalledApi;
const portForward = (target: string, port: number) => installed.portForward(target, port);

beforeAll(async () => {
  preparePlatform();
  installed = await installApi({ name: 'install-overlay', token: TOKEN });
}, 900_000);

afterAll(() => installed?.remove(), 120_000);

describe('the platform installed with kubectl apply -k k8s/overlays/local', () => {
  it('runs two ready API replicas that provision and delete a store with their own ServiceAccount', async () => {
    kubectl('-n', SYSTEM, 'rollout', 'status', 'deployment/storefleet-api', '--timeout=240s');
    const deployment = JSON.parse(kubectl('-n', SYSTEM, 'get', 'deployment', 'storefleet-api', '-o', 'json'));
    expect(deployment.status.readyReplicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe('storefleet-api');
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    // No kubeconfig anywhere in the pod: the API can only be what its ServiceAccount allows.
    expect(JSON.stringify(pod)).not.toMatch(/kubeconfig/i);
    const pdb = JSON.parse(kubectl('-n', SYSTEM, 'get', 'poddisruptionbudget', 'storefleet-api', '-o', 'json'));
    expect(pdb.status.disruptionsAllowed).toBe(1);
    // The Ingress publishes the dashboard, its bundle and the REST API; /metrics and the
    // probes are reachable only inside the cluster.
    const ingress = JSON.parse(kubectl('-n', SYSTEM, 'get', 'ingress', 'storefleet-api', '-o', 'json'));
    const routes = (ingress.spec.rules[0].http.paths as Array<{ path: string; pathType: string }>).map((p) => `${p.pathType} ${p.path}`);
    expect(routes).toEqual(['Exact /', 'Prefix /ui', 'Prefix /api']);

    const url = await portForward('service/storefleet-api', 80);
    const alice = client({ url }, TOKEN);
    const name = uniqueName('incluster');
    const created = await alice.create({ name });
    expect(created.status).toBe(202);
    await waitForPhase(alice, name, 'Ready');
    // The namespace was created by the in-cluster API: the admission policy only lets the
    // storefleet-api ServiceAccount label namespaces as storefleet's, and the API logged so.
    const namespace = JSON.parse(kubectl('get', 'namespace', `store-${name}`, '-o', 'json'));
    expect(namespace.metadata.labels['app.kubernetes.io/managed-by']).toBe('storefleet');

    // Each replica reports metrics; together they have this install in the histogram.
    const pods = JSON.parse(kubectl('-n', SYSTEM, 'get', 'pods', '-l', 'app.kubernetes.io/name=storefleet-api', '-o', 'json')).items as Array<{ metadata: { name: string } }>;
    expect(pods).toHaveLength(2);
    const installs = await waitFor('the install in /metrics', async () => {
      let count = 0;
      for (const p of pods) {
        const text = await fetchMetrics(await portForward(`pod/${p.metadata.name}`, 8080));
        count += metricSample(text, 'storefleet_operation_duration_seconds_count{operation="install",outcome="succeeded"}') ?? 0;
      }
      return count >= 1 ? count : undefined;
    }, 30_000, 1000);
    expect(installs).toBeGreaterThanOrEqual(1);
    const logs = kubectl('-n', SYSTEM, 'logs', '-l', 'app.kubernetes.io/name=storefleet-api', '--tail=-1', '--prefix');
    expect(logs).toMatch(/"cluster":"https:\/\/10\.[0-9.]+:443"/); // in-cluster config: the kubernetes Service
    expect(logs).toContain(`"msg":"audit"`);

    expect((await alice.remove(name)).status).toBe(202);
    await waitForGone(alice, name);
    await waitFor('the store namespace to be gone', async () =>
      (kubectl('get', 'namespace', `store-${name}`, '--ignore-not-found', '-o', 'name').trim() === '' ? true : undefined), 180_000, 1000);
  });

  it('admits the prod overlay as it is (server-side dry run: schemas, Pod Security, admission policy)', () => {
    const output = kubectl('apply', '-k', path.join(repoRoot, 'k8s/overlays/prod'), '--dry-run=server', '-o', 'name');
    const objects = output.trim().split('\n');
    expect(objects).toEqual(expect.arrayContaining([
      'deployment.apps/storefleet-api', 'deployment.apps/storefleet-redis', 'service/storefleet-redis',
      'poddisruptionbudget.policy/storefleet-api', 'ingress.networking.k8s.io/storefleet-api',
      'horizontalpodautoscaler.autoscaling/storefleet-api',
    ]));
  });
});
