// createApp(deps) builds the Koa app from injected dependencies and never listens.
import { randomUUID } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { StoreCache } from './kube/cache.ts';
import type { KubeClients } from './kube/clients.ts';
import type { PodLogFanout } from './kube/pod-log-fanout.ts';
import { identify, requirePrincipal, type TokenRegistry } from './http/auth.ts';
import { clientAddress } from './http/client-address.ts';
import { corsFor } from './http/cors.ts';
import type { EdgeConfig } from './http/edge-config.ts';
import type { StreamLimits } from './http/stream-limits.ts';
import { errorMiddleware, HttpError } from './http/errors.ts';
import { rateLimit, type RateLimitSettings } from './http/rate-limit.ts';
import { logStreamErrors } from './http/sse.ts';
import type { Redis } from 'ioredis';
import type { StoreOperations } from './provisioning/operations.ts';
import type { Logger } from './observability/logger.ts';
import { buildOpenApiDocument } from './routes/openapi.ts';
import { storesRouter } from './routes/stores.ts';
import type { ShopHealthProbe } from './store/shop-health.ts';
import { plansRouter } from './routes/plans.ts';
import { capacityRouter } from './routes/capacity.ts';
import type { ClusterRoom } from './capacity/cluster-room.ts';
import { dashboardRouter } from './dashboard/dashboard.ts';
import { accessLog } from './observability/audit.ts';
import type { StoreActivityWatches } from './kube/store-activity.ts';
import type { PlatformMetrics } from './observability/metrics.ts';
import type { StoreReader } from './store/reader.ts';
import { LIVENESS_PATHS, readinessGate, readyzAnswer } from './lifecycle/gate.ts';
import type { ReadinessReport } from './lifecycle/report.ts';

export interface AppDeps {
  kube: KubeClients;
  cache: StoreCache;
  reader: StoreReader;
  operations: StoreOperations;
  logs: PodLogFanout;
  /** Shared watches of what runs in store namespaces, for `progress` events. */
  activity?: StoreActivityWatches;
  logger: Logger;
  tokens: TokenRegistry;
  baseDomain: string;
  heartbeatMs?: number;
  /** Allowed origins, trusted proxy hops, the budget without a token, stream bounds. */
  edge: EdgeConfig;
  /** Open event streams, capped per token and per process. */
  streams: StreamLimits;
  /** What /readyz answers; API routes are refused (503) while report.ts says they cannot be served. */
  readiness?: () => ReadinessReport;
  rateLimit: Omit<RateLimitSettings, 'anonymousMax' | 'maxKeys'>;
  /** Shares rate-limit budgets between replicas when set. */
  redis?: Redis;
  /** Served at /metrics when set. */
  metrics?: PlatformMetrics;
  /** Asks each shop how it is doing, for GET …/health. */
  shopHealth?: ShopHealthProbe;
  /** The cluster's room for stores, when the platform counts it. */
  room?: ClusterRoom;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  logStreamErrors(app, deps.logger);

  app.use(async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    ctx.state.requestId = /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    await next();
  });
  // Outside the error handler, so latency, access and audit lines see the final status.
  app.use(accessLog(deps.logger, deps.metrics));
  app.use(errorMiddleware(deps.logger));
  app.use(corsFor(deps.edge.allowedOrigins));
  app.use(clientAddress(deps.edge.trustedProxies));

  const health = new Router();
  health.get([...LIVENESS_PATHS], (ctx) => { ctx.body = { status: 'ok' }; });
  health.get('/readyz', (ctx) => {
    const { status, body } = deps.readiness ? readyzAnswer(deps.readiness()) : { status: 200, body: { ready: true, status: 'ready', checks: [] } };
    ctx.status = status;
    ctx.body = body;
  });
  const openApi = buildOpenApiDocument();
  health.get('/api/v1/openapi.json', (ctx) => { ctx.body = openApi; });
  const metrics = deps.metrics;
  if (metrics) {
    health.get('/metrics', async (ctx) => {
      ctx.type = metrics.registry.contentType;
      ctx.body = await metrics.registry.metrics();
    });
  }
  app.use(health.routes());
  app.use(dashboardRouter().routes());

  // Who is asking first (a hash and a lookup), so only verified tokens get budgets of their
  // own; everything else shares its address's small one, and is refused before any body is read.
  if (deps.readiness) app.use(readinessGate(deps.readiness));
  app.use(identify(deps.tokens));
  app.use(rateLimit({ ...deps.rateLimit, anonymousMax: deps.edge.anonymousMax, maxKeys: deps.edge.maxRateKeys }, deps.redis));
  app.use(requirePrincipal);
  app.use(async (ctx, next) => {
    if (BODY_METHODS.has(ctx.method) && ctx.request.length && !ctx.is('application/json')) {
      throw new HttpError(415, 'unsupported_media_type', 'Send the request body as application/json.');
    }
    await next();
  });
  app.use(bodyParser({
    enableTypes: ['json'],
    jsonLimit: '16kb',
    encoding: 'utf-8',
    onError: (error) => {
      // Size and encoding errors carry their own 4xx status; anything else is bad JSON.
      const { status, expose } = error as { status?: number; expose?: boolean };
      if (status && status < 500 && expose) throw error;
      throw new HttpError(400, 'invalid_json', `The request body is not valid JSON: ${error.message}.`);
    },
  }));

  const stores = storesRouter({ ...deps, heartbeatMs: deps.heartbeatMs ?? 15_000, streamBounds: deps.edge.streams });
  const { api } = stores;
  app.use(api.routes());
  app.use(stores.seed.routes());
  app.use(plansRouter().routes());
  app.use(capacityRouter(deps.room, deps.reader).routes());
  // Unknown methods (TRACE, PUT...) are the client's mistake: 405, never 501.
  const methodNotAllowed = () => new HttpError(405, 'method_not_allowed', 'This method is not allowed here.');
  for (const router of [api, stores.seed]) app.use(router.allowedMethods({ throw: true, notImplemented: methodNotAllowed, methodNotAllowed }));
  return app;
}
