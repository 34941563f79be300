// What a finished operation Job says about itself: its operation, outcome and duration.
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { LABELS } from '../store/names.ts';
import { jobCondition, jobFailure, provisionerSucceededAt } from '../store/state.ts';

export interface OperationOutcome {
  operation: string;
  outcome: 'succeeded' | 'failed';
  seconds: number;
}

/**
 * The outcome of a finished operation, or undefined while it runs. Finished as state.ts's
 * operationRunning says: Complete or Failed, or its provisioner (`pod`, the Job's newest) exited 0.
 */
export function operationOutcome(job: V1Job, pod?: V1Pod): OperationOutcome | undefined {
  const failed = jobFailure(job);
  const exitedAt = failed ? undefined : provisionerSucceededAt(pod);
  const complete = jobCondition(job, 'Complete') ?? (exitedAt ? { lastTransitionTime: new Date(exitedAt) } : undefined);
  const done = complete ?? failed;
  if (!done) return undefined;
  const started = job.metadata?.creationTimestamp;
  const finished = job.status?.completionTime ?? exitedAt ?? done.lastTransitionTime;
  const seconds = started && finished ? Math.max(0, (new Date(finished).getTime() - new Date(started).getTime()) / 1000) : 0;
  return {
    operation: job.metadata?.labels?.[LABELS.operation] ?? 'unknown',
    outcome: complete ? 'succeeded' : 'failed',
    seconds,
  };
}
