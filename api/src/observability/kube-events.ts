// Kubernetes Events in the store's namespace for each operation, so
// `kubectl -n store-<name> get events` tells a store's history next to its pods' events.
// Best effort: an Event that cannot be written never fails an operation.
import { hostname } from 'node:os';
import type * as k8s from '@kubernetes/client-node';
import { createIfAbsent, type KubeClients } from '../kube/clients.ts';
import type { Logger } from './logger.ts';
import { LABELS, PLATFORM_NAMESPACE, storeNamespace } from '../store/names.ts';

export type OperationMoment = 'Queued' | 'Started' | 'Succeeded' | 'Failed';

/**
 * What making an operation's Job is, as an Event: a Job created suspended waits in the
 * provisioning queue, and is announced as Started only when the queue resumes it.
 */
export function jobCreatedMoment(job: string, suspended: boolean): { moment: OperationMoment; message: string } {
  return suspended
    ? { moment: 'Queued', message: `Job ${PLATFORM_NAMESPACE}/${job} created, waiting for a free provisioning slot` }
    : { moment: 'Started', message: jobStartedMessage(job) };
}

export const jobStartedMessage = (job: string) => `Job ${PLATFORM_NAMESPACE}/${job} started`;

const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export interface OperationEventInput {
  store: string;
  job: string;
  operation: string;
  moment: OperationMoment;
  message: string;
  requestId?: string;
  now: Date;
}

/** The Event for one moment of one operation; its name makes writing it twice harmless. */
export function buildOperationEvent(input: OperationEventInput, instance: string = hostname()): k8s.CoreV1Event {
  const namespace = storeNamespace(input.store);
  const requestNote = input.requestId ? ` (request ${input.requestId})` : '';
  return {
    metadata: { name: `${input.job}.${input.moment.toLowerCase()}`, namespace, labels: { [LABELS.store]: input.store } },
    // The namespace itself is the object the event is about; an Event must live in the
    // namespace of what it regards, hence the namespace field.
    involvedObject: { apiVersion: 'v1', kind: 'Namespace', name: namespace, namespace },
    related: { apiVersion: 'batch/v1', kind: 'Job', name: input.job, namespace: PLATFORM_NAMESPACE },
    reason: `${capitalized(input.operation)}${input.moment}`,
    action: capitalized(input.operation),
    type: input.moment === 'Failed' ? 'Warning' : 'Normal',
    message: `${input.message}${requestNote}`.slice(0, 1024),
    source: { component: 'storefleet-api' },
    reportingComponent: 'storefleet.io/api',
    reportingInstance: instance,
    firstTimestamp: input.now,
    lastTimestamp: input.now,
    count: 1,
  };
}

export class OperationEvents {
  private readonly kube: KubeClients;
  private readonly logger: Logger;

  constructor(kube: KubeClients, logger: Logger) {
    this.kube = kube;
    this.logger = logger;
  }

  async record(input: Omit<OperationEventInput, 'now'>): Promise<void> {
    const body = buildOperationEvent({ ...input, now: new Date() });
    await createIfAbsent(() => this.kube.core.createNamespacedEvent({ namespace: body.metadata!.namespace!, body }))
      .catch((error: unknown) => this.logger.error({ store: input.store, job: input.job, err: error }, 'could not record the Kubernetes Event'));
  }
}
