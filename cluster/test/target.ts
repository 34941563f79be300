// Which Kubernetes the cluster suites run against. Pure: decided from the environment.
//   STOREFLEET_TEST_CLUSTER=kubeconfig  an existing cluster (kind, k3d, minikube) via KUBECONFIG
//   STOREFLEET_TEST_CLUSTER=k3s         @testcontainers/k3s (needs a Docker that can pull)
//   STOREFLEET_TEST_CLUSTER=local       the project's own cluster (cluster/up.sh)
// Unset: KUBECONFIG set → kubeconfig; the k3s image already in Docker → k3s; else local.
export type ClusterKind = 'kubeconfig' | 'k3s' | 'local';

export const K3S_IMAGE = 'rancher/k3s:v1.35.4-k3s1';

export function chooseClusterKind(
  env: Record<string, string | undefined>,
  k3sImagePresent: () => boolean,
): ClusterKind {
  const chosen = env.STOREFLEET_TEST_CLUSTER;
  if (chosen === 'kubeconfig' || chosen === 'k3s' || chosen === 'local') return chosen;
  if (chosen) {
    throw new Error(`STOREFLEET_TEST_CLUSTER must be kubeconfig, k3s or local, not "${chosen}"`);
  }
  if (env.KUBECONFIG) return 'kubeconfig';
  return k3sImagePresent() ? 'k3s' : 'local';
}
