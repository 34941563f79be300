// The decisions of store operations, as pure functions over what was read: may this
// operation start, which Job is the intent's, what is left to do. The files that act on
// them (create-admission.ts, intent-cas.ts, carry-out.ts) only read, write and follow.
import type { V1Job, V1Namespace, V1Pod } from '@kubernetes/client-node';
import { belongsTo, intentStarted, type OperationIntent, readIntent, readSpec } from '../store/intent.ts';
import { ANNOTATIONS, LABELS, type Operation } from '../store/names.ts';
import { operationRunning, operationSucceeded } from '../store/state.ts';
import type { StoreSpec } from '../store/spec.ts';

/** The store's current operation: none recorded, still running, or ended one way or the other. */
export type OperationProgress = 'none' | 'running' | 'succeeded' | 'failed';

/**
 * An unstarted install younger than this belongs to a create still in flight (the same POST
 * sent twice): the second is told it exists. Older, its create died: the POST finishes it.
 */
export const RESUME_AFTER_MS = 10_000;

/** Whether the store has moved on from `job`: its namespace gone or going, replaced, or on another intent. */
export function movedOn(now: V1Namespace | undefined, storeUid: string, job: string): boolean {
  return !now || now.metadata?.uid !== storeUid || !!now.metadata?.deletionTimestamp || readIntent(now)?.job !== job;
}

/**
 * Where the intent's Job is, as operationRunning and operationSucceeded say: an intent not
 * yet started counts as running; a started one whose Job is gone, as failed.
 */
export function progressOf(namespace: V1Namespace, intent: OperationIntent, job: V1Job | undefined, pods: readonly V1Pod[]): OperationProgress {
  if (!intentStarted(namespace, intent)) return 'running';
  if (!job) return 'failed';
  if (operationRunning(job, pods)) return 'running';
  return operationSucceeded(job, pods) ? 'succeeded' : 'failed';
}

/** What a create of a name that exists gets, as far as the namespace alone decides it. */
export type ExistingStore =
  | { kind: 'conflict'; message: string }
  | { kind: 'existing'; job?: string }
  /** A create that died before its Job: the same request finishes it. */
  | { kind: 'resume' }
  /** Decided by the intent's Job: see afterLatestJob. */
  | { kind: 'ask-job'; intent: OperationIntent; sameSpec: boolean };

export function admitExisting(namespace: V1Namespace, tenant: string, hash: string, nowMs: number): ExistingStore {
  const name = namespace.metadata!.labels?.[LABELS.store] ?? '';
  const labels = namespace.metadata?.labels ?? {};
  if (labels[LABELS.tenant] !== tenant || labels[LABELS.store] !== name) return { kind: 'conflict', message: `The store name "${name}" is taken.` };
  if (namespace.metadata?.deletionTimestamp || namespace.metadata?.annotations?.[ANNOTATIONS.deleting]) {
    return { kind: 'conflict', message: `The store "${name}" is being deleted; create it again once it is gone.` };
  }
  const sameSpec = namespace.metadata?.annotations?.[ANNOTATIONS.specHash] === hash;
  const intent = readIntent(namespace);
  if (sameSpec && intent && !intentStarted(namespace, intent)) {
    return nowMs - new Date(intent.requestedAt).getTime() < RESUME_AFTER_MS ? { kind: 'existing', job: intent.job } : { kind: 'resume' };
  }
  if (intent) return { kind: 'ask-job', intent, sameSpec };
  return sameSpec ? { kind: 'existing' } : differentSettings(name);
}

const differentSettings = (name: string) => ({ kind: 'conflict', message: `The store "${name}" already exists with different settings; change it with PATCH.` }) as const;

/** The rest of admitExisting, once the intent's Job is read: a failed install is retried. */
export function afterLatestJob(name: string, intent: OperationIntent, sameSpec: boolean, latestFailed: boolean): { kind: 'retry' } | { kind: 'existing' } | { kind: 'conflict'; message: string } {
  if (intent.operation === 'install' && latestFailed) return { kind: 'retry' };
  return sameSpec ? { kind: 'existing' } : differentSettings(name);
}

/** What an operation asked for does, given the store's current intent and how far it has come. */
export type StartDecision = { kind: 'record' } | { kind: 'keep' } | { kind: 'refuse'; message: string };

/**
 * Whether `operation` may be recorded now. Upgrade and rollback wait for a running
 * operation; an uninstall asked for again is answered with the first one's Job (also once it
 * has succeeded and the reconciler is removing the namespace) unless it failed; a retried
 * install is recorded once, the second retry keeping the first's (`retrying`: the failed
 * install's Job).
 */
export function mayStart(
  operation: Operation, current: OperationIntent | undefined, progress: OperationProgress, store: string, retrying?: string,
): StartDecision {
  if (retrying !== undefined) return current?.job === retrying ? { kind: 'record' } : { kind: 'keep' };
  if (operation === 'uninstall') return current?.operation === 'uninstall' && progress !== 'failed' ? { kind: 'keep' } : { kind: 'record' };
  if (current && progress === 'running') return { kind: 'refuse', message: `Store "${store}" is busy with ${current.job}; try again when it has finished.` };
  return { kind: 'record' };
}

/** Why no operation can be recorded on this namespace at all, or undefined. */
export function recordRefusal(namespace: V1Namespace, name: string, request: { spec?: StoreSpec; deleting?: boolean }): string | undefined {
  if (namespace.metadata?.deletionTimestamp || (!request.deleting && namespace.metadata?.annotations?.[ANNOTATIONS.deleting])) return `The store "${name}" is being deleted.`;
  if (!request.spec && !readSpec(namespace)) {
    return `The store "${name}" cannot be read (its settings are missing); ask the platform operator to repair or delete its namespace.`;
  }
  return undefined;
}

/** The next operation's sequence number: above every Job of the name and the last one recorded. */
export function nextSeq(namespace: V1Namespace, highestJobSeq: number): number {
  return Math.max(Number(namespace.metadata?.annotations?.[ANNOTATIONS.lastSeq] ?? 0), highestJobSeq) + 1;
}

/** Whether the recorded change moves the store to another host (a new host Lease is claimed first). */
export function movesHost(namespace: V1Namespace, spec: StoreSpec | undefined): boolean {
  return !!spec && spec.host !== readSpec(namespace)?.host;
}

/** What carrying out an intent does before its Job: an uninstall needs only the provisioner's identity and stops the rest. */
export type PreparationStep = 'api-access' | 'guardrails' | 'provisioner-identity' | 'stop-others';
export function preparationSteps(operation: Operation): PreparationStep[] {
  return operation === 'uninstall' ? ['api-access', 'provisioner-identity', 'stop-others'] : ['api-access', 'guardrails'];
}

/**
 * Whose the Job of the intent's name is, when creating it found one: this store's, or an
 * earlier store's of the same name (which must not count), or none (gone meanwhile).
 */
export function jobOwner(found: V1Job | undefined, namespace: V1Namespace): 'this-store' | 'earlier-store' | 'none' {
  if (!found) return 'none';
  return belongsTo(found, namespace) ? 'this-store' : 'earlier-store';
}

/** Whether the namespace still has to record that `job` started: its intent is that Job and not yet marked. */
export function needsStartedMark(namespace: V1Namespace, job: string): boolean {
  return readIntent(namespace)?.job === job && namespace.metadata?.annotations?.[ANNOTATIONS.operationStarted] !== job;
}

/** The Jobs to stop: every one still running but `keep` (one whose provisioner exited 0 keeps its log for kubectl). */
export function jobsToStop(jobs: readonly V1Job[], pods: readonly V1Pod[], keep: string): V1Job[] {
  return jobs.filter((job) => job.metadata!.name !== keep && operationRunning(job, pods));
}
