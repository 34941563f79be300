// Reads stores for the API: listings from the watch-fed cache; a single store from the cache,
// or straight from the API server when the cache has not seen it yet (just created).
import type { KubernetesObject, V1Job, V1Pod } from '@kubernetes/client-node';
import type { StoreCache } from '../kube/cache.ts';
import { type KubeClients, statusCode } from '../kube/clients.ts';
import { LABELS, operationRecordName, PLATFORM_NAMESPACE, storeNamespace } from './names.ts';
import { countByPhase, type StoreCounts } from './list-page.ts';
import { fetchOperationRecord } from '../provisioning/operation-records.ts';
import { positions, queueOrder } from '../provisioning/queue-order.ts';
import { newestPod } from './state.ts';
import { latestJob, readRecord, toStoreView, type StoreView } from './view.ts';
import { DEFAULT_SHOP_ADDRESS, type ShopAddress } from './store-url.ts';

interface Listing {
  version: number;
  /** Sorted by name. */
  views: StoreView[];
  counts?: StoreCounts;
  json?: string;
}

function byStore<T extends KubernetesObject>(objects: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const object of objects) {
    const store = object.metadata?.labels?.[LABELS.store];
    if (!store) continue;
    const group = groups.get(store);
    if (group) group.push(object);
    else groups.set(store, [object]);
  }
  return groups;
}

export class StoreReader {
  private readonly kube: KubeClients;
  private readonly cache: StoreCache;
  /** Whether stores are served over HTTPS: their URLs say so. */
  private readonly address: ShopAddress;

  constructor(kube: KubeClients, cache: StoreCache, address: ShopAddress = DEFAULT_SHOP_ADDRESS) {
    this.kube = kube;
    this.cache = cache;
    this.address = address;
  }

  /**
   * Listings by tenant ('' = all), kept with their JSON until the cache changes: a list is
   * read far more often than stores change.
   */
  private readonly listings = new Map<string, Listing>();

  /** Each store's view with the versions of the objects it was derived from (dropped with its namespace). */
  private readonly views = new Map<string, { key: string; view: StoreView }>();

  list(tenant?: string): StoreView[] {
    return this.listing(tenant).views;
  }

  /** The stores by phase, counted once per change. */
  counts(tenant?: string): StoreCounts {
    const listing = this.listing(tenant);
    listing.counts ??= countByPhase(listing.views);
    return listing.counts;
  }

  /** The whole-list response body (the shape of one page holding everything), serialized once per change. */
  listJson(tenant?: string): string {
    const listing = this.listing(tenant);
    listing.json ??= JSON.stringify({ items: listing.views, metadata: { remainingItemCount: 0 }, counts: this.counts(tenant) });
    return listing.json;
  }

  private queued?: { version: number; positions: Map<string, number> };

  /** Waiting Jobs' places in the provisioning queue, worked out once per change. */
  private queuePositions(): Map<string, number> {
    if (this.queued?.version !== this.cache.version) {
      this.queued = { version: this.cache.version, positions: positions(queueOrder(this.cache.jobs.list(), this.cache.pods.list())) };
    }
    return this.queued.positions;
  }

  private listing(tenant?: string): Listing {
    const key = tenant ?? '';
    const kept = this.listings.get(key);
    if (kept?.version === this.cache.version) return kept;
    const fresh: Listing = { version: this.cache.version, views: this.derive(tenant) };
    this.listings.set(key, fresh);
    return fresh;
  }

  private derive(tenant?: string): StoreView[] {
    // Derived again after every change the cache sees, so at 1,000 stores it must be cheap:
    // each store gets only the Jobs and pods labelled with its name (the only ones that can be
    // its own), and a store whose objects did not change is not derived again.
    const jobs = byStore(this.cache.jobs.list());
    const pods = byStore(this.cache.pods.list());
    const namespaces = this.cache.namespaces.list();
    const queue = this.queuePositions();
    if (this.views.size > namespaces.length + 100) this.views.clear(); // stores gone since
    return namespaces
      .filter((ns) => !tenant || ns.metadata?.labels?.[LABELS.tenant] === tenant)
      .map((ns) => {
        const name = ns.metadata!.labels![LABELS.store]!;
        const storeJobs = jobs.get(name) ?? [];
        const storePods = pods.get(name) ?? [];
        const recordMap = this.cache.records.get(operationRecordName(name), PLATFORM_NAMESPACE);
        // A store none of whose objects changed keeps its view: toStoreView must stay a
        // function of these objects only (anything else it reads must join this key).
        const place = storeJobs.map((job) => queue.get(job.metadata!.name!)).find((n) => n !== undefined);
        const key = [ns, ...storeJobs, ...storePods, recordMap].map((o) => `${o?.metadata?.uid}@${o?.metadata?.resourceVersion}`).join(' ') + ` #${place ?? ''}`;
        const kept = this.views.get(name);
        if (kept?.key === key) return kept.view;
        const view = toStoreView(ns, storeJobs, storePods, readRecord(recordMap), this.address, queue);
        this.views.set(name, { key, view });
        return view;
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Per store, what was derived from the cache since its last change: hundreds of viewers of
   * one store ask for its view and latest Job on every change, and each scans every Job.
   */
  private readonly current = new Map<string, {
    version: number;
    view?: StoreView;
    job?: { latest: V1Job | undefined };
    pod?: { job: string; newest: V1Pod | undefined };
  }>();

  private currentOf(name: string) {
    let kept = this.current.get(name);
    if (kept?.version !== this.cache.version) {
      if (this.current.size >= 1000) this.current.clear(); // bounded: one entry per store asked since the last change
      this.current.set(name, (kept = { version: this.cache.version }));
    }
    return kept;
  }

  /** The store's latest operation Job as the cache has it (undefined when none, or the namespace is not cached). */
  latestJob(name: string): V1Job | undefined {
    const kept = this.currentOf(name);
    if (!kept.job) {
      const namespace = this.cache.namespaces.get(storeNamespace(name));
      kept.job = { latest: namespace && latestJob(this.cache.jobs.list(), namespace) };
    }
    return kept.job.latest;
  }

  /** The newest pod of the store's Job `job` as the cache has it (a retry replaces a failed one). */
  newestPod(name: string, job: string): V1Pod | undefined {
    const kept = this.currentOf(name);
    if (kept.pod?.job !== job) kept.pod = { job, newest: newestPod(this.cache.pods.list(), job) };
    return kept.pod.newest;
  }

  async get(name: string): Promise<StoreView | undefined> {
    const cached = this.cache.namespaces.get(storeNamespace(name));
    if (cached) {
      const kept = this.currentOf(name);
      kept.view ??= toStoreView(cached, this.cache.jobs.list(), this.cache.pods.list(), this.record(name), this.address, this.queuePositions());
      return kept.view;
    }
    try {
      const namespace = await this.kube.core.readNamespace({ name: storeNamespace(name) });
      if (namespace.metadata?.labels?.[LABELS.store] !== name) return undefined;
      const selector = `${LABELS.store}=${name}`;
      const [jobs, pods, record] = await Promise.all([
        this.kube.batch.listNamespacedJob({ namespace: PLATFORM_NAMESPACE, labelSelector: selector }),
        this.kube.core.listNamespacedPod({ namespace: PLATFORM_NAMESPACE, labelSelector: selector }),
        // A failed store is Failed only with its saved record (state.ts).
        fetchOperationRecord(this.kube, name),
      ]);
      return toStoreView(namespace, jobs.items, pods.items, record, this.address);
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }

  record(name: string) {
    return readRecord(this.cache.records.get(operationRecordName(name), PLATFORM_NAMESPACE));
  }
}
