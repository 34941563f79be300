// Sends what the pure builders describe: creates a store's namespace and guardrails, starts
// operation Jobs, deletes. Every change first records its intent on the store namespace with
// a compare-and-swap (store/intent.ts), then carries it out with idempotent steps; the
// reconciler carries out an intent a crash left unstarted, so nothing is left half-made.
import type * as k8s from '@kubernetes/client-node';
import { clusterUnavailable, createIfAbsent, deleteIfPresent, deleteIfSame, type KubeClients, statusCode } from '../kube/clients.ts';
import { buildCredentialsSecret } from '../store/credentials.ts';
import { belongsTo, buildIntent, intentAnnotations, intentStarted, type OperationIntent, readIntent, readSpec } from '../store/intent.ts';
import { ANNOTATIONS, credentialsSecretName, LABELS, type Operation, PLATFORM_NAMESPACE, storeNamespace } from '../store/names.ts';
import { plans } from '../store/plans.ts';
import { specHash, type StoreSpec } from '../store/spec.ts';
import { tenantSlotScope } from '../store/tenant-name.ts';
import { jobFailure, operationRunning, operationSucceeded } from '../store/state.ts';
import { seqOf } from '../store/view.ts';
import { buildDefaultServiceAccount, buildLimitRange, buildNetworkPolicies, buildResourceQuota } from './guardrails.ts';
import { buildOperationJob, type ProvisionerSettings } from './job.ts';
import { buildStoreNamespace } from './namespace.ts';
import { buildProvisionerRoleBinding, buildProvisionerServiceAccount } from './rbac.ts';
import { ensureApiAccess } from './api-access.ts';
import { type HeldSlot, heldSlots, StoreSlots } from './slots.ts';
import { HostClaims, HostTaken, isHostClaim } from './host-claims.ts';
import { allowedHosts, type HostPolicy, hostProblem } from '../store/host-rules.ts';
import type { OperationEvents } from '../observability/kube-events.ts';

export class StoreConflict extends Error {}
export class StoreNotFound extends Error {}
export class HostNotAllowed extends Error {
  readonly allowed: string[];

  constructor(message: string, allowed: string[]) {
    super(message);
    this.allowed = allowed;
  }
}

/** The writes of a create, in order: a test-only fault hook can kill the process after any of them. */
export type WriteStep = 'slots' | 'namespace' | 'quota' | 'limits' | 'network-policy' | 'default-service-account'
  | 'secret' | 'role-binding' | 'service-account' | 'job' | 'started';

export interface OperationsSettings extends ProvisionerSettings {
  ingressNamespace: string;
  /** The cluster's own IPv4 ranges and extra DNS servers, for the store NetworkPolicies (guardrails.ts). */
  clusterCidrs: string[];
  dnsCidrs: string[];
  /** Most stores one tenant may have, unless tenantStoreLimits names it. */
  maxStoresPerTenant: number;
  tenantStoreLimits: Record<string, number>;
  /** Most stores on the whole platform. */
  maxStores: number;
  /** Slots no live store holds are freed once this old (a younger one may be a create in flight). */
  sweepMinAgeMs: number;
  /** Which hosts a tenant's stores may have (store/host-rules.ts). */
  hosts: HostPolicy;
  /** Test only: called after each write of a create (the crash tests SIGKILL the process there). */
  afterWrite?: (step: WriteStep) => void;
}

/** The host Lease a change claimed, and whether the namespace records it yet. */
interface HostMove {
  host?: HeldSlot;
  recorded?: boolean;
}

/** Whether the store has moved on from `job`: its namespace gone or going, replaced, or on another intent. */
function movedOn(now: k8s.V1Namespace | undefined, storeUid: string, job: string): boolean {
  return !now || now.metadata?.uid !== storeUid || !!now.metadata?.deletionTimestamp || readIntent(now)?.job !== job;
}

/** The store's current operation: none recorded, still running, or ended one way or the other. */
type OperationProgress = 'none' | 'running' | 'succeeded' | 'failed';

export type CreateOutcome = { kind: 'created' | 'existing' | 'retried' | 'resumed'; job?: string };

const CAS_ATTEMPTS = 10;
/**
 * An unstarted install younger than this belongs to a create still in flight (the same POST
 * sent twice): the second is told it exists. Older, its create died: the POST finishes it.
 */
const RESUME_AFTER_MS = 10_000;

export class StoreOperations {
  private readonly kube: KubeClients;
  private readonly settings: OperationsSettings;
  readonly slots: StoreSlots;
  private readonly hosts: HostClaims;
  private readonly events?: OperationEvents;

  constructor(kube: KubeClients, settings: OperationsSettings, events?: OperationEvents) {
    this.kube = kube;
    this.settings = settings;
    this.slots = new StoreSlots(kube, settings.sweepMinAgeMs);
    this.hosts = new HostClaims(kube, this.slots);
    this.events = events;
  }

  private wrote(step: WriteStep) {
    this.settings.afterWrite?.(step);
  }

  /**
   * Creates a store. The namespace is the lock: AlreadyExists from the same tenant with the
   * same spec returns the existing store (starting its install if a crash left it unstarted);
   * a Failed install of the same tenant is retried; anything else is a conflict.
   */
  async create(name: string, tenant: string, spec: StoreSpec, requestId?: string): Promise<CreateOutcome> {
    const existing = await this.findNamespace(name);
    if (existing) return this.resolveExisting(existing, tenant, spec, requestId);
    // Job names are never reused, not even by a later store of the same name.
    const install = buildIntent(name, 'install', (await this.highestSeq(name)) + 1, { requestId });
    this.checkHost(name, tenant, spec.host);
    const claimed = await this.claimSlots(name, tenant);
    const host = await this.claimHost(name, tenant, spec.host).catch(async (error: unknown) => {
      await this.slots.releaseClaimed(claimed).catch(() => undefined);
      throw error;
    });
    if (!('uid' in host)) {
      await this.slots.releaseClaimed(claimed).catch(() => undefined);
      return this.resolveExisting(host, tenant, spec, requestId);
    }
    claimed.push(host);
    this.wrote('slots');
    let namespace: k8s.V1Namespace;
    try {
      namespace = await this.kube.core.createNamespace({ body: buildStoreNamespace(name, tenant, spec, install, claimed) });
    } catch (error) {
      // No answer: the namespace may exist and hold these slots. The sweep frees slots that no
      // namespace holds (slots.ts), so they are never lost either way.
      if (clusterUnavailable(error)) throw error;
      await this.slots.releaseClaimed(claimed).catch(() => undefined);
      // Another request created this name first: its slots are the store's, ours went back.
      if (statusCode(error) === 409) return this.resolveExisting(await this.readStoreNamespace(name), tenant, spec, requestId);
      throw error;
    }
    this.wrote('namespace');
    // From here the intent is on record: a failure is reported, and the reconciler (or the
    // same POST again) finishes the store. Removing it here could remove a store another
    // request or replica is carrying out at this moment.
    return { kind: 'created', job: await this.carryOut(namespace) };
  }

  /** The Leases of the tenant's and the platform's slots this store now holds. */
  private async claimSlots(name: string, tenant: string): Promise<HeldSlot[]> {
    const tenantLimit = this.settings.tenantStoreLimits[tenant] ?? this.settings.maxStoresPerTenant;
    const tenantSlot = await this.slots.claim(tenantSlotScope(tenant), tenantLimit, name, tenant, `Tenant "${tenant}"`);
    try {
      return [tenantSlot, await this.slots.claim('platform', this.settings.maxStores, name, tenant, 'The platform')];
    } catch (error) {
      await this.slots.releaseClaimed([tenantSlot]);
      throw error;
    }
  }

  private checkHost(name: string, tenant: string, host: string): void {
    const problem = hostProblem(host, name, tenant, this.settings.hosts);
    if (problem) throw new HostNotAllowed(problem, allowedHosts(name, tenant, this.settings.hosts));
  }

  /**
   * The store's host Lease; or, when the same store sent twice at once holds it, the namespace
   * that other request makes next (its answer is this one's too).
   */
  private async claimHost(name: string, tenant: string, host: string): Promise<HeldSlot | k8s.V1Namespace> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.hosts.claim(host, name, tenant);
      } catch (error) {
        if (!(error instanceof HostTaken) || error.holder !== name) throw error;
      }
      const namespace = await this.findNamespace(name);
      if (namespace) return namespace;
      if (attempt === 50) throw new StoreConflict(`The store "${name}" is being created by another request; try again.`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async resolveExisting(namespace: k8s.V1Namespace, tenant: string, spec: StoreSpec, requestId?: string): Promise<CreateOutcome> {
    const name = namespace.metadata!.labels?.[LABELS.store] ?? '';
    const labels = namespace.metadata?.labels ?? {};
    if (labels[LABELS.tenant] !== tenant || labels[LABELS.store] !== name) {
      throw new StoreConflict(`The store name "${name}" is taken.`);
    }
    if (namespace.metadata?.deletionTimestamp || namespace.metadata?.annotations?.[ANNOTATIONS.deleting]) {
      throw new StoreConflict(`The store "${name}" is being deleted; create it again once it is gone.`);
    }
    const sameSpec = namespace.metadata?.annotations?.[ANNOTATIONS.specHash] === specHash(spec);
    const intent = readIntent(namespace);
    if (sameSpec && intent && !intentStarted(namespace, intent)) {
      if (Date.now() - new Date(intent.requestedAt).getTime() < RESUME_AFTER_MS) return { kind: 'existing', job: intent.job };
      // A create that died before its Job: the same request again finishes it.
      return { kind: 'resumed', job: await this.carryOut(namespace) };
    }
    const latest = intent && (await this.readJob(intent.job));
    if (intent?.operation === 'install' && latest && jobFailure(latest)) {
      // Two retries at once: the first writes a new install, the second finds it and keeps it.
      const job = await this.requestOperation(name, 'install', { spec, requestId }, (current) => (readIntent(current)?.job === intent.job ? undefined : 'keep'));
      return { kind: 'retried', job };
    }
    if (sameSpec) return { kind: 'existing' };
    throw new StoreConflict(`The store "${name}" already exists with different settings; change it with PATCH.`);
  }

  /** Changes a store's settings (plan, host, title) with an upgrade Job. */
  change(name: string, spec: StoreSpec, requestId?: string): Promise<string> {
    return this.requestOperation(name, 'upgrade', { spec, requestId }, (namespace, progress) => this.refuseBusy(namespace, progress));
  }

  /** Rolls the release back to `revision`, whose settings `spec` the store then records. */
  rollback(name: string, revision: number, spec: StoreSpec, requestId?: string): Promise<string> {
    return this.requestOperation(name, 'rollback', { spec, requestId, rollbackTo: revision }, (namespace, progress) => this.refuseBusy(namespace, progress));
  }

  /** Deletes a store: stops a running operation, then uninstalls; the reconciler removes the namespace. */
  delete(name: string, requestId?: string): Promise<string> {
    return this.requestOperation(name, 'uninstall', { requestId, deleting: true }, (namespace, progress) => {
      const intent = readIntent(namespace);
      // DELETE twice: the second is answered with the first's Job, also once it has succeeded
      // and the reconciler is removing the namespace (a new uninstall would race that removal).
      return intent?.operation === 'uninstall' && progress !== 'failed' ? 'keep' : undefined;
    });
  }

  /**
   * Records a new operation as the store's intent with a compare-and-swap on the namespace,
   * then carries it out. `check` sees the namespace and how far its current operation has
   * come; it may throw (refuse) or answer 'keep' (nothing to record).
   */
  private async requestOperation(
    name: string,
    operation: Operation,
    request: { spec?: StoreSpec; requestId?: string; rollbackTo?: number; deleting?: boolean },
    check: (namespace: k8s.V1Namespace, progress: OperationProgress) => 'keep' | undefined | void,
  ): Promise<string> {
    const claim: HostMove = {};
    let unanswered = false;
    try {
      return await this.recordOperation(name, operation, request, check, claim);
    } catch (error) {
      unanswered = clusterUnavailable(error); // the move may have been recorded: left to the sweep
      throw error;
    } finally {
      if (claim.host && !claim.recorded && !unanswered) await this.slots.releaseClaimed([claim.host]).catch(() => undefined);
    }
  }

  /**
   * A new host is claimed before it is recorded and the old one freed after: a crash in
   * between leaves a Lease the namespace does not record, which the sweep frees.
   */
  private async recordOperation(
    name: string,
    operation: Operation,
    request: { spec?: StoreSpec; requestId?: string; rollbackTo?: number; deleting?: boolean },
    check: (namespace: k8s.V1Namespace, progress: OperationProgress) => 'keep' | undefined | void,
    claim: HostMove,
  ): Promise<string> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const namespace = await this.readStoreNamespace(name);
      if (namespace.metadata?.deletionTimestamp || (!request.deleting && namespace.metadata?.annotations?.[ANNOTATIONS.deleting])) {
        throw new StoreConflict(`The store "${name}" is being deleted.`);
      }
      if (!request.spec && !readSpec(namespace)) {
        throw new StoreConflict(`The store "${name}" cannot be read (its settings are missing); ask the platform operator to repair or delete its namespace.`);
      }
      const current = readIntent(namespace);
      const progress = current ? await this.progressOf(namespace, current) : 'none';
      if (check(namespace, progress) === 'keep') return current!.job;
      const seq = Math.max(Number(namespace.metadata?.annotations?.[ANNOTATIONS.lastSeq] ?? 0), await this.highestSeq(name)) + 1;
      const intent = buildIntent(name, operation, seq, { requestId: request.requestId, rollbackTo: request.rollbackTo });
      const annotations: Record<string, string> = { ...intentAnnotations(intent) };
      if (request.spec) Object.assign(annotations, { [ANNOTATIONS.spec]: JSON.stringify(request.spec), [ANNOTATIONS.specHash]: specHash(request.spec) });
      if (request.deleting) annotations[ANNOTATIONS.deleting] = new Date().toISOString();
      const moving = !!request.spec && request.spec.host !== readSpec(namespace)?.host;
      if (moving) {
        if (!claim.host) {
          this.checkHost(name, namespace.metadata!.labels![LABELS.tenant]!, request.spec!.host);
          claim.host = await this.hosts.claim(request.spec!.host, name, namespace.metadata!.labels![LABELS.tenant]!);
        }
        // A namespace from before slots were recorded holds every Lease labelled with its name.
        const held = heldSlots(namespace);
        if (held) annotations[ANNOTATIONS.slots] = JSON.stringify([...held.filter((slot) => !isHostClaim(slot)), claim.host]);
      }
      let updated: k8s.V1Namespace;
      try {
        updated = await this.annotate(namespace, annotations);
      } catch (error) {
        if (statusCode(error) === 409) continue; // the store changed since we read it: decide again
        throw error;
      }
      if (moving) {
        claim.recorded = true;
        await this.slots.releaseClaimed((heldSlots(namespace) ?? []).filter(isHostClaim)).catch(() => undefined);
      }
      return this.carryOut(updated);
    }
    throw new StoreConflict(`Too many concurrent changes to store "${name}"; try again.`);
  }

  private refuseBusy(namespace: k8s.V1Namespace, progress: OperationProgress) {
    const intent = readIntent(namespace);
    if (intent && progress === 'running') {
      throw new StoreConflict(`Store "${namespace.metadata!.labels![LABELS.store]}" is busy with ${intent.job}; try again when it has finished.`);
    }
  }

  /** Where the intent's Job is, as operationRunning and operationSucceeded say (a Job not yet made counts as running). */
  private async progressOf(namespace: k8s.V1Namespace, intent: OperationIntent): Promise<OperationProgress> {
    if (!intentStarted(namespace, intent)) return 'running';
    const job = await this.readJob(intent.job);
    if (!job) return 'failed';
    const pods = await this.podsOf(`job-name=${intent.job}`);
    if (operationRunning(job, pods)) return 'running';
    return operationSucceeded(job, pods) ? 'succeeded' : 'failed';
  }

  private async podsOf(labelSelector: string): Promise<k8s.V1Pod[]> {
    return (await this.kube.core.listNamespacedPod({ namespace: PLATFORM_NAMESPACE, labelSelector })).items;
  }

  /**
   * Makes the namespace's intent happen: guardrails, the Job, then marks it started. Every
   * step is idempotent, so the request that wrote the intent and the reconciler after a crash
   * may both run it; the Job is built from the namespace alone, so both build the same one.
   */
  async carryOut(namespace: k8s.V1Namespace): Promise<string> {
    const intent = readIntent(namespace);
    const spec = readSpec(namespace);
    if (!intent || !spec) throw new StoreConflict(`The store's namespace ${namespace.metadata?.name} cannot be read (no valid operation or settings); ask the platform operator to repair or delete it.`);
    try {
      return await this.startOperation(namespace, intent, spec);
    } catch (error) {
      if (error instanceof StoreConflict || clusterUnavailable(error)) throw error;
      // A DELETE that won meanwhile removes the namespace under these writes: Kubernetes then
      // refuses them (403 once the API's RoleBindings are gone, 404 once the namespace is).
      // That is the store's state, not a fault of the platform.
      const name = namespace.metadata!.labels![LABELS.store]!;
      const now = await this.findNamespace(name).catch(() => namespace);
      if (movedOn(now, namespace.metadata!.uid!, intent.job)) {
        throw new StoreConflict(`The store "${name}" was deleted or changed while ${intent.job} was being started.`);
      }
      throw error;
    }
  }

  private async startOperation(namespace: k8s.V1Namespace, intent: OperationIntent, spec: StoreSpec): Promise<string> {
    const name = namespace.metadata!.labels![LABELS.store]!;
    const storeUid = namespace.metadata!.uid!;
    // First, since everything the API writes in the store's namespace needs it.
    await ensureApiAccess(this.kube, name);
    // An uninstall needs only the provisioner's identity, and stops whatever ran before it.
    if (intent.operation === 'uninstall') {
      await this.ensureProvisionerIdentity(name, storeUid);
      await this.stopOthers(namespace, intent.job);
    } else {
      await this.applyGuardrails(name, spec, storeUid);
    }
    // The store may have moved on while the steps above ran (a DELETE, or a stale cache copy):
    // a superseded intent makes no Job.
    if (movedOn(await this.findNamespace(name), storeUid, intent.job)) {
      throw new StoreConflict(`Store "${name}" changed while ${intent.job} was being started; try again.`);
    }
    const job = buildOperationJob({ store: name, storeUid, operation: intent.operation, seq: intent.seq, spec, rollbackTo: intent.rollbackTo, requestId: intent.requestId, requestedAt: intent.requestedAt }, this.settings);
    const made = await createIfAbsent(() => this.kube.batch.createNamespacedJob({ namespace: PLATFORM_NAMESPACE, body: job }));
    if (made === 'existed') {
      const found = await this.readJob(intent.job);
      if (found && !belongsTo(found, namespace)) throw new StoreConflict(`Job ${intent.job} belongs to an earlier store named "${name}"; try again.`);
    }
    this.wrote('job');
    await this.markStarted(name, intent.job);
    this.wrote('started');
    if (made === 'created') {
      await this.events?.record({
        store: name, job: intent.job, operation: intent.operation, moment: 'Started', requestId: intent.requestId,
        message: `Job ${PLATFORM_NAMESPACE}/${intent.job} started`,
      });
    }
    return intent.job;
  }

  /** Records that the intent's Job exists, unless the store has moved on to another intent. */
  private async markStarted(name: string, job: string): Promise<void> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const namespace = await this.readStoreNamespace(name);
      if (readIntent(namespace)?.job !== job || namespace.metadata?.annotations?.[ANNOTATIONS.operationStarted] === job) return;
      try {
        await this.annotate(namespace, { [ANNOTATIONS.operationStarted]: job });
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
  async stopOthers(namespace: k8s.V1Namespace, keep: string): Promise<void> {
    const name = namespace.metadata!.labels![LABELS.store]!;
    const jobs = await this.kube.batch.listNamespacedJob({ namespace: PLATFORM_NAMESPACE, labelSelector: `${LABELS.store}=${name}` });
    const pods = await this.podsOf(`${LABELS.store}=${name}`);
    for (const job of jobs.items) {
      // One whose provisioner exited 0 is left alone: it is done, and keeps its log for kubectl.
      if (job.metadata!.name === keep || !operationRunning(job, pods)) continue;
      await deleteIfPresent(() => this.kube.batch.deleteNamespacedJob({ namespace: PLATFORM_NAMESPACE, name: job.metadata!.name!, propagationPolicy: 'Background' }));
    }
  }

  private async applyGuardrails(name: string, spec: StoreSpec, storeUid: string): Promise<void> {
    const namespace = storeNamespace(name);
    const plan = plans[spec.plan];
    const { core, networking } = this.kube;
    await this.replaceOrCreate(
      () => core.readNamespacedResourceQuota({ namespace, name: 'store-quota' }),
      (current) => core.replaceNamespacedResourceQuota({ namespace, name: 'store-quota', body: { ...buildResourceQuota(plan), metadata: { name: 'store-quota', resourceVersion: current.metadata?.resourceVersion } } }),
      () => core.createNamespacedResourceQuota({ namespace, body: buildResourceQuota(plan) }),
    );
    this.wrote('quota');
    await this.replaceOrCreate(
      () => core.readNamespacedLimitRange({ namespace, name: 'store-limits' }),
      (current) => core.replaceNamespacedLimitRange({ namespace, name: 'store-limits', body: { ...buildLimitRange(plan), metadata: { name: 'store-limits', resourceVersion: current.metadata?.resourceVersion } } }),
      () => core.createNamespacedLimitRange({ namespace, body: buildLimitRange(plan) }),
    );
    this.wrote('limits');
    for (const policy of buildNetworkPolicies(this.settings)) {
      await createIfAbsent(() => networking.createNamespacedNetworkPolicy({ namespace, body: policy }));
    }
    this.wrote('network-policy');
    await this.replaceOrCreate(
      () => core.readNamespacedServiceAccount({ namespace, name: 'default' }),
      (current) => current.automountServiceAccountToken === false ? Promise.resolve() : core.replaceNamespacedServiceAccount({ namespace, name: 'default', body: { ...current, automountServiceAccountToken: false } }),
      () => core.createNamespacedServiceAccount({ namespace, body: buildDefaultServiceAccount() }),
    );
    this.wrote('default-service-account');
    await createIfAbsent(() => core.createNamespacedSecret({ namespace, body: buildCredentialsSecret(credentialsSecretName(name)) }));
    this.wrote('secret');
    await this.ensureProvisionerIdentity(name, storeUid);
  }

  /** The RoleBinding and ServiceAccount the store's Jobs run as. */
  private async ensureProvisionerIdentity(name: string, storeUid: string): Promise<void> {
    await createIfAbsent(() => this.kube.rbac.createNamespacedRoleBinding({ namespace: storeNamespace(name), body: buildProvisionerRoleBinding(name) }));
    this.wrote('role-binding');
    const account = buildProvisionerServiceAccount(name, storeUid);
    if (await createIfAbsent(() => this.kube.core.createNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, body: account })) === 'existed') {
      // One left by an earlier store of this name would be swept from under this one: replace it.
      const found = await this.kube.core.readNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, name: account.metadata!.name! });
      const owner = found.metadata?.labels?.[LABELS.storeUid];
      if (owner && owner !== storeUid) {
        await deleteIfSame(found.metadata!.uid, (body) => this.kube.core.deleteNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, name: account.metadata!.name!, body }));
        await createIfAbsent(() => this.kube.core.createNamespacedServiceAccount({ namespace: PLATFORM_NAMESPACE, body: account }));
      }
    }
    this.wrote('service-account');
  }

  /**
   * Read-then-replace (or create when absent). A 409 means someone else wrote it meanwhile,
   * e.g. the same create sent twice, or the reconciler finishing it: read again and redo.
   */
  private async replaceOrCreate<T>(read: () => Promise<T>, replace: (current: T) => Promise<unknown>, create: () => Promise<unknown>) {
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

  /** Replaces the namespace with added annotations; its resourceVersion makes this a compare-and-swap. */
  private annotate(namespace: k8s.V1Namespace, annotations: Record<string, string>): Promise<k8s.V1Namespace> {
    return this.kube.core.replaceNamespace({
      name: namespace.metadata!.name!,
      body: { ...namespace, metadata: { ...namespace.metadata, annotations: { ...namespace.metadata?.annotations, ...annotations } } },
    });
  }

  private async findNamespace(name: string): Promise<k8s.V1Namespace | undefined> {
    return this.kube.core.readNamespace({ name: storeNamespace(name) }).catch((error: unknown) => {
      if (statusCode(error) === 404) return undefined;
      throw error;
    });
  }

  private async readStoreNamespace(name: string): Promise<k8s.V1Namespace> {
    const namespace = await this.findNamespace(name);
    if (!namespace || namespace.metadata?.labels?.[LABELS.store] !== name) throw new StoreNotFound(`No store named "${name}".`);
    return namespace;
  }

  private readJob(name: string): Promise<k8s.V1Job | undefined> {
    return this.kube.batch.readNamespacedJob({ namespace: PLATFORM_NAMESPACE, name }).catch((error: unknown) => {
      if (statusCode(error) === 404) return undefined;
      throw error;
    });
  }

  /** The highest sequence number of any Job of this store name, this store's or an earlier one's. */
  private async highestSeq(name: string): Promise<number> {
    const jobs = await this.kube.batch.listNamespacedJob({ namespace: PLATFORM_NAMESPACE, labelSelector: `${LABELS.store}=${name}` });
    return jobs.items.reduce((highest, job) => Math.max(highest, seqOf(job)), 0);
  }
}
