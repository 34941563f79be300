// The event feed of one store: `status` whenever its derived state changes, and `log` for
// every provisioner line of its latest operation, id "<job>:<line>" so a client resuming with
// Last-Event-ID gets each line once. Logs come from the live pod (followed) or, when the pod
// is gone, from the saved operation record. A stream belongs to one store incarnation: it ends
// (with a final `Deleted` status) when that store is gone or replaced by a later one of the
// same name, and when the caller may no longer see it.
import type { StoreCache } from '../kube/cache.ts';
import type { PodLogFanout } from '../kube/pod-log-fanout.ts';
import { PLATFORM_NAMESPACE, storeNamespace } from './names.ts';
import type { StoreReader } from './reader.ts';
import { isRecordOf, latestJob, newestPod, type StoreView } from './view.ts';

export interface ResumePoint {
  job: string;
  line: number;
}

export function parseLastEventId(value: string | undefined): ResumePoint | undefined {
  const match = /^([a-z0-9-]+):(\d+)$/.exec(value ?? '');
  return match ? { job: match[1]!, line: Number(match[2]) } : undefined;
}

export interface FeedSink {
  send(event: string, data: unknown, id?: string): void;
  end(): void;
  closed: AbortSignal;
}

export interface FeedTarget {
  name: string;
  /** The store incarnation the stream was opened on. */
  uid: string;
  /** Asked again on every change: may the caller still see this store? */
  mayView: (store: StoreView) => boolean;
}

export function streamStoreEvents(target: FeedTarget, deps: { cache: StoreCache; reader: StoreReader; logs: PodLogFanout }, sink: FeedSink, resume?: ResumePoint) {
  const { name, uid } = target;
  const { cache, reader, logs } = deps;
  let lastStatus = '';
  let followedJob: string | undefined;
  let logDone = false;
  let stopFollowing: (() => void) | undefined;
  let sent = 0;

  const emitLine = (job: string, line: string, n: number) => {
    if (resume?.job === job && n <= resume.line) return;
    if (n <= sent) return;
    sent = n;
    sink.send('log', { job, line: n, text: line }, `${job}:${n}`);
  };

  const startFollowing = (job: string) => {
    const pod = newestPod(cache.pods.list(), job);
    const record = reader.record(name);
    if (!pod && isRecordOf(record, job, uid)) {
      record.log.split('\n').filter((l, i, all) => l || i < all.length - 1).forEach((line, i) => emitLine(job, line, i + 1));
      logDone = true;
      return;
    }
    if (!pod || pod.status?.phase === 'Pending' || stopFollowing) return;
    stopFollowing = logs.subscribe(PLATFORM_NAMESPACE, pod.metadata!.name!, 'provisioner', {
      line: (text, n) => emitLine(job, text, n),
      end: () => { logDone = true; },
    });
  };

  const update = async () => {
    if (sink.closed.aborted) return;
    const view = await reader.get(name).catch(() => undefined);
    if (!view || view.uid !== uid) {
      sink.send('status', { name, phase: 'Deleted', reason: 'Gone', message: 'The store no longer exists.', since: new Date().toISOString() });
      return sink.end();
    }
    if (!target.mayView(view)) return sink.end();
    const serialized = JSON.stringify(view.state);
    if (serialized !== lastStatus) {
      lastStatus = serialized;
      sink.send('status', { name, ...view.state });
    }
    const namespace = cache.namespaces.get(storeNamespace(name));
    const job = namespace && latestJob(cache.jobs.list(), namespace)?.metadata?.name;
    if (job && job !== followedJob) {
      stopFollowing?.();
      stopFollowing = undefined;
      followedJob = job;
      logDone = false;
      sent = 0;
    }
    if (followedJob && !logDone) startFollowing(followedJob);
  };

  const unsubscribe = cache.subscribe((store) => {
    if (store === name) void update();
  });
  sink.closed.addEventListener('abort', () => {
    unsubscribe();
    stopFollowing?.();
  });
  void update();
}
