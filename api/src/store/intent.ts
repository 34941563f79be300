// The operation a store should be running now, kept on its namespace. Every change to a store
// first writes its intent there with a compare-and-swap on the namespace's resourceVersion
// (so two changes at once cannot both win), then creates the Job the intent names. A crash
// between the two leaves an intent that was never started, which the reconciler carries out:
// nothing a user asked for is lost, and nothing runs twice.
import type { V1Job, V1Namespace } from '@kubernetes/client-node';
import { ANNOTATIONS, LABELS, type Operation, operationJobName } from './names.ts';
import { PLAN_NAMES } from './plans.ts';
import type { StoreSpec } from './spec.ts';

export interface OperationIntent {
  job: string;
  operation: Operation;
  seq: number;
  /** For rollback: the Helm revision to return to. */
  rollbackTo?: number;
  requestId?: string;
  requestedAt: string;
}

export function buildIntent(
  store: string, operation: Operation, seq: number, extra: { rollbackTo?: number; requestId?: string } = {}, now = new Date(),
): OperationIntent {
  return { job: operationJobName(store, operation, seq), operation, seq, ...extra, requestedAt: now.toISOString() };
}

/** The annotations that record an intent (and its sequence number, never taken again). */
export function intentAnnotations(intent: OperationIntent): Record<string, string> {
  return { [ANNOTATIONS.operation]: JSON.stringify(intent), [ANNOTATIONS.lastSeq]: String(intent.seq) };
}

const OPERATIONS: readonly string[] = ['install', 'upgrade', 'rollback', 'uninstall'];

/** The namespace's intent, or undefined when it has none or it is not one we wrote. */
export function readIntent(namespace: V1Namespace): OperationIntent | undefined {
  const raw = namespace.metadata?.annotations?.[ANNOTATIONS.operation];
  if (!raw) return undefined;
  try {
    const intent = JSON.parse(raw) as OperationIntent;
    const store = namespace.metadata?.labels?.[LABELS.store] ?? '';
    const valid = OPERATIONS.includes(intent?.operation) && Number.isInteger(intent.seq)
      && intent.job === operationJobName(store, intent.operation, intent.seq)
      && Number.isFinite(Date.parse(intent.requestedAt));
    return valid ? intent : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the Job of the namespace's intent has been created. */
export function intentStarted(namespace: V1Namespace, intent: OperationIntent): boolean {
  return namespace.metadata?.annotations?.[ANNOTATIONS.operationStarted] === intent.job;
}

/** The store's spec as the namespace records it, or undefined when it is missing or malformed. */
export function readSpec(namespace: V1Namespace): StoreSpec | undefined {
  const raw = namespace.metadata?.annotations?.[ANNOTATIONS.spec];
  if (!raw) return undefined;
  try {
    const spec = JSON.parse(raw) as StoreSpec;
    return isStoreSpec(spec) ? spec : undefined;
  } catch {
    return undefined;
  }
}

export function isStoreSpec(value: unknown): value is StoreSpec {
  const spec = value as StoreSpec;
  return (PLAN_NAMES as readonly string[]).includes(spec?.plan) && typeof spec.host === 'string' && spec.host !== ''
    && typeof spec.title === 'string' && typeof spec.adminEmail === 'string';
}

/** Whether a Job belongs to this store namespace (this incarnation of the store name). */
export function belongsTo(job: V1Job, namespace: V1Namespace): boolean {
  const uid = namespace.metadata?.uid;
  return !!uid && job.metadata?.labels?.[LABELS.storeUid] === uid
    && job.metadata?.labels?.[LABELS.store] === namespace.metadata?.labels?.[LABELS.store];
}
