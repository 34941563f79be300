// Watch-fed caches of everything a store's state is derived from: store namespaces, and
// operation Jobs, their pods and saved operation records in the platform namespace.
// Listing reads these, never `helm list`. Informers re-list and re-watch when a watch closes.
import * as k8s from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, PLATFORM_NAMESPACE } from '../store/names.ts';
import type { KubeClients } from './clients.ts';

type Listener = (store: string) => void;

export class StoreCache {
  readonly namespaces: k8s.Informer<k8s.V1Namespace> & k8s.ObjectCache<k8s.V1Namespace>;
  readonly jobs: k8s.Informer<k8s.V1Job> & k8s.ObjectCache<k8s.V1Job>;
  readonly pods: k8s.Informer<k8s.V1Pod> & k8s.ObjectCache<k8s.V1Pod>;
  readonly records: k8s.Informer<k8s.V1ConfigMap> & k8s.ObjectCache<k8s.V1ConfigMap>;
  private readonly listeners = new Set<Listener>();
  /** Goes up on every change seen: what is derived from the cache is valid while it stays. */
  version = 0;
  private stopped = false;

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

    for (const informer of [this.namespaces, this.jobs, this.pods, this.records] as k8s.Informer<k8s.KubernetesObject>[]) {
      for (const verb of [k8s.ADD, k8s.UPDATE, k8s.DELETE] as const) {
        informer.on(verb, (object) => {
          this.version += 1;
          const store = object.metadata?.labels?.[LABELS.store];
          if (store) for (const listener of this.listeners) listener(store);
        });
      }
      informer.on(k8s.ERROR, () => {
        // A closed or failed watch: start again after a pause (re-list, then re-watch).
        if (!this.stopped) setTimeout(() => void informer.start().catch(() => undefined), 2000);
      });
    }
  }

  async start(): Promise<void> {
    await Promise.all([this.namespaces.start(), this.jobs.start(), this.pods.start(), this.records.start()]);
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
