// The provisioning queue: every operation Job is created suspended, and one API replica at a
// time — the holder of the Lease `storefleet-provisioning-queue`, elected the way Kubernetes'
// own controllers are — resumes them in queue order (queue-order.ts) while fewer than the cap
// run. Another replica takes over when the holder stops renewing; nothing is lost, since the
// queue is the suspended Jobs themselves.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import * as k8s from '@kubernetes/client-node';
import type { StoreCache } from '../kube/cache.ts';
import { type KubeClients, statusCode } from '../kube/clients.ts';
import { ANNOTATIONS, LABELS, MANAGED_BY, PLATFORM_NAMESPACE } from '../store/names.ts';
import { queueOrder, toRelease } from './queue-order.ts';
import { jobStartedMessage, type OperationEvents } from '../observability/kube-events.ts';
import type { Logger } from '../observability/logger.ts';
import type { RoomGate } from '../capacity/room-gate.ts';

export const QUEUE_LEASE = 'storefleet-provisioning-queue';

export interface QueueDeps {
  kube: KubeClients;
  cache: StoreCache;
  logger: Logger;
  /** How many operation Jobs may run at once, platform-wide. */
  cap: number;
  leaseSeconds?: number;
  /** Who holds the Lease, for kubectl readers: the pod (host) and port, made unique per process. */
  port?: number;
  /** Where a resumed Job is announced as Started (it was announced as Queued when made). */
  events?: OperationEvents;
  /** When set, a new store starts only once the cluster has room for its plan. */
  room?: RoomGate;
}

export class ProvisioningQueue {
  private readonly deps: QueueDeps;
  private readonly identity: string;
  private readonly leaseSeconds: number;
  /** The Lease as last read, and when this process saw it change (no trust in others' clocks). */
  private observed?: { resourceVersion: string; at: number };
  private leading = false;
  private stopped = false;
  /** When this process sent its last successful write of the Lease. */
  private renewedAt = 0;
  /** Jobs this leader resumed that the cache does not show resumed yet: they hold slots. */
  private readonly resumed = new Set<string>();
  private releasing?: Promise<void>;
  private again = false;

  constructor(deps: QueueDeps) {
    this.deps = deps;
    this.identity = `${hostname()}:${deps.port ?? 0}:${randomUUID().slice(0, 8)}`;
    this.leaseSeconds = deps.leaseSeconds ?? 15;
  }

  /** Starts electing and releasing; the returned stop hands the Lease back, so another replica leads at once. */
  start(): () => Promise<void> {
    // One election at a time (a slow one overlapped by the next would lose to itself, 409);
    // releasing runs after it, outside the guard, so resuming Jobs never delays a renewal.
    let electing: Promise<void> | undefined;
    const tick = () => {
      if (electing || this.stopped) return;
      electing = this.elect().catch((error: unknown) => {
        this.leading = false;
        this.deps.logger.error({ err: error }, 'provisioning queue: could not renew its Lease');
      }).finally(() => {
        electing = undefined;
        void this.release();
      });
    };
    tick();
    const timer = setInterval(tick, (this.leaseSeconds * 1000) / 3);
    timer.unref();
    const unsubscribe = this.deps.cache.subscribe(() => void this.release());
    return async () => {
      this.stopped = true;
      clearInterval(timer);
      unsubscribe();
      await electing; // its write must not land after the hand-back
      if (!this.leading) return;
      this.leading = false;
      await this.handBack().catch(() => undefined);
    };
  }

  private async handBack(): Promise<void> {
    const { coordination } = this.deps.kube;
    const current = await coordination.readNamespacedLease({ name: QUEUE_LEASE, namespace: PLATFORM_NAMESPACE });
    if (current.spec?.holderIdentity !== this.identity) return;
    await coordination.replaceNamespacedLease({ name: QUEUE_LEASE, namespace: PLATFORM_NAMESPACE, body: { ...current, spec: { ...current.spec, holderIdentity: '' } } });
  }

  /** Takes or renews the Lease; holds it only while a replace with its resourceVersion succeeds. */
  private async elect(): Promise<void> {
    const { coordination } = this.deps.kube;
    // MicroTime, not Date: the API server wants six fractional digits.
    const now = new k8s.V1MicroTime();
    const current = await coordination.readNamespacedLease({ name: QUEUE_LEASE, namespace: PLATFORM_NAMESPACE }).catch((error: unknown) => {
      if (statusCode(error) === 404) return undefined;
      throw error;
    });
    const mine: k8s.V1LeaseSpec = { holderIdentity: this.identity, leaseDurationSeconds: this.leaseSeconds, renewTime: now };
    if (!current) {
      await this.write(() =>
        coordination.createNamespacedLease({ namespace: PLATFORM_NAMESPACE, body: this.lease({ ...mine, acquireTime: now, leaseTransitions: 0 }) }));
      return;
    }
    const version = current.metadata!.resourceVersion!;
    if (this.observed?.resourceVersion !== version) this.observed = { resourceVersion: version, at: performance.now() };
    const holder = current.spec?.holderIdentity;
    const expired = performance.now() - this.observed.at > (current.spec?.leaseDurationSeconds ?? this.leaseSeconds) * 1000;
    if (holder && holder !== this.identity && !expired) {
      this.leading = false;
      return;
    }
    const taking = holder !== this.identity;
    const spec = taking ? { ...mine, acquireTime: now, leaseTransitions: (current.spec?.leaseTransitions ?? 0) + 1 } : { ...current.spec, ...mine };
    const body = this.lease(spec);
    body.metadata!.resourceVersion = version;
    await this.write(() => coordination.replaceNamespacedLease({ name: QUEUE_LEASE, namespace: PLATFORM_NAMESPACE, body }));
    if (taking && this.leading) {
      this.resumed.clear();
      this.deps.logger.info({ identity: this.identity, from: holder }, 'provisioning queue: took the lead');
    }
  }

  /**
   * Leads only while its last renewal is younger than two thirds of the Lease (client-go's
   * renew deadline): a replica whose renewals stall stops resuming Jobs before another one
   * may see the Lease expire and take over, so two never release at once.
   */
  private leads(): boolean {
    return this.leading && !this.stopped && performance.now() - this.renewedAt < (this.leaseSeconds * 1000 * 2) / 3;
  }

  private async write(call: () => Promise<k8s.V1Lease>) {
    const sentAt = performance.now(); // monotonic: a clock step must not stretch the deadline
    try {
      const written = await call();
      this.observed = { resourceVersion: written.metadata!.resourceVersion!, at: performance.now() };
      this.leading = true;
      this.renewedAt = Math.max(this.renewedAt, sentAt);
    } catch (error) {
      // Another replica wrote first: it leads.
      if (statusCode(error) !== 409) throw error;
      this.leading = false;
    }
  }

  private lease(spec: k8s.V1LeaseSpec): k8s.V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: QUEUE_LEASE, namespace: PLATFORM_NAMESPACE, labels: { [LABELS.managedBy]: MANAGED_BY } },
      spec,
    };
  }

  /** Resumes what may start now; one pass at a time, another after it if something changed meanwhile. */
  private release(): Promise<void> {
    if (!this.leads()) return Promise.resolve();
    if (this.releasing) {
      this.again = true;
      return this.releasing;
    }
    this.releasing = this.releaseOnce()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'provisioning queue: could not resume a Job'))
      .finally(() => {
        this.releasing = undefined;
        if (this.again) {
          this.again = false;
          void this.release();
        }
      });
    return this.releasing;
  }

  private async releaseOnce(): Promise<void> {
    const { cache, kube, cap, logger } = this.deps;
    const order = queueOrder(cache.jobs.list(), cache.pods.list());
    // Resumed by this leader but still suspended in the cache: counted as running.
    for (const name of this.resumed) if (!order.waiting.some((job) => job.metadata!.name === name)) this.resumed.delete(name);
    const pending = order.waiting.filter((job) => !this.resumed.has(job.metadata!.name!));
    const slots = cap - this.resumed.size - order.running.length;
    const next = this.deps.room
      ? await this.deps.room.admit(pending, slots, this.resumed)
      : toRelease({ running: order.running, waiting: pending }, cap - this.resumed.size);
    for (const job of next) {
      const name = job.metadata!.name!;
      if (!this.leads()) return;
      this.resumed.add(name);
      try {
        await kube.batch.patchNamespacedJob(
          { name, namespace: PLATFORM_NAMESPACE, body: { spec: { suspend: false } } },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
        );
        logger.info({ job: name, running: order.running.length + this.resumed.size, waiting: pending.length - 1 }, 'provisioning queue: started an operation');
        const store = job.metadata?.labels?.[LABELS.store];
        const operation = job.metadata?.labels?.[LABELS.operation];
        if (store && operation) {
          await this.deps.events?.record({
            store, job: name, operation, moment: 'Started', requestId: job.metadata?.annotations?.[ANNOTATIONS.requestId], message: jobStartedMessage(name),
          });
        }
      } catch (error) {
        this.resumed.delete(name);
        if (statusCode(error) !== 404) throw error; // a Job deleted meanwhile has nothing to start
      }
    }
  }
}
