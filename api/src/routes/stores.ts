// /api/v1/stores: create, list, read, change, roll back, delete, and follow a store; and the
// seed's unversioned /stores aliases for create and delete.
import Router from '@koa/router';
import type { ClusterRoom } from '../capacity/cluster-room.ts';
import type { Context } from 'koa';
import type { StoreCache } from '../kube/cache.ts';
import type { KubeClients } from '../kube/clients.ts';
import { readProvisionerLog } from '../provisioning/operation-records.ts';
import type { StoreOperations } from '../provisioning/operations.ts';
import { canSee, type Principal, requireScope } from '../http/auth.ts';
import { HttpError } from '../http/errors.ts';
import { openSse, type SseOptions } from '../http/sse.ts';
import type { StreamLimits } from '../http/stream-limits.ts';
import { validate } from '../http/validate.ts';
import { parseLastEventId, streamStoreEvents } from '../store/events.ts';
import type { PodLogFanout } from '../kube/pod-log-fanout.ts';
import type { StoreActivityWatches } from '../kube/store-activity.ts';
import type { StoreReader } from '../store/reader.ts';
import type { StoreSpec } from '../store/spec.ts';
import type { PlanName } from '../store/plans.ts';
import { newestPod } from '../store/state.ts';
import { isRecordOf } from '../store/view.ts';
import { revealAdminPassword } from '../store/admin-credentials.ts';
import { listRevisions } from '../store/revisions.ts';
import type { ShopHealthProbe } from '../store/shop-health.ts';
import { InvalidContinue, pageStores } from '../store/list-page.ts';
import { changeStoreBody, type ChangeStoreBody, createStoreBody, type CreateStoreBody, listStoresQuery, type ListStoresQuery, rollbackBody, storeParams } from './stores.schema.ts';

export interface StoreRouteDeps {
  kube: KubeClients;
  cache: StoreCache;
  reader: StoreReader;
  operations: StoreOperations;
  /** Shared follows of operation pods' logs, for the event streams. */
  logs: PodLogFanout;
  /** Shared watches of what runs in store namespaces, for `progress` events. */
  activity?: StoreActivityWatches;
  /** Asks each shop how it is doing (GET …/health). */
  shopHealth?: ShopHealthProbe;
  /** Shops get <name>.<baseDomain> unless a host is given. */
  baseDomain: string;
  /** Refuses at once a plan the cluster can never hold. */
  room?: ClusterRoom;
  heartbeatMs: number;
  /** Open streams per token and per process. */
  streams: StreamLimits;
  /** Idle timeout and how much a reader that does not read may hold back. */
  streamBounds: Omit<SseOptions, 'heartbeatMs'>;
}

type Input<B = unknown> = { params: { name: string }; body: B };
const input = <B>(ctx: Context) => ctx.state.input as Input<B>;
const principal = (ctx: Context) => ctx.state.principal as Principal;
const requestId = (ctx: Context) => ctx.state.requestId as string | undefined;

export function storesRouter(deps: StoreRouteDeps): { api: Router; seed: Router } {
  const router = new Router({ prefix: '/api/v1/stores' });
  const { reader, operations } = deps;

  /** The store, if this principal may see it; otherwise 404 (never 403). */
  async function visibleStore(ctx: Context, name: string) {
    requireScope(principal(ctx), 'read');
    const store = await reader.get(name);
    if (!store || !canSee(principal(ctx), store.tenant)) throw new HttpError(404, 'store_not_found', `No store named "${name}".`);
    return store;
  }

  /** A plan no node, or the whole cluster, could ever hold: refused before anything changes. */
  const refuseNeverFitting = (plan: PlanName) => {
    const why = deps.room?.neverFits(plan);
    if (why) throw new HttpError(422, 'plan_never_fits', why);
  };

  /**
   * A store moving to another plan (a change, or a rollback to a revision of another plan):
   * refused when the cluster could never hold it, or has not the difference free now (a
   * store that runs holds its plan's room; a bigger plan takes the rest at once).
   */
  const refusePlanChange = (from: PlanName | undefined, to: PlanName | undefined) => {
    if (!from || !to || from === to) return;
    refuseNeverFitting(to);
    const noRoom = deps.room?.noRoomToGrow(from, to);
    if (noRoom) throw new HttpError(409, 'no_room', noRoom);
  };

  const createStore = async (ctx: Context) => {
    requireScope(principal(ctx), 'create');
    const { body } = input<CreateStoreBody>(ctx);
    const tenant = principal(ctx).tenant;
    const spec: StoreSpec = {
      plan: body.plan,
      host: body.host ?? `${body.name}.${deps.baseDomain}`,
      title: body.title ?? body.name,
      adminEmail: body.adminEmail ?? `admin@${body.host ?? `${body.name}.${deps.baseDomain}`}`,
    };
    refuseNeverFitting(spec.plan);
    const outcome = await operations.create(body.name, tenant, spec, requestId(ctx));
    const store = await reader.get(body.name);
    ctx.status = outcome.kind === 'existing' ? 200 : 202;
    ctx.set('Location', `/api/v1/stores/${body.name}`);
    ctx.body = { store, operation: outcome.job ? { job: outcome.job } : undefined };
  };
  router.post('/', validate({ body: createStoreBody }), createStore);

  router.get('/', validate({ query: listStoresQuery }), async (ctx) => {
    const who = principal(ctx);
    requireScope(who, 'read');
    const tenant = who.role === 'admin' ? undefined : who.tenant;
    const query = (ctx.state.input as { query: ListStoresQuery }).query;
    // Unfiltered, unpaged: the body serialized once per cache change.
    if (Object.keys(ctx.query).length === 0) {
      ctx.type = 'application/json';
      ctx.body = reader.listJson(tenant);
      return;
    }
    try {
      ctx.body = pageStores(reader.list(tenant), query, reader.counts(tenant));
    } catch (error) {
      if (error instanceof InvalidContinue) throw new HttpError(400, 'invalid_continue', error.message);
      throw error;
    }
  });

  router.get('/:name', validate({ params: storeParams }), async (ctx) => {
    const store = await visibleStore(ctx, input(ctx).params.name);
    // A Ready shop's last known health, never waited for (…/health waits for a fresh one).
    const health = store.state.phase === 'Ready' && store.url ? deps.shopHealth?.latest(store.name, store.url) : undefined;
    ctx.body = health ? { store, health } : { store };
  });

  router.patch('/:name', validate({ params: storeParams, body: changeStoreBody }), async (ctx) => {
    const { params, body } = input<ChangeStoreBody>(ctx);
    const store = await visibleStore(ctx, params.name);
    requireScope(principal(ctx), 'change');
    if (!store.spec) throw new HttpError(409, 'store_unreadable', store.state.message);
    refusePlanChange(store.spec.plan, body.plan);
    const job = await operations.change(params.name, { ...store.spec, ...body }, requestId(ctx));
    ctx.status = 202;
    ctx.body = { store: await reader.get(params.name), operation: { job } };
  });

  router.get('/:name/revisions', validate({ params: storeParams }), async (ctx) => {
    const { params } = input(ctx);
    await visibleStore(ctx, params.name);
    ctx.body = { items: await listRevisions(deps.kube.core, params.name) };
  });

  // The shop as a shopper sees it: versions, the Store API, the last cron run (shop-health.ts).
  router.get('/:name/health', validate({ params: storeParams }), async (ctx) => {
    const store = await visibleStore(ctx, input(ctx).params.name);
    if (!deps.shopHealth) throw new HttpError(404, 'health_unavailable', 'This API does not check shops: STOREFLEET_SHOP_CHECK_ADDRESS names no ingress controller.');
    if (store.state.phase !== 'Ready' || !store.url) throw new HttpError(409, 'store_not_ready', `The store is ${store.state.phase}: its shop is checked once it is Ready.`);
    ctx.body = { health: await deps.shopHealth.check(store.name, store.url) };
  });

  router.post('/:name/rollback', validate({ params: storeParams, body: rollbackBody }), async (ctx) => {
    const { params, body } = input<{ revision: number }>(ctx);
    const store = await visibleStore(ctx, params.name);
    requireScope(principal(ctx), 'change');
    // Helm's "0 = the previous revision", resolved here so the store records what it returns to.
    const revisions = await listRevisions(deps.kube.core, params.name);
    const number = body.revision === 0 ? (revisions[0]?.revision ?? 1) - 1 : body.revision;
    const target = revisions.find((revision) => revision.revision === number);
    if (!target?.spec) {
      const known = revisions.map((revision) => revision.revision).join(', ') || 'none yet';
      throw new HttpError(409, 'no_such_revision', `Store "${params.name}" has no revision ${number} to roll back to; its revisions: ${known}.`);
    }
    refusePlanChange(store.spec?.plan, target.spec.plan);
    const job = await operations.rollback(params.name, number, target.spec, requestId(ctx));
    ctx.status = 202;
    ctx.body = { store: await reader.get(params.name), operation: { job }, revision: number };
  });

  const deleteStore = async (ctx: Context) => {
    const { params } = input(ctx);
    await visibleStore(ctx, params.name);
    requireScope(principal(ctx), 'delete');
    const job = await operations.delete(params.name, requestId(ctx));
    ctx.status = 202;
    ctx.body = { store: await reader.get(params.name), operation: { job } };
  };
  router.delete('/:name', validate({ params: storeParams }), deleteStore);

  router.post('/:name/admin-credentials', validate({ params: storeParams }), async (ctx) => {
    const { params } = input(ctx);
    const store = await visibleStore(ctx, params.name);
    requireScope(principal(ctx), 'change');
    const credentials = await revealAdminPassword(deps.kube.core, params.name);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...credentials, loginUrl: `${store.url}wp-admin/` };
  });

  router.get('/:name/logs', validate({ params: storeParams }), async (ctx) => {
    const { params } = input(ctx);
    const store = await visibleStore(ctx, params.name);
    const job = store.state.operation?.job;
    const pod = job ? newestPod(deps.cache.pods.list(), job) : undefined;
    const record = reader.record(params.name);
    let log = isRecordOf(record, job, store.uid) ? record.log : '';
    if (pod && pod.status?.phase !== 'Pending') {
      // A pod on its way out may answer with nothing: the saved log is then the better answer.
      log = (await readProvisionerLog(deps.kube, pod, null)) || log;
    }
    ctx.body = { job, message: store.state.message, lines: log.split('\n').filter(Boolean) };
  });

  router.get('/:name/events', validate({ params: storeParams }), async (ctx) => {
    const { params } = input(ctx);
    const store = await visibleStore(ctx, params.name);
    const resume = parseLastEventId(ctx.get('Last-Event-ID') || (ctx.query.lastEventId as string | undefined));
    // A lease before the stream opens: past a cap the answer is a 429 JSON error, not a stream.
    const lease = deps.streams.acquire(ctx.state.tokenHash as string, () => channel.end());
    const channel = openSse(ctx, { ...deps.streamBounds, heartbeatMs: deps.heartbeatMs });
    channel.closed.addEventListener('abort', () => lease.release(), { once: true });
    const who = principal(ctx);
    // `?uid=` pins a reconnect to the store first followed: a later store of the same name is not it.
    const uid = typeof ctx.query.uid === 'string' && ctx.query.uid ? ctx.query.uid : store.uid;
    streamStoreEvents({ name: params.name, uid, mayView: (view) => canSee(who, view.tenant) }, deps, channel, resume);
  });

  // The seed's clients: `POST /stores {"name","type"}` and `DELETE /stores/:name`.
  const seed = new Router({ prefix: '/stores' });
  seed.post('/', validate({ body: createStoreBody }), createStore);
  seed.delete('/:name', validate({ params: storeParams }), deleteStore);
  return { api: router, seed };
}
