// Follow-up work on stores, driven by the cache's events. Idempotent, so any number of API
// replicas may run it, and a restarted API catches up from the initial list:
// - an operation a crash left unstarted (intent written, no Job yet) is carried out;
// - only the store's current operation may run: a Job it superseded is stopped;
// - a finished Job's termination message and (capped) log are saved, so a Failed store
//   still says why after its pod is gone;
// - after a completed uninstall the store's slots, ServiceAccount, record and namespace go;
// - a periodic sweep frees what no live store holds (slots of a create that died before its
//   namespace, identities of a namespace deleted by hand).
// Everything is judged per store *incarnation* (the namespace's UID): Jobs of an earlier
// store of the same name never act on a later one.
import type * as k8s from '@kubernetes/client-node';
import type { StoreCache } from '../kube/cache.ts';
import type { Logger } from '../observability/logger.ts';
import { deleteIfPresent, deleteIfSame, type KubeClients } from '../kube/clients.ts';
import { belongsTo, intentStarted, readIntent } from '../store/intent.ts';
import { LABELS, MANAGED_BY, operationRecordName, PLATFORM_NAMESPACE, provisionerServiceAccount, storeNamespace } from '../store/names.ts';
import { readTerminationMessage } from '../../../contract/reasons.ts';
import { gaveUpWaiting, newestPod, operationRunning, operationSucceeded } from '../store/state.ts';
import { isRecordOf, latestJob, type OperationRecord, readRecord } from '../store/view.ts';
import { fetchOperationRecord, readProvisionerLog, saveOperationRecord } from './operation-records.ts';
import { StoreConflict, type StoreOperations } from './operations.ts';

const SWEEP_EVERY_MS = 60_000;
const RETRY_AFTER_ERROR_MS = 3_000;
const MAX_RETRY_AFTER_MS = 60_000;
/** How chart/files/setup.php begins the termination message of a setup that failed. */
const SETUP_FAILED = 'setup failed:';

/**
 * Told once per finished operation, by the replica that saved its record (or removed the
 * uninstalled store): metrics and Events hang off this.
 */
export type OperationFinished = (store: string, job: k8s.V1Job, message: string, pod?: k8s.V1Pod) => void;

export interface ReconcilerDeps {
  kube: KubeClients;
  cache: StoreCache;
  operations: StoreOperations;
  logger: Logger;
  /** How long an unstarted operation is left to the request that asked for it. */
  recoveryGraceMs: number;
  /** Objects younger than this are never swept: their store may be being created right now. */
  sweepMinAgeMs: number;
  onFinished?: OperationFinished;
}

const ageMs = (object: k8s.KubernetesObject) => Date.now() - new Date(object.metadata?.creationTimestamp ?? 0).getTime();

export class Reconciler {
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  /** One pending timer per store: a retry, or the end of a recovery grace period. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Failed passes in a row per store, for the retry back-off. */
  private readonly failures = new Map<string, number>();
  private readonly deps: ReconcilerDeps;
  private stopped = false;

  constructor(deps: ReconcilerDeps) {
    this.deps = deps;
  }

  start(): () => void {
    const { cache } = this.deps;
    const stores = new Set([...cache.namespaces.list(), ...cache.jobs.list()].map((object) => object.metadata?.labels?.[LABELS.store]));
    for (const store of stores) if (store) this.schedule(store);
    const unsubscribe = cache.subscribe((store) => this.schedule(store));
    const sweep = () => void this.sweep().catch((error: unknown) => this.deps.logger.error({ err: error }, 'sweep failed'));
    const sweeper = setInterval(sweep, Math.min(SWEEP_EVERY_MS, this.deps.sweepMinAgeMs));
    sweeper.unref();
    sweep();
    return () => {
      this.stopped = true;
      unsubscribe();
      clearInterval(sweeper);
      for (const timer of this.timers.values()) clearTimeout(timer);
    };
  }

  /** One pass per store at a time; events during a pass trigger one more pass. */
  schedule(store: string): void {
    if (this.stopped) return;
    if (this.running.has(store)) {
      this.again.add(store);
      return;
    }
    this.running.add(store);
    void this.reconcile(store)
      .then(() => this.failures.delete(store))
      .catch((error: unknown) => {
        this.deps.logger.error({ store, err: error }, 'reconcile failed');
        // A conflict is settled by whoever won it; anything else is tried again, backing off.
        if (error instanceof StoreConflict) return;
        const failures = (this.failures.get(store) ?? 0) + 1;
        this.failures.set(store, failures);
        this.later(store, Math.min(RETRY_AFTER_ERROR_MS * 2 ** (failures - 1), MAX_RETRY_AFTER_MS));
      })
      .finally(() => {
        this.running.delete(store);
        if (this.again.delete(store)) this.schedule(store);
      });
  }

  private later(store: string, ms: number) {
    clearTimeout(this.timers.get(store));
    const timer = setTimeout(() => {
      this.timers.delete(store);
      this.schedule(store);
    }, ms);
    timer.unref();
    this.timers.set(store, timer);
  }

  private async reconcile(store: string): Promise<void> {
    const { cache, operations, logger } = this.deps;
    const namespace = cache.namespaces.get(storeNamespace(store));
    if (!namespace || namespace.metadata?.deletionTimestamp || namespace.metadata?.labels?.[LABELS.store] !== store) return;
    const intent = readIntent(namespace);
    if (intent && !intentStarted(namespace, intent)) {
      const waited = Date.now() - new Date(intent.requestedAt).getTime();
      if (waited < this.deps.recoveryGraceMs) return this.later(store, this.deps.recoveryGraceMs - waited + 100);
      await operations.carryOut(namespace);
      logger.info({ store, job: intent.job, operation: intent.operation }, 'carried out an operation left unstarted');
      return;
    }
    const named = cache.jobs.list().filter((job) => job.metadata?.labels?.[LABELS.store] === store);
    // Only the intent's Job may run: not one it superseded, nor a late one of an earlier store.
    const pods = cache.pods.list();
    if (intent && named.some((job) => job.metadata!.name !== intent.job && operationRunning(job, pods))) {
      await operations.stopOthers(namespace, intent.job);
    }
    const jobs = named.filter((job) => belongsTo(job, namespace));
    const job = intent ? jobs.find((candidate) => candidate.metadata!.name === intent.job) : latestJob(jobs, namespace);
    if (!job || operationRunning(job, pods)) return;
    const jobName = job.metadata!.name!;
    if (job.metadata?.labels?.[LABELS.operation] === 'uninstall' && operationSucceeded(job, pods)) {
      if (await this.removeStore(namespace)) this.deps.onFinished?.(store, job, 'The store was uninstalled and its namespace removed.', newestPod(pods, jobName));
      return;
    }
    const record = readRecord(cache.records.get(operationRecordName(store), PLATFORM_NAMESPACE));
    // A record fail-fast saved while the Job still ran is not final: this pass completes it.
    if (record?.job !== jobName || record.storeUid !== namespace.metadata!.uid || !record.final) {
      this.deps.onFinished?.(
        store, job, await this.saveRecord(store, job, namespace.metadata!.uid!, record?.job === jobName ? record : undefined), newestPod(pods, jobName),
      );
    }
  }

  /** Saves the finished Job's message and log; returns the message. */
  private async saveRecord(store: string, job: k8s.V1Job, storeUid: string, early?: OperationRecord): Promise<string> {
    const { kube, cache, logger } = this.deps;
    const jobName = job.metadata!.name!;
    const pod = newestPod(cache.pods.list(), jobName);
    const status = pod?.status?.containerStatuses?.[0];
    const terminated = readTerminationMessage(status?.state?.terminated?.message ?? status?.lastState?.terminated?.message ?? '');
    let { message } = terminated;
    let code = terminated.code;
    let log = await readProvisionerLog(kube, pod);
    // A Job ended early lost its pod with it: what fail-fast saved then is the log. Asked of
    // the API server when the cache has not seen that save yet (it came just before the end).
    const saved = early ?? (await fetchOperationRecord(kube, store));
    const earlier = isRecordOf(saved, jobName, storeUid) && !saved.final ? saved : undefined;
    if (!log) log = earlier?.log ?? '';
    if (earlier?.message) ({ message, code } = earlier);
    if (!message) message = job.status?.conditions?.find((c) => c.status === 'True')?.message ?? '';
    const setup = await this.setupOutcome(store, job);
    if (operationSucceeded(job, cache.pods.list())) message = [message, setup].filter(Boolean).join(' ');
    // The store's own setup says what to mend (a bad plugin zip, a plugin that will not
    // activate) far better than Helm's "job failed" that the provisioner saw of it.
    else if (setup.startsWith(SETUP_FAILED)) ({ message, code } = { message: `${setup} (${message})`, code: 'SetupFailed' });
    await saveOperationRecord(kube, store, { job: jobName, storeUid, message, ...(code ? { code } : {}), log, final: true });
    logger.info({ store, job: jobName }, 'saved operation record');
    return message;
  }

  /**
   * What the store's own setup step said, e.g. whether WooCommerce is active or why not: its
   * pod's termination message (the chart's setup Job, `<release>-setup`).
   */
  private async setupOutcome(store: string, operation: k8s.V1Job): Promise<string> {
    const setupJob = `${store}-setup`;
    const pods = await this.deps.kube.core.listNamespacedPod({ namespace: storeNamespace(store), labelSelector: `job-name=${setupJob}` }).catch(() => undefined);
    const pod = newestPod(pods?.items ?? [], setupJob);
    // Helm keeps a hook's Job until the next one replaces it: one older than this operation
    // speaks of an earlier one.
    if (!pod || new Date(pod.metadata!.creationTimestamp!) < new Date(operation.metadata!.creationTimestamp!)) return '';
    return pod.status?.containerStatuses?.find((status) => status.name === 'setup')?.state?.terminated?.message?.trim() ?? '';
  }

  /**
   * Removes what is left of an uninstalled store, the namespace last: while it exists no
   * later store of the name can, so everything removed before it is this store's own.
   * True when this call removed the namespace.
   */
  private async removeStore(namespace: k8s.V1Namespace): Promise<boolean> {
    const { kube, operations, logger } = this.deps;
    const store = namespace.metadata!.labels![LABELS.store]!;
    const uid = namespace.metadata!.uid!;
    await operations.slots.releaseHeldBy(namespace);
    await this.removeServiceAccountOf(store, uid);
    await deleteIfPresent(() => kube.core.deleteNamespacedConfigMap({ namespace: PLATFORM_NAMESPACE, name: operationRecordName(store) }));
    const removed = await deleteIfSame(uid, (body) => kube.core.deleteNamespace({ name: storeNamespace(store), body }));
    if (removed) logger.info({ store }, 'store removed after uninstall');
    return removed;
  }

  /** Deletes the store's provisioner ServiceAccount if it is this store's (by the UID it is labelled with). */
  private async removeServiceAccountOf(store: string, storeUid: string): Promise<boolean> {
    const { core } = this.deps.kube;
    const account = await core.readNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, name: provisionerServiceAccount(store) }).catch(() => undefined);
    const owner = account?.metadata?.labels?.[LABELS.storeUid];
    if (!account || (owner && owner !== storeUid)) return false;
    const accountName = account.metadata!.name!;
    return deleteIfSame(account.metadata!.uid, (body) => core.deleteNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, name: accountName, body }));
  }

  /** Frees slots, provisioner ServiceAccounts and records that no live store holds. */
  async sweep(): Promise<void> {
    const { kube, cache, operations, logger } = this.deps;
    const freedSlots = await operations.slots.reclaimStale();
    const liveUid = (store: string) => {
      const namespace = cache.namespaces.get(storeNamespace(store));
      return namespace && !namespace.metadata?.deletionTimestamp ? namespace.metadata?.uid : undefined;
    };
    const accounts = await kube.core.listNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, labelSelector: `${LABELS.managedBy}=${MANAGED_BY},${LABELS.store}` });
    let freedAccounts = 0;
    for (const account of accounts.items) {
      const store = account.metadata!.labels![LABELS.store]!;
      const owner = account.metadata?.labels?.[LABELS.storeUid];
      const live = liveUid(store);
      if (ageMs(account) < this.deps.sweepMinAgeMs || (live && (!owner || owner === live))) continue;
      const accountName = account.metadata!.name!;
      const freed = await deleteIfSame(account.metadata!.uid,
        (body) => kube.core.deleteNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, name: accountName, body }));
      if (freed) freedAccounts += 1;
    }
    let freedRecords = 0;
    for (const record of cache.records.list()) {
      const store = record.metadata?.labels?.[LABELS.store];
      if (!store || liveUid(store) || ageMs(record) < this.deps.sweepMinAgeMs) continue;
      const recordName = record.metadata!.name!;
      const freed = await deleteIfSame(record.metadata!.uid,
        (body) => kube.core.deleteNamespacedConfigMap({ namespace: PLATFORM_NAMESPACE, name: recordName, body }));
      if (freed) freedRecords += 1;
    }
    // A Job still running for a store that is gone (made late by a request that lost to a
    // delete) would act on the next store of its name. One that gave up waiting for room never
    // finishes, so no TTL removes it: it goes with its store.
    let stoppedJobs = 0;
    const pods = cache.pods.list();
    for (const job of cache.jobs.list()) {
      const store = job.metadata?.labels?.[LABELS.store];
      if (!store || !(operationRunning(job, pods) || gaveUpWaiting(job)) || ageMs(job) < this.deps.sweepMinAgeMs) continue;
      if (liveUid(store) === job.metadata?.labels?.[LABELS.storeUid]) continue;
      if (await deleteIfSame(job.metadata!.uid, (body) => kube.batch.deleteNamespacedJob({ namespace: PLATFORM_NAMESPACE, name: job.metadata!.name!, body: { ...body, propagationPolicy: 'Background' } }))) stoppedJobs += 1;
    }
    if (freedSlots + freedAccounts + freedRecords + stoppedJobs > 0) logger.info({ freedSlots, freedAccounts, freedRecords, stoppedJobs }, 'swept what no live store holds');
  }
}
