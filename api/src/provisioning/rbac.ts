// The per-store provisioner identity: a ServiceAccount in the platform namespace, bound to
// ClusterRole storefleet-provisioner inside the store's namespace only.
import type { V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, PLATFORM_NAMESPACE, provisionerServiceAccount } from '../store/names.ts';

export const PROVISIONER_CLUSTER_ROLE = 'storefleet-provisioner';

export function buildProvisionerServiceAccount(store: string): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: provisionerServiceAccount(store),
      namespace: PLATFORM_NAMESPACE,
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.store]: store },
    },
    automountServiceAccountToken: false,
  };
}

export function buildProvisionerRoleBinding(store: string): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'storefleet-provisioner', labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.store]: store } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PROVISIONER_CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: provisionerServiceAccount(store), namespace: PLATFORM_NAMESPACE }],
  };
}
