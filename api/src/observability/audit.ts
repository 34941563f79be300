// One audit line for every mutating call — who, which tenant, which store, what, and how it
// ended — and one access line for every request, both carrying the request id that the
// operation Job also carries (annotation storefleet.io/request-id); the same timing feeds the
// HTTP latency histogram.
import type { Context, Middleware } from 'koa';
import type { Principal } from '../http/auth.ts';
import type { Logger } from './logger.ts';
import type { PlatformMetrics } from './metrics.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Probes and scrapes: logged only when they fail, or they would drown everything else. */
const QUIET_PATHS = new Set(['/livez', '/healthz', '/readyz', '/metrics']);

/** The operation a mutating route performs, by the router's route template. */
const OPERATIONS: Record<string, string> = {
  'POST /api/v1/stores': 'create',
  'PATCH /api/v1/stores/:name': 'change',
  'DELETE /api/v1/stores/:name': 'delete',
  'POST /api/v1/stores/:name/rollback': 'rollback',
  'POST /api/v1/stores/:name/admin-credentials': 'reveal-credentials',
};

const KNOWN_OPERATIONS = new Set(Object.values(OPERATIONS));

export interface AuditEntry {
  audit: true;
  requestId: string;
  actor: string;
  tenant?: string;
  role?: string;
  operation: string;
  store?: string;
  job?: string;
  status: number;
  outcome: 'accepted' | 'refused' | 'error';
  reason?: string;
}

/** The router's template of the route that answered, e.g. /api/v1/stores/:name. */
const matchedRoute = (ctx: Context) => (ctx as { _matchedRoute?: string })._matchedRoute;

/** The audit entry for a finished mutating request (pure: reads the finished context). */
export function auditEntry(ctx: Context): AuditEntry {
  const principal = ctx.state.principal as Principal | undefined;
  const route = matchedRoute(ctx);
  const body = ctx.body as { store?: { name?: string }; operation?: { job?: string }; error?: { code?: string } } | undefined;
  const requested = (ctx.request as { body?: { name?: unknown } }).body?.name;
  const status = ctx.status;
  return {
    audit: true,
    requestId: ctx.state.requestId as string,
    actor: principal ? `${principal.role}:${principal.tenant}` : 'anonymous',
    tenant: principal?.tenant,
    role: principal?.role,
    operation: (route && OPERATIONS[`${ctx.method} ${route}`]) ?? `${ctx.method} ${ctx.path}`,
    store: (ctx.params as { name?: string } | undefined)?.name ?? body?.store?.name ?? (typeof requested === 'string' ? requested : undefined),
    job: body?.operation?.job,
    status,
    outcome: status < 400 ? 'accepted' : status < 500 ? 'refused' : 'error',
    reason: body?.error?.code,
  };
}

export function accessLog(logger: Logger, metrics?: PlatformMetrics): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const elapsed = performance.now() - started;
      metrics?.observeRequest(ctx.method, matchedRoute(ctx) ?? 'unmatched', ctx.status, elapsed / 1000);
      const ms = Math.round(elapsed * 10) / 10;
      const principal = ctx.state.principal as Principal | undefined;
      if (!QUIET_PATHS.has(ctx.path) || ctx.status >= 400) {
        logger.info({ requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms, tenant: principal?.tenant }, 'request');
      }
      if (!READ_METHODS.has(ctx.method)) {
        const entry = auditEntry(ctx);
        logger.info(entry, 'audit');
        metrics?.countMutation(KNOWN_OPERATIONS.has(entry.operation) ? entry.operation : 'other', entry.outcome);
      }
    }
  };
}
