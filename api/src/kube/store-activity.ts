// Watches of what Kubernetes reports inside a store's namespace — its Events, pods and
// claims — while an operation of that store runs (and a minute after, for the last words).
// One set of watches per store per API process, shared by every viewer and by fail-fast;
// a store at rest costs nothing. Read through the per-store reader RoleBinding, never
// cluster-wide.
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.ts';
import { LABELS, storeNamespace } from '../store/names.ts';
import { type ProgressReport, progressReport, type StoreActivity } from '../store/progress.ts';
import { operationRunning } from '../store/state.ts';
import { latestJob } from '../store/view.ts';
import type { StoreCache } from './cache.ts';
import type { KubeClients } from './clients.ts';

/** How long the watches stay after the operation ends: the last Events arrive late. */
const LINGER_MS = 60_000;
const RESTART_AFTER_MS = 2_000;

type Informer<T extends k8s.KubernetesObject> = k8s.Informer<T> & k8s.ObjectCache<T>;

interface Watched {
  namespaceUid: string;
  events: Informer<k8s.CoreV1Event>;
  pods: Informer<k8s.V1Pod>;
  claims: Informer<k8s.V1PersistentVolumeClaim>;
  stopTimer?: NodeJS.Timeout;
  stopped: boolean;
  /** Goes up on every change; the report is kept until it does. */
  version: number;
  report?: { version: number; since: number; value: ProgressReport };
}

type Listener = (store: string) => void;

export class StoreActivityWatches {
  private readonly watched = new Map<string, Watched>();
  private readonly listeners = new Set<Listener>();
  private readonly kube: KubeClients;
  private readonly cache: StoreCache;
  private readonly logger: Logger;

  constructor(kube: KubeClients, cache: StoreCache, logger: Logger) {
    this.kube = kube;
    this.cache = cache;
    this.logger = logger;
  }

  start(): () => void {
    const check = (store: string) => this.check(store);
    for (const namespace of this.cache.namespaces.list()) {
      const store = namespace.metadata?.labels?.[LABELS.store];
      if (store) check(store);
    }
    const unsubscribe = this.cache.subscribe(check);
    return () => {
      unsubscribe();
      for (const store of [...this.watched.keys()]) this.stopWatching(store);
    };
  }

  /** What the store's namespace reports now, if it is being watched. */
  activity(store: string): StoreActivity | undefined {
    const watched = this.watched.get(store);
    if (!watched) return undefined;
    return { release: store, events: watched.events.list(), pods: watched.pods.list(), claims: watched.claims.list() };
  }

  /** The store's progress since `since`, computed once per change for all its viewers. */
  report(store: string, since: Date): ProgressReport | undefined {
    const watched = this.watched.get(store);
    if (!watched) return undefined;
    // Asked by every viewer on every change: the kept report is checked before the lists are copied.
    const kept = watched.report;
    if (kept?.version === watched.version && kept.since === since.getTime()) return kept.value;
    const value = progressReport(this.activity(store)!, since);
    watched.report = { version: watched.version, since: since.getTime(), value };
    return value;
  }

  /** Calls `listener(store)` on every change seen in a watched store. Returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.watched.size;
  }

  private check(store: string) {
    const namespace = this.cache.namespaces.get(storeNamespace(store));
    const job = namespace && !namespace.metadata?.deletionTimestamp ? latestJob(this.cache.jobs.list(), namespace) : undefined;
    const watched = this.watched.get(store);
    if (watched && (!namespace || watched.namespaceUid !== namespace.metadata?.uid)) this.stopWatching(store);
    if (!namespace || !job) return;
    const running = operationRunning(job, this.cache.pods.list());
    const current = this.watched.get(store);
    if (running && !current) this.startWatching(store, namespace.metadata!.uid!);
    if (running && current?.stopTimer) {
      clearTimeout(current.stopTimer);
      current.stopTimer = undefined;
    }
    if (!running && current && !current.stopTimer) {
      current.stopTimer = setTimeout(() => this.stopWatching(store), LINGER_MS);
      current.stopTimer.unref();
    }
  }

  private startWatching(store: string, namespaceUid: string) {
    const { kube } = this;
    const namespace = storeNamespace(store);
    const watched: Watched = {
      namespaceUid,
      stopped: false,
      version: 0,
      events: k8s.makeInformer(kube.config, `/api/v1/namespaces/${namespace}/events`, () => kube.core.listNamespacedEvent({ namespace })),
      pods: k8s.makeInformer(kube.config, `/api/v1/namespaces/${namespace}/pods`, () => kube.core.listNamespacedPod({ namespace })),
      claims: k8s.makeInformer(kube.config, `/api/v1/namespaces/${namespace}/persistentvolumeclaims`, () => kube.core.listNamespacedPersistentVolumeClaim({ namespace })),
    };
    for (const informer of [watched.events, watched.pods, watched.claims] as Informer<k8s.KubernetesObject>[]) {
      for (const verb of [k8s.ADD, k8s.UPDATE, k8s.DELETE] as const) {
        informer.on(verb, () => {
          watched.version += 1;
          for (const listener of this.listeners) listener(store);
        });
      }
      informer.on(k8s.ERROR, (error: unknown) => {
        if (watched.stopped) return;
        // A store being deleted loses its namespace (and our access in it) under the watch: not a failure.
        if (this.cache.namespaceGoing(storeNamespace(store))) return this.stopWatching(store);
        this.logger.error({ store, err: error }, 'store activity watch failed; watching again');
        setTimeout(() => {
          if (!watched.stopped) void informer.start().catch(() => undefined);
        }, RESTART_AFTER_MS).unref();
      });
      void informer.start().catch(() => undefined);
    }
    this.watched.set(store, watched);
  }

  private stopWatching(store: string) {
    const watched = this.watched.get(store);
    if (!watched) return;
    watched.stopped = true;
    clearTimeout(watched.stopTimer);
    this.watched.delete(store);
    for (const informer of [watched.events, watched.pods, watched.claims]) void informer.stop().catch(() => undefined);
  }
}
