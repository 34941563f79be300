// What /readyz answers and what the API does with a request while it is not ready: pure
// decisions over the checks (readiness.ts gathers them), so both are tested without a cluster.

export interface Check {
  name: string;
  ok: boolean;
  /** Why not, in words an operator acts on; absent when ok. */
  reason?: string;
}

export interface ReadinessReport {
  ready: boolean;
  /** `draining` after SIGTERM, `starting` before the caches have synced, else `ready` / `not_ready`. */
  status: 'ready' | 'not_ready' | 'starting' | 'draining';
  checks: Check[];
}

export function readinessReport(checks: Check[], draining: boolean): ReadinessReport {
  const all = draining ? [...checks, { name: 'draining', ok: false, reason: 'shutting down: finishing requests in flight' }] : checks;
  const ready = all.every((check) => check.ok);
  const caches = checks.find((check) => check.name === 'caches');
  const status = draining ? 'draining' : ready ? 'ready' : caches && !caches.ok ? 'starting' : 'not_ready';
  return { ready, status, checks: all };
}

/** One line naming every unmet check: what the API logs when readiness changes. */
export function describeReport(report: ReadinessReport): string {
  if (report.ready) return 'ready';
  return `not ready: ${report.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.reason ?? 'failing'}`).join('; ')}`;
}

/** Something is wrong (an error line), not just a start or a shutdown under way (an info line). */
export function isTrouble(report: ReadinessReport): boolean {
  return report.checks.some((check) => !check.ok && check.name !== 'draining' && !/^(not checked yet|syncing: [a-z, ]+)$/.test(check.reason ?? ''));
}

export interface Refusal {
  status: 503;
  code: string;
  message: string;
  retryAfterSeconds: number;
}

const CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether an API request (not a health route) is refused now, before anything is read or
 * written. Unsynced caches would answer wrongly, so nothing is served; without Redis the
 * shared rate limits cannot be kept. A change is refused while the cluster cannot be reached
 * or a permission is missing: begun, it would stop half-way and leave a store half-made.
 * Draining refuses nothing: requests on open connections are finished.
 */
export function refusal(report: ReadinessReport, method: string): Refusal | undefined {
  const failing = (name: string) => report.checks.find((check) => check.name === name && !check.ok);
  const caches = failing('caches');
  if (caches) return { status: 503, code: 'starting', message: `The API is starting (${caches.reason}); try again in a moment.`, retryAfterSeconds: 2 };
  const redis = failing('redis');
  if (redis) return { status: 503, code: 'redis_unavailable', message: `The API cannot reach Redis, which keeps its rate limits (${redis.reason}); try again in a moment.`, retryAfterSeconds: 5 };
  if (!CHANGING.has(method)) return undefined;
  const cluster = failing('cluster');
  if (cluster) return { status: 503, code: 'cluster_unavailable', message: `The API cannot reach the cluster (${cluster.reason}); nothing was changed, try again in a moment.`, retryAfterSeconds: 5 };
  const permissions = failing('permissions');
  if (permissions) return { status: 503, code: 'missing_permissions', message: `The API lacks permissions it needs (${permissions.reason}); nothing was changed. An operator must grant them.`, retryAfterSeconds: 30 };
  return undefined;
}
