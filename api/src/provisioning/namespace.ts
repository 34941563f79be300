// The store namespace: the store's identity, owner, spec and lock (see lifecycle).
import type { V1Namespace } from '@kubernetes/client-node';
import { intentAnnotations, type OperationIntent } from '../store/intent.ts';
import { ANNOTATIONS, LABELS, MANAGED_BY, storeNamespace } from '../store/names.ts';
import { specHash, type StoreSpec } from '../store/spec.ts';
import type { HeldSlot } from './slots.ts';

const POD_SECURITY = Object.fromEntries(
  ['enforce', 'warn', 'audit'].flatMap((mode) => [
    [`pod-security.kubernetes.io/${mode}`, 'restricted'],
    [`pod-security.kubernetes.io/${mode}-version`, 'latest'],
  ]),
);

/**
 * The namespace is made with its install already asked for and the slots it holds, in one
 * write: a crash right after it leaves nothing the reconciler cannot finish or free.
 */
export function buildStoreNamespace(name: string, tenant: string, spec: StoreSpec, install: OperationIntent, slots: readonly HeldSlot[]): V1Namespace {
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
        [ANNOTATIONS.slots]: JSON.stringify(slots),
        ...intentAnnotations(install),
      },
    },
  };
}
