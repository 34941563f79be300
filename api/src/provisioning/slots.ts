// Store limits that racing creates cannot exceed, counted in the cluster: each store holds
// one numbered Lease per limit ("slot-tenant-acme-3", "slot-platform-17"). Creating a Lease
// is atomic, so N slots admit at most N stores however many API replicas race. Slots of
// stores that no longer exist (a crash between claim and namespace) are reclaimed.
import type * as k8s from '@kubernetes/client-node';
import { deleteIfSame, statusCode } from '../kube/clients.ts';
import { ANNOTATIONS, LABELS, MANAGED_BY, PLATFORM_NAMESPACE, storeNamespace } from '../store/names.ts';

export const SLOT_SCOPE_LABEL = 'storefleet.io/slot-scope';

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

/** A slot Lease a store holds; its uid tells it apart from a later Lease of the same name. */
export interface HeldSlot {
  name: string;
  uid: string;
}

/** The slots a store namespace records that it holds (undefined: a namespace from before slots were recorded). */
export function heldSlots(namespace: k8s.V1Namespace | undefined): HeldSlot[] | undefined {
  const raw = namespace?.metadata?.annotations?.[ANNOTATIONS.slots];
  if (!raw) return undefined;
  try {
    const slots = JSON.parse(raw) as HeldSlot[];
    return Array.isArray(slots) ? slots.filter((slot) => typeof slot?.name === 'string' && typeof slot.uid === 'string') : [];
  } catch {
    return [];
  }
}

/** Whether a slot Lease still belongs to a live store (as its namespace records it). */
export function slotIsHeld(lease: k8s.V1Lease, namespace: k8s.V1Namespace | undefined): boolean {
  if (!namespace || namespace.metadata?.labels?.[LABELS.store] !== lease.metadata?.labels?.[LABELS.store]) return false;
  const held = heldSlots(namespace);
  return held === undefined || held.some((slot) => slot.uid === lease.metadata?.uid);
}

export interface SlotClients {
  coordination: k8s.CoordinationV1Api;
  core: k8s.CoreV1Api;
}

export class StoreSlots {
  private readonly clients: SlotClients;
  /** A slot younger than this is never reclaimed: its store may be being created right now. */
  private readonly reclaimAfterMs: number;

  constructor(clients: SlotClients, reclaimAfterMs: number) {
    this.clients = clients;
    this.reclaimAfterMs = reclaimAfterMs;
  }

  /**
   * Takes a free slot of `scope` for `store` and returns its Lease's name, or throws
   * LimitReached. The search starts at a random slot: racing creates that all started at 1
   * would each try every taken slot first (50 at once made 1,275 refused creates).
   */
  async claim(scope: string, limit: number, store: string, tenant: string, describe: string): Promise<HeldSlot> {
    for (let pass = 0; pass < 2; pass++) {
      const start = Math.floor(Math.random() * limit);
      for (let i = 0; i < limit; i++) {
        const lease = buildSlotLease(scope, ((start + i) % limit) + 1, store, tenant);
        const made = await this.clients.coordination.createNamespacedLease({ namespace: PLATFORM_NAMESPACE, body: lease }).catch((error: unknown) => {
          if (statusCode(error) === 409) return undefined;
          throw error;
        });
        if (made) return { name: made.metadata!.name!, uid: made.metadata!.uid! };
      }
      if ((await this.reclaimStale(scope)) === 0) break;
    }
    throw new LimitReached(scope, limit, `${describe} has reached its limit of ${limit} store${limit === 1 ? '' : 's'}.`);
  }

  /**
   * Frees slots this request claimed. A request that lost a race for a name frees only its
   * own: freeing by store name would also free the winner's, and let the limit be passed.
   */
  async releaseClaimed(leases: readonly HeldSlot[]): Promise<void> {
    await Promise.all(leases.map((slot) => this.releaseSlot(slot)));
  }

  private releaseSlot(slot: HeldSlot) {
    return deleteIfSame(slot.uid, (body) => this.clients.coordination.deleteNamespacedLease({ namespace: PLATFORM_NAMESPACE, name: slot.name, body }));
  }

  /**
   * Frees the slots a store namespace holds. Only those it recorded: slots of a later store
   * of the same name are not its to free. A namespace from before slots were recorded frees
   * every slot labelled with its name.
   */
  async releaseHeldBy(namespace: k8s.V1Namespace): Promise<void> {
    const held = heldSlots(namespace);
    if (held) return this.releaseClaimed(held);
    return this.release(namespace.metadata!.labels![LABELS.store]!);
  }

  /** Frees every slot labelled with the store's name. */
  private async release(store: string): Promise<void> {
    await this.clients.coordination.deleteCollectionNamespacedLease({
      namespace: PLATFORM_NAMESPACE,
      labelSelector: `${SLOT_SCOPE_LABEL},${LABELS.store}=${store}`,
    });
  }

  /**
   * Frees slots no live store holds: left by a create that crashed between claiming its slots
   * and making its namespace, or by a namespace deleted by hand. Returns how many it freed.
   * `scope` narrows it to one limit; none sweeps them all.
   */
  async reclaimStale(scope?: string): Promise<number> {
    const leases = await this.clients.coordination.listNamespacedLease({ namespace: PLATFORM_NAMESPACE, labelSelector: scope ? `${SLOT_SCOPE_LABEL}=${scope}` : SLOT_SCOPE_LABEL });
    let reclaimed = 0;
    for (const lease of leases.items) {
      if (!(await this.isStale(lease))) continue;
      if (await this.releaseSlot({ name: lease.metadata!.name!, uid: lease.metadata!.uid! })) reclaimed += 1;
    }
    return reclaimed;
  }

  /** Whether no live store holds the Lease and it is old enough not to be a create in flight. */
  async isStale(lease: k8s.V1Lease): Promise<boolean> {
    const age = Date.now() - new Date(lease.metadata!.creationTimestamp!).getTime();
    return age >= this.reclaimAfterMs && !slotIsHeld(lease, await this.storeNamespace(lease.metadata!.labels![LABELS.store]!));
  }

  private async storeNamespace(store: string): Promise<k8s.V1Namespace | undefined> {
    try {
      return await this.clients.core.readNamespace({ name: storeNamespace(store) });
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }
}
