import type { V1Job, V1JobCondition, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { operationOutcome } from './operation-outcome.ts';

const job = (conditions: Partial<V1JobCondition>[], completionTime?: string): V1Job => ({
  metadata: { name: 'shop-install-1', creationTimestamp: new Date('2026-11-23T10:00:00Z'), labels: { 'storefleet.io/operation': 'install' } },
  status: { conditions: conditions as V1JobCondition[], completionTime: completionTime ? new Date(completionTime) : undefined },
});

describe('operationOutcome', () => {
  it('is undefined while the Job runs', () => {
    expect(operationOutcome(job([]))).toBeUndefined();
    expect(operationOutcome(job([{ type: 'Complete', status: 'False' }]))).toBeUndefined();
  });

  it('times a completed Job from creation to completion', () => {
    expect(operationOutcome(job([{ type: 'Complete', status: 'True' }], '2026-11-23T10:00:21.5Z')))
      .toEqual({ operation: 'install', outcome: 'succeeded', seconds: 21.5 });
  });

  it('is finished, succeeded, when the provisioner exited 0 before the Job controller wrote Complete', () => {
    const exited: V1Pod = { status: { containerStatuses: [{ name: 'provisioner', image: 'p', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, finishedAt: new Date('2026-11-23T10:00:19Z') } } }] } };
    expect(operationOutcome(job([]), exited)).toEqual({ operation: 'install', outcome: 'succeeded', seconds: 19 });
  });

  it('times a failed Job to the moment it was marked Failed', () => {
    expect(operationOutcome(job([{ type: 'Failed', status: 'True', lastTransitionTime: new Date('2026-11-23T10:02:00Z') }])))
      .toEqual({ operation: 'install', outcome: 'failed', seconds: 120 });
  });
});
