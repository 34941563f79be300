// The saved record of a store's latest operation (a ConfigMap in the platform namespace): its
// message and capped log, so a store still says why after the operation's pod is gone.
import type * as k8s from '@kubernetes/client-node';
import { createIfAbsent, type KubeClients } from '../kube/clients.ts';
import { isKubeletReadFailure } from '../kube/pod-log.ts';
import { LABELS, MANAGED_BY, operationRecordName, PLATFORM_NAMESPACE } from '../store/names.ts';
import { type OperationRecord, readRecord } from '../store/view.ts';

export const MAX_SAVED_LOG_BYTES = 64 * 1024;

export function buildOperationRecord(store: string, record: OperationRecord & { storeUid: string }): k8s.V1ConfigMap {
  return {
    metadata: { name: operationRecordName(store), namespace: PLATFORM_NAMESPACE, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.store]: store } },
    data: { job: record.job, storeUid: record.storeUid, message: record.message, ...(record.code ? { code: record.code } : {}), log: record.log, ...(record.final ? { final: 'true' } : {}) },
  };
}

export async function saveOperationRecord(kube: KubeClients, store: string, record: OperationRecord & { storeUid: string }): Promise<void> {
  const body = buildOperationRecord(store, record);
  const created = await createIfAbsent(() => kube.core.createNamespacedConfigMap({ namespace: PLATFORM_NAMESPACE, body }));
  if (created === 'existed') await kube.core.replaceNamespacedConfigMap({ namespace: PLATFORM_NAMESPACE, name: operationRecordName(store), body });
}

/** The provisioner's log (capped unless `limitBytes` is null); '' when it cannot be read (the pod is going or gone). */
export async function readProvisionerLog(kube: KubeClients, pod: k8s.V1Pod | undefined, limitBytes: number | null = MAX_SAVED_LOG_BYTES): Promise<string> {
  if (!pod) return '';
  const body = await kube.core.readNamespacedPodLog({ namespace: PLATFORM_NAMESPACE, name: pod.metadata!.name!, container: 'provisioner', limitBytes: limitBytes ?? undefined }).catch(() => '');
  return isKubeletReadFailure(body) ? '' : body;
}

/** The saved record as the API server holds it now: the cache may not have seen a write just made. */
export async function fetchOperationRecord(kube: KubeClients, store: string): Promise<OperationRecord | undefined> {
  const configMap = await kube.core.readNamespacedConfigMap({ namespace: PLATFORM_NAMESPACE, name: operationRecordName(store) }).catch(() => undefined);
  return readRecord(configMap);
}

/**
 * The provisioner's log while its pod still runs, asked again after a pause when it comes back
 * empty: on a busy node a read can fail, and the pod (with its log) is about to be deleted.
 */
export async function readRunningProvisionerLog(kube: KubeClients, pod: k8s.V1Pod | undefined, attempts = 5, pauseMs = 250): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const log = await readProvisionerLog(kube, pod);
    if (log || !pod || attempt >= attempts) return log;
    // 250 ms, 500 ms, 1 s, 2 s: a kubelet slow for a few seconds on a busy node still answers.
    await new Promise((resolve) => setTimeout(resolve, pauseMs * 2 ** (attempt - 1)));
  }
}
