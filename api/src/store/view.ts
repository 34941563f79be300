// What the API returns for a store, built from cluster objects (pure).
import type { V1ConfigMap, V1Job, V1Namespace, V1Pod } from '@kubernetes/client-node';
import { belongsTo, intentStarted, readIntent, readSpec } from './intent.ts';
import { LABELS } from './names.ts';
import { PROVISIONER_CODES, type ProvisionerCode } from '../../../contract/reasons.ts';
import type { StoreView } from '../../../contract/schemas.ts';
import { deriveState, newestPod } from './state.ts';
import { DEFAULT_SHOP_ADDRESS, type ShopAddress, storeUrl } from './store-url.ts';

export type { StoreView } from '../../../contract/schemas.ts';

export const seqOf = (job: V1Job) => Number(job.metadata?.labels?.[LABELS.seq] ?? 0);

/** The newest operation Job of this store namespace; Jobs of an earlier store of the same name never count. */
export function latestJob(jobs: readonly V1Job[], namespace: V1Namespace): V1Job | undefined {
  return jobs
    .filter((job) => belongsTo(job, namespace))
    .reduce<V1Job | undefined>((latest, job) => (!latest || seqOf(job) > seqOf(latest) ? job : latest), undefined);
}

/** The saved record of a finished operation: { job, message, log }. */
export interface OperationRecord {
  job: string;
  /** The store namespace it was saved for (absent in records from before incarnations). */
  storeUid?: string;
  message: string;
  /** The provisioner's reason code for that message, when it gave one. */
  code?: ProvisionerCode;
  log: string;
  /** Saved once the Job ended (not early, while its pod was being stopped). */
  final?: boolean;
}

export function readRecord(configMap: V1ConfigMap | undefined): OperationRecord | undefined {
  const data = configMap?.data;
  if (!data?.job) return undefined;
  const code = (PROVISIONER_CODES as readonly string[]).includes(data.code ?? '') ? (data.code as ProvisionerCode) : undefined;
  return { job: data.job, storeUid: data.storeUid, message: data.message ?? '', ...(code ? { code } : {}), log: data.log ?? '', final: data.final === 'true' };
}

/** Whether a saved record is of this Job of this store (not of an earlier store of the name). */
export function isRecordOf(record: OperationRecord | undefined, job: string | undefined, storeUid: string | undefined): record is OperationRecord {
  return !!record && record.job === job && (!record.storeUid || record.storeUid === storeUid);
}

/** `address`: the scheme and port stores are served at (store-url.ts); `queue`: waiting Jobs' places in line (queue-order.ts). */
export function toStoreView(
  namespace: V1Namespace, jobs: readonly V1Job[], pods: readonly V1Pod[], record?: OperationRecord, address: ShopAddress = DEFAULT_SHOP_ADDRESS,
  queue?: ReadonlyMap<string, number>,
): StoreView {
  const labels = namespace.metadata?.labels ?? {};
  const name = labels[LABELS.store] ?? namespace.metadata?.name?.replace(/^store-/, '') ?? '';
  const spec = readSpec(namespace);
  const intent = readIntent(namespace);
  const job = latestJob(jobs, namespace);
  const pod = job && newestPod(pods, job.metadata!.name!);
  const saved = isRecordOf(record, job?.metadata?.name, namespace.metadata?.uid) ? record : undefined;
  const problem = !spec ? 'its settings annotation is missing or not valid JSON' : !labels[LABELS.tenant] ? 'its tenant label is missing' : undefined;
  const state = problem
    ? { phase: 'Unknown' as const, reason: 'InvalidStoreData', message: `The store's namespace cannot be read: ${problem}. Ask the platform operator to repair or delete it.`, since: new Date(namespace.metadata?.creationTimestamp ?? 0).toISOString() }
    : deriveState({
      namespace, job, pod, savedMessage: saved?.message, savedCode: saved?.code, queuePosition: job && queue?.get(job.metadata!.name!),
      pendingIntent: intent && !intentStarted(namespace, intent) ? intent : undefined,
    });
  return {
    name,
    uid: namespace.metadata?.uid ?? '',
    tenant: labels[LABELS.tenant] ?? '',
    ...(spec ? { spec } : {}),
    url: spec ? storeUrl(spec.host, address) : '',
    createdAt: new Date(namespace.metadata?.creationTimestamp ?? 0).toISOString(),
    state,
  };
}
