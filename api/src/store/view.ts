// What the API returns for a store, built from cluster objects (pure).
import type { V1ConfigMap, V1Job, V1Namespace, V1Pod } from '@kubernetes/client-node';
import { ANNOTATIONS, LABELS } from './names.ts';
import type { StoreSpec } from './spec.ts';
import { deriveState, type StoreState } from './state.ts';

export interface StoreView {
  name: string;
  tenant: string;
  spec: StoreSpec;
  url: string;
  createdAt: string;
  state: StoreState;
}

export const seqOf = (job: V1Job) => Number(job.metadata?.labels?.[LABELS.seq] ?? 0);

export function latestJob(jobs: readonly V1Job[], store: string): V1Job | undefined {
  return jobs
    .filter((job) => job.metadata?.labels?.[LABELS.store] === store)
    .reduce<V1Job | undefined>((latest, job) => (!latest || seqOf(job) > seqOf(latest) ? job : latest), undefined);
}

export function newestPod(pods: readonly V1Pod[], jobName: string): V1Pod | undefined {
  return pods
    .filter((pod) => pod.metadata?.labels?.['job-name'] === jobName)
    .sort((a, b) => new Date(b.metadata!.creationTimestamp!).getTime() - new Date(a.metadata!.creationTimestamp!).getTime())[0];
}

/** The saved record of a finished operation: { job, message, log }. */
export interface OperationRecord {
  job: string;
  message: string;
  log: string;
}

export function readRecord(configMap: V1ConfigMap | undefined): OperationRecord | undefined {
  const data = configMap?.data;
  return data?.job ? { job: data.job, message: data.message ?? '', log: data.log ?? '' } : undefined;
}

export function toStoreView(namespace: V1Namespace, jobs: readonly V1Job[], pods: readonly V1Pod[], record?: OperationRecord): StoreView {
  const name = namespace.metadata!.labels![LABELS.store]!;
  const spec = JSON.parse(namespace.metadata!.annotations![ANNOTATIONS.spec]!) as StoreSpec;
  const job = latestJob(jobs, name);
  const pod = job && newestPod(pods, job.metadata!.name!);
  const savedMessage = record && job && record.job === job.metadata!.name ? record.message : undefined;
  return {
    name,
    tenant: namespace.metadata!.labels![LABELS.tenant]!,
    spec,
    url: `http://${spec.host}/`,
    createdAt: new Date(namespace.metadata!.creationTimestamp!).toISOString(),
    state: deriveState({ namespace, job, pod, savedMessage }),
  };
}
