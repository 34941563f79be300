// `kubectl apply -k k8s/overlays/local` on the real cluster: the API comes up in-cluster with
// two ready replicas and provisions and deletes a store using only its ServiceAccount.
// The overlay is applied as it is, with test configuration layered on top (the stand-in store
// images and test image tags): configuration only, as an operator would.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashToken } from '../../api/src/http/auth.ts';
import { client, STORE_TEST_VALUES, waitForGone, waitForPhase } from '../../api/test/api-process.ts';
import { kubectl, preparePlatform } from '../../api/test/platform.ts';
import { kubectlBinary, repoRoot, uniqueName, waitFor } from '../../cluster/test/harness.ts';
import { networkEnv } from '../../cluster/test/network.ts';

const SYSTEM = 'storefleet-system';
const TOKEN = 'token-installed-alice';
const API_IMAGE = 'storefleet.local/api:test';
const overlayDir = path.join(repoRoot, 'test-results/install-overlay');
const forwards: ChildProcess[] = [];

/** `kubectl port-forward` to `target`'s `port` from a free loopback port; resolves to its URL. */
function portForward(target: string, port: number): Promise<string> {
  const child = spawn(kubectlBinary(), ['-n', SYSTEM, 'port-forward', target, `:${port}`], {
    env: { ...process.env, KUBECONFIG: inject('kubeconfig') }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  forwards.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(chunk.toString())?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
    child.once('exit', (code) => reject(new Error(`port-forward to ${target} exited with ${code}`)));
  });
}

beforeAll(async () => {
  preparePlatform();
  execFileSync('bash', [path.join(repoRoot, 'scripts/build-api-image.sh'), API_IMAGE], {
    env: { ...process.env, STOREFLEET_IMPORT: '1' }, stdio: ['ignore', 'inherit', 'inherit'],
  });
  const tokens = JSON.stringify([{ sha256: hashToken(TOKEN), tenant: 'alice', role: 'tenant' }]);
  await mkdir(overlayDir, { recursive: true });
  await writeFile(path.join(overlayDir, 'tokens.json'), tokens);
  await writeFile(path.join(overlayDir, 'kustomization.yaml'), [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources: [../../k8s/overlays/local]',
    'images: [{ name: storefleet.local/api, newTag: test }]',
    'generatorOptions: { labels: { app.kubernetes.io/name: storefleet-api } }',
    'configMapGenerator:',
    '  - name: storefleet-api',
    '    namespace: storefleet-system',
    '    behavior: merge',
    '    literals:',
    '      - STOREFLEET_PROVISIONER_IMAGE=storefleet.local/provisioner:test',
    `      - 'STOREFLEET_PLATFORM_VALUES=${JSON.stringify(STORE_TEST_VALUES)}'`,
    '      - STOREFLEET_HELM_TIMEOUT_SECONDS=120',
    ...Object.entries(networkEnv(inject('clusterKind'))).map(([key, value]) => `      - ${key}=${value}`),
    'secretGenerator:',
    '  - name: storefleet-api-tokens',
    '    namespace: storefleet-system',
    '    files: [tokens.json]',
    '    options: { disableNameSuffixHash: true }',
    '',
  ].join('\n'));
  kubectl('apply', '-k', overlayDir);
}, 900_000);

afterAll(async () => {
  for (const child of forwards) child.kill();
  // The API workload goes; the base (namespace, RBAC, policy) stays for the other suites.
  kubectl('-n', SYSTEM, 'delete', 'deployment,service,poddisruptionbudget,ingress,configmap,secret', '-l', 'app.kubernetes.io/name=storefleet-api', '--ignore-not-found', '--wait=false');
  await rm(overlayDir, { recursive: true, force: true });
}, 120_000);

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
        const text = await (await fetch(`${await portForward(`pod/${p.metadata.name}`, 8080)}/metrics`)).text();
        count += Number(/^storefleet_operation_duration_seconds_count\{operation="install",outcome="succeeded"\} (\d+)/m.exec(text)?.[1] ?? 0);
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
