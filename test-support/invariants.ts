// What must hold for stores at any moment, read straight from the cluster (not through the
// API under test): the lifecycle suites check it after every step.
import * as k8s from '@kubernetes/client-node';
import { kubeConfig } from './harness.ts';
import { SYSTEM } from './kube.ts';

const condition = (job: k8s.V1Job, ...types: string[]) => (job.status?.conditions ?? []).some((c) => types.includes(c.type) && c.status === 'True');
const provisioner = (pod: k8s.V1Pod) => (pod.status?.containerStatuses ?? []).find((c) => c.name === 'provisioner');
const exitedZero = (pod: k8s.V1Pod) => provisioner(pod)?.state?.terminated?.exitCode === 0;
const stopped = (pod: k8s.V1Pod) => ['Succeeded', 'Failed'].includes(pod.status?.phase ?? '') || provisioner(pod)?.state?.terminated !== undefined;
/**
 * A Job runs until the Job controller says it ended, or one of its pods' provisioner exited 0
 * (it is done then), or the controller gave up (FailureTarget) and none of its pods still runs,
 * or the platform ended it while it waited, suspended.
 */
const runs = (job: k8s.V1Job, pods: k8s.V1Pod[]) => {
  if (condition(job, 'Complete', 'Failed') || job.metadata?.deletionTimestamp) return false;
  // Ended before it ever started (it gave up waiting for room): suspended for good.
  if (job.spec?.suspend && job.metadata?.annotations?.['storefleet.io/failure']) return false;
  const own = pods.filter((pod) => pod.metadata?.labels?.['job-name'] === job.metadata?.name);
  return !own.some(exitedZero) && !(condition(job, 'FailureTarget') && own.every(stopped));
};

export interface FleetSnapshot {
  /** store → Jobs of its current namespace that run (not finished, not being deleted). */
  running: Map<string, string[]>;
  /** store → its namespace, if one exists. */
  namespaces: Map<string, k8s.V1Namespace>;
  /** store → slot Leases labelled with it, by scope kind ("platform" | "tenant"). */
  slots: Map<string, { platform: k8s.V1Lease[]; tenant: k8s.V1Lease[] }>;
  /** store → provisioner ServiceAccounts labelled with it. */
  accounts: Map<string, k8s.V1ServiceAccount[]>;
  jobs: k8s.V1Job[];
  pods: k8s.V1Pod[];
}

export async function snapshot(stores: readonly string[]): Promise<FleetSnapshot> {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  const wanted = new Set(stores);
  const [namespaces, jobs, leases, accounts] = await Promise.all([
    core.listNamespace({ labelSelector: 'app.kubernetes.io/managed-by=storefleet' }),
    batch.listNamespacedJob({ namespace: SYSTEM, labelSelector: 'storefleet.io/store' }),
    coordination.listNamespacedLease({ namespace: SYSTEM, labelSelector: 'storefleet.io/slot-scope' }),
    core.listNamespacedServiceAccount({ namespace: SYSTEM, labelSelector: 'storefleet.io/store' }),
  ]);
  // Pods after Jobs, never beside them: a pod read before the Jobs could miss the exit that let
  // a newer Job start, and count one Job too many as running. Read after, an exit seen can only
  // count one too few.
  const pods = await core.listNamespacedPod({ namespace: SYSTEM, labelSelector: 'storefleet.io/store' });
  const storeOf = (object: k8s.KubernetesObject) => object.metadata?.labels?.['storefleet.io/store'] ?? '';
  const snap: FleetSnapshot = {
    running: new Map(), namespaces: new Map(), slots: new Map(), accounts: new Map(), jobs: jobs.items.filter((j) => wanted.has(storeOf(j))), pods: pods.items,
  };
  for (const ns of namespaces.items) if (wanted.has(storeOf(ns))) snap.namespaces.set(storeOf(ns), ns);
  for (const store of stores) {
    const uid = snap.namespaces.get(store)?.metadata?.uid;
    snap.running.set(store, snap.jobs
      .filter((j) => storeOf(j) === store && j.metadata?.labels?.['storefleet.io/store-uid'] === uid && runs(j, snap.pods))
      .map((j) => j.metadata!.name!));
    const mine = leases.items.filter((l) => storeOf(l) === store);
    snap.slots.set(store, {
      platform: mine.filter((l) => l.metadata?.labels?.['storefleet.io/slot-scope'] === 'platform'),
      tenant: mine.filter((l) => l.metadata?.labels?.['storefleet.io/slot-scope']?.startsWith('tenant-')),
    });
    snap.accounts.set(store, accounts.items.filter((a) => storeOf(a) === store));
  }
  return snap;
}

/** Whether the namespace's uninstall has completed (it is being removed by the reconciler). */
function uninstalled(snap: FleetSnapshot, ns: k8s.V1Namespace): boolean {
  const intent = JSON.parse(ns.metadata?.annotations?.['storefleet.io/operation'] ?? '{}') as { job?: string; operation?: string };
  const job = snap.jobs.find((j) => j.metadata?.name === intent.job);
  return intent.operation === 'uninstall' && !!job && !runs(job, snap.pods) && !condition(job, 'Failed', 'FailureTarget');
}

/** What must hold at every moment: at most one running Job per store, and no store over its slots. */
export function safetyViolations(snap: FleetSnapshot): string[] {
  const problems: string[] = [];
  for (const [store, running] of snap.running) {
    if (running.length > 1) problems.push(`${store}: ${running.length} running Jobs (${running.join(', ')})`);
    const slots = snap.slots.get(store)!;
    const ns = snap.namespaces.get(store);
    if (slots.platform.length > 1 || slots.tenant.length > 1) problems.push(`${store}: holds ${slots.platform.length} platform and ${slots.tenant.length} tenant slots`);
    if (!ns && slots.platform.length + slots.tenant.length > 0) problems.push(`${store}: slots held without a namespace`);
    const live = ns && !ns.metadata?.deletionTimestamp && !uninstalled(snap, ns);
    if (live && (slots.platform.length !== 1 || slots.tenant.length !== 1)) problems.push(`${store}: live store holds ${slots.platform.length} platform / ${slots.tenant.length} tenant slots`);
  }
  return problems;
}

/** What must hold once everything has settled: nothing orphaned, slots = live stores. */
export function settledViolations(snap: FleetSnapshot): string[] {
  const problems = safetyViolations(snap);
  for (const [store, accounts] of snap.accounts) {
    const ns = snap.namespaces.get(store);
    for (const account of accounts) {
      const owner = account.metadata?.labels?.['storefleet.io/store-uid'];
      if (!ns || (owner && owner !== ns.metadata?.uid)) problems.push(`${store}: orphan ServiceAccount ${account.metadata!.name}`);
    }
    if (ns && accounts.length !== 1) problems.push(`${store}: live store has ${accounts.length} provisioner ServiceAccounts`);
    if ((snap.running.get(store) ?? []).length > 0) problems.push(`${store}: still running ${snap.running.get(store)!.join(', ')}`);
    if (ns?.metadata?.deletionTimestamp) problems.push(`${store}: namespace still terminating`);
  }
  return problems;
}
