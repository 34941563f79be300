// NetworkPolicy on the real cluster: a store's pods reach their own database and the cluster
// DNS, and nothing else inside the cluster: not another store's database (on its port, on
// HTTPS, or on DNS), not the platform's Redis or API. The same probes succeed once the
// policies are gone, so the denials come from the policy engine (cluster/up.sh runs
// kube-network-policies), not from a network that never worked. The store policies are the
// API's own builder output and the platform's are the k8s/ manifests; the pods are busybox
// stand-ins (httpd answers on each port with the pod's /etc/hostname).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildNetworkPolicies } from '../../api/src/provisioning/guardrails.ts';
import { loadConfig } from '../../api/src/config.ts';
import { deleteNamespaces, kubeConfig, kubectlBinary, repoRoot, uniqueName, waitFor } from '../../test-support/harness.ts';
import { networkEnv } from '../../test-support/network.ts';

const run = promisify(execFile);
const id = uniqueName('np');
const ns = { a: `store-${id}-a`, b: `store-${id}-b`, platform: `${id}-platform` };
const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const networking = kc.makeApiClient(k8s.NetworkingV1Api);

const storeLabels = (component: string) => ({ 'app.kubernetes.io/name': 'woocommerce-store', 'app.kubernetes.io/component': component });

/**
 * A restricted busybox pod serving its hostname on each port (ports under 1024 need the
 * sysctl); `names` names ports as the real workloads do, for policies that use port names.
 */
function standIn(name: string, labels: Record<string, string>, ports: number[], names: Record<number, string> = {}): k8s.V1Pod {
  const serve = ports.map((port) => `httpd -p ${port} -h /etc`).join(' && ');
  return {
    metadata: { name, labels },
    spec: {
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      securityContext: {
        runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' },
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
      },
      containers: [{
        name: 'main', image: 'storefleet.local/base:1', imagePullPolicy: 'IfNotPresent',
        command: ['sh', '-c', `${serve} && exec sleep 3600`],
        ports: ports.map((containerPort) => ({ containerPort, ...(names[containerPort] ? { name: names[containerPort] } : {}) })),
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
}

const pods = [
  { namespace: ns.a, pod: standIn('db', storeLabels('mariadb'), [3306]) },
  { namespace: ns.a, pod: standIn('web', { ...storeLabels('wordpress'), 'storefleet.io/db-client': 'true' }, [8080]) },
  { namespace: ns.b, pod: standIn('db', storeLabels('mariadb'), [3306, 443, 53]) },
  { namespace: ns.b, pod: standIn('web', storeLabels('wordpress'), [8080]) },
  { namespace: ns.platform, pod: standIn('redis', { 'app.kubernetes.io/name': 'storefleet-redis' }, [6379], { 6379: 'redis' }) },
  { namespace: ns.platform, pod: standIn('api', { 'app.kubernetes.io/name': 'storefleet-api' }, [8080], { 8080: 'http' }) },
];

/** The platform's policies from k8s/, moved to this test's namespace so the real storefleet-system is left alone. */
function platformPolicies(): k8s.V1NetworkPolicy[] {
  return ['k8s/base/network-policy.yaml', 'k8s/api/network-policy.yaml', 'k8s/redis/network-policy.yaml']
    .flatMap((file) => k8s.loadAllYaml(readFileSync(path.join(repoRoot, file), 'utf8')) as k8s.V1NetworkPolicy[])
    .map((policy) => ({ ...policy, metadata: { ...policy.metadata, namespace: ns.platform } }));
}

const ips = new Map<string, string>();
const ipOf = (namespace: string, name: string) => ips.get(`${namespace}/${name}`)!;

/**
 * Whether `from` gets an HTTP answer from the pod's port, with that pod's hostname in it. A
 * dropped connection makes busybox nc give up after 3 s with nothing read (its wget crashes
 * in these pods, so plain nc it is).
 */
async function connects(from: [string, string], to: [string, string], port: number): Promise<boolean> {
  const request = `printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ipOf(...to)} ${port}`;
  try {
    const { stdout } = await run(kubectlBinary(), ['-n', from[0], 'exec', from[1], '--', 'sh', '-c', request], {
      env: { ...process.env, KUBECONFIG: inject('kubeconfig') }, timeout: 20_000,
    });
    return stdout.trim().split('\n').at(-1) === to[1];
  } catch (error) {
    if ((error as { stderr?: string }).stderr?.includes('nc: ')) return false; // refused
    throw error;
  }
}

/** Polls until the connection succeeds (the engine applies a policy change within moments, not at once). */
const eventuallyConnects = (from: [string, string], to: [string, string], port: number) =>
  waitFor(`${from.join('/')} to reach ${to.join('/')}:${port}`, async () => ((await connects(from, to, port)) ? true : undefined), 30_000, 1000);

const web: [string, string] = [ns.a, 'web'];
const ownDb: [string, string] = [ns.a, 'db'];
const otherDb: [string, string] = [ns.b, 'db'];
const otherWeb: [string, string] = [ns.b, 'web'];

/**
 * Whether the ingress controller gets the WordPress pod's answer. On the bundled cluster it
 * is Traefik, a process on the node, as k3s runs it on the node's network: it reaches pods
 * from the node, as a probe from this host does.
 */
async function ingressReaches(to: [string, string]): Promise<boolean> {
  const answer = await fetch(`http://${ipOf(...to)}:8080/hostname`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text(), () => '');
  return answer.trim() === to[1];
}
const redis: [string, string] = [ns.platform, 'redis'];
const api: [string, string] = [ns.platform, 'api'];

beforeAll(async () => {
  const settings = loadConfig(networkEnv(inject('clusterKind'))).operations;
  const restricted = { 'pod-security.kubernetes.io/enforce': 'restricted' };
  await Promise.all(Object.values(ns).map((name) => core.createNamespace({ body: { metadata: { name, labels: restricted } } })));
  // Policies first, so no probe ever runs before they hold.
  await Promise.all([
    ...[ns.a, ns.b].flatMap((namespace) => buildNetworkPolicies(settings).map((body) => networking.createNamespacedNetworkPolicy({ namespace, body }))),
    ...platformPolicies().map((body) => networking.createNamespacedNetworkPolicy({ namespace: ns.platform, body })),
  ]);
  await Promise.all(pods.map(({ namespace, pod }) => core.createNamespacedPod({ namespace, body: pod })));
  await Promise.all(pods.map(({ namespace, pod }) => waitFor(`${namespace}/${pod.metadata!.name} to run`, async () => {
    const { status } = await core.readNamespacedPod({ namespace, name: pod.metadata!.name! });
    if (status?.phase !== 'Running' || !status.podIP) return undefined;
    ips.set(`${namespace}/${pod.metadata!.name}`, status.podIP);
    return true;
  }, 90_000, 500)));
}, 150_000);

afterAll(async () => {
  await deleteNamespaces(kc, ...Object.values(ns));
});

describe('store and platform NetworkPolicies, enforced', () => {
  it('let a store reach its own database and the cluster DNS, and nothing else in the cluster', async () => {
    await eventuallyConnects(web, ownDb, 3306);
    await run(kubectlBinary(), ['-n', ns.a, 'exec', 'web', '--', 'nslookup', 'kubernetes.default.svc.cluster.local'], {
      env: { ...process.env, KUBECONFIG: inject('kubeconfig') }, timeout: 20_000,
    });
    const denied = await Promise.all([
      connects(web, otherDb, 3306), // another store's database
      connects(web, otherDb, 443), // HTTPS is for outside the cluster only
      connects(web, otherDb, 53), // DNS is for the cluster DNS only
      connects(web, redis, 6379),
      connects(web, api, 8080), // the API's port, /metrics included
      connects(web, otherWeb, 8080), // another store's WordPress
    ]);
    expect(denied).toEqual([false, false, false, false, false, false]);
    // The API reaches its Redis.
    expect(await connects(api, redis, 6379)).toBe(true);
  });

  it('let the ingress controller, and no other store, into a store\'s WordPress', async () => {
    expect(await ingressReaches(otherWeb)).toBe(true);
    expect(await connects(web, otherWeb, 8080)).toBe(false);
    expect(await connects(otherDb, otherWeb, 8080)).toBe(false); // not even its own database pod: it is no WordPress client
  });

  it('deny by policy, not by a broken network: the same probes pass once the policies are gone', async () => {
    await Promise.all([ns.a, ns.b].map((namespace) => networking.deleteCollectionNamespacedNetworkPolicy({ namespace })));
    await Promise.all([
      eventuallyConnects(web, otherDb, 3306),
      eventuallyConnects(web, otherDb, 443),
      eventuallyConnects(web, otherDb, 53),
      eventuallyConnects(web, otherWeb, 8080),
    ]);
    // Redis's own policy still keeps out a pod that nothing restricts any more.
    expect(await connects(web, redis, 6379)).toBe(false);
    await networking.deleteCollectionNamespacedNetworkPolicy({ namespace: ns.platform });
    await eventuallyConnects(web, redis, 6379);
  });
});
