// What every store operation file shares: the clients and settings, the errors they answer
// with, and the write steps of a create (the crash tests' fault hook names them).
import type { KubeClients } from '../kube/clients.ts';
import type { OperationEvents } from '../observability/kube-events.ts';
import type { HostPolicy } from '../store/host-rules.ts';
import type { HostClaims } from './host-claims.ts';
import type { ProvisionerSettings } from './job.ts';
import type { StoreSlots } from './slots.ts';

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
export const WRITE_STEPS = [
  'slots', 'namespace', 'quota', 'limits', 'network-policy', 'default-service-account', 'secret', 'role-binding', 'service-account', 'job', 'started',
] as const;
export type WriteStep = (typeof WRITE_STEPS)[number];

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

export interface OperationsContext {
  kube: KubeClients;
  settings: OperationsSettings;
  slots: StoreSlots;
  hosts: HostClaims;
  events?: OperationEvents;
  /** Tells the fault hook a write is done. */
  wrote(step: WriteStep): void;
}

/** Compare-and-swap attempts before a write gives up (someone else keeps changing the object). */
export const CAS_ATTEMPTS = 10;
