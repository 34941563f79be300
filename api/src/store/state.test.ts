import type { V1Job, V1Namespace, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { STATE_REASONS } from '../../../contract/reasons.ts';
import { deriveState, operationRunning, operationSucceeded } from './state.ts';

const namespace: V1Namespace = { metadata: { name: 'store-shop1', creationTimestamp: new Date('2026-01-01T00:00:00Z') } };
const job = (operation: string, conditions: Array<{ type: string; reason?: string; message?: string }> = []): V1Job => ({
  metadata: { name: `shop1-${operation}-3`, labels: { 'storefleet.io/operation': operation, 'storefleet.io/seq': '3' }, creationTimestamp: new Date('2026-01-01T00:01:00Z') },
  status: { conditions: conditions.map((c) => ({ ...c, status: 'True', lastTransitionTime: new Date('2026-01-01T00:02:00Z') })) },
});
const pod = (phase: string, terminationMessage?: string): V1Pod => ({
  status: {
    phase,
    containerStatuses: terminationMessage
      ? [{ name: 'provisioner', image: 'p', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, message: terminationMessage } } }]
      : [],
  },
});

describe('deriveState', () => {
  it('is Provisioning before any Job exists', () => {
    expect(deriveState({ namespace })).toMatchObject({ phase: 'Provisioning', reason: 'Pending', since: '2026-01-01T00:00:00.000Z' });
  });

  it('is Provisioning while the Job runs, naming the operation', () => {
    const state = deriveState({ namespace, job: job('install'), pod: pod('Running') });
    expect(state).toMatchObject({ phase: 'Provisioning', reason: 'Running', operation: { job: 'shop1-install-3', type: 'install', seq: 3 } });
  });

  it('is Ready when an install or upgrade completes', () => {
    expect(deriveState({ namespace, job: job('upgrade', [{ type: 'Complete' }]) })).toMatchObject({ phase: 'Ready', reason: 'UpgradeSucceeded', since: '2026-01-01T00:02:00.000Z' });
  });

  it('is Ready the moment the provisioner exits 0, before the Job controller writes Complete', () => {
    const exited = provisionerPod('shop1-install-3', 0, '2026-01-01T00:01:40Z', 'Installed.');
    expect(deriveState({ namespace, job: job('install'), pod: exited })).toMatchObject({ phase: 'Ready', reason: 'InstallSucceeded', message: 'Installed.', since: '2026-01-01T00:01:40.000Z' });
    expect(deriveState({ namespace, job: job('uninstall'), pod: exited })).toMatchObject({ phase: 'Deleting', reason: 'Uninstalled' });
  });

  it('is Queued with its place in line while its Job waits suspended', () => {
    const waiting = { ...job('install'), spec: { suspend: true, template: {} } };
    expect(deriveState({ namespace, job: waiting, queuePosition: 4 })).toMatchObject({ phase: 'Queued', reason: 'Queued', queuePosition: 4, message: expect.stringContaining('number 4 in line') });
    expect(deriveState({ namespace, job: { ...waiting, metadata: { ...waiting.metadata, labels: { 'storefleet.io/operation': 'uninstall', 'storefleet.io/seq': '3' } } } })).toMatchObject({ phase: 'Deleting', reason: 'Queued' });
  });

  it('is Queued waiting for room with the sentence the queue wrote, and Failed (NoRoom) once it gave up; the given-up Job runs no more', () => {
    const waiting = { ...job('install'), spec: { suspend: true, template: {} } };
    const noRoom = 'Waiting for room: a small store needs 250m CPU and 576 MiB; the cluster has 50m CPU free for stores.';
    const told = { ...waiting, metadata: { ...waiting.metadata, annotations: { 'storefleet.io/waiting-for-room': noRoom } } };
    expect(deriveState({ namespace, job: told, queuePosition: 1 })).toMatchObject({ phase: 'Queued', reason: 'WaitingForRoom', message: noRoom });
    expect(operationRunning(told, [])).toBe(true);
    const note = { kind: 'NoRoom', message: `Gave up after 15 min. ${noRoom}`, detail: noRoom, signalAt: '2026-01-01T00:01:00.000Z', failedAt: '2026-01-01T00:16:00.000Z' };
    const ended = { ...told, metadata: { ...told.metadata, annotations: { ...told.metadata.annotations, 'storefleet.io/failure': JSON.stringify(note) } } };
    expect(deriveState({ namespace, job: ended })).toMatchObject({ phase: 'Failed', reason: 'NoRoom', message: note.message, since: note.failedAt });
    expect(operationRunning(ended, [])).toBe(false);
    expect(operationSucceeded(ended, [])).toBe(false);
    expect(STATE_REASONS).toContain('NoRoom');
    expect(STATE_REASONS).toContain('WaitingForRoom');
  });

  it('is Failed with the termination message as the reason a person reads, once the record is saved', () => {
    const failedJob = job('install', [{ type: 'Failed', reason: 'BackoffLimitExceeded' }]);
    const exited = pod('Failed', 'The store did not become ready within 5m.');
    expect(deriveState({ namespace, job: failedJob, pod: exited, savedMessage: 'The store did not become ready within 5m.' })).toMatchObject({ phase: 'Failed', reason: 'InstallFailed', message: 'The store did not become ready within 5m.' });
  });

  it('is not Failed before the reason is saved, so deleting the pod then loses nothing a reader was shown', () => {
    const exited = pod('Failed', 'The chart refused the settings.');
    for (const condition of ['FailureTarget', 'Failed']) {
      expect(deriveState({ namespace, job: job('install', [{ type: condition }]), pod: exited })).toMatchObject({ phase: 'Provisioning', reason: 'Finishing' });
    }
    expect(deriveState({ namespace, job: job('uninstall', [{ type: 'Failed' }]), pod: exited })).toMatchObject({ phase: 'Deleting', reason: 'Finishing' });
  });

  it('falls back to the saved message once the pod is gone, then to the Job condition', () => {
    const failedJob = job('install', [{ type: 'Failed', reason: 'DeadlineExceeded' }]);
    expect(deriveState({ namespace, job: failedJob, savedMessage: 'saved reason' }).message).toBe('saved reason');
    expect(deriveState({ namespace, job: failedJob, savedMessage: '' }).message).toMatch(/took longer than the Job's deadline/);
  });

  it('is Deleting during an uninstall and when the namespace terminates', () => {
    expect(deriveState({ namespace, job: job('uninstall') }).phase).toBe('Deleting');
    expect(deriveState({ namespace: { metadata: { ...namespace.metadata, deletionTimestamp: new Date() } }, job: job('install', [{ type: 'Complete' }]) }).phase).toBe('Deleting');
  });
});

describe('operationRunning (one notion shared by the state, the busy check, the reconciler and fail-fast)', () => {
  const running = job('install');
  it('runs until its provisioner exits 0 or the Job ends', () => {
    expect(operationRunning(running, [])).toBe(true);
    expect(operationRunning(running, [provisionerPod('shop1-install-3', 0, '2026-01-01T00:01:40Z')])).toBe(false);
    expect(operationRunning(job('install', [{ type: 'Complete' }]), [])).toBe(false);
    expect(operationRunning(job('install', [{ type: 'Failed' }]), [])).toBe(false);
  });

  it('stops at FailureTarget once every pod\'s provisioner has stopped, not while one still runs', () => {
    const givenUp = job('install', [{ type: 'FailureTarget' }]);
    const failedPod = provisionerPod('shop1-install-3', 1, '2026-01-01T00:01:40Z');
    expect(operationRunning(givenUp, [failedPod])).toBe(false);
    expect(operationRunning(givenUp, [])).toBe(false);
    const stopping = { ...provisionerPod('shop1-install-3', 0, ''), status: { phase: 'Running', containerStatuses: [{ name: 'provisioner', image: 'p', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] } };
    expect(operationRunning(givenUp, [stopping])).toBe(true);
    // An evicted pod still stopping beside its failed replacement (the newest): still running.
    const replacement = { ...failedPod, metadata: { ...failedPod.metadata, name: 'shop1-install-3-y', creationTimestamp: new Date('2026-01-01T00:01:30Z') } };
    expect(operationRunning(givenUp, [stopping, replacement])).toBe(true);
  });

  it('still runs while a first attempt failed and its retry has not exited, and ignores other Jobs\' pods', () => {
    const failedThenRetry = [provisionerPod('shop1-install-3', 1, '2026-01-01T00:01:10Z'), { ...provisionerPod('shop1-install-3', 0, ''), status: { phase: 'Running' } }];
    failedThenRetry[1]!.metadata!.creationTimestamp = new Date('2026-01-01T00:01:20Z');
    expect(operationRunning(running, failedThenRetry)).toBe(true);
    expect(operationRunning(running, [provisionerPod('shop1-upgrade-2', 0, '2026-01-01T00:01:40Z')])).toBe(true);
  });

  it('succeeds at the exit 0, never when the Job failed', () => {
    expect(operationSucceeded(running, [provisionerPod('shop1-install-3', 0, '2026-01-01T00:01:40Z')])).toBe(true);
    expect(operationSucceeded(job('install', [{ type: 'FailureTarget' }]), [provisionerPod('shop1-install-3', 0, '2026-01-01T00:01:40Z')])).toBe(false);
    expect(operationSucceeded(running, [])).toBe(false);
  });
});

function provisionerPod(jobName: string, exitCode: number, finishedAt: string, message?: string): V1Pod {
  return {
    metadata: { name: `${jobName}-x`, labels: { 'job-name': jobName }, creationTimestamp: new Date('2026-01-01T00:01:05Z') },
    status: {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      containerStatuses: [{ name: 'provisioner', image: 'p', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, finishedAt: finishedAt ? new Date(finishedAt) : undefined, message } } }],
    },
  };
}

describe('the reason code a failed operation carries', () => {
  const failed = job('install', [{ type: 'Failed', reason: 'BackoffLimitExceeded' }]);
  const quota = 'The store needs more resources than its plan allows; choose a larger plan.';

  it('comes from the provisioner\'s termination message, whose words stay as they were', () => {
    expect(deriveState({ namespace, job: failed, pod: pod('Failed', `${quota}\ncode: QuotaExceeded\n`), savedMessage: quota }))
      .toMatchObject({ phase: 'Failed', reason: 'InstallFailed', code: 'QuotaExceeded', message: quota });
  });

  it('is the saved record\'s when the reconciler gave the store\'s own setup the last word, the pod still there', () => {
    const setup = 'setup failed: WooCommerce is not available: the zip does not match its checksum';
    expect(deriveState({ namespace, job: failed, pod: pod('Failed', 'The store\'s setup step failed.\ncode: SetupFailed\n'), savedMessage: setup, savedCode: 'SetupFailed' }))
      .toMatchObject({ phase: 'Failed', code: 'SetupFailed', message: setup });
  });

  it('comes from the saved record once the pod is gone, and is absent when none was given', () => {
    expect(deriveState({ namespace, job: failed, savedMessage: quota, savedCode: 'QuotaExceeded' })).toMatchObject({ code: 'QuotaExceeded', message: quota });
    expect(deriveState({ namespace, job: failed, savedMessage: 'Helm said no.' })).not.toHaveProperty('code');
  });

  it('is beside a reason the contract lists, whatever the state', () => {
    const states = [
      deriveState({ namespace }),
      deriveState({ namespace, job: job('install'), pod: pod('Running') }),
      deriveState({ namespace, job: job('install'), pod: pod('Pending') }),
      deriveState({ namespace, job: job('upgrade', [{ type: 'Complete' }]) }),
      deriveState({ namespace, job: job('uninstall', [{ type: 'Complete' }]) }),
      deriveState({ namespace, job: job('uninstall') }),
      deriveState({ namespace, job: failed }),
      deriveState({ namespace, job: failed, savedMessage: 'x' }),
      deriveState({ namespace, job: { ...job('rollback'), spec: { suspend: true, template: {} } } }),
      deriveState({ namespace: { metadata: { ...namespace.metadata, deletionTimestamp: new Date() } } }),
    ];
    for (const state of states) expect(STATE_REASONS).toContain(state.reason);
  });
});

