// Store operations, one file per job: admitting a create (create-admission.ts), recording an
// operation as the store's intent with a compare-and-swap (intent-cas.ts), carrying an intent
// out (carry-out.ts), the reads they share (store-access.ts); every decision among them is a
// pure function in operation-decisions.ts. This class is what the routes and the reconciler
// hold: the clients and settings, and one method per thing asked of a store.
import type * as k8s from '@kubernetes/client-node';
import type { KubeClients } from '../kube/clients.ts';
import type { OperationEvents } from '../observability/kube-events.ts';
import type { StoreSpec } from '../store/spec.ts';
import { carryOut, stopOthers } from './carry-out.ts';
import { create, type CreateOutcome } from './create-admission.ts';
import { HostClaims } from './host-claims.ts';
import { requestOperation } from './intent-cas.ts';
import type { OperationsContext, OperationsSettings } from './operation-context.ts';
import { mayStart } from './operation-decisions.ts';
import { StoreSlots } from './slots.ts';

export { HostNotAllowed, type OperationsSettings, StoreConflict, StoreNotFound, WRITE_STEPS, type WriteStep } from './operation-context.ts';
export type { CreateOutcome } from './create-admission.ts';

export class StoreOperations {
  readonly slots: StoreSlots;
  private readonly context: OperationsContext;

  constructor(kube: KubeClients, settings: OperationsSettings, events?: OperationEvents) {
    this.slots = new StoreSlots(kube, settings.sweepMinAgeMs);
    this.context = {
      kube, settings, events, slots: this.slots, hosts: new HostClaims(kube, this.slots),
      wrote: (step) => settings.afterWrite?.(step),
    };
  }

  /**
   * Creates a store. The namespace is the lock: AlreadyExists from the same tenant with the
   * same spec returns the existing store (starting its install if a crash left it unstarted);
   * a Failed install of the same tenant is retried; anything else is a conflict.
   */
  create(name: string, tenant: string, spec: StoreSpec, requestId?: string): Promise<CreateOutcome> {
    return create(this.context, name, tenant, spec, requestId);
  }

  /** Changes a store's settings (plan, host, title) with an upgrade Job. */
  change(name: string, spec: StoreSpec, requestId?: string): Promise<string> {
    return requestOperation(this.context, name, 'upgrade', { spec, requestId }, (current, progress) => mayStart('upgrade', current, progress, name));
  }

  /** Rolls the release back to `revision`, whose settings `spec` the store then records. */
  rollback(name: string, revision: number, spec: StoreSpec, requestId?: string): Promise<string> {
    return requestOperation(this.context, name, 'rollback', { spec, requestId, rollbackTo: revision }, (current, progress) => mayStart('rollback', current, progress, name));
  }

  /** Deletes a store: stops a running operation, then uninstalls; the reconciler removes the namespace. */
  delete(name: string, requestId?: string): Promise<string> {
    return requestOperation(this.context, name, 'uninstall', { requestId, deleting: true }, (current, progress) => mayStart('uninstall', current, progress, name));
  }

  /** Makes the namespace's intent happen (carry-out.ts); the reconciler calls it after a crash. */
  carryOut(namespace: k8s.V1Namespace): Promise<string> {
    return carryOut(this.context, namespace);
  }

  /** Deletes the store name's unfinished Jobs other than `keep` (carry-out.ts). */
  stopOthers(namespace: k8s.V1Namespace, keep: string): Promise<void> {
    return stopOthers(this.context, namespace, keep);
  }
}
