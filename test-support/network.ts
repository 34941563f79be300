// The API settings that describe the test cluster's network to the store NetworkPolicies. The
// local cluster's DNS runs on the node (cluster/network-env.sh says where); k3s and other
// clusters run kube-dns pods inside private ranges, which the API's defaults already cover.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import type { ClusterKind } from '../cluster/test/target.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');

export function networkEnv(kind: ClusterKind): Record<string, string> {
  if (kind === 'k3s') return {};
  const local = JSON.parse(execFileSync('bash', [path.join(repoRoot, 'cluster/network-env.sh')], { encoding: 'utf8' })) as Record<string, string>;
  if (kind === 'local') return local;
  // KUBECONFIG may name the local cluster itself (its admin.kubeconfig): its DNS is still on the node.
  const nodeIp = local.STOREFLEET_DNS_CIDRS!.replace(/\/32$/, '');
  return readFileSync(inject('kubeconfig'), 'utf8').includes(`server: https://${nodeIp}:`) ? local : {};
}
