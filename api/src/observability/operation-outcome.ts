// What a finished operation Job says about itself: its operation, outcome and duration.
import type { V1Job } from '@kubernetes/client-node';
import { LABELS } from '../store/names.ts';
import { jobCondition, jobFailure } from '../store/state.ts';

export interface OperationOutcome {
  operation: string;
  outcome: 'succeeded' | 'failed';
  seconds: number;
}

/** The outcome of a finished Job, or undefined while it runs. */
export function operationOutcome(job: V1Job): OperationOutcome | undefined {
  const complete = jobCondition(job, 'Complete');
  const done = complete ?? jobFailure(job);
  if (!done) return undefined;
  const started = job.metadata?.creationTimestamp;
  const finished = job.status?.completionTime ?? done.lastTransitionTime;
  const seconds = started && finished ? Math.max(0, (new Date(finished).getTime() - new Date(started).getTime()) / 1000) : 0;
  return {
    operation: job.metadata?.labels?.[LABELS.operation] ?? 'unknown',
    outcome: complete ? 'succeeded' : 'failed',
    seconds,
  };
}
