// Ends an operation early when Kubernetes reports a condition waiting cannot heal
// (store/blockers.ts), instead of letting Helm wait out its timeout. The reason goes onto the
// Job as an annotation (the store's state reads it), then the Job's deadline is cut to its
// age so the Job controller fails it and stops its pod. Idempotent: every replica may do it,
// and the second patch changes nothing.
import * as k8s from '@kubernetes/client-node';
import type { StoreCache } from '../kube/cache.ts';
import type { KubeClients } from '../kube/clients.ts';
import type { StoreActivityWatches } from '../kube/store-activity.ts';
import { type Blocker, type BlockerRules, DEFAULT_BLOCKER_RULES, findBlocker, type FailureNote, readFailureNote } from '../store/blockers.ts';
import { ANNOTATIONS, LABELS, PLATFORM_NAMESPACE, storeNamespace } from '../store/names.ts';
import { newestPod, operationRunning } from '../store/state.ts';
import { latestJob } from '../store/view.ts';
import { readRunningProvisionerLog, saveOperationRecord } from './operation-records.ts';
import type { Logger } from '../observability/logger.ts';

export interface FailFastDeps {
  kube: KubeClients;
  cache: StoreCache;
  activity: StoreActivityWatches;
  logger: Logger;
  rules?: BlockerRules;
  /** Told once per operation this replica ended (Events, metrics). */
  onEnded?: (store: string, job: k8s.V1Job, blocker: Blocker) => void;
}

export class FailFast {
  private readonly deps: FailFastDeps;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly ending = new Set<string>();

  constructor(deps: FailFastDeps) {
    this.deps = deps;
  }

  start(): () => void {
    const check = (store: string) => void this.check(store).catch((error: unknown) => this.deps.logger.error({ store, err: error }, 'fail-fast check failed'));
    const unsubscribeActivity = this.deps.activity.subscribe(check);
    const unsubscribeCache = this.deps.cache.subscribe(check);
    return () => {
      unsubscribeActivity();
      unsubscribeCache();
      for (const timer of this.timers.values()) clearTimeout(timer);
    };
  }

  private async check(store: string): Promise<void> {
    const { cache, activity } = this.deps;
    const namespace = cache.namespaces.get(storeNamespace(store));
    const job = namespace && latestJob(cache.jobs.list(), namespace);
    const seen = activity.activity(store);
    if (!job || !seen || !operationRunning(job, cache.pods.list()) || readFailureNote(job) || this.ending.has(job.metadata!.name!)) return;
    const since = new Date(job.metadata?.creationTimestamp ?? 0);
    // The provisioner's own pod may be the one that cannot start (its image, its node).
    const provisioner = newestPod(cache.pods.list(), job.metadata!.name!);
    // An uninstall removes what is stuck: only its own pod can keep it from finishing.
    const uninstall = job.metadata?.labels?.[LABELS.operation] === 'uninstall';
    const reported = uninstall
      ? { release: seen.release, events: [], claims: [], pods: provisioner ? [provisioner] : [] }
      : { ...seen, pods: provisioner ? [...seen.pods, provisioner] : seen.pods };
    const blocker = findBlocker(reported, since, this.deps.rules ?? DEFAULT_BLOCKER_RULES);
    clearTimeout(this.timers.get(store));
    this.timers.delete(store);
    if (!blocker) return;
    const wait = blocker.failAt.getTime() - Date.now();
    if (wait > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(store);
        void this.check(store);
      }, wait + 50);
      timer.unref();
      this.timers.set(store, timer);
      return;
    }
    await this.end(store, job, blocker);
  }

  private async end(store: string, job: k8s.V1Job, blocker: Blocker) {
    const name = job.metadata!.name!;
    this.ending.add(name);
    try {
      // The Job controller deletes the pod it stops: its log is saved first.
      const log = await readRunningProvisionerLog(this.deps.kube, newestPod(this.deps.cache.pods.list(), name));
      if (!log) this.deps.logger.error({ store, job: name }, 'could not read the provisioner log before stopping it; the store keeps no log of this operation');
      await saveOperationRecord(this.deps.kube, store, { job: name, storeUid: job.metadata!.labels![LABELS.storeUid]!, message: blocker.message, log });
      const note: FailureNote = {
        kind: blocker.kind, message: blocker.message, detail: blocker.detail, signalAt: blocker.signalAt.toISOString(), failedAt: new Date().toISOString(),
      };
      // One patch: the reason and the end arrive together, so no reader sees one without the other.
      await this.deps.kube.batch.patchNamespacedJob(
        {
          name, namespace: PLATFORM_NAMESPACE,
          body: { metadata: { annotations: { [ANNOTATIONS.failure]: JSON.stringify(note) } }, spec: { activeDeadlineSeconds: 1 } },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      this.deps.logger.info({ store, job: name, kind: blocker.kind, signalAt: note.signalAt }, 'ended an operation that cannot succeed');
      this.deps.onEnded?.(store, job, blocker);
    } finally {
      this.ending.delete(name);
    }
  }
}
