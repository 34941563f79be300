// Vitest global setup for the `cluster` project: picks the cluster (see target.ts), starts
// it when needed, and hands its kubeconfig and the helm/kubectl paths to the test files.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { killLeftoverApis, removeLeftoverStores } from './clean-slate.ts';
import { chooseClusterKind, K3S_IMAGE, type ClusterKind } from './target.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    clusterKind: ClusterKind;
    kubeconfig: string;
    toolsDir: string;
    /** Docker container id of the k3s node, when clusterKind is k3s. */
    k3sContainerId: string;
  }
}

const clusterDir = path.resolve(import.meta.dirname, '..');

function runScript(script: string): string {
  // stderr goes straight to the terminal so a cold build prints its progress.
  return execFileSync('bash', [path.join(clusterDir, script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

function k3sImagePresent(): boolean {
  return spawnSync('docker', ['image', 'inspect', K3S_IMAGE], { stdio: 'ignore' }).status === 0;
}

export default async function setup(project: TestProject) {
  const kind = chooseClusterKind(process.env, k3sImagePresent);
  const toolsDir = runScript('tools.sh');
  let kubeconfig: string;
  let k3sContainerId = '';
  let teardown: (() => Promise<void>) | undefined;

  if (kind === 'kubeconfig') {
    kubeconfig = process.env.KUBECONFIG!;
  } else if (kind === 'k3s') {
    const { K3sContainer } = await import('@testcontainers/k3s');
    const k3s = await new K3sContainer(K3S_IMAGE).start();
    kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'storefleet-k3s-')), 'kubeconfig');
    writeFileSync(kubeconfig, k3s.getKubeConfig());
    k3sContainerId = k3s.getId();
    teardown = async () => void (await k3s.stop());
  } else {
    kubeconfig = runScript('up.sh');
  }
  console.log(`[cluster] tests run on the ${kind} cluster (${kubeconfig})`);
  if (kind !== 'kubeconfig') {
    const apis = killLeftoverApis();
    if (apis.length > 0) console.log(`[cluster] stopped ${apis.length} API processes an interrupted run left: ${apis.join(', ')}`);
    const stores = removeLeftoverStores(path.join(toolsDir, 'kubectl'), kubeconfig);
    if (stores.length > 0) console.log(`[cluster] removed ${stores.length} stores an earlier run left: ${stores.join(', ')}`);
  }
  project.provide('clusterKind', kind);
  project.provide('kubeconfig', kubeconfig);
  project.provide('toolsDir', toolsDir);
  project.provide('k3sContainerId', k3sContainerId);
  return teardown;
}
