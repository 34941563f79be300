// The API installed in the cluster as an operator does it, `kubectl apply -k` of an overlay,
// with test configuration layered on top (the stand-in store images, test image tags, a
// tokens Secret): configuration only. Used by the install suite and the in-pod benchmarks.
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';
import { hashToken } from '../api/src/http/auth.ts';
import { STORE_TEST_VALUES } from './api-process.ts';
import { kubectl } from './platform.ts';
import { kubectlBinary, repoRoot } from './harness.ts';
import { networkEnv } from './network.ts';
import { portForward } from './port-forward.ts';
import { SYSTEM } from './kube.ts';

export const API_IMAGE = 'storefleet.local/api:test';

export interface InstalledApiOptions {
  /** Under test-results/: where the overlay is written. */
  name: string;
  /** A tenant token for alice. */
  token: string;
  /** More settings for the API's ConfigMap. */
  settings?: Record<string, string>;
}

export interface InstalledApi {
  /** `kubectl port-forward` to `target`'s `port` (e.g. `service/storefleet-api`, 80) from a free loopback port; resolves to its URL. */
  portForward(target: string, port: number): Promise<string>;
  /** Removes the API workload; the base (namespace, RBAC, policy) stays for the other suites. */
  remove(): Promise<void>;
}

/** Builds and imports the API image, then applies k8s/overlays/local with the test configuration. */
export async function installApi(options: InstalledApiOptions): Promise<InstalledApi> {
  execFileSync('bash', [path.join(repoRoot, 'scripts/build-api-image.sh'), API_IMAGE], {
    env: { ...process.env, STOREFLEET_IMPORT: '1' }, stdio: ['ignore', 'inherit', 'inherit'],
  });
  const overlayDir = path.join(repoRoot, 'test-results', options.name);
  const settings = {
    STOREFLEET_PROVISIONER_IMAGE: 'storefleet.local/provisioner:test',
    STOREFLEET_PLATFORM_VALUES: JSON.stringify(STORE_TEST_VALUES),
    STOREFLEET_HELM_TIMEOUT_SECONDS: '120',
    ...networkEnv(inject('clusterKind')),
    ...options.settings,
  };
  const tokens = JSON.stringify([{ sha256: hashToken(options.token), tenant: 'alice', role: 'tenant' }]);
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
    `    namespace: ${SYSTEM}`,
    '    behavior: merge',
    '    literals:',
    ...Object.entries(settings).map(([key, value]) => `      - '${key}=${value.replaceAll("'", "''")}'`),
    'secretGenerator:',
    '  - name: storefleet-api-tokens',
    `    namespace: ${SYSTEM}`,
    '    files: [tokens.json]',
    '    options: { disableNameSuffixHash: true }',
    // A new pod template each run: the image tag is always :test, and pods left by an earlier
    // run would otherwise be kept, measuring old code and old memory.
    'patches:',
    '  - target: { kind: Deployment, name: storefleet-api }',
    `    patch: '[{"op":"add","path":"/spec/template/metadata/annotations/storefleet.io~1test-run","value":"${randomUUID()}"}]'`,
    '',
  ].join('\n'));
  kubectl('apply', '-k', overlayDir);

  const forwards: ChildProcess[] = [];
  return {
    portForward(target, port) {
      const forward = portForward(kubectlBinary(), { ...process.env, KUBECONFIG: inject('kubeconfig') }, SYSTEM, target, port);
      forwards.push(forward.child);
      return forward.url;
    },
    async remove() {
      for (const child of forwards) child.kill();
      kubectl('-n', SYSTEM, 'delete', 'deployment,service,poddisruptionbudget,ingress,configmap,secret', '-l', 'app.kubernetes.io/name=storefleet-api', '--ignore-not-found', '--wait=false');
      await rm(overlayDir, { recursive: true, force: true });
    },
  };
}
