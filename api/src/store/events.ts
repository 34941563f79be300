// The event feed of one store: `status` whenever its derived state changes, `log` for every
// provisioner line of its latest operation, and `progress` for what Kubernetes reports about
// the store while that operation runs (its Events, pods and claims, in plain words, with a
// summary of its parts). Ids are "<job>:<line>" and, once progress has been sent,
// "<job>:<line>:<progress cursor>", so a client resuming with Last-Event-ID gets each line and
// each progress item once. Logs come from the live pod (followed) or, when the pod is gone,
// from the saved operation record. A stream belongs to one store incarnation: it ends (with a
// final `Deleted` status) when that store is gone or replaced by a later one of the same
// name, and when the caller may no longer see it.
import type { StoreCache } from '../kube/cache.ts';
import type { PodLogFanout } from '../kube/pod-log-fanout.ts';
import type { StoreActivityWatches } from '../kube/store-activity.ts';
import { PLATFORM_NAMESPACE } from './names.ts';
import type { StoreReader } from './reader.ts';
import type { ProgressItem, ProgressSummary } from './progress.ts';
import { isRecordOf, type StoreView } from './view.ts';

export interface ResumePoint {
  job: string;
  line: number;
  /** The last progress item sent, as its cursor. */
  progress?: string;
}

export function parseLastEventId(value: string | undefined): ResumePoint | undefined {
  const match = /^([a-z0-9-]+):(\d+)(?::([0-9a-z]+\.[0-9a-f]{8}))?$/.exec(value ?? '');
  if (!match) return undefined;
  return match[3] ? { job: match[1]!, line: Number(match[2]), progress: match[3] } : { job: match[1]!, line: Number(match[2]) };
}

export interface FeedSink {
  send(event: string, data: unknown, id?: string): void;
  /** `send` with the data already serialized. */
  sendJson(event: string, json: string, id?: string): void;
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

export interface FeedDeps {
  cache: StoreCache;
  reader: StoreReader;
  logs: PodLogFanout;
  activity?: StoreActivityWatches;
}

/** A progress item's event data as JSON, made once for all the viewers of its (memoized) report and Job. */
const progressJson = new WeakMap<ProgressItem, { job: string; json: string }>();
function serializedProgress(job: string, item: ProgressItem, summary: ProgressSummary): string {
  const kept = progressJson.get(item);
  if (kept?.job === job) return kept.json;
  const json = JSON.stringify({ job, item, summary });
  progressJson.set(item, { job, json });
  return json;
}

/** A view's `status` event data as JSON, made once for all the viewers handed the same (memoized) view. */
const statusJson = new WeakMap<StoreView, string>();
function serializedStatus(view: StoreView): string {
  let json = statusJson.get(view);
  if (json === undefined) statusJson.set(view, (json = JSON.stringify({ name: view.name, ...view.state })));
  return json;
}

/**
 * The last log line's event data as JSON: the fan-out hands each line to every viewer in
 * turn, so one entry is made once for all of them.
 */
let lastLine: { job: string; number: number; text: string; json: string } | undefined;
function serializedLine(job: string, number: number, text: string): string {
  if (lastLine?.job !== job || lastLine.number !== number || lastLine.text !== text) {
    lastLine = { job, number, text, json: JSON.stringify({ job, line: number, text }) };
  }
  return lastLine.json;
}

export function streamStoreEvents(target: FeedTarget, deps: FeedDeps, sink: FeedSink, resume?: ResumePoint) {
  const { name, uid } = target;
  const { cache, reader, logs, activity } = deps;
  let lastStatus = '';
  let followedJob: string | undefined;
  let logDone = false;
  /** The operation pod whose log is followed, and how to stop. */
  let following: { pod: string; stop: () => void } | undefined;
  let sent = 0;
  /** Progress of the followed Job: keys sent, the cursor of the latest, the summary last sent. */
  let progressSent = new Set<string>();
  let progressAt = '';
  let lastSummary = '';

  const eventId = (job: string) => (progressAt ? `${job}:${sent}:${progressAt}` : `${job}:${sent}`);

  const emitLine = (job: string, line: string, n: number) => {
    if (resume?.job === job && n <= resume.line) return;
    if (n <= sent) return;
    sent = n;
    sink.sendJson('log', serializedLine(job, n, line), eventId(job));
  };

  const emitProgress = (job: string, since: Date) => {
    const report = activity?.report(name, since);
    if (!report) return;
    const { summary } = report;
    const resumedAfter = resume?.job === job ? resume.progress : undefined;
    const fresh = report.items.filter(({ item, cursor }) => !progressSent.has(item.key) && !(resumedAfter && cursor <= resumedAfter));
    for (const { item, cursor } of fresh) {
      progressSent.add(item.key);
      if (cursor > progressAt) progressAt = cursor;
      lastSummary = summary.text;
      sink.sendJson('progress', serializedProgress(job, item, summary), eventId(job));
    }
    if (summary.text !== lastSummary) {
      lastSummary = summary.text;
      sink.send('progress', { job, summary }, eventId(job));
    }
  };

  const startFollowing = (job: string) => {
    // Asked on every change while the log runs: once following, only that pod matters.
    const pod = following ? cache.pods.get(following.pod, PLATFORM_NAMESPACE) : reader.newestPod(name, job);
    if (!pod) {
      const record = reader.record(name);
      if (isRecordOf(record, job, uid)) {
        record.log.split('\n').filter((l, i, all) => l || i < all.length - 1).forEach((line, i) => emitLine(job, line, i + 1));
        logDone = true;
      }
      return;
    }
    if (pod.status?.phase === 'Pending' || following) return;
    const podName = pod.metadata!.name!;
    following = {
      pod: podName,
      stop: logs.subscribe(PLATFORM_NAMESPACE, podName, 'provisioner', {
        line: (text, n) => emitLine(job, text, n),
        end: () => { logDone = true; },
      }),
    };
  };

  const update = async () => {
    if (sink.closed.aborted) return;
    const view = await reader.get(name).catch(() => undefined);
    if (!view || view.uid !== uid) {
      sink.send('status', { name, phase: 'Deleted', reason: 'Gone', message: 'The store no longer exists.', since: new Date().toISOString() });
      return sink.end();
    }
    if (!target.mayView(view)) return sink.end();
    const serialized = serializedStatus(view);
    if (serialized !== lastStatus) {
      lastStatus = serialized;
      sink.sendJson('status', serialized);
    }
    const job = reader.latestJob(name)?.metadata?.name;
    if (job && job !== followedJob) {
      following?.stop();
      following = undefined;
      followedJob = job;
      logDone = false;
      sent = 0;
      progressSent = new Set();
      progressAt = '';
      lastSummary = '';
    }
    if (followedJob && !logDone) startFollowing(followedJob);
    if (followedJob) followProgress();
  };

  const followProgress = () => {
    const job = reader.latestJob(name);
    const jobName = job?.metadata?.name;
    if (jobName && jobName === followedJob && !sink.closed.aborted) emitProgress(jobName, new Date(job.metadata?.creationTimestamp ?? 0));
  };

  // While the store waits in the provisioning queue, its place moves when other stores' Jobs
  // change: then any change is looked at.
  const unsubscribe = cache.subscribe((store) => {
    if (store === name || lastStatus.includes('"queuePosition"')) void update();
  });
  const unsubscribeActivity = activity?.subscribe((store) => {
    if (store === name) followProgress();
  });
  sink.closed.addEventListener('abort', () => {
    unsubscribe();
    unsubscribeActivity?.();
    following?.stop();
  });
  void update();
}
