// The cluster's room for stores as the API sees it now: the nodes (watched) against the plans
// of the stores that hold room (from the store cache). Also answers whether a plan could ever
// fit, for a create to be refused at once. See room.ts for the model.
import * as k8s from '@kubernetes/client-node';
import type { PlanName } from '../../../contract/plans.ts';
import { hasListed, type StoreCache } from '../kube/cache.ts';
import type { KubeClients } from '../kube/clients.ts';
import { describeKubeError } from '../lifecycle/kube-error.ts';
import { readSpec } from '../store/intent.ts';
import { plans } from '../store/plans.ts';
import { holdsRoom } from './admission.ts';
import { footprint, neverFits, noRoomToGrow, type Resources, type Room, roomOf } from './room.ts';

export class ClusterRoom {
  readonly nodes: k8s.Informer<k8s.V1Node> & k8s.ObjectCache<k8s.V1Node>;
  private readonly cache: StoreCache;
  readonly reserve: Resources;
  /** How long a new store may wait for room before it fails with the reason. */
  readonly maxWaitMs: number;
  private stopped = false;
  private listed = false;
  private lastError?: string;

  constructor(kube: KubeClients, cache: StoreCache, settings: { reserve: Resources; maxWaitMs: number }) {
    this.cache = cache;
    this.reserve = settings.reserve;
    this.maxWaitMs = settings.maxWaitMs;
    this.nodes = k8s.makeInformer(kube.config, '/api/v1/nodes', () => kube.core.listNode());
    this.nodes.on(k8s.ERROR, (error) => {
      // Until the first list, no node is known and no new store starts: /readyz says why.
      if (!this.listed) this.lastError = describeKubeError(error);
      if (!this.stopped) setTimeout(() => void this.start(), 2000);
    });
  }

  /** Starts watching the nodes; never throws (a refused list is retried, and said by syncCheck). */
  async start(): Promise<void> {
    await this.nodes.start().catch(() => undefined);
    if (hasListed(this.nodes)) this.listed = true;
  }

  /** For /readyz: new stores wait until the nodes are known. */
  syncCheck(): { name: 'room'; ok: boolean; reason?: string } {
    if (this.listed) return { name: 'room', ok: true };
    // Before an error, a start under way (the words readiness logs as info, not trouble).
    if (!this.lastError) return { name: 'room', ok: false, reason: 'syncing: nodes' };
    return { name: 'room', ok: false, reason: `the nodes cannot be listed, so no new store starts (${this.lastError})` };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.nodes.stop();
  }

  /** The room now; `resumed`: Jobs started that the cache does not show started yet (they hold room). */
  room(resumed: ReadonlySet<string> = new Set()): Room {
    const jobs = this.cache.jobs.list();
    const admitted: PlanName[] = [];
    for (const namespace of this.cache.namespaces.list()) {
      const plan = readSpec(namespace)?.plan;
      if (plan && plans[plan] && holdsRoom(namespace, jobs, resumed)) admitted.push(plan);
    }
    return roomOf({ nodes: this.nodes.list(), reserve: this.reserve, admitted, plans });
  }

  need(plan: PlanName): Resources {
    return footprint(plans[plan]).total;
  }

  /** Why a store cannot move to a bigger plan now, or undefined. */
  noRoomToGrow(from: PlanName, to: PlanName): string | undefined {
    return noRoomToGrow(from, to, plans, this.room().free);
  }

  /** Why a store of the plan can never run on this cluster, or undefined. */
  neverFits(plan: PlanName): string | undefined {
    return neverFits(plan, plans[plan], this.room());
  }
}
