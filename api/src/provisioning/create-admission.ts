// Admitting a create: the host rule, the tenant's and the platform's slots, the host Lease,
// then the namespace, which is the lock: AlreadyExists from the same tenant with the same
// spec returns the existing store (starting its install if a crash left it unstarted); a
// Failed install of the same tenant is retried; anything else is a conflict.
import type * as k8s from '@kubernetes/client-node';
import { clusterUnavailable, statusCode } from '../kube/clients.ts';
import { buildIntent } from '../store/intent.ts';
import { LABELS } from '../store/names.ts';
import { specHash, type StoreSpec } from '../store/spec.ts';
import { jobFailure } from '../store/state.ts';
import { tenantSlotScope } from '../store/tenant-name.ts';
import { carryOut } from './carry-out.ts';
import { checkHost } from './create-rules.ts';
import { HostTaken } from './host-claims.ts';
import { requestOperation } from './intent-cas.ts';
import { buildStoreNamespace } from './namespace.ts';
import { type OperationsContext, StoreConflict } from './operation-context.ts';
import { admitExisting, afterLatestJob, type ExistingStore, mayStart } from './operation-decisions.ts';
import type { HeldSlot } from './slots.ts';
import { findNamespace, highestSeq, readJob, readStoreNamespace } from './store-access.ts';

export type CreateOutcome = { kind: 'created' | 'existing' | 'retried' | 'resumed'; job?: string };

/**
 * Creates a store. The namespace is the lock: AlreadyExists from the same tenant with the
 * same spec returns the existing store (starting its install if a crash left it unstarted);
 * a Failed install of the same tenant is retried; anything else is a conflict.
 */
export async function create(ctx: OperationsContext, name: string, tenant: string, spec: StoreSpec, requestId?: string): Promise<CreateOutcome> {
  const existing = await findNamespace(ctx, name);
  if (existing) return resolveExisting(ctx, existing, tenant, spec, requestId);
  // Job names are never reused, not even by a later store of the same name.
  const install = buildIntent(name, 'install', (await highestSeq(ctx, name)) + 1, { requestId });
  checkHost(ctx.settings.hosts, name, tenant, spec.host);
  const claimed = await claimSlots(ctx, name, tenant);
  const host = await claimHost(ctx, name, tenant, spec.host).catch(async (error: unknown) => {
    await ctx.slots.releaseClaimed(claimed).catch(() => undefined);
    throw error;
  });
  if (!('uid' in host)) {
    await ctx.slots.releaseClaimed(claimed).catch(() => undefined);
    return resolveExisting(ctx, host, tenant, spec, requestId);
  }
  claimed.push(host);
  ctx.wrote('slots');
  let namespace: k8s.V1Namespace;
  try {
    namespace = await ctx.kube.core.createNamespace({ body: buildStoreNamespace(name, tenant, spec, install, claimed) });
  } catch (error) {
    // No answer: the namespace may exist and hold these slots. The sweep frees slots that no
    // namespace holds (slots.ts), so they are never lost either way.
    if (clusterUnavailable(error)) throw error;
    await ctx.slots.releaseClaimed(claimed).catch(() => undefined);
    // Another request created this name first: its slots are the store's, ours went back.
    if (statusCode(error) === 409) return resolveExisting(ctx, await readStoreNamespace(ctx, name), tenant, spec, requestId);
    throw error;
  }
  ctx.wrote('namespace');
  // From here the intent is on record: a failure is reported, and the reconciler (or the
  // same POST again) finishes the store. Removing it here could remove a store another
  // request or replica is carrying out at this moment.
  return { kind: 'created', job: await carryOut(ctx, namespace) };
}

/** The Leases of the tenant's and the platform's slots this store now holds. */
async function claimSlots(ctx: OperationsContext, name: string, tenant: string): Promise<HeldSlot[]> {
  const tenantLimit = ctx.settings.tenantStoreLimits[tenant] ?? ctx.settings.maxStoresPerTenant;
  const tenantSlot = await ctx.slots.claim(tenantSlotScope(tenant), tenantLimit, name, tenant, `Tenant "${tenant}"`);
  try {
    return [tenantSlot, await ctx.slots.claim('platform', ctx.settings.maxStores, name, tenant, 'The platform')];
  } catch (error) {
    await ctx.slots.releaseClaimed([tenantSlot]);
    throw error;
  }
}

/**
 * The store's host Lease; or, when the same store sent twice at once holds it, the namespace
 * that other request makes next (its answer is this one's too).
 */
async function claimHost(ctx: OperationsContext, name: string, tenant: string, host: string): Promise<HeldSlot | k8s.V1Namespace> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.hosts.claim(host, name, tenant);
    } catch (error) {
      if (!(error instanceof HostTaken) || error.holder !== name) throw error;
    }
    const namespace = await findNamespace(ctx, name);
    if (namespace) return namespace;
    if (attempt === 50) throw new StoreConflict(`The store "${name}" is being created by another request; try again.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function resolveExisting(
  ctx: OperationsContext, namespace: k8s.V1Namespace, tenant: string, spec: StoreSpec, requestId?: string,
): Promise<CreateOutcome> {
  const name = namespace.metadata!.labels?.[LABELS.store] ?? '';
  const admitted = admitExisting(namespace, tenant, specHash(spec), Date.now());
  let decision: Exclude<ExistingStore, { kind: 'ask-job' }> | ReturnType<typeof afterLatestJob>;
  if (admitted.kind === 'ask-job') {
    const { intent, sameSpec } = admitted;
    const latest = await readJob(ctx, intent.job);
    decision = afterLatestJob(name, intent, sameSpec, !!latest && !!jobFailure(latest));
    if (decision.kind === 'retry') {
      // Two retries at once: the first writes a new install, the second finds it and keeps it.
      const job = await requestOperation(ctx, name, 'install', { spec, requestId }, (current, progress) => mayStart('install', current, progress, name, intent.job));
      return { kind: 'retried', job };
    }
  } else {
    decision = admitted;
  }
  if (decision.kind === 'conflict') throw new StoreConflict(decision.message);
  // A create that died before its Job: the same request again finishes it.
  if (decision.kind === 'resume') return { kind: 'resumed', job: await carryOut(ctx, namespace) };
  return 'job' in decision && decision.job ? { kind: 'existing', job: decision.job } : { kind: 'existing' };
}
