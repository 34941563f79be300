// What happens when an operation finishes: its duration goes into the histogram, a log line
// names it with its request id, and a Kubernetes Event lands in the store's namespace.
import type * as k8s from '@kubernetes/client-node';
import type { Logger } from './logger.ts';
import type { OperationFinished } from '../provisioning/reconciler.ts';
import { ANNOTATIONS } from '../store/names.ts';
import type { OperationEvents } from './kube-events.ts';
import type { PlatformMetrics } from './metrics.ts';
import { operationOutcome } from './operation-outcome.ts';

/** Jobs remembered so a finish seen again (a namespace still terminating) counts once. */
const REMEMBERED_JOBS = 10_000;

export function observeFinishedOperations(metrics: PlatformMetrics, events: OperationEvents, logger: Logger): OperationFinished {
  const seen = new Set<string>();
  return (store: string, job: k8s.V1Job, message: string, pod?: k8s.V1Pod) => {
    const name = job.metadata!.name!;
    const outcome = operationOutcome(job, pod);
    if (!outcome || seen.has(name)) return;
    seen.add(name);
    if (seen.size > REMEMBERED_JOBS) seen.delete(seen.values().next().value!);
    metrics.observeOperation(outcome);
    const requestId = job.metadata?.annotations?.[ANNOTATIONS.requestId];
    logger.info({ store, job: name, requestId, ...outcome, message }, 'operation finished');
    // An uninstalled store's namespace is gone, and its Events with it.
    if (outcome.operation === 'uninstall' && outcome.outcome === 'succeeded') return;
    void events.record({
      store, job: name, operation: outcome.operation, requestId,
      moment: outcome.outcome === 'succeeded' ? 'Succeeded' : 'Failed',
      message: outcome.outcome === 'succeeded' ? `Job ${name} finished in ${outcome.seconds.toFixed(1)}s` : `Job ${name} failed: ${message}`,
    });
  };
}
