import { describe, expect, it } from 'vitest';
import { buildOperationEvent, jobCreatedMoment } from './kube-events.ts';

const now = new Date('2026-11-23T10:00:00Z');

describe('buildOperationEvent', () => {
  it('puts a started operation in the store\'s namespace, naming the Job and the request', () => {
    const event = buildOperationEvent({ store: 'shop1', job: 'shop1-install-1', operation: 'install', moment: 'Started', message: 'Job storefleet-system/shop1-install-1 started', requestId: 'req-7', now }, 'api-0');
    expect(event).toMatchObject({
      metadata: { name: 'shop1-install-1.started', namespace: 'store-shop1' },
      involvedObject: { kind: 'Namespace', name: 'store-shop1', namespace: 'store-shop1' },
      related: { kind: 'Job', name: 'shop1-install-1', namespace: 'storefleet-system' },
      reason: 'InstallStarted', type: 'Normal', action: 'Install',
      message: 'Job storefleet-system/shop1-install-1 started (request req-7)',
      reportingComponent: 'storefleet.io/api', reportingInstance: 'api-0', count: 1,
    });
  });

  it('makes a failure a Warning and keeps the message within the API server\'s limit', () => {
    const event = buildOperationEvent({ store: 'shop1', job: 'shop1-upgrade-2', operation: 'upgrade', moment: 'Failed', message: 'x'.repeat(5000), now });
    expect(event.type).toBe('Warning');
    expect(event.reason).toBe('UpgradeFailed');
    expect(event.message).toHaveLength(1024);
  });

  it('announces a Job made suspended as queued, and only a Job that runs at once as started', () => {
    expect(jobCreatedMoment('shop1-install-1', true)).toEqual({ moment: 'Queued', message: 'Job storefleet-system/shop1-install-1 created, waiting for a free provisioning slot' });
    expect(jobCreatedMoment('shop1-install-1', false)).toEqual({ moment: 'Started', message: 'Job storefleet-system/shop1-install-1 started' });
    const queued = buildOperationEvent({ store: 'shop1', job: 'shop1-install-1', operation: 'install', ...jobCreatedMoment('shop1-install-1', true), now });
    expect(queued).toMatchObject({ metadata: { name: 'shop1-install-1.queued' }, reason: 'InstallQueued', type: 'Normal' });
  });
});
