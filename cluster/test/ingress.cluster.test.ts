// The bundled cluster's ingress controller (Traefik, started by cluster/up.sh as on k3s): an
// Ingress of class "traefik" routes its host on 127.0.0.1:8081 to a pod behind a Service, its
// status shows the published address, and an unknown host gets Traefik's 404. Node's fetch
// neither resolves *.localhost nor lets a Host header be set, so requests go to 127.0.0.1
// with the Host header through node:http.
import { request } from 'node:http';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteNamespaces, kubeConfig, uniqueName, waitFor } from '../../test-support/harness.ts';

const INGRESS_PORT = Number(process.env.STOREFLEET_INGRESS_PORT ?? 8081);
const HOST = 'ingress-check.localhost';

/** GET / on the ingress port for `host`: the status and body. */
function get(host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: INGRESS_PORT, path: '/', headers: { host }, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from 127.0.0.1:${INGRESS_PORT} for ${host}`)));
    req.on('error', reject);
    req.end();
  });
}

// Only the bundled cluster runs Traefik on the host; k3s's is inside its container.
describe.runIf(inject('clusterKind') === 'local')('the ingress controller (Traefik)', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const networking = kc.makeApiClient(k8s.NetworkingV1Api);
  const namespace = uniqueName('ingress');
  const body = `hello from ${namespace}\n`;

  beforeAll(async () => {
    await core.createNamespace({
      body: { metadata: { name: namespace, labels: { 'storefleet.io/test': 'cluster', 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    });
    const labels = { app: 'web' };
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'www' }, data: { 'index.html': body } } });
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'web', labels },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 0,
          securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'httpd', image: 'storefleet.local/base:1', imagePullPolicy: 'IfNotPresent',
            command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 1 },
            volumeMounts: [{ name: 'www', mountPath: '/www', readOnly: true }],
            resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          }],
          volumes: [{ name: 'www', configMap: { name: 'www' } }],
        },
      },
    });
    await core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'web' }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    });
    await networking.createNamespacedIngress({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          ingressClassName: 'traefik',
          rules: [{
            host: HOST,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] },
          }],
        },
      },
    });
    // On a busy node the pod may take a while to start; the ingress is timed from its readiness.
    await waitFor('the web pod to be ready', async () => {
      const pod = await core.readNamespacedPod({ namespace, name: 'web' });
      return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
    });
  });

  afterAll(() => deleteNamespaces(kc, namespace));

  it('routes the Ingress host to the pod behind the Service', async () => {
    // Traefik sees the Ingress and the pod's EndpointSlice within moments of the pod being ready.
    const answer = await waitFor(`${HOST} through the ingress`, async () => {
      const response = await get(HOST);
      return response.status === 200 ? response : undefined;
    }, 30_000, 500);
    expect(answer.body).toBe(body);
  });

  it('publishes 127.0.0.1 as the Ingress address', async () => {
    const addresses = await waitFor('the Ingress status', async () => {
      const ingress = await networking.readNamespacedIngress({ namespace, name: 'web' });
      const ips = ingress.status?.loadBalancer?.ingress?.map((i) => i.ip);
      return ips?.length ? ips : undefined;
    }, 30_000);
    expect(addresses).toEqual(['127.0.0.1']);
  });

  it('answers 404 for a host no Ingress names', async () => {
    const answer = await get(`${uniqueName('nobody')}.localhost`);
    expect(answer.status).toBe(404);
  });
});
