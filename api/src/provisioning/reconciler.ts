// Follow-up work after an operation finishes, driven by the cache's events. Idempotent, so
// any number of API replicas may run it, and a restarted API catches up from the initial list:
// - a finished Job's termination message and (capped) log are saved, so a Failed store
//   still says why after its pod is gone;
// - after a completed uninstall the store's namespace, ServiceAccount and record go.
import type * as k8s from '@kubernetes/client-node';
import type { StoreCache } from '../kube/cache.ts';
import { createIfAbsent, deleteIfPresent, type KubeClients } from '../kube/clients.ts';
import { LABELS, MANAGED_BY, operationRecordName, PLATFORM_NAMESPACE, provisionerServiceAccount, storeNamespace } from '../store/names.ts';
import { isFinished, jobCondition } from '../store/state.ts';
import { latestJob, newestPod, readRecord } from '../store/view.ts';

export const MAX_SAVED_LOG_BYTES = 64 * 1024;

export interface Logger {
  info(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/**
 * Told once per finished operation, by the replica that saved its record (or removed the
 * uninstalled store): metrics and Events hang off this.
 */
export type OperationFinished = (store: string, job: k8s.V1Job, message: string) => void;

export class Reconciler {
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly kube: KubeClients;
  private readonly cache: StoreCache;
  private readonly logger: Logger;

  private readonly releaseSlots: (store: string) => Promise<void>;
  private readonly onFinished: OperationFinished;

  constructor(kube: KubeClients, cache: StoreCache, logger: Logger, releaseSlots: (store: string) => Promise<void>, onFinished: OperationFinished = () => undefined) {
    this.kube = kube;
    this.cache = cache;
    this.logger = logger;
    this.releaseSlots = releaseSlots;
    this.onFinished = onFinished;
  }

  start(): () => void {
    for (const job of this.cache.jobs.list()) this.schedule(job.metadata!.labels![LABELS.store]!);
    return this.cache.subscribe((store) => this.schedule(store));
  }

  /** One pass per store at a time; events during a pass trigger one more pass. */
  schedule(store: string): void {
    if (this.running.has(store)) {
      this.again.add(store);
      return;
    }
    this.running.add(store);
    void this.reconcile(store)
      .catch((error: unknown) => this.logger.error({ store, err: error }, 'reconcile failed'))
      .finally(() => {
        this.running.delete(store);
        if (this.again.delete(store)) this.schedule(store);
      });
  }

  private async reconcile(store: string): Promise<void> {
    const job = latestJob(this.cache.jobs.list(), store);
    if (!job || !isFinished(job)) return;
    const jobName = job.metadata!.name!;
    const record = readRecord(this.cache.records.get(operationRecordName(store), PLATFORM_NAMESPACE));
    const succeeded = jobCondition(job, 'Complete') !== undefined;

    if (job.metadata?.labels?.[LABELS.operation] === 'uninstall' && succeeded) {
      if (await this.removeStore(store)) this.onFinished(store, job, 'The store was uninstalled and its namespace removed.');
      return;
    }
    if (record?.job !== jobName) this.onFinished(store, job, await this.saveRecord(store, job));
  }

  /** Saves the finished Job's message and log; returns the message. */
  private async saveRecord(store: string, job: k8s.V1Job): Promise<string> {
    const jobName = job.metadata!.name!;
    const pod = newestPod(this.cache.pods.list(), jobName);
    let log = '';
    let message = '';
    if (pod) {
      const status = pod.status?.containerStatuses?.[0];
      message = (status?.state?.terminated?.message ?? status?.lastState?.terminated?.message ?? '').trim();
      log = await this.kube.core.readNamespacedPodLog({ namespace: PLATFORM_NAMESPACE, name: pod.metadata!.name!, limitBytes: MAX_SAVED_LOG_BYTES })
        .catch(() => '');
    }
    if (!message) message = job.status?.conditions?.find((c) => c.status === 'True')?.message ?? '';
    const body: k8s.V1ConfigMap = {
      metadata: { name: operationRecordName(store), namespace: PLATFORM_NAMESPACE, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.store]: store } },
      data: { job: jobName, message, log },
    };
    const created = await createIfAbsent(() => this.kube.core.createNamespacedConfigMap({ namespace: PLATFORM_NAMESPACE, body }));
    if (created === 'existed') {
      await this.kube.core.replaceNamespacedConfigMap({ namespace: PLATFORM_NAMESPACE, name: operationRecordName(store), body });
    }
    this.logger.info({ store, job: jobName }, 'saved operation record');
    return message;
  }

  /** Removes what is left of an uninstalled store; true when this call removed something. */
  private async removeStore(store: string): Promise<boolean> {
    const { core } = this.kube;
    const removed = await Promise.all([
      deleteIfPresent(() => core.deleteNamespace({ name: storeNamespace(store) })),
      deleteIfPresent(() => core.deleteNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, name: provisionerServiceAccount(store) })),
      deleteIfPresent(() => core.deleteNamespacedConfigMap({ namespace: PLATFORM_NAMESPACE, name: operationRecordName(store) })),
    ]);
    await this.releaseSlots(store);
    if (!removed.some(Boolean)) return false;
    this.logger.info({ store }, 'store removed after uninstall');
    return true;
  }
}
