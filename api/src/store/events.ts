// The event feed of one store: `status` whenever its derived state changes, and `log` for
// every provisioner line of its latest operation, id "<job>:<line>" so a client resuming with
// Last-Event-ID gets each line once. Logs come from the live pod (followed) or, when the pod
// is gone, from the saved operation record.
import type { StoreCache } from '../kube/cache.ts';
import type { PodLogFanout } from '../kube/pod-log-fanout.ts';
import { PLATFORM_NAMESPACE } from './names.ts';
import type { StoreReader } from './reader.ts';
import { latestJob, newestPod } from './view.ts';

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
  closed: AbortSignal;
}

export function streamStoreEvents(name: string, deps: { cache: StoreCache; reader: StoreReader; logs: PodLogFanout }, sink: FeedSink, resume?: ResumePoint) {
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
    if (!pod && record?.job === job) {
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
    const status = view ? view.state : { phase: 'Deleted', reason: 'Gone', message: 'The store no longer exists.', since: new Date().toISOString() };
    const serialized = JSON.stringify(status);
    if (serialized !== lastStatus) {
      lastStatus = serialized;
      sink.send('status', { name, ...status });
    }
    const job = latestJob(cache.jobs.list(), name)?.metadata?.name;
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
