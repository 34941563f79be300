// The queue's room step: of the Jobs that wait, which may start with the room the cluster has
// (admission.ts decides). A store that does not fit gets the reason on its Job, which its
// state reads ("Waiting for room: …"); one that waited past the platform's limit is ended
// with that reason, as fail-fast ends an operation: record first, then the note.
import * as k8s from '@kubernetes/client-node';
import type { StoreCache } from '../kube/cache.ts';
import { type KubeClients, statusCode } from '../kube/clients.ts';
import type { Logger } from '../observability/logger.ts';
import { saveOperationRecord } from '../provisioning/operation-records.ts';
import type { FailureNote } from '../store/blockers.ts';
import { ANNOTATIONS, LABELS, PLATFORM_NAMESPACE, storeNamespace } from '../store/names.ts';
import { admitByRoom, roomNeeded, type WaitingJob } from './admission.ts';
import type { ClusterRoom } from './cluster-room.ts';

const askedAt = (job: k8s.V1Job) => new Date(job.metadata?.annotations?.[ANNOTATIONS.requestedAt] ?? job.metadata?.creationTimestamp ?? 0).getTime();

export class RoomGate {
  private readonly kube: KubeClients;
  private readonly cache: StoreCache;
  private readonly room: ClusterRoom;
  private readonly logger: Logger;

  constructor(deps: { kube: KubeClients; cache: StoreCache; room: ClusterRoom; logger: Logger }) {
    this.kube = deps.kube;
    this.cache = deps.cache;
    this.room = deps.room;
    this.logger = deps.logger;
  }

  /** The Jobs to resume now (at most `slots`), having told the ones that wait why, and ended those that waited too long. */
  async admit(waiting: readonly k8s.V1Job[], slots: number, resumed: ReadonlySet<string>): Promise<k8s.V1Job[]> {
    const jobs = this.cache.jobs.list();
    const entries: WaitingJob[] = waiting.map((job) => {
      const store = job.metadata?.labels?.[LABELS.store] ?? '';
      const plan = roomNeeded(job, this.cache.namespaces.get(storeNamespace(store)), jobs, resumed);
      return { job, askedAt: askedAt(job), ...(plan ? { room: { plan, need: this.room.need(plan) } } : {}) };
    });
    const decision = admitByRoom(entries, slots, this.room.room(resumed).free, Date.now(), this.room.maxWaitMs);
    for (const { job, message } of decision.wait) await this.tell(job, message);
    for (const { job, message } of decision.giveUp) await this.giveUp(job, message);
    return decision.start;
  }

  private async tell(job: k8s.V1Job, message: string): Promise<void> {
    if (job.metadata?.annotations?.[ANNOTATIONS.waitingForRoom] === message) return;
    await this.patch(job, { metadata: { annotations: { [ANNOTATIONS.waitingForRoom]: message } } });
    this.logger.info({ job: job.metadata!.name, message }, 'provisioning queue: waiting for room');
  }

  private async giveUp(job: k8s.V1Job, message: string): Promise<void> {
    const store = job.metadata!.labels![LABELS.store]!;
    const now = new Date().toISOString();
    await saveOperationRecord(this.kube, store, { job: job.metadata!.name!, storeUid: job.metadata!.labels![LABELS.storeUid]!, message, log: '' });
    const note: FailureNote = { kind: 'NoRoom', message, detail: job.metadata?.annotations?.[ANNOTATIONS.waitingForRoom] ?? message, signalAt: new Date(askedAt(job)).toISOString(), failedAt: now };
    await this.patch(job, { metadata: { annotations: { [ANNOTATIONS.failure]: JSON.stringify(note) } } });
    this.logger.info({ store, job: job.metadata!.name, message }, 'provisioning queue: gave up waiting for room');
  }

  private async patch(job: k8s.V1Job, body: object): Promise<void> {
    await this.kube.batch.patchNamespacedJob(
      { name: job.metadata!.name!, namespace: PLATFORM_NAMESPACE, body },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    ).catch((error: unknown) => {
      // A Job deleted meanwhile has nothing left to tell.
      if (statusCode(error) !== 404) throw error;
    });
  }
}
