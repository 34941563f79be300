// The progress story for kubectl users: what the API derives while an operation runs also
// becomes Kubernetes Events — the parts summary ("2 of 4 parts ready: …") and an early end on
// the operation Job (`kubectl describe job <store>-install-1`), and what a pod's or claim's
// state says (ready, waiting, stopped) in the store namespace next to the kubelet's own
// Events (`kubectl -n store-<name> get events`). Names are derived from what they say, so
// every replica writing the same Event writes it once. Best effort, like kube-events.ts.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type * as k8s from '@kubernetes/client-node';
import type { StoreCache } from '../kube/cache.ts';
import { createIfAbsent, type KubeClients, statusCode } from '../kube/clients.ts';
import type { StoreActivityWatches } from '../kube/store-activity.ts';
import type { Logger } from './logger.ts';
import type { Blocker } from '../store/blockers.ts';
import { LABELS, PLATFORM_NAMESPACE, storeNamespace } from '../store/names.ts';
import type { ProgressItem } from '../store/progress.ts';
import { operationRunning } from '../store/state.ts';
import { latestJob } from '../store/view.ts';

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

interface EventInput {
  name: string;
  namespace: string;
  regarding: k8s.V1ObjectReference;
  reason: string;
  type: 'Normal' | 'Warning';
  message: string;
  store: string;
  at: Date;
}

export function buildEvent(input: EventInput, instance: string = hostname()): k8s.CoreV1Event {
  return {
    metadata: { name: input.name, namespace: input.namespace, labels: { [LABELS.store]: input.store } },
    involvedObject: input.regarding,
    reason: input.reason,
    type: input.type,
    message: input.message.slice(0, 1024),
    source: { component: 'storefleet-api' },
    reportingComponent: 'storefleet.io/api',
    reportingInstance: instance,
    firstTimestamp: input.at,
    lastTimestamp: input.at,
    count: 1,
  };
}

// With its uid: `kubectl describe job` finds a Job's Events by it.
const jobReference = (job: string, uid?: string): k8s.V1ObjectReference => ({ apiVersion: 'batch/v1', kind: 'Job', name: job, namespace: PLATFORM_NAMESPACE, ...(uid ? { uid } : {}) });

/** The Event on the operation Job for one parts summary. */
export function summaryEvent(store: string, job: string, text: string, at: Date, uid?: string): k8s.CoreV1Event {
  return buildEvent({ name: `${job}.progress-${digest(text)}`, namespace: PLATFORM_NAMESPACE, regarding: jobReference(job, uid), reason: 'Progress', type: 'Normal', message: text, store, at });
}

/** The Event on the operation Job that says why it was ended early. */
export function blockerEvent(store: string, job: string, blocker: Blocker, uid?: string): k8s.CoreV1Event {
  return buildEvent({ name: `${job}.ended-early`, namespace: PLATFORM_NAMESPACE, regarding: jobReference(job, uid), reason: blocker.kind, type: 'Warning', message: `${blocker.message} (Kubernetes: ${blocker.detail})`, store, at: new Date() });
}

/** The Event in the store namespace for one state a pod or claim reported (not itself an Event). */
export function stateEvent(store: string, job: string, item: ProgressItem): k8s.CoreV1Event {
  const [kind, name] = item.object.split('/') as [string, string];
  const namespace = storeNamespace(store);
  return buildEvent({ name: `${job}.${digest(item.key)}`, namespace, regarding: { apiVersion: 'v1', kind, name, namespace }, reason: item.reason, type: item.type, message: item.text, store, at: new Date(item.at) });
}

export class ProgressEvents {
  private readonly kube: KubeClients;
  private readonly cache: StoreCache;
  private readonly activity: StoreActivityWatches;
  private readonly logger: Logger;
  /** What this replica has already written, per Job: Event names. */
  private readonly written = new Map<string, Set<string>>();

  constructor(kube: KubeClients, cache: StoreCache, activity: StoreActivityWatches, logger: Logger) {
    this.kube = kube;
    this.cache = cache;
    this.activity = activity;
    this.logger = logger;
  }

  start(): () => void {
    return this.activity.subscribe((store) => this.onChange(store));
  }

  blocked(store: string, job: k8s.V1Job, blocker: Blocker): void {
    this.write(job.metadata!.name!, blockerEvent(store, job.metadata!.name!, blocker, job.metadata?.uid));
  }

  private onChange(store: string) {
    const namespace = this.cache.namespaces.get(storeNamespace(store));
    const job = namespace && latestJob(this.cache.jobs.list(), namespace);
    if (!job) return;
    const jobName = job.metadata!.name!;
    const report = this.activity.report(store, new Date(job.metadata?.creationTimestamp ?? 0));
    if (!report) return;
    const running = operationRunning(job, this.cache.pods.list());
    if (running) this.write(jobName, summaryEvent(store, jobName, report.summary.text, new Date(), job.metadata?.uid));
    for (const { item } of report.items) {
      if (!item.key.startsWith('event:')) this.write(jobName, stateEvent(store, jobName, item));
    }
    if (!running) this.forgetLater(jobName);
  }

  private write(job: string, event: k8s.CoreV1Event) {
    let names = this.written.get(job);
    if (!names) this.written.set(job, (names = new Set()));
    const name = event.metadata!.name!;
    if (names.has(name)) return;
    names.add(name);
    const namespace = event.metadata!.namespace!;
    void createIfAbsent(() => this.kube.core.createNamespacedEvent({ namespace, body: event }))
      .catch((error: unknown) => {
        // A namespace being deleted takes no new Events (403): the store is going, nothing is lost.
        const going = namespace !== PLATFORM_NAMESPACE && this.cache.namespaceGoing(namespace);
        if (going && [403, 404].includes(statusCode(error) ?? 0)) return;
        this.logger.error({ job, event: name, err: error }, 'could not record a progress Event');
      });
  }

  private readonly forgetting = new Set<string>();

  /** A finished Job's names are kept a while (late reports), then let go. */
  private forgetLater(job: string) {
    if (this.forgetting.has(job)) return;
    this.forgetting.add(job);
    setTimeout(() => {
      this.written.delete(job);
      this.forgetting.delete(job);
    }, 120_000).unref();
  }
}
