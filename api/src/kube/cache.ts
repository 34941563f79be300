// Watch-fed caches of everything a store's state is derived from: store namespaces, and
// operation Jobs, their pods and saved operation records in the platform namespace.
// Listing reads these, never `helm list`. Informers re-list and re-watch when a watch closes.
import * as k8s from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, PLATFORM_NAMESPACE } from '../store/names.ts';
import type { KubeClients } from './clients.ts';
import { describeKubeError } from '../lifecycle/kube-error.ts';

type Listener = (store: string) => void;

/** Whether the informer's first list has come (it has a resourceVersion then); a failed list leaves none. */
export function hasListed<T extends k8s.KubernetesObject>(informer: k8s.Informer<T>): boolean {
  return Boolean((informer as unknown as { latestResourceVersion(): string }).latestResourceVersion());
}

export class StoreCache {
  readonly namespaces: k8s.Informer<k8s.V1Namespace> & k8s.ObjectCache<k8s.V1Namespace>;
  readonly jobs: k8s.Informer<k8s.V1Job> & k8s.ObjectCache<k8s.V1Job>;
  readonly pods: k8s.Informer<k8s.V1Pod> & k8s.ObjectCache<k8s.V1Pod>;
  readonly records: k8s.Informer<k8s.V1ConfigMap> & k8s.ObjectCache<k8s.V1ConfigMap>;
  private readonly listeners = new Set<Listener>();
  /** Goes up on every change seen: what is derived from the cache is valid while it stays. */
  version = 0;
  private stopped = false;
  /** Informers whose first list has not succeeded yet, with the last error each met. */
  private readonly unsynced = new Map<string, string | undefined>([['namespaces', undefined], ['jobs', undefined], ['pods', undefined], ['records', undefined]]);
  private synced?: () => void;

  constructor(kube: KubeClients) {
    const storeSelector = LABELS.store;
    this.namespaces = k8s.makeInformer(kube.config, '/api/v1/namespaces',
      () => kube.core.listNamespace({ labelSelector: `${LABELS.managedBy}=${MANAGED_BY}` }),
      `${LABELS.managedBy}=${MANAGED_BY}`);
    this.jobs = k8s.makeInformer(kube.config, `/apis/batch/v1/namespaces/${PLATFORM_NAMESPACE}/jobs`,
      () => kube.batch.listNamespacedJob({ namespace: PLATFORM_NAMESPACE, labelSelector: storeSelector }), storeSelector);
    this.pods = k8s.makeInformer(kube.config, `/api/v1/namespaces/${PLATFORM_NAMESPACE}/pods`,
      () => kube.core.listNamespacedPod({ namespace: PLATFORM_NAMESPACE, labelSelector: storeSelector }), storeSelector);
    this.records = k8s.makeInformer(kube.config, `/api/v1/namespaces/${PLATFORM_NAMESPACE}/configmaps`,
      () => kube.core.listNamespacedConfigMap({ namespace: PLATFORM_NAMESPACE, labelSelector: storeSelector }), storeSelector);

    for (const [name, informer] of this.named()) {
      for (const verb of [k8s.ADD, k8s.UPDATE, k8s.DELETE] as const) {
        informer.on(verb, (object) => {
          this.version += 1;
          const store = object.metadata?.labels?.[LABELS.store];
          if (store) for (const listener of this.listeners) listener(store);
        });
      }
      informer.on(k8s.ERROR, (error) => {
        // A failed first list (403, no answer) leaves the informer unsynced: say why for /readyz.
        if (this.unsynced.has(name)) this.unsynced.set(name, describeKubeError(error));
        // A closed or failed watch: start again after a pause (re-list, then re-watch).
        if (!this.stopped) setTimeout(() => void this.startOne(name, informer), 2000);
      });
    }
  }

  private named(): [string, k8s.Informer<k8s.KubernetesObject> & k8s.ObjectCache<k8s.KubernetesObject>][] {
    return [['namespaces', this.namespaces], ['jobs', this.jobs], ['pods', this.pods], ['records', this.records]] as never;
  }

  /** A failed list emits ERROR and resolves start() unsynced; a resourceVersion means the list came. */
  private async startOne(name: string, informer: k8s.Informer<k8s.KubernetesObject> & k8s.ObjectCache<k8s.KubernetesObject>) {
    await informer.start().catch(() => undefined);
    if (!this.unsynced.has(name) || !hasListed(informer)) return;
    this.unsynced.delete(name);
    if (this.unsynced.size === 0) this.synced?.();
  }

  /** Resolves once every informer has listed once (retrying every 2 s until then). */
  async start(): Promise<void> {
    const synced = new Promise<void>((resolve) => (this.synced = resolve));
    await Promise.all(this.named().map(([name, informer]) => this.startOne(name, informer)));
    if (this.unsynced.size > 0) await synced;
  }

  /** For /readyz: ok once every informer has listed; else which still sync, and why. */
  syncCheck(): { name: 'caches'; ok: boolean; reason?: string } {
    if (this.unsynced.size === 0) return { name: 'caches', ok: true };
    // Grouped by error: one refused connection is said once, not once per informer.
    const byError = new Map<string, string[]>();
    for (const [name, error] of this.unsynced) byError.set(error ?? '', [...(byError.get(error ?? '') ?? []), name]);
    const waiting = [...byError].map(([error, names]) => `${names.join(', ')}${error ? ` (${error})` : ''}`);
    return { name: 'caches', ok: false, reason: `syncing: ${waiting.join(', ')}` };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.namespaces.stop(), this.jobs.stop(), this.pods.stop(), this.records.stop()]);
  }

  /** A store namespace not in the cache, or being deleted: its store is going, and it takes nothing new. */
  namespaceGoing(namespace: string): boolean {
    const found = this.namespaces.get(namespace);
    return !found || Boolean(found.metadata?.deletionTimestamp);
  }

  /** Calls `listener(store)` whenever anything of that store changes. Returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
