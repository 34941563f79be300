// What the API's cluster suites need installed: the platform's base manifests and the
// images (provisioner from Dockerfile.provisioner itself, and the store's WordPress and MariaDB).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import { buildImage, kubectlBinary, repoRoot } from './harness.ts';
import { buildStoreImages } from '../cluster/test/store-images.ts';

let prepared = false;

export function preparePlatform() {
  if (prepared) return;
  execFileSync(kubectlBinary(), ['apply', '-k', path.join(repoRoot, 'k8s/base')], {
    env: { ...process.env, KUBECONFIG: inject('kubeconfig') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  buildImage('storefleet.local/helm-tools:test', path.join(repoRoot, 'cluster/images/helm-tools/Dockerfile'), inject('toolsDir'));
  buildImage('storefleet.local/provisioner:test', path.join(repoRoot, 'Dockerfile.provisioner'), repoRoot, {
    BASE_IMAGE: 'storefleet.local/base:1',
    HELM_IMAGE: 'storefleet.local/helm-tools:test',
  });
  buildStoreImages({ k3sContainerId: inject('k3sContainerId') || undefined });
  prepared = true;
}

export function kubectl(...args: string[]): string {
  return execFileSync(kubectlBinary(), args, { encoding: 'utf8', env: { ...process.env, KUBECONFIG: inject('kubeconfig') } });
}
