// Carrying out a store's intent: guardrails (or, for an uninstall, the provisioner's identity
// and stopping what ran before), the Job, then the mark that it started. Every step is
// idempotent, so the request that recorded the intent and the reconciler after a crash may
// both run it.
import type * as k8s from '@kubernetes/client-node';
import { clusterUnavailable, createIfAbsent, deleteIfPresent, deleteIfSame, statusCode } from '../kube/clients.ts';
import { buildCredentialsSecret } from '../store/credentials.ts';
import { type OperationIntent, readIntent, readSpec } from '../store/intent.ts';
import { ANNOTATIONS, credentialsSecretName, LABELS, PLATFORM_NAMESPACE, storeNamespace } from '../store/names.ts';
import { plans } from '../store/plans.ts';
import type { StoreSpec } from '../store/spec.ts';
import { ensureApiAccess } from './api-access.ts';
import { buildDefaultServiceAccount, buildLimitRange, buildNetworkPolicies, buildResourceQuota } from './guardrails.ts';
import { jobCreatedMoment } from '../observability/kube-events.ts';
import { buildOperationJob } from './job.ts';
import { CAS_ATTEMPTS, type OperationsContext, StoreConflict } from './operation-context.ts';
import { jobOwner, jobsToStop, movedOn, needsStartedMark, preparationSteps } from './operation-decisions.ts';
import { buildProvisionerRoleBinding, buildProvisionerServiceAccount } from './rbac.ts';
import { annotate, findNamespace, podsOf, readJob, readStoreNamespace } from './store-access.ts';

/**
 * Makes the namespace's intent happen: guardrails, the Job, then marks it started. Every
 * step is idempotent, so the request that wrote the intent and the reconciler after a crash
 * may both run it; the Job is built from the namespace alone, so both build the same one.
 */
export async function carryOut(ctx: OperationsContext, namespace: k8s.V1Namespace): Promise<string> {
  const intent = readIntent(namespace);
  const spec = readSpec(namespace);
  if (!intent || !spec) throw new StoreConflict(`The store's namespace ${namespace.metadata?.name} cannot be read (no valid operation or settings); ask the platform operator to repair or delete it.`);
  try {
    return await startOperation(ctx, namespace, intent, spec);
  } catch (error) {
    if (error instanceof StoreConflict || clusterUnavailable(error)) throw error;
    // A DELETE that won meanwhile removes the namespace under these writes: Kubernetes then
    // refuses them (403 once the API's RoleBindings are gone, 404 once the namespace is).
    // That is the store's state, not a fault of the platform.
    const name = namespace.metadata!.labels![LABELS.store]!;
    const now = await findNamespace(ctx, name).catch(() => namespace);
    if (movedOn(now, namespace.metadata!.uid!, intent.job)) {
      throw new StoreConflict(`The store "${name}" was deleted or changed while ${intent.job} was being started.`);
    }
    throw error;
  }
}

async function startOperation(ctx: OperationsContext, namespace: k8s.V1Namespace, intent: OperationIntent, spec: StoreSpec): Promise<string> {
  const name = namespace.metadata!.labels![LABELS.store]!;
  const storeUid = namespace.metadata!.uid!;
  // API access first, since everything the API writes in the store's namespace needs it; an
  // uninstall needs only the provisioner's identity, and stops whatever ran before it.
  for (const step of preparationSteps(intent.operation)) {
    if (step === 'api-access') await ensureApiAccess(ctx.kube, name);
    else if (step === 'guardrails') await applyGuardrails(ctx, name, spec, storeUid);
    else if (step === 'provisioner-identity') await ensureProvisionerIdentity(ctx, name, storeUid);
    else await stopOthers(ctx, namespace, intent.job);
  }
  // The store may have moved on while the steps above ran (a DELETE, or a stale cache copy):
  // a superseded intent makes no Job.
  if (movedOn(await findNamespace(ctx, name), storeUid, intent.job)) {
    throw new StoreConflict(`Store "${name}" changed while ${intent.job} was being started; try again.`);
  }
  const job = buildOperationJob({
    store: name, storeUid, operation: intent.operation, seq: intent.seq, spec,
    rollbackTo: intent.rollbackTo, requestId: intent.requestId, requestedAt: intent.requestedAt,
  }, ctx.settings);
  const made = await createIfAbsent(() => ctx.kube.batch.createNamespacedJob({ namespace: PLATFORM_NAMESPACE, body: job }));
  if (made === 'existed' && jobOwner(await readJob(ctx, intent.job), namespace) === 'earlier-store') {
    throw new StoreConflict(`Job ${intent.job} belongs to an earlier store named "${name}"; try again.`);
  }
  ctx.wrote('job');
  await markStarted(ctx, name, intent.job);
  ctx.wrote('started');
  if (made === 'created') {
    await ctx.events?.record({
      store: name, job: intent.job, operation: intent.operation, requestId: intent.requestId, ...jobCreatedMoment(intent.job, job.spec?.suspend === true),
    });
  }
  return intent.job;
}

/** Records that the intent's Job exists, unless the store has moved on to another intent. */
async function markStarted(ctx: OperationsContext, name: string, job: string): Promise<void> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const namespace = await readStoreNamespace(ctx, name);
    if (!needsStartedMark(namespace, job)) return;
    try {
      await annotate(ctx, namespace, { [ANNOTATIONS.operationStarted]: job });
      return;
    } catch (error) {
      if (statusCode(error) !== 409) throw error;
    }
  }
}

/**
 * Deletes the store name's unfinished Jobs other than `keep`: only the current intent's Job
 * may run, and a late Job of an earlier store of the name must not act on this one.
 */
export async function stopOthers(ctx: OperationsContext, namespace: k8s.V1Namespace, keep: string): Promise<void> {
  const name = namespace.metadata!.labels![LABELS.store]!;
  const jobs = await ctx.kube.batch.listNamespacedJob({ namespace: PLATFORM_NAMESPACE, labelSelector: `${LABELS.store}=${name}` });
  const pods = await podsOf(ctx, `${LABELS.store}=${name}`);
  for (const job of jobsToStop(jobs.items, pods, keep)) {
    await deleteIfPresent(() => ctx.kube.batch.deleteNamespacedJob({ namespace: PLATFORM_NAMESPACE, name: job.metadata!.name!, propagationPolicy: 'Background' }));
  }
}

async function applyGuardrails(ctx: OperationsContext, name: string, spec: StoreSpec, storeUid: string): Promise<void> {
  const namespace = storeNamespace(name);
  const plan = plans[spec.plan];
  const { core, networking } = ctx.kube;
  await replaceOrCreate(
    () => core.readNamespacedResourceQuota({ namespace, name: 'store-quota' }),
    (current) => core.replaceNamespacedResourceQuota({ namespace, name: 'store-quota', body: { ...buildResourceQuota(plan), metadata: { name: 'store-quota', resourceVersion: current.metadata?.resourceVersion } } }),
    () => core.createNamespacedResourceQuota({ namespace, body: buildResourceQuota(plan) }),
  );
  ctx.wrote('quota');
  await replaceOrCreate(
    () => core.readNamespacedLimitRange({ namespace, name: 'store-limits' }),
    (current) => core.replaceNamespacedLimitRange({ namespace, name: 'store-limits', body: { ...buildLimitRange(plan), metadata: { name: 'store-limits', resourceVersion: current.metadata?.resourceVersion } } }),
    () => core.createNamespacedLimitRange({ namespace, body: buildLimitRange(plan) }),
  );
  ctx.wrote('limits');
  for (const policy of buildNetworkPolicies(ctx.settings)) {
    await createIfAbsent(() => networking.createNamespacedNetworkPolicy({ namespace, body: policy }));
  }
  ctx.wrote('network-policy');
  await replaceOrCreate(
    () => core.readNamespacedServiceAccount({ namespace, name: 'default' }),
    (current) => current.automountServiceAccountToken === false ? Promise.resolve() : core.replaceNamespacedServiceAccount({ namespace, name: 'default', body: { ...current, automountServiceAccountToken: false } }),
    () => core.createNamespacedServiceAccount({ namespace, body: buildDefaultServiceAccount() }),
  );
  ctx.wrote('default-service-account');
  await createIfAbsent(() => core.createNamespacedSecret({ namespace, body: buildCredentialsSecret(credentialsSecretName(name)) }));
  ctx.wrote('secret');
  await ensureProvisionerIdentity(ctx, name, storeUid);
}

/** The RoleBinding and ServiceAccount the store's Jobs run as. */
async function ensureProvisionerIdentity(ctx: OperationsContext, name: string, storeUid: string): Promise<void> {
  await createIfAbsent(() => ctx.kube.rbac.createNamespacedRoleBinding({ namespace: storeNamespace(name), body: buildProvisionerRoleBinding(name) }));
  ctx.wrote('role-binding');
  const account = buildProvisionerServiceAccount(name, storeUid);
  if (await createIfAbsent(() => ctx.kube.core.createNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, body: account })) === 'existed') {
    // One left by an earlier store of this name would be swept from under this one: replace it.
    const found = await ctx.kube.core.readNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, name: account.metadata!.name! });
    const owner = found.metadata?.labels?.[LABELS.storeUid];
    if (owner && owner !== storeUid) {
      const accountName = account.metadata!.name!;
      const { core } = ctx.kube;
      await deleteIfSame(found.metadata!.uid, (body) => core.deleteNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, name: accountName, body }));
      await createIfAbsent(() => ctx.kube.core.createNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, body: account }));
    }
  }
  ctx.wrote('service-account');
}

/**
 * Read-then-replace (or create when absent). A 409 means someone else wrote it meanwhile,
 * e.g. the same create sent twice, or the reconciler finishing it: read again and redo.
 */
async function replaceOrCreate<T>(read: () => Promise<T>, replace: (current: T) => Promise<unknown>, create: () => Promise<unknown>) {
  for (let attempt = 0; ; attempt++) {
    try {
      await replace(await read());
      return;
    } catch (error) {
      if (statusCode(error) === 409 && attempt < CAS_ATTEMPTS) continue;
      if (statusCode(error) !== 404) throw error;
      await createIfAbsent(create);
      return;
    }
  }
}
