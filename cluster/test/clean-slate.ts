// A clean slate on a cluster the tests own (the bundled one, or a k3s container): stores left
// by an earlier run or an earlier file hold the node's CPU, and every later install then waits
// for room until its deadline. Never used on a KUBECONFIG cluster, whose stores are someone's.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SYSTEM } from '../../test-support/kube.ts';

const MANAGED = 'app.kubernetes.io/managed-by=storefleet';

/**
 * Removes every storefleet store (its namespace, and its Jobs, ServiceAccount and Leases in
 * storefleet-system) and waits until the namespaces are gone. Returns the stores removed.
 */
export function removeLeftoverStores(kubectl: string, kubeconfig: string): string[] {
  const run = (...args: string[]) => execFileSync(kubectl, args, {
    encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
  const names = run('get', 'namespaces', '-l', MANAGED, '-o', 'name').split('\n').filter(Boolean);
  const platformObjects = run('-n', SYSTEM, 'get', 'jobs,serviceaccounts,leases', '-l', MANAGED, '-o', 'name', '--ignore-not-found');
  if (names.length === 0 && !platformObjects) return [];
  if (names.length > 0) run('delete', 'namespaces', '-l', MANAGED, '--wait=false');
  if (platformObjects) run('-n', SYSTEM, 'delete', 'jobs,serviceaccounts,leases', '-l', MANAGED, '--cascade=background', '--wait=false', '--ignore-not-found');
  if (names.length > 0) run('wait', '--for=delete', 'namespaces', '-l', MANAGED, '--timeout=300s');
  return names.map((name) => name.replace('namespace/store-', ''));
}

/** Where startApi notes the API processes it spawned, so a killed test run's are found later. */
const pidDir = path.join(tmpdir(), 'storefleet-test-apis');

export function noteApiProcess(pid: number) {
  mkdirSync(pidDir, { recursive: true });
  writeFileSync(path.join(pidDir, String(pid)), '');
}

export function forgetApiProcess(pid: number) {
  rmSync(path.join(pidDir, String(pid)), { force: true });
}

/**
 * Kills API processes a killed test run left running (an interrupted vitest does not stop its
 * workers' children): their reconcilers would otherwise keep acting on this run's stores.
 */
export function killLeftoverApis(): number[] {
  if (!existsSync(pidDir)) return [];
  const killed: number[] = [];
  for (const entry of readdirSync(pidDir)) {
    const pid = Number(entry);
    const cmdline = `/proc/${pid}/cmdline`;
    if (existsSync(cmdline) && readFileSync(cmdline, 'utf8').includes('api/src/main.ts')) {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    }
    forgetApiProcess(pid);
  }
  return killed;
}
