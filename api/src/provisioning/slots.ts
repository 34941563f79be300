// Store limits that racing creates cannot exceed, counted in the cluster: each store holds
// one numbered Lease per limit ("slot-tenant-acme-3", "slot-platform-17"). Creating a Lease
// is atomic, so N slots admit at most N stores however many API replicas race. Slots of
// stores that no longer exist (a crash between claim and namespace) are reclaimed.
import type * as k8s from '@kubernetes/client-node';
import { createIfAbsent, deleteIfPresent, statusCode } from '../kube/clients.ts';
import { LABELS, MANAGED_BY, PLATFORM_NAMESPACE, storeNamespace } from '../store/names.ts';

export const SLOT_SCOPE_LABEL = 'storefleet.io/slot-scope';
/** A slot younger than this is never reclaimed: its store may be being created right now. */
const RECLAIM_AFTER_MS = 60_000;

export class LimitReached extends Error {
  readonly limit: number;
  readonly scope: string;

  constructor(scope: string, limit: number, message: string) {
    super(message);
    this.scope = scope;
    this.limit = limit;
  }
}

export function buildSlotLease(scope: string, index: number, store: string, tenant: string): k8s.V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: `slot-${scope}-${index}`,
      namespace: PLATFORM_NAMESPACE,
      labels: { [LABELS.managedBy]: MANAGED_BY, [SLOT_SCOPE_LABEL]: scope, [LABELS.store]: store, [LABELS.tenant]: tenant },
    },
    spec: { holderIdentity: store },
  };
}

export interface SlotClients {
  coordination: k8s.CoordinationV1Api;
  core: k8s.CoreV1Api;
}

export class StoreSlots {
  private readonly clients: SlotClients;

  constructor(clients: SlotClients) {
    this.clients = clients;
  }

  /**
   * Takes a free slot of `scope` for `store` and returns its Lease's name, or throws
   * LimitReached. The search starts at a random slot: racing creates that all started at 1
   * would each try every taken slot first (50 at once made 1,275 refused creates).
   */
  async claim(scope: string, limit: number, store: string, tenant: string, describe: string): Promise<string> {
    for (let pass = 0; pass < 2; pass++) {
      const start = Math.floor(Math.random() * limit);
      for (let i = 0; i < limit; i++) {
        const lease = buildSlotLease(scope, ((start + i) % limit) + 1, store, tenant);
        const result = await createIfAbsent(() => this.clients.coordination.createNamespacedLease({ namespace: PLATFORM_NAMESPACE, body: lease }));
        if (result === 'created') return lease.metadata!.name!;
      }
      if (!(await this.reclaimStale(scope))) break;
    }
    throw new LimitReached(scope, limit, `${describe} has reached its limit of ${limit} store${limit === 1 ? '' : 's'}.`);
  }

  /**
   * Frees slots this request claimed. A request that lost a race for a name frees only its
   * own: freeing by store name would also free the winner's, and let the limit be passed.
   */
  async releaseClaimed(leases: readonly string[]): Promise<void> {
    await Promise.all(leases.map((name) => deleteIfPresent(() => this.clients.coordination.deleteNamespacedLease({ namespace: PLATFORM_NAMESPACE, name }))));
  }

  /** Frees every slot a store holds (after it is deleted, or when its create failed). */
  async release(store: string): Promise<void> {
    await this.clients.coordination.deleteCollectionNamespacedLease({
      namespace: PLATFORM_NAMESPACE,
      labelSelector: `${SLOT_SCOPE_LABEL},${LABELS.store}=${store}`,
    });
  }

  private async reclaimStale(scope: string): Promise<boolean> {
    const leases = await this.clients.coordination.listNamespacedLease({ namespace: PLATFORM_NAMESPACE, labelSelector: `${SLOT_SCOPE_LABEL}=${scope}` });
    let reclaimed = false;
    for (const lease of leases.items) {
      const age = Date.now() - new Date(lease.metadata!.creationTimestamp!).getTime();
      const store = lease.metadata!.labels![LABELS.store]!;
      if (age < RECLAIM_AFTER_MS || (await this.storeExists(store))) continue;
      reclaimed = (await deleteIfPresent(() => this.clients.coordination.deleteNamespacedLease({ namespace: PLATFORM_NAMESPACE, name: lease.metadata!.name! }))) || reclaimed;
    }
    return reclaimed;
  }

  private async storeExists(store: string): Promise<boolean> {
    try {
      await this.clients.core.readNamespace({ name: storeNamespace(store) });
      return true;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  }
}
