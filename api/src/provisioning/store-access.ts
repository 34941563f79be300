// Reads of a store's objects for its operations, and the one write they all make to its
// namespace: adding annotations with a compare-and-swap on its resourceVersion.
import type * as k8s from '@kubernetes/client-node';
import { statusCode } from '../kube/clients.ts';
import { LABELS, PLATFORM_NAMESPACE, storeNamespace } from '../store/names.ts';
import { seqOf } from '../store/view.ts';
import { type OperationsContext, StoreNotFound } from './operation-context.ts';

export async function podsOf(ctx: OperationsContext, labelSelector: string): Promise<k8s.V1Pod[]> {
  return (await ctx.kube.core.listNamespacedPod({ namespace: PLATFORM_NAMESPACE, labelSelector })).items;
}

/** Replaces the namespace with added annotations; its resourceVersion makes this a compare-and-swap. */
export function annotate(ctx: OperationsContext, namespace: k8s.V1Namespace, annotations: Record<string, string>): Promise<k8s.V1Namespace> {
  return ctx.kube.core.replaceNamespace({
    name: namespace.metadata!.name!,
    body: { ...namespace, metadata: { ...namespace.metadata, annotations: { ...namespace.metadata?.annotations, ...annotations } } },
  });
}

export async function findNamespace(ctx: OperationsContext, name: string): Promise<k8s.V1Namespace | undefined> {
  return ctx.kube.core.readNamespace({ name: storeNamespace(name) }).catch((error: unknown) => {
    if (statusCode(error) === 404) return undefined;
    throw error;
  });
}

export async function readStoreNamespace(ctx: OperationsContext, name: string): Promise<k8s.V1Namespace> {
  const namespace = await findNamespace(ctx, name);
  if (!namespace || namespace.metadata?.labels?.[LABELS.store] !== name) throw new StoreNotFound(`No store named "${name}".`);
  return namespace;
}

export function readJob(ctx: OperationsContext, name: string): Promise<k8s.V1Job | undefined> {
  return ctx.kube.batch.readNamespacedJob({ namespace: PLATFORM_NAMESPACE, name }).catch((error: unknown) => {
    if (statusCode(error) === 404) return undefined;
    throw error;
  });
}

/** The highest sequence number of any Job of this store name, this store's or an earlier one's. */
export async function highestSeq(ctx: OperationsContext, name: string): Promise<number> {
  const jobs = await ctx.kube.batch.listNamespacedJob({ namespace: PLATFORM_NAMESPACE, labelSelector: `${LABELS.store}=${name}` });
  return jobs.items.reduce((highest, job) => Math.max(highest, seqOf(job)), 0);
}
