// Which waiting operations the queue may start when room counts (pure). Only a store's first
// start needs room: a store that has run holds its plan's room already (room.ts counts it),
// so its upgrades, retries and its uninstall pass. Best-effort first come, first served, as
// Kueue's BestEffortFIFO: a store that does not fit waits without holding back a smaller one.
import type { V1Job, V1Namespace } from '@kubernetes/client-node';
import type { PlanName } from '../../../contract/plans.ts';
import { belongsTo, intentStarted, readIntent, readSpec } from '../store/intent.ts';
import { LABELS } from '../store/names.ts';
import { fitsIn, type Resources, subtract, waitingForRoomMessage } from './room.ts';

/** A Job the Job controller has started, now or before (a resumed Job stays started). */
const everStarted = (job: V1Job) => job.spec?.suspend === false || Boolean(job.status?.startTime);

/**
 * Whether the store holds its plan's room: it has started an operation. A store whose Jobs
 * are all still suspended (waiting, or given up waiting) has no pods and holds none; one
 * whose Jobs are gone (finished long ago) has pods. `resumed`: Jobs the queue resumed that
 * the cache does not show resumed yet.
 */
export function holdsRoom(namespace: V1Namespace, jobs: readonly V1Job[], resumed: ReadonlySet<string>): boolean {
  const own = jobs.filter((job) => belongsTo(job, namespace));
  if (own.length === 0) {
    // A new store whose first Job is not made yet holds none.
    const intent = readIntent(namespace);
    return !(intent && intent.operation === 'install' && intent.seq === 1 && !intentStarted(namespace, intent));
  }
  return own.some((job) => everStarted(job) || resumed.has(job.metadata!.name!));
}

/** The plan whose room the Job's store needs before it may start, or undefined: it needs none. */
export function roomNeeded(job: V1Job, namespace: V1Namespace | undefined, jobs: readonly V1Job[], resumed: ReadonlySet<string>): PlanName | undefined {
  if (job.metadata?.labels?.[LABELS.operation] !== 'install' || !namespace) return undefined;
  if (holdsRoom(namespace, jobs, resumed)) return undefined;
  return readSpec(namespace)?.plan;
}

export interface WaitingJob {
  job: V1Job;
  /** The plan and its footprint, when the store needs room to start. */
  room?: { plan: PlanName; need: Resources };
  /** When it was asked for (ms). */
  askedAt: number;
}

export interface RoomDecision {
  start: V1Job[];
  /** Stays suspended, with the sentence that says why. */
  wait: { job: V1Job; message: string }[];
  /** Waited longer than the platform allows: ended with the sentence. */
  giveUp: { job: V1Job; message: string }[];
}

const waited = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

/** `waiting` in queue order; `slots`: how many may start now under the cap; `free`: room for new stores. */
export function admitByRoom(waiting: readonly WaitingJob[], slots: number, free: Resources, nowMs: number, maxWaitMs: number): RoomDecision {
  const decision: RoomDecision = { start: [], wait: [], giveUp: [] };
  let left = free;
  for (const { job, room, askedAt } of waiting) {
    if (room && !fitsIn(room.need, left)) {
      const message = waitingForRoomMessage(room.plan, room.need, left);
      if (nowMs - askedAt >= maxWaitMs) {
        decision.giveUp.push({ job, message: `Gave up after ${waited(maxWaitMs)}. ${message.replace(/ It starts by itself.*$/, '')}` });
      } else {
        decision.wait.push({ job, message });
      }
      continue;
    }
    // It fits: its room is kept for it even while it waits for a slot, so the stores behind it
    // hear at once that there is none left for them (and cannot take it first).
    if (room) left = subtract(left, room.need);
    if (decision.start.length < slots) decision.start.push(job);
  }
  return decision;
}
