// Prometheus metrics (prom-client) on a registry of their own: provisioning durations by
// operation and outcome, operations in flight, stores by phase, HTTP latency, and the
// process's own (RSS, event-loop lag). In-flight and by-phase are read from the watch cache
// at scrape time, so every replica reports the same cluster-wide numbers.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationOutcome } from './operation-outcome.ts';

export interface MetricSources {
  /** Unfinished operation Jobs, by operation. */
  operationsInFlight(): Record<string, number>;
  /** Stores, by phase. */
  storesByPhase(): Record<string, number>;
  /** Pod logs followed for event streams (one per operation pod, however many viewers). */
  logFollows(): number;
}

const PHASES = ['Queued', 'Provisioning', 'Ready', 'Failed', 'Deleting'];
const OPERATIONS = ['install', 'upgrade', 'rollback', 'uninstall'];

/**
 * A gauge of counts by one label, read at scrape time; the `known` values are always
 * reported (0 when absent) so a series does not vanish when its count drops to nothing.
 */
function countsGauge(registry: Registry, name: string, help: string, label: string, known: string[], read: () => Record<string, number>) {
  new Gauge({
    name, help, labelNames: [label], registers: [registry],
    collect() {
      const counts = read();
      for (const value of new Set([...known, ...Object.keys(counts)])) this.set({ [label]: value }, counts[value] ?? 0);
    },
  });
}

export class PlatformMetrics {
  readonly registry = new Registry();
  private readonly operationDuration: Histogram<'operation' | 'outcome'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly auditEvents: Counter<'operation' | 'outcome'>;

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry });
    this.operationDuration = new Histogram({
      name: 'storefleet_operation_duration_seconds',
      help: 'Time from an operation Job\'s creation to its completion or failure.',
      labelNames: ['operation', 'outcome'],
      buckets: [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'storefleet_http_request_duration_seconds',
      help: 'API request latency by route template (never the store name), method and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.auditEvents = new Counter({
      name: 'storefleet_mutations_total',
      help: 'Mutating API calls, by operation and outcome (the audit log has who and which store).',
      labelNames: ['operation', 'outcome'],
      registers: [this.registry],
    });
    countsGauge(this.registry, 'storefleet_operations_in_flight', 'Operation Jobs that have not finished, by operation.',
      'operation', OPERATIONS, () => sources.operationsInFlight());
    countsGauge(this.registry, 'storefleet_stores', 'Stores on the platform, by phase.', 'phase', PHASES, () => sources.storesByPhase());
    new Gauge({
      name: 'storefleet_pod_log_follows',
      help: 'Operation pod logs followed for event streams, shared by all their viewers.',
      registers: [this.registry],
      collect() {
        this.set(sources.logFollows());
      },
    });
  }

  observeOperation({ operation, outcome, seconds }: OperationOutcome): void {
    this.operationDuration.observe({ operation, outcome }, seconds);
  }

  countMutation(operation: string, outcome: string): void {
    this.auditEvents.inc({ operation, outcome });
  }

  /** One finished request; `route` is the router's template, e.g. /api/v1/stores/:name. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }
}
