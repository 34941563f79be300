// The test cluster itself: the API server enforces quota, the Job controller and kubelet run
// a pod that talks to the API under RBAC, and the namespace controller finalizes deletion.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isFinished } from '../../api/src/store/state.ts';
import { statusCode } from '../../test-support/kube.ts';
import { buildImage, deleteNamespaces, kubeConfig, repoRoot, uniqueName, waitFor } from '../../test-support/harness.ts';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const batch = kc.makeApiClient(k8s.BatchV1Api);
const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
const created: string[] = [];

async function createNamespace(prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await core.createNamespace({
    body: {
      metadata: {
        name,
        labels: { 'storefleet.io/test': 'cluster', 'pod-security.kubernetes.io/enforce': 'restricted' },
      },
    },
  });
  created.push(name);
  return name;
}

afterAll(() => deleteNamespaces(kc, ...created));

describe('the test cluster', () => {
  it('reports a real, stamped Kubernetes version', async () => {
    const version = await kc.makeApiClient(k8s.VersionApi).getCode();
    // Helm's kubeVersion checks need a semver, not the unstamped v0.0.0-master.
    expect(version.gitVersion).toMatch(/^v1\.3\d\.\d+/);
    expect(version.major).toBe('1');
  });

  it('rejects an object over the namespace ResourceQuota', async () => {
    const namespace = await createNamespace('quota');
    await core.createNamespacedResourceQuota({
      namespace,
      body: { metadata: { name: 'services' }, spec: { hard: { services: '1' } } },
    });
    // Admission only enforces a quota once the quota controller has computed its usage.
    await waitFor('quota status', async () => {
      const quota = await core.readNamespacedResourceQuota({ namespace, name: 'services' });
      return quota.status?.used?.services !== undefined ? quota : undefined;
    });
    const service = (name: string): k8s.V1Service => ({
      metadata: { name },
      spec: { ports: [{ port: 80 }], selector: { app: name } },
    });
    await core.createNamespacedService({ namespace, body: service('first') });

    const rejection = await core
      .createNamespacedService({ namespace, body: service('second') })
      .then(() => undefined, (error: unknown) => error);
    expect(statusCode(rejection)).toBe(403);
    expect(String((rejection as k8s.ApiException<string>).body)).toMatch(/exceeded quota: services/);
    const services = await core.listNamespacedService({ namespace });
    expect(services.items.map((s) => s.metadata?.name)).toEqual(['first']);
  });

  describe('a Job running Helm 4 with its ServiceAccount', () => {
    const image = 'storefleet.local/helm-tools:test';
    let jobNamespace: string;
    let allowed: string;
    let denied: string;

    beforeAll(async () => {
      buildImage(image, path.join(repoRoot, 'cluster/images/helm-tools/Dockerfile'), inject('toolsDir'));
      [jobNamespace, allowed, denied] = await Promise.all(
        ['helm-jobs', 'helm-allowed', 'helm-denied'].map(createNamespace),
      ) as [string, string, string];
      await core.createNamespacedServiceAccount({ namespace: jobNamespace, body: { metadata: { name: 'helm-runner' } } });
      // Helm keeps releases in Secrets: listing them is what `helm list` needs.
      await rbac.createNamespacedRole({
        namespace: allowed,
        body: {
          metadata: { name: 'read-releases' },
          rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
        },
      });
      await rbac.createNamespacedRoleBinding({
        namespace: allowed,
        body: {
          metadata: { name: 'helm-runner-reads-releases' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-releases' },
          subjects: [{ kind: 'ServiceAccount', name: 'helm-runner', namespace: jobNamespace }],
        },
      });
    });

    it('completes, lists releases where allowed and is Forbidden elsewhere', async () => {
      const script = [
        'set -u',
        'helm version',
        `helm list -n ${allowed} && echo "LIST-ALLOWED-OK"`,
        `if helm list -n ${denied} 2>/tmp/denied; then echo "LIST-DENIED-UNEXPECTEDLY-OK"; exit 1; fi`,
        'cat /tmp/denied',
      ].join('\n');
      await batch.createNamespacedJob({
        namespace: jobNamespace,
        body: {
          metadata: { name: 'helm-probe' },
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: 180,
            template: {
              spec: {
                serviceAccountName: 'helm-runner',
                restartPolicy: 'Never',
                securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [
                  {
                    name: 'helm',
                    image,
                    imagePullPolicy: 'IfNotPresent',
                    command: ['/bin/sh', '-c', script],
                    env: [{ name: 'HOME', value: '/tmp' }],
                    securityContext: {
                      allowPrivilegeEscalation: false,
                      readOnlyRootFilesystem: true,
                      capabilities: { drop: ['ALL'] },
                    },
                    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                  },
                ],
                volumes: [{ name: 'tmp', emptyDir: {} }],
              },
            },
          },
        },
      });

      const job = await waitFor('the helm Job to finish', async () => {
        const current = await batch.readNamespacedJob({ namespace: jobNamespace, name: 'helm-probe' });
        // By its final condition: a Job its deadline failed before a pod was counted has no failed pod.
        return isFinished(current) ? current : undefined;
      }, 240_000);

      const pods = await core.listNamespacedPod({ namespace: jobNamespace, labelSelector: 'job-name=helm-probe' });
      const podName = pods.items[0]?.metadata?.name;
      expect(podName).toBeDefined();
      const log = await core.readNamespacedPodLog({ namespace: jobNamespace, name: podName! });

      expect(log).toMatch(/v4\.\d+\.\d+/);
      expect(log).toContain('LIST-ALLOWED-OK');
      expect(log).toMatch(new RegExp(`secrets is forbidden: User "system:serviceaccount:${jobNamespace}:helm-runner" cannot list resource "secrets" in API group "" in the namespace "${denied}"`));
      expect(job.status?.succeeded).toBe(1);
    });
  });

  it('deletes a namespace and everything in it', async () => {
    const namespace = await createNamespace('doomed');
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'inside' }, data: { a: 'b' } } });
    await core.deleteNamespace({ name: namespace });

    await waitFor('the namespace to disappear', async () => {
      try {
        await core.readNamespace({ name: namespace });
        return undefined;
      } catch (error) {
        return statusCode(error) === 404 ? true : undefined;
      }
    }, 120_000);
    const gone = await core.readNamespacedConfigMap({ namespace, name: 'inside' }).catch((e: unknown) => e);
    expect(statusCode(gone)).toBe(404);
  });

  // `npm run cluster:up` while the cluster runs, or from two test runs at once, must reuse it:
  // a start lock left held by a running component would make every later start hang.
  it.runIf(inject('clusterKind') === 'local')('starts again, twice at once, by reusing the running cluster', async () => {
    const up = () => promisify(execFile)('bash', [path.join(repoRoot, 'cluster/up.sh')], { timeout: 120_000 });
    const starts = await Promise.all([up(), up()]);
    for (const { stdout } of starts) expect(stdout.trim()).toBe(inject('kubeconfig'));
    await expect(kc.makeApiClient(k8s.VersionApi).getCode()).resolves.toBeDefined();
  });
});
