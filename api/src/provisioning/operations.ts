// Sends what the pure builders describe: creates a store's namespace and guardrails, starts
// operation Jobs, deletes. Every step is idempotent; a create that fails half-way removes
// what it made, so nothing is left half-made.
import type * as k8s from '@kubernetes/client-node';
import { createIfAbsent, deleteIfPresent, type KubeClients, statusCode } from '../kube/clients.ts';
import { buildCredentialsSecret } from '../store/credentials.ts';
import { ANNOTATIONS, credentialsSecretName, LABELS, type Operation, PLATFORM_NAMESPACE, storeNamespace } from '../store/names.ts';
import { plans } from '../store/plans.ts';
import { specHash, type StoreSpec } from '../store/spec.ts';
import { isFinished } from '../store/state.ts';
import { seqOf } from '../store/view.ts';
import { buildDefaultServiceAccount, buildLimitRange, buildNetworkPolicies, buildResourceQuota } from './guardrails.ts';
import { buildOperationJob, type ProvisionerSettings } from './job.ts';
import { buildStoreNamespace } from './namespace.ts';
import { buildProvisionerRoleBinding, buildProvisionerServiceAccount } from './rbac.ts';
import { StoreSlots } from './slots.ts';
import type { OperationEvents } from '../observability/kube-events.ts';

export class StoreConflict extends Error {}
export class StoreNotFound extends Error {}

export interface OperationsSettings extends ProvisionerSettings {
  ingressNamespace: string;
  /** Most stores one tenant may have, unless tenantStoreLimits names it. */
  maxStoresPerTenant: number;
  tenantStoreLimits: Record<string, number>;
  /** Most stores on the whole platform. */
  maxStores: number;
}

export type CreateOutcome = { kind: 'created' | 'existing' | 'retried'; job?: string };

export class StoreOperations {
  private readonly kube: KubeClients;
  private readonly settings: OperationsSettings;
  readonly slots: StoreSlots;
  private readonly events?: OperationEvents;

  constructor(kube: KubeClients, settings: OperationsSettings, events?: OperationEvents) {
    this.kube = kube;
    this.settings = settings;
    this.slots = new StoreSlots(kube);
    this.events = events;
  }

  /**
   * Creates a store. The namespace is the lock: AlreadyExists from the same tenant with the
   * same spec returns the existing store; a Failed store of the same tenant is retried;
   * anything else is a conflict.
   */
  async create(name: string, tenant: string, spec: StoreSpec, requestId?: string): Promise<CreateOutcome> {
    if (await this.namespaceExists(name)) return this.resolveExisting(name, tenant, spec, requestId);
    const claimed = await this.claimSlots(name, tenant);
    const made = await createIfAbsent(() => this.kube.core.createNamespace({ body: buildStoreNamespace(name, tenant, spec) }))
      .catch(async (error: unknown) => {
        await this.slots.releaseClaimed(claimed);
        throw error;
      });
    if (made === 'existed') {
      // Another request created this name first: its slots are the store's, ours go back.
      await this.slots.releaseClaimed(claimed).catch(() => undefined);
      return this.resolveExisting(name, tenant, spec, requestId);
    }
    try {
      await this.applyGuardrails(name, spec);
      const job = await this.startOperation(name, 'install', spec, { requestId });
      return { kind: 'created', job };
    } catch (error) {
      // The namespace was ours: remove it and its slots so the name can be retried at once.
      await deleteIfPresent(() => this.kube.core.deleteNamespace({ name: storeNamespace(name) }));
      await this.slots.release(name);
      throw error;
    }
  }

  /** The Leases of the tenant's and the platform's slots this store now holds. */
  private async claimSlots(name: string, tenant: string): Promise<string[]> {
    const tenantLimit = this.settings.tenantStoreLimits[tenant] ?? this.settings.maxStoresPerTenant;
    const tenantSlot = await this.slots.claim(`tenant-${tenant}`, tenantLimit, name, tenant, `Tenant "${tenant}"`);
    try {
      return [tenantSlot, await this.slots.claim('platform', this.settings.maxStores, name, tenant, 'The platform')];
    } catch (error) {
      await this.slots.releaseClaimed([tenantSlot]);
      throw error;
    }
  }

  private async namespaceExists(name: string): Promise<boolean> {
    return this.kube.core.readNamespace({ name: storeNamespace(name) }).then(() => true, (error: unknown) => {
      if (statusCode(error) === 404) return false;
      throw error;
    });
  }

  private async resolveExisting(name: string, tenant: string, spec: StoreSpec, requestId?: string): Promise<CreateOutcome> {
    const namespace = await this.kube.core.readNamespace({ name: storeNamespace(name) });
    const labels = namespace.metadata?.labels ?? {};
    if (labels[LABELS.tenant] !== tenant || labels[LABELS.store] !== name) {
      throw new StoreConflict(`The store name "${name}" is taken.`);
    }
    if (namespace.metadata?.deletionTimestamp || namespace.metadata?.annotations?.[ANNOTATIONS.deleting]) {
      throw new StoreConflict(`The store "${name}" is being deleted; create it again once it is gone.`);
    }
    const latest = await this.latestJob(name);
    const failed = latest?.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True');
    if (failed && latest?.metadata?.labels?.[LABELS.operation] === 'install') {
      await this.writeSpec(namespace, spec);
      await this.applyGuardrails(name, spec);
      const job = await this.startOperation(name, 'install', spec, { requestId });
      return { kind: 'retried', job };
    }
    if (namespace.metadata?.annotations?.[ANNOTATIONS.specHash] === specHash(spec)) return { kind: 'existing' };
    throw new StoreConflict(`The store "${name}" already exists with different settings; change it with PATCH.`);
  }

  private async applyGuardrails(name: string, spec: StoreSpec): Promise<void> {
    const namespace = storeNamespace(name);
    const plan = plans[spec.plan];
    const { core, rbac, networking } = this.kube;
    await this.replaceOrCreate(
      () => core.readNamespacedResourceQuota({ namespace, name: 'store-quota' }),
      (current) => core.replaceNamespacedResourceQuota({ namespace, name: 'store-quota', body: { ...buildResourceQuota(plan), metadata: { name: 'store-quota', resourceVersion: current.metadata?.resourceVersion } } }),
      () => core.createNamespacedResourceQuota({ namespace, body: buildResourceQuota(plan) }),
    );
    await this.replaceOrCreate(
      () => core.readNamespacedLimitRange({ namespace, name: 'store-limits' }),
      (current) => core.replaceNamespacedLimitRange({ namespace, name: 'store-limits', body: { ...buildLimitRange(plan), metadata: { name: 'store-limits', resourceVersion: current.metadata?.resourceVersion } } }),
      () => core.createNamespacedLimitRange({ namespace, body: buildLimitRange(plan) }),
    );
    for (const policy of buildNetworkPolicies({ ingressNamespace: this.settings.ingressNamespace })) {
      await createIfAbsent(() => networking.createNamespacedNetworkPolicy({ namespace, body: policy }));
    }
    await this.replaceOrCreate(
      () => core.readNamespacedServiceAccount({ namespace, name: 'default' }),
      (current) => core.replaceNamespacedServiceAccount({ namespace, name: 'default', body: { ...current, automountServiceAccountToken: false } }),
      () => core.createNamespacedServiceAccount({ namespace, body: buildDefaultServiceAccount() }),
    );
    await createIfAbsent(() => core.createNamespacedSecret({ namespace, body: buildCredentialsSecret(credentialsSecretName(name)) }));
    await createIfAbsent(() => rbac.createNamespacedRoleBinding({ namespace, body: buildProvisionerRoleBinding(name) }));
    await createIfAbsent(() => core.createNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, body: buildProvisionerServiceAccount(name) }));
  }

  private async replaceOrCreate<T>(read: () => Promise<T>, replace: (current: T) => Promise<unknown>, create: () => Promise<unknown>) {
    try {
      await replace(await read());
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
      await createIfAbsent(create);
    }
  }

  /** Changes a store's settings (plan, host, title) with an upgrade Job. */
  async change(name: string, spec: StoreSpec, requestId?: string): Promise<string> {
    const namespace = await this.readStoreNamespace(name);
    await this.refuseWhileRunning(name);
    await this.writeSpec(namespace, spec);
    await this.applyGuardrails(name, spec);
    return this.startOperation(name, 'upgrade', spec, { requestId });
  }

  async rollback(name: string, revision: number, requestId?: string): Promise<string> {
    const namespace = await this.readStoreNamespace(name);
    await this.refuseWhileRunning(name);
    const spec = JSON.parse(namespace.metadata!.annotations![ANNOTATIONS.spec]!) as StoreSpec;
    return this.startOperation(name, 'rollback', spec, { requestId, rollbackTo: revision });
  }

  /** Deletes a store: stops a running operation, then uninstalls; the reconciler removes the namespace. */
  async delete(name: string, requestId?: string): Promise<string> {
    const namespace = await this.readStoreNamespace(name);
    const latest = await this.latestJob(name);
    if (latest?.metadata?.labels?.[LABELS.operation] === 'uninstall' && !isFinished(latest)) return latest.metadata.name!;
    if (latest && !isFinished(latest)) {
      await deleteIfPresent(() => this.kube.batch.deleteNamespacedJob({ namespace: PLATFORM_NAMESPACE, name: latest.metadata!.name!, propagationPolicy: 'Background' }));
    }
    await this.annotate(namespace, { [ANNOTATIONS.deleting]: new Date().toISOString() });
    const spec = JSON.parse(namespace.metadata!.annotations![ANNOTATIONS.spec]!) as StoreSpec;
    return this.startOperation(name, 'uninstall', spec, { requestId });
  }

  /**
   * Starts an operation Job with the next sequence number. The number is taken with a
   * compare-and-swap on the namespace annotation, and is never below an existing Job's, so
   * a Job name is never reused (kubernetes#142142).
   */
  async startOperation(name: string, operation: Operation, spec: StoreSpec, extra: { requestId?: string; rollbackTo?: number } = {}): Promise<string> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const namespace = await this.readStoreNamespace(name);
      const latest = await this.latestJob(name);
      const seq = Math.max(Number(namespace.metadata?.annotations?.[ANNOTATIONS.lastSeq] ?? 0), latest ? seqOf(latest) : 0) + 1;
      try {
        await this.annotate(namespace, { [ANNOTATIONS.lastSeq]: String(seq) });
      } catch (error) {
        if (statusCode(error) === 409) continue; // someone else took a number: read again
        throw error;
      }
      const job = buildOperationJob({ store: name, operation, seq, spec, ...extra }, this.settings);
      await this.kube.batch.createNamespacedJob({ namespace: PLATFORM_NAMESPACE, body: job });
      const jobName = job.metadata!.name!;
      await this.events?.record({
        store: name, job: jobName, operation, moment: 'Started', requestId: extra.requestId,
        message: `Job ${PLATFORM_NAMESPACE}/${jobName} started`,
      });
      return jobName;
    }
    throw new StoreConflict(`Too many concurrent changes to store "${name}"; try again.`);
  }

  private writeSpec(namespace: k8s.V1Namespace, spec: StoreSpec) {
    return this.annotate(namespace, { [ANNOTATIONS.spec]: JSON.stringify(spec), [ANNOTATIONS.specHash]: specHash(spec) });
  }

  /** Replaces the namespace with added annotations; its resourceVersion makes this a compare-and-swap. */
  private async annotate(namespace: k8s.V1Namespace, annotations: Record<string, string>) {
    await this.kube.core.replaceNamespace({
      name: namespace.metadata!.name!,
      body: { ...namespace, metadata: { ...namespace.metadata, annotations: { ...namespace.metadata?.annotations, ...annotations } } },
    });
  }

  private async readStoreNamespace(name: string): Promise<k8s.V1Namespace> {
    try {
      return await this.kube.core.readNamespace({ name: storeNamespace(name) });
    } catch (error) {
      if (statusCode(error) === 404) throw new StoreNotFound(`No store named "${name}".`);
      throw error;
    }
  }

  private async refuseWhileRunning(name: string) {
    const latest = await this.latestJob(name);
    if (latest && !isFinished(latest)) {
      throw new StoreConflict(`Store "${name}" is busy with ${latest.metadata!.name}; try again when it has finished.`);
    }
  }

  async latestJob(name: string): Promise<k8s.V1Job | undefined> {
    const jobs = await this.kube.batch.listNamespacedJob({ namespace: PLATFORM_NAMESPACE, labelSelector: `${LABELS.store}=${name}` });
    return jobs.items.reduce<k8s.V1Job | undefined>((a, b) => (!a || seqOf(b) > seqOf(a) ? b : a), undefined);
  }
}
