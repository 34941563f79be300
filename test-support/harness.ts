// What cluster suites share: a client for the chosen cluster, unique names, polling, and
// building images into a cluster that has no registry.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { inject } from 'vitest';

export const repoRoot = path.resolve(import.meta.dirname, '..');

export function kubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  return kc;
}

export const helmBinary = () => path.join(inject('toolsDir'), 'helm');
export const kubectlBinary = () => path.join(inject('toolsDir'), 'kubectl');

/** A DNS-label name no other test run uses, e.g. `quota-3f9a1c`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
}

/**
 * Builds an image from a Dockerfile and makes it available to the cluster's container
 * runtime without a registry (pods use imagePullPolicy IfNotPresent).
 */
export function buildImage(tag: string, dockerfile: string, context: string, buildArgs: Record<string, string> = {}) {
  const args = Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  const script = path.join(repoRoot, 'cluster/image.sh');
  const stdio: ['ignore', 'inherit', 'inherit'] = ['ignore', 'inherit', 'inherit'];
  if (inject('clusterKind') === 'k3s') {
    execFileSync('docker', ['build', '-q', '-t', tag, '-f', dockerfile, ...args, context], { stdio });
    execFileSync('sh', ['-c', `docker save "$0" | docker exec -i "$1" ctr -n k8s.io images import -`, tag, inject('k3sContainerId')], { stdio });
  } else {
    // On an existing cluster this imports into the local containerd, which is right for a
    // single-node laptop cluster whose node is this machine.
    execFileSync('bash', [script, 'build', tag, dockerfile, context, ...args], { stdio });
  }
}

/** Deletes namespaces and does not wait; a test's cleanup must not fail the test. */
export async function deleteNamespaces(kc: k8s.KubeConfig, ...names: string[]) {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await Promise.allSettled(names.map((name) => core.deleteNamespace({ name })));
}
