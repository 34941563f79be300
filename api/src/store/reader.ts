// Reads stores for the API: listings from the watch-fed cache; a single store from the cache,
// or straight from the API server when the cache has not seen it yet (just created).
import type { StoreCache } from '../kube/cache.ts';
import { type KubeClients, statusCode } from '../kube/clients.ts';
import { LABELS, operationRecordName, PLATFORM_NAMESPACE, storeNamespace } from './names.ts';
import { countByPhase, type StoreCounts } from './list-page.ts';
import { readRecord, toStoreView, type StoreView } from './view.ts';

interface Listing {
  version: number;
  /** Sorted by name. */
  views: StoreView[];
  counts?: StoreCounts;
  json?: string;
}

export class StoreReader {
  private readonly kube: KubeClients;
  private readonly cache: StoreCache;
  /** Whether stores are served over HTTPS: their URLs say so. */
  private readonly tls: boolean;

  constructor(kube: KubeClients, cache: StoreCache, tls = false) {
    this.kube = kube;
    this.cache = cache;
    this.tls = tls;
  }

  /**
   * Listings by tenant ('' = all), kept with their JSON until the cache changes: a list is
   * read far more often than stores change.
   */
  private readonly listings = new Map<string, Listing>();

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

  private listing(tenant?: string): Listing {
    const key = tenant ?? '';
    const kept = this.listings.get(key);
    if (kept?.version === this.cache.version) return kept;
    const fresh: Listing = { version: this.cache.version, views: this.derive(tenant) };
    this.listings.set(key, fresh);
    return fresh;
  }

  private derive(tenant?: string): StoreView[] {
    const jobs = this.cache.jobs.list();
    const pods = this.cache.pods.list();
    return this.cache.namespaces.list()
      .filter((ns) => !tenant || ns.metadata?.labels?.[LABELS.tenant] === tenant)
      .map((ns) => toStoreView(ns, jobs, pods, this.record(ns.metadata!.labels![LABELS.store]!), this.tls))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<StoreView | undefined> {
    const cached = this.cache.namespaces.get(storeNamespace(name));
    if (cached) return toStoreView(cached, this.cache.jobs.list(), this.cache.pods.list(), this.record(name), this.tls);
    try {
      const namespace = await this.kube.core.readNamespace({ name: storeNamespace(name) });
      if (namespace.metadata?.labels?.[LABELS.store] !== name) return undefined;
      const selector = `${LABELS.store}=${name}`;
      const [jobs, pods] = await Promise.all([
        this.kube.batch.listNamespacedJob({ namespace: PLATFORM_NAMESPACE, labelSelector: selector }),
        this.kube.core.listNamespacedPod({ namespace: PLATFORM_NAMESPACE, labelSelector: selector }),
      ]);
      return toStoreView(namespace, jobs.items, pods.items, undefined, this.tls);
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }

  record(name: string) {
    return readRecord(this.cache.records.get(operationRecordName(name), PLATFORM_NAMESPACE));
  }
}
