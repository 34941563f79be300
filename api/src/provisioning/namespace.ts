// The store namespace: the store's identity, owner, spec and lock (see lifecycle).
import type { V1Namespace } from '@kubernetes/client-node';
import { ANNOTATIONS, LABELS, MANAGED_BY, storeNamespace } from '../store/names.ts';
import { specHash, type StoreSpec } from '../store/spec.ts';

const POD_SECURITY = Object.fromEntries(
  ['enforce', 'warn', 'audit'].flatMap((mode) => [
    [`pod-security.kubernetes.io/${mode}`, 'restricted'],
    [`pod-security.kubernetes.io/${mode}-version`, 'latest'],
  ]),
);

export function buildStoreNamespace(name: string, tenant: string, spec: StoreSpec): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: storeNamespace(name),
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.store]: name,
        [LABELS.tenant]: tenant,
        ...POD_SECURITY,
      },
      annotations: {
        [ANNOTATIONS.spec]: JSON.stringify(spec),
        [ANNOTATIONS.specHash]: specHash(spec),
        [ANNOTATIONS.lastSeq]: '0',
      },
    },
  };
}
