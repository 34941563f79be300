// Names and labels: the contract `kubectl` users rely on (see ARCHITECTURE.md).
export const PLATFORM_NAMESPACE = 'storefleet-system';
export const MANAGED_BY = 'storefleet';

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  store: 'storefleet.io/store',
  tenant: 'storefleet.io/tenant',
  operation: 'storefleet.io/operation',
  seq: 'storefleet.io/seq',
} as const;

export const ANNOTATIONS = {
  spec: 'storefleet.io/spec',
  specHash: 'storefleet.io/spec-hash',
  lastSeq: 'storefleet.io/last-seq',
  deleting: 'storefleet.io/deleting',
  /** The API request that started an operation Job: follow it from the audit log to kubectl. */
  requestId: 'storefleet.io/request-id',
} as const;

export type Operation = 'install' | 'upgrade' | 'rollback' | 'uninstall';

export const storeNamespace = (store: string) => `store-${store}`;
export const provisionerServiceAccount = (store: string) => `provisioner-${store}`;
export const credentialsSecretName = (store: string) => `${store}-credentials`;
export const operationJobName = (store: string, operation: Operation, seq: number) => `${store}-${operation}-${seq}`;
export const operationRecordName = (store: string) => `store-${store}-last-operation`;
