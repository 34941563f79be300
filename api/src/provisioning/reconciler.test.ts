// The reconciler's record keeping for a finished operation, against an in-memory cache and
// API server: what it saves (message, log, final) and when it leaves a Job alone. The rest
// (removal after an uninstall, unstarted intents, the sweep) is covered on the cluster.
import * as k8s from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import type { StoreCache } from '../kube/cache.ts';
import type { KubeClients } from '../kube/clients.ts';
import { PLATFORM_NAMESPACE } from '../store/names.ts';
import { buildOperationRecord } from './operation-records.ts';
import type { StoreOperations } from './operations.ts';
import { Reconciler } from './reconciler.ts';

const STORE = 'shop1';
const UID = 'uid-2';
const JOB = 'shop1-install-1';
const REFUSED = "The store settings were rejected by the chart: at '/backup/retentionDays': minimum: got 0, want 1";

const namespace: k8s.V1Namespace = {
  metadata: { name: `store-${STORE}`, uid: UID, labels: { 'storefleet.io/store': STORE, 'storefleet.io/tenant': 'alice' }, creationTimestamp: new Date('2026-01-01T00:00:00Z') },
};
const job = (condition: 'FailureTarget' | 'Failed'): k8s.V1Job => ({
  metadata: { name: JOB, namespace: PLATFORM_NAMESPACE, labels: { 'storefleet.io/store': STORE, 'storefleet.io/store-uid': UID, 'storefleet.io/operation': 'install', 'storefleet.io/seq': '1' } },
  status: { conditions: [{ type: condition, status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] },
});
const pod = (state: k8s.V1ContainerState): k8s.V1Pod => ({
  metadata: { name: `${JOB}-abcde`, namespace: PLATFORM_NAMESPACE, labels: { 'job-name': JOB, 'storefleet.io/store': STORE }, creationTimestamp: new Date('2026-01-01T00:00:05Z') },
  status: { phase: state.terminated ? 'Failed' : 'Running', containerStatuses: [{ name: 'provisioner', image: 'p', imageID: '', ready: false, restartCount: 0, state }] },
});
const stopped = pod({ terminated: { exitCode: 1, message: `${REFUSED}\n` } });
const running = pod({ running: {} });
const record = (storeUid: string, data: { message: string; log: string; final?: boolean }) => buildOperationRecord(STORE, { job: JOB, storeUid, ...data });

function objects<T extends k8s.KubernetesObject>(items: T[]) {
  return { list: () => items, get: (name: string) => items.find((item) => item.metadata?.name === name) };
}

/** One reconcile pass over the store; what it saved and what it told. */
async function pass(state: { job: k8s.V1Job; pods?: k8s.V1Pod[]; records?: k8s.V1ConfigMap[]; log?: string }) {
  const saved: k8s.V1ConfigMap[] = [];
  const stored = [...(state.records ?? [])];
  const readConfigMap = ({ name }: { name: string }) => {
    const found = stored.find((item) => item.metadata?.name === name);
    return found ? Promise.resolve(found) : Promise.reject(new k8s.ApiException(404, 'not found', '', {}));
  };
  const write = ({ body }: { body: k8s.V1ConfigMap }) => {
    saved.push(body);
    return Promise.resolve(body);
  };
  const core = {
    readNamespacedPodLog: () => Promise.resolve(state.log ?? ''),
    readNamespacedConfigMap: readConfigMap,
    createNamespacedConfigMap: (request: { body: k8s.V1ConfigMap }) =>
      stored.some((item) => item.metadata?.name === request.body.metadata?.name) ? Promise.reject(new k8s.ApiException(409, 'exists', '', {})) : write(request),
    replaceNamespacedConfigMap: write,
    listNamespacedPod: () => Promise.resolve({ items: [] }),
  };
  const cache = {
    namespaces: objects([namespace]),
    jobs: objects([state.job]),
    pods: objects(state.pods ?? []),
    records: objects(stored),
    subscribe: () => () => undefined,
  };
  const finished = vi.fn();
  const reconciler = new Reconciler({
    kube: { core } as unknown as KubeClients,
    cache: cache as unknown as StoreCache,
    operations: {} as StoreOperations,
    logger: { info: () => undefined, error: () => undefined },
    recoveryGraceMs: 0,
    sweepMinAgeMs: 60_000,
    onFinished: finished,
  });
  reconciler.schedule(STORE);
  // Every fake answers at once: a few turns of the event loop end the pass.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { saved: saved.map((body) => body.data), finished: finished.mock.calls.map(([store, , message]) => [store, message]) };
}

describe('the reconciler saves a finished operation\'s record', () => {
  it('at FailureTarget, once the pod stopped: the termination message and the log, final, told once', async () => {
    const result = await pass({ job: job('FailureTarget'), pods: [stopped], log: 'helm: line 1\nhelm: line 2\n' });
    expect(result.saved).toEqual([{ job: JOB, storeUid: UID, message: REFUSED, log: 'helm: line 1\nhelm: line 2\n', final: 'true' }]);
    expect(result.finished).toEqual([[STORE, REFUSED]]);
  });

  it('not while the pod still runs, even when the Job controller has given up', async () => {
    expect(await pass({ job: job('FailureTarget'), pods: [running] })).toEqual({ saved: [], finished: [] });
  });

  it('keeps what fail-fast saved while the Job ran, when the pod and its log are gone', async () => {
    const early = record(UID, { message: 'The cluster cannot download image wordpress:missing.', log: 'early log' });
    const result = await pass({ job: job('Failed'), records: [early] });
    expect(result.saved).toEqual([{ job: JOB, storeUid: UID, message: 'The cluster cannot download image wordpress:missing.', log: 'early log', final: 'true' }]);
  });

  it('not again once its final record is saved', async () => {
    expect(await pass({ job: job('Failed'), records: [record(UID, { message: REFUSED, log: 'x', final: true })] })).toEqual({ saved: [], finished: [] });
  });

  it('anew over a record of an earlier store of the same name', async () => {
    const earlier = record('uid-1', { message: 'an earlier store\'s reason', log: 'old', final: true });
    const result = await pass({ job: job('FailureTarget'), pods: [stopped], records: [earlier], log: 'new' });
    expect(result.saved).toEqual([{ job: JOB, storeUid: UID, message: REFUSED, log: 'new', final: 'true' }]);
  });

  it('with only the Job condition\'s words when the pod went before any pass saw it stop', async () => {
    const result = await pass({ job: job('Failed') });
    expect(result.saved).toEqual([{ job: JOB, storeUid: UID, message: 'Job has reached the specified backoff limit', log: '', final: 'true' }]);
  });
});

