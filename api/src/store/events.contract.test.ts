// The event stream's payloads, as the API builds them, parse with the contract's schemas: what
// the elements read (contract/schemas.ts) is what is sent, status code included.
import type { V1Job, V1Namespace, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { logEventSchema, progressEventSchema, statusEventSchema } from '../../../contract/schemas.ts';
import type { StoreCache } from '../kube/cache.ts';
import type { PodLogFanout } from '../kube/pod-log-fanout.ts';
import type { StoreActivityWatches } from '../kube/store-activity.ts';
import { type FeedSink, streamStoreEvents } from './events.ts';
import { progressReport } from './progress.ts';
import type { StoreReader } from './reader.ts';
import { type OperationRecord, toStoreView } from './view.ts';

const spec = { plan: 'small', host: 'sse1.localhost', title: 'sse1', adminEmail: 'a@sse1.localhost' };
const namespace: V1Namespace = {
  metadata: {
    name: 'store-sse1', uid: 'u1', creationTimestamp: new Date('2026-01-01T00:00:00Z'),
    labels: { 'app.kubernetes.io/managed-by': 'storefleet', 'storefleet.io/store': 'sse1', 'storefleet.io/tenant': 'alice' },
    annotations: { 'storefleet.io/spec': JSON.stringify(spec) },
  },
};
const job: V1Job = {
  metadata: {
    name: 'sse1-install-1', creationTimestamp: new Date('2026-01-01T00:01:00Z'),
    labels: { 'storefleet.io/store': 'sse1', 'storefleet.io/operation': 'install', 'storefleet.io/seq': '1', 'storefleet.io/store-uid': 'u1' },
  },
  status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', lastTransitionTime: new Date('2026-01-01T00:03:00Z') }] },
};
const record: OperationRecord = {
  job: 'sse1-install-1', storeUid: 'u1', final: true, code: 'QuotaExceeded',
  message: 'The store needs more resources than its plan allows; choose a larger plan.',
  log: '{"step":"install","status":"started","message":"helm upgrade --install"}\nError: exceeded quota\n',
};
const waitingPod: V1Pod = {
  metadata: { name: 'sse1-mariadb-0', namespace: 'store-sse1', uid: 'p1', creationTimestamp: new Date('2026-01-01T00:02:00Z'), labels: { 'app.kubernetes.io/component': 'mariadb' } },
  status: { phase: 'Pending', containerStatuses: [{ name: 'mariadb', image: 'mariadb:11.8', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: 'pull refused' } } }] },
};

describe('the event stream payloads', () => {
  it('parse with the contract schemas the elements read', async () => {
    const sent: { event: string; data: unknown }[] = [];
    const closed = new AbortController();
    const sink: FeedSink = {
      send: (event, data) => sent.push({ event, data }),
      sendJson: (event, json) => sent.push({ event, data: JSON.parse(json) }),
      end: () => closed.abort(),
      closed: closed.signal,
    };
    const view = toStoreView(namespace, [job], [], record);
    const reader = { get: async () => view, latestJob: () => job, newestPod: () => undefined, record: () => record } as unknown as StoreReader;
    const cache = { subscribe: () => () => undefined, pods: { get: () => undefined } } as unknown as StoreCache;
    const activity = {
      report: (_store: string, since: Date) => progressReport({ release: 'sse1', events: [], pods: [waitingPod], claims: [] }, since),
      subscribe: () => () => undefined,
    } as unknown as StoreActivityWatches;
    streamStoreEvents({ name: 'sse1', uid: 'u1', mayView: () => true }, { cache, reader, logs: {} as PodLogFanout, activity }, sink);
    await expect.poll(() => sent.map((s) => s.event)).toEqual(expect.arrayContaining(['status', 'log', 'progress']));
    closed.abort();

    const status = statusEventSchema.parse(sent.find((s) => s.event === 'status')!.data);
    expect(status).toMatchObject({ name: 'sse1', phase: 'Failed', reason: 'InstallFailed', code: 'QuotaExceeded', message: record.message });
    for (const { data } of sent.filter((s) => s.event === 'log')) logEventSchema.parse(data);
    expect(sent.filter((s) => s.event === 'log')).toHaveLength(2);
    for (const { data } of sent.filter((s) => s.event === 'progress')) progressEventSchema.parse(data);
  });

  it('include the final Deleted status once the store is gone', async () => {
    const sent: { event: string; data: unknown }[] = [];
    const closed = new AbortController();
    const sink: FeedSink = { send: (event, data) => sent.push({ event, data }), sendJson: () => undefined, end: () => closed.abort(), closed: closed.signal };
    const reader = { get: async () => undefined } as unknown as StoreReader;
    const cache = { subscribe: () => () => undefined } as unknown as StoreCache;
    streamStoreEvents({ name: 'sse1', uid: 'u1', mayView: () => true }, { cache, reader, logs: {} as PodLogFanout }, sink);
    await expect.poll(() => closed.signal.aborted).toBe(true);
    expect(statusEventSchema.parse(sent[0]!.data)).toMatchObject({ phase: 'Deleted', reason: 'Gone' });
  });
});
