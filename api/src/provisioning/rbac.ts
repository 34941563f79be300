// The per-store provisioner identity: a ServiceAccount in the platform namespace, bound to
// ClusterRole storefleet-provisioner inside the store's namespace only.
import type { V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, PLATFORM_NAMESPACE, provisionerServiceAccount } from '../store/names.ts';

export const PROVISIONER_CLUSTER_ROLE = 'storefleet-provisioner';
export const API_STORE_READER_CLUSTER_ROLE = 'storefleet-api-store-reader';
export const API_STORE_WRITER_CLUSTER_ROLE = 'storefleet-api-store-writer';
/** The API's own identity (k8s/base/api-rbac.yaml). */
const API_SERVICE_ACCOUNT = 'storefleet-api';

/** `storeUid`: the store namespace it serves, so a later store of the same name never inherits it. */
export function buildProvisionerServiceAccount(store: string, storeUid: string): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: provisionerServiceAccount(store),
      namespace: PLATFORM_NAMESPACE,
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.store]: store, [LABELS.storeUid]: storeUid },
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

/**
 * The API's own access to one store namespace (k8s/base/api-rbac.yaml): the writer role for
 * guardrails, credentials and Events, the reader role for release history and what Kubernetes
 * reports. Bound here, inside the store namespace only: the API holds neither cluster-wide.
 */
export function buildApiRoleBindings(store: string): V1RoleBinding[] {
  return [API_STORE_READER_CLUSTER_ROLE, API_STORE_WRITER_CLUSTER_ROLE].map((role) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: role, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.store]: store } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name: API_SERVICE_ACCOUNT, namespace: PLATFORM_NAMESPACE }],
  }));
}
