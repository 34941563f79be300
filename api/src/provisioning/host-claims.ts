// One store per host, enforced in the cluster the way store limits are (slots.ts): a host is
// held by a Lease named after it in storefleet-system, claimed with create, so of any number
// of racing requests exactly one gets it. Host Leases carry the slot label and are recorded
// in the store namespace's slots, so removal and the reconciler's sweep free them as slots.
import { createHash } from 'node:crypto';
import type * as k8s from '@kubernetes/client-node';
import { statusCode } from '../kube/clients.ts';
import { LABELS, MANAGED_BY, PLATFORM_NAMESPACE } from '../store/names.ts';
import { type HeldSlot, SLOT_SCOPE_LABEL, type SlotClients, type StoreSlots } from './slots.ts';

export const HOST_SCOPE = 'host';
const PREFIX = 'host-';
export const HOST_ANNOTATION = 'storefleet.io/host';

export class HostTaken extends Error {
  readonly host: string;
  /** The store holding it; never told to the caller, who may be another tenant. */
  readonly holder: string | undefined;

  constructor(host: string, holder: string | undefined) {
    super(`The host "${host}" belongs to another store; choose another host.`);
    this.host = host;
    this.holder = holder;
  }
}

/**
 * `host-<host>`, readable in `kubectl get leases`. A host too long for a Lease name gets a
 * hash instead; hashed names have no dot, so they never equal a readable one.
 */
export function hostLeaseName(host: string): string {
  const readable = `${PREFIX}${host}`;
  return readable.length <= 253 ? readable : `${PREFIX}${createHash('sha256').update(host).digest('hex').slice(0, 40)}`;
}

export function buildHostLease(host: string, store: string, tenant: string): k8s.V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: hostLeaseName(host),
      namespace: PLATFORM_NAMESPACE,
      labels: { [LABELS.managedBy]: MANAGED_BY, [SLOT_SCOPE_LABEL]: HOST_SCOPE, [LABELS.store]: store, [LABELS.tenant]: tenant },
      annotations: { [HOST_ANNOTATION]: host },
    },
    spec: { holderIdentity: store },
  };
}

export const isHostClaim = (slot: HeldSlot) => slot.name.startsWith(PREFIX);

export class HostClaims {
  private readonly clients: SlotClients;
  private readonly slots: StoreSlots;

  constructor(clients: SlotClients, slots: StoreSlots) {
    this.clients = clients;
    this.slots = slots;
  }

  /**
   * Takes `host` for `store`, or throws HostTaken. A Lease no live store holds (left by a
   * create that died before its namespace) is freed and the claim tried once more.
   */
  async claim(host: string, store: string, tenant: string): Promise<HeldSlot> {
    const body = buildHostLease(host, store, tenant);
    const name = body.metadata!.name!;
    let holder: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const made = await this.clients.coordination.createNamespacedLease({ namespace: PLATFORM_NAMESPACE, body });
        return { name, uid: made.metadata!.uid! };
      } catch (error) {
        if (statusCode(error) !== 409) throw error;
      }
      const lease = await this.clients.coordination.readNamespacedLease({ namespace: PLATFORM_NAMESPACE, name }).catch((error: unknown) => {
        if (statusCode(error) === 404) return undefined;
        throw error;
      });
      if (!lease) continue; // freed meanwhile
      holder = lease.metadata?.labels?.[LABELS.store];
      if (!(await this.slots.isStale(lease))) break;
      await this.slots.releaseClaimed([{ name, uid: lease.metadata!.uid! }]);
    }
    throw new HostTaken(host, holder);
  }
}
