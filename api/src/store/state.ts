// A store's state, derived from cluster objects only (the API keeps none of its own).
import type { V1Job, V1Namespace, V1Pod } from '@kubernetes/client-node';
import { type ProvisionerCode, readTerminationMessage } from '../../../contract/reasons.ts';
import type { StoreState } from '../../../contract/schemas.ts';
import { readFailureNote } from './blockers.ts';
import type { OperationIntent } from './intent.ts';
import { ANNOTATIONS, LABELS, type Operation } from './names.ts';

export type { Phase } from '../../../contract/phases.ts';
export type { StoreState } from '../../../contract/schemas.ts';

export interface StoreObjects {
  namespace: V1Namespace;
  /** The store's latest operation Job (highest seq). */
  job?: V1Job;
  /** That Job's newest pod. */
  pod?: V1Pod;
  /** What the API saved of a finished operation whose pod may be gone. */
  savedMessage?: string;
  /** The provisioner's reason code saved with that message, if it gave one. */
  savedCode?: ProvisionerCode;
  /** An operation asked for whose Job does not exist yet. */
  pendingIntent?: OperationIntent;
  /** The Job's place in the provisioning queue while it waits, suspended (1 = next). */
  queuePosition?: number;
}

const iso = (date: Date | string | undefined) => (date ? new Date(date).toISOString() : new Date(0).toISOString());

/** The Job's condition of `type` when it is True ('Complete', 'Failed'). */
export function jobCondition(job: V1Job, type: string) {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/**
 * The Job's failure: Failed, or FailureTarget, which the Job controller sets the moment it
 * decides (its pods are still being stopped).
 */
export function jobFailure(job: V1Job) {
  return jobCondition(job, 'Failed') ?? jobCondition(job, 'FailureTarget');
}

/**
 * Whether the Job has ended, either way, by the Job controller's word (Complete or Failed,
 * its pods included).
 */
export function isFinished(job: V1Job): boolean {
  return jobCondition(job, 'Complete') !== undefined || jobCondition(job, 'Failed') !== undefined;
}

/** The provisioner container's end, once it has ended (a Job's pods never restart it). */
function provisionerTerminated(pod: V1Pod | undefined) {
  return pod?.status?.containerStatuses?.find((status) => status.name === 'provisioner')?.state?.terminated;
}

/**
 * When the provisioner exited 0: the operation is done then, not when the Job controller
 * writes Complete a moment later (seconds on a busy node).
 */
export function provisionerSucceededAt(pod: V1Pod | undefined): string | undefined {
  const terminated = provisionerTerminated(pod);
  return terminated?.exitCode === 0 ? iso(terminated.finishedAt) : undefined;
}

const podsOfJob = (pods: readonly V1Pod[], jobName: string) => pods.filter((pod) => pod.metadata?.labels?.['job-name'] === jobName);

/** The Job's newest pod (a retry replaces a failed one). */
export function newestPod(pods: readonly V1Pod[], jobName: string): V1Pod | undefined {
  return podsOfJob(pods, jobName)
    .sort((a, b) => new Date(b.metadata!.creationTimestamp!).getTime() - new Date(a.metadata!.creationTimestamp!).getTime())[0];
}

/** Whether the pod's provisioner has stopped for good: the pod ended, or its container did. */
function provisionerStopped(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || provisionerTerminated(pod) !== undefined;
}

/**
 * The one notion of "this operation still runs" that the store's state, the busy check, the
 * reconciler, fail-fast and the tests' invariants share: not when the Job has finished, nor
 * once its provisioner exited 0 (nothing of it runs any more; only the Job controller's
 * Complete is still to come), nor once the Job controller gave up (FailureTarget) and every
 * pod of it has stopped: it starts no new one, and its Failed may be seconds away on a busy
 * node. `pods` are the platform namespace's pods, any Job's.
 */
export function operationRunning(job: V1Job, pods: readonly V1Pod[]): boolean {
  if (isFinished(job) || job.metadata?.deletionTimestamp) return false;
  const name = job.metadata!.name!;
  // Ended while it waited, suspended (no room): it never ran and never will.
  if (gaveUpWaiting(job) && podsOfJob(pods, name).length === 0) return false;
  // Every pod, not just the newest: a replacement may have started while an evicted one still stops.
  if (jobFailure(job)) return !podsOfJob(pods, name).every(provisionerStopped);
  return provisionerSucceededAt(newestPod(pods, name)) === undefined;
}

/** A Job ended before it ever started: still suspended, with the reason it was ended (capacity/room-gate.ts). */
export function gaveUpWaiting(job: V1Job): boolean {
  return job.spec?.suspend === true && readFailureNote(job) !== undefined;
}

/** Whether the operation succeeded: Complete, or its provisioner exited 0 (see operationRunning). */
export function operationSucceeded(job: V1Job, pods: readonly V1Pod[]): boolean {
  if (jobFailure(job)) return false;
  return jobCondition(job, 'Complete') !== undefined || provisionerSucceededAt(newestPod(pods, job.metadata!.name!)) !== undefined;
}

/** The provisioner's termination message, its code line taken off (contract/reasons.ts). */
export function terminationMessage(pod: V1Pod | undefined): { message: string; code?: ProvisionerCode } | undefined {
  const statuses = pod?.status?.containerStatuses ?? [];
  for (const status of statuses) {
    const message = status.state?.terminated?.message ?? status.lastState?.terminated?.message;
    if (message) return readTerminationMessage(message);
  }
  return undefined;
}

function waitingReason(pod: V1Pod | undefined): string | undefined {
  const waiting = pod?.status?.containerStatuses?.find((s) => s.state?.waiting)?.state?.waiting;
  if (waiting?.reason && waiting.reason !== 'ContainerCreating') return `${waiting.reason}: ${waiting.message ?? ''}`.trim();
  return undefined;
}

export function deriveState({ namespace, job, pod, savedMessage, savedCode, pendingIntent, queuePosition }: StoreObjects): StoreState {
  const operation = job && {
    job: job.metadata!.name!,
    type: job.metadata!.labels![LABELS.operation] as Operation,
    seq: Number(job.metadata!.labels![LABELS.seq]),
  };
  const withOperation = (state: Omit<StoreState, 'operation'>): StoreState => (operation ? { ...state, operation } : state);

  if (namespace.metadata?.deletionTimestamp) {
    return withOperation({ phase: 'Deleting', reason: 'NamespaceTerminating', message: 'The store namespace is being deleted.', since: iso(namespace.metadata.deletionTimestamp) });
  }
  if (pendingIntent) {
    const pending = { job: pendingIntent.job, type: pendingIntent.operation, seq: pendingIntent.seq };
    const deleting = pendingIntent.operation === 'uninstall';
    return {
      phase: deleting ? 'Deleting' : 'Provisioning',
      reason: 'Pending',
      message: `Waiting for the ${pendingIntent.operation} Job to be created.`,
      since: iso(pendingIntent.requestedAt),
      operation: pending,
    };
  }
  if (!job || !operation) {
    return { phase: 'Provisioning', reason: 'Pending', message: 'Waiting for the provisioning Job to be created.', since: iso(namespace.metadata?.creationTimestamp) };
  }

  const failed = jobFailure(job);
  const completeCondition = jobCondition(job, 'Complete');
  // Done at the provisioner's exit, as operationRunning says, or at Complete when the pod is gone.
  const succeededAt = failed ? undefined : provisionerSucceededAt(pod) ?? (completeCondition ? iso(completeCondition.lastTransitionTime) : undefined);
  const complete = succeededAt !== undefined;
  const terminated = terminationMessage(pod);
  const why = terminated?.message ?? savedMessage;
  const code = terminated ? terminated.code : savedCode;

  if (failed) {
    // Ended early because it could not succeed: that reason, not the deadline it was given.
    const note = readFailureNote(job);
    if (note) return withOperation({ phase: 'Failed', reason: note.kind, message: note.message, since: note.failedAt });
    // Failed is said once the reason and log are saved (the reconciler's next pass): a pod
    // deleted after a reader saw Failed must not take the reason with it.
    if (savedMessage === undefined) {
      return withOperation({
        phase: operation.type === 'uninstall' ? 'Deleting' : 'Provisioning',
        reason: 'Finishing',
        message: `The ${operation.type} failed; its log and reason are saved once its pod has stopped.`,
        since: iso(failed.lastTransitionTime),
      });
    }
    const verb = operation.type === 'uninstall' ? 'Deleting the store' : `The ${operation.type}`;
    const fallback = failed.reason === 'DeadlineExceeded'
      ? `${verb} took longer than the Job's deadline and was stopped.`
      : `${verb} failed${failed.message ? `: ${failed.message}` : '.'}`;
    const reason = `${capitalize(operation.type)}Failed`;
    // The saved record is the reconciler's last word: the provisioner's, or the store's own
    // setup's when that says more (provisioning/reconciler.ts).
    const message = savedMessage || why || fallback;
    const failureCode = savedCode ?? code;
    return withOperation({ phase: 'Failed', reason, message, since: iso(failed.lastTransitionTime), ...(message !== fallback && failureCode ? { code: failureCode } : {}) });
  }
  if (job.spec?.suspend && !pod) {
    const ended = readFailureNote(job);
    if (ended) return withOperation({ phase: 'Failed', reason: ended.kind, message: ended.message, since: ended.failedAt });
    const noRoom = job.metadata?.annotations?.[ANNOTATIONS.waitingForRoom];
    if (noRoom && operation.type !== 'uninstall') {
      return withOperation({ phase: 'Queued', reason: 'WaitingForRoom', message: noRoom, since: iso(job.metadata?.creationTimestamp) });
    }
    const place = queuePosition ? `number ${queuePosition} in line` : 'in line';
    return {
      ...withOperation({
        phase: operation.type === 'uninstall' ? 'Deleting' : 'Queued',
        reason: 'Queued',
        message: `Waiting for a free provisioning slot (${place}): the platform runs a few operations at once, and this ${operation.type} starts when one ends.`,
        since: iso(job.metadata?.creationTimestamp),
      }),
      ...(queuePosition ? { queuePosition } : {}),
    };
  }
  if (operation.type === 'uninstall') {
    return withOperation({
      phase: 'Deleting',
      reason: complete ? 'Uninstalled' : 'Uninstalling',
      message: complete ? 'The release is gone; removing the namespace.' : 'Uninstalling the store with Helm.',
      since: succeededAt ?? iso(job.metadata?.creationTimestamp),
    });
  }
  if (complete) {
    // The saved record adds what the store's setup said (e.g. whether WooCommerce is active).
    return withOperation({ phase: 'Ready', reason: `${capitalize(operation.type)}Succeeded`, message: savedMessage ?? why ?? 'The store is ready.', since: succeededAt });
  }
  if (namespace.metadata?.annotations?.[ANNOTATIONS.deleting]) {
    return withOperation({ phase: 'Deleting', reason: 'DeleteRequested', message: 'Waiting for the running operation before uninstalling.', since: iso(job.metadata?.creationTimestamp) });
  }
  const podPhase = pod?.status?.phase;
  const message = waitingReason(pod)
    ?? (podPhase === 'Running' ? `Running helm for the ${operation.type}.` : `Starting the ${operation.type} Job.`);
  return withOperation({ phase: 'Provisioning', reason: podPhase === 'Running' ? 'Running' : 'Starting', message, since: iso(job.metadata?.creationTimestamp) });
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
