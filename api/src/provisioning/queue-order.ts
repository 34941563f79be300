// The provisioning queue's order (pure): which operation Jobs run, which wait, and which may
// start now under the platform-wide cap. Every Job is created suspended; the queue's leader
// (queue.ts) resumes them in this order. Deletes go first (they free room), then installs
// again after a failure or a delete (a person is waiting on a retry), then everything else,
// each first come, first served.
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { ANNOTATIONS, LABELS, MANAGED_BY } from '../store/names.ts';
import { operationRunning } from '../store/state.ts';

export interface QueueOrder {
  /** Resumed Jobs still running: they hold the slots. */
  running: V1Job[];
  /** Suspended Jobs in the order they will start. */
  waiting: V1Job[];
}

const isSuspended = (job: V1Job) => job.spec?.suspend === true;

export function priorityOf(job: V1Job): number {
  const operation = job.metadata?.labels?.[LABELS.operation];
  if (operation === 'uninstall') return 0;
  if (operation === 'install' && Number(job.metadata?.labels?.[LABELS.seq] ?? 1) > 1) return 1;
  return 2;
}

// When it was asked for, to the millisecond (creationTimestamp has whole seconds, and a burst
// of creates shares them).
const askedAt = (job: V1Job) => new Date(job.metadata?.annotations?.[ANNOTATIONS.requestedAt] ?? job.metadata?.creationTimestamp ?? 0).getTime();

export function queueOrder(jobs: readonly V1Job[], pods: readonly V1Pod[]): QueueOrder {
  // Only operation Jobs the platform made: anything else labelled with a store is not queued.
  const live = jobs.filter((job) =>
    job.metadata?.labels?.[LABELS.managedBy] === MANAGED_BY && job.metadata.labels[LABELS.operation] && operationRunning(job, pods));
  const waiting = live
    .filter(isSuspended)
    .sort((a, b) => priorityOf(a) - priorityOf(b) || askedAt(a) - askedAt(b) || a.metadata!.name!.localeCompare(b.metadata!.name!));
  return { running: live.filter((job) => !isSuspended(job)), waiting };
}

/** The suspended Jobs to resume now so that at most `cap` run. */
export function toRelease(order: QueueOrder, cap: number): V1Job[] {
  return order.waiting.slice(0, Math.max(0, cap - order.running.length));
}

/** Each waiting Job's place in line (1 = next to start), by Job name. */
export function positions(order: QueueOrder): Map<string, number> {
  return new Map(order.waiting.map((job, index) => [job.metadata!.name!, index + 1]));
}
