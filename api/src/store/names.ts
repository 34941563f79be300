// Names and labels: the contract `kubectl` users rely on (see ARCHITECTURE.md).
import type { Operation } from '../../../contract/phases.ts';

export const PLATFORM_NAMESPACE = 'storefleet-system';
export const MANAGED_BY = 'storefleet';

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  store: 'storefleet.io/store',
  tenant: 'storefleet.io/tenant',
  operation: 'storefleet.io/operation',
  seq: 'storefleet.io/seq',
  /**
   * The UID of the store namespace an object belongs to: a store name can be used again
   * after a delete, and objects of an earlier store of that name never count for the new one.
   */
  storeUid: 'storefleet.io/store-uid',
} as const;

export const ANNOTATIONS = {
  spec: 'storefleet.io/spec',
  specHash: 'storefleet.io/spec-hash',
  lastSeq: 'storefleet.io/last-seq',
  deleting: 'storefleet.io/deleting',
  /** The operation the store should be running now (JSON, see store/intent.ts). */
  operation: 'storefleet.io/operation',
  /** The Job name of that operation once its Job exists. */
  operationStarted: 'storefleet.io/operation-started',
  /** The slot Leases the store holds (JSON [{name, uid}], see provisioning/slots.ts). */
  slots: 'storefleet.io/slots',
  /** On a Job ended early because it could not succeed: why (JSON, see store/blockers.ts). */
  failure: 'storefleet.io/failure',
  /** The API request that started an operation Job: follow it from the audit log to kubectl. */
  requestId: 'storefleet.io/request-id',
  /** On a suspended Job: why it waits although a slot is free (its store does not fit yet, capacity/room-gate.ts). */
  waitingForRoom: 'storefleet.io/waiting-for-room',
  /** On a Job: when its operation was asked for (ISO, ms): the queue's first come, first served. */
  requestedAt: 'storefleet.io/requested-at',
} as const;

export type { Operation };

export const storeNamespace = (store: string) => `store-${store}`;
export const provisionerServiceAccount = (store: string) => `provisioner-${store}`;
export const credentialsSecretName = (store: string) => `${store}-credentials`;
export const operationJobName = (store: string, operation: Operation, seq: number) => `${store}-${operation}-${seq}`;
export const operationRecordName = (store: string) => `store-${store}-last-operation`;
