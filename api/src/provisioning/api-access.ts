// The API's access to a store namespace comes from RoleBindings it makes there right after
// the namespace (k8s/base/api-rbac.yaml grants it nothing inside namespaces cluster-wide).
// Kubernetes' RBAC authorizer learns of a new RoleBinding from a watch, a moment after the
// create returns: the next write waits until the API server says it is allowed.
import * as k8s from '@kubernetes/client-node';
import { createIfAbsent, type KubeClients } from '../kube/clients.ts';
import { storeNamespace } from '../store/names.ts';
import { buildApiRoleBindings } from './rbac.ts';

const ALLOWED_WITHIN_MS = 10_000;
const RETRY_MS = 100;

const authorization = new WeakMap<k8s.KubeConfig, k8s.AuthorizationV1Api>();

/** Makes the API's RoleBindings in the store's namespace (idempotent) and waits until they apply. */
export async function ensureApiAccess(kube: KubeClients, store: string): Promise<void> {
  const namespace = storeNamespace(store);
  // The writer last: once it applies, the reader made before it does too.
  for (const body of buildApiRoleBindings(store)) {
    await createIfAbsent(() => kube.rbac.createNamespacedRoleBinding({ namespace, body }));
  }
  const api = authorization.get(kube.config) ?? kube.config.makeApiClient(k8s.AuthorizationV1Api);
  authorization.set(kube.config, api);
  const review: k8s.V1SelfSubjectAccessReview = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { namespace, verb: 'create', resource: 'secrets' } },
  };
  const deadline = Date.now() + ALLOWED_WITHIN_MS;
  // Past the deadline the write itself is tried and reports the refusal.
  while (Date.now() < deadline) {
    if ((await api.createSelfSubjectAccessReview({ body: review })).status?.allowed) return;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}
