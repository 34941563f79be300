// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests and
// from the contract's schemas of what the API answers and streams (contract/schemas.ts), so
// none of them can drift apart. Served at /api/v1/openapi.json.
import { z } from 'zod';
import {
  adminCredentialsSchema, capacitySchema, logEventSchema, planSummarySchema, progressEventSchema, revisionSchema, shopHealthSchema, statusEventSchema,
  storePageSchema, storeViewSchema,
} from '../../../contract/schemas.ts';
import { changeStoreBody, createStoreBody, listStoresQuery, rollbackBody, storeName } from './stores.schema.ts';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
};

/** What the API answers and streams, as components: the contract's schemas. */
const CONTRACT_SCHEMAS = {
  StoreView: storeViewSchema,
  StorePage: storePageSchema,
  Revision: revisionSchema,
  ShopHealth: shopHealthSchema,
  Capacity: capacitySchema,
  PlanSummary: planSummarySchema,
  AdminCredentials: adminCredentialsSchema,
  StatusEvent: statusEventSchema,
  LogEvent: logEventSchema,
  ProgressEvent: progressEventSchema,
};
const ref = (name: keyof typeof CONTRACT_SCHEMAS) => ({ $ref: `#/components/schemas/${name}` });

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input',
  401: 'No or unknown token',
  403: 'insufficient_scope: the token may not do this; origin_not_allowed: a page of an origin the API does not allow',
  404: 'No such store (or not yours)',
  409: 'Conflict (store_conflict, store_limit_reached, host_taken: another store holds the host; no_room: a bigger plan does not fit in the room the cluster has now)',
  410: 'Already shown once',
  413: 'Body too large',
  415: 'Not JSON',
  422: 'host_not_allowed: the store may not have this host (details.allowed says which it may); plan_never_fits: no node, or the whole cluster, could ever hold a store of this plan',
  429: 'rate_limited, or too_many_streams (event streams past a cap); Retry-After says when to try again',
  502: 'platform_forbidden: the cluster refused the platform (its RBAC); the operator must act',
  503: 'cluster_unavailable: the cluster is busy or not answering; starting: the API is still syncing; redis_unavailable; missing_permissions: '
    + 'the API lacks a cluster permission (nothing was changed); Retry-After says when to try again',
};
const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } };

const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [String(code), {
  description: ERROR_DESCRIPTIONS[code] ?? 'Error',
  ...(code === 429 || code === 503 ? { headers: RETRY_AFTER } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
}]));
/** Any route: a token without the scope, a page of another origin, too many requests. */
const anyRoute = [401, 403, 429];
/** Routes that ask the cluster, not only the API's watch cache. */
const asksCluster = [...anyRoute, 502, 503];

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const storeAnswer = (description: string) => ({ description, ...json({ type: 'object', properties: { store: ref('StoreView'), operation: { type: 'object' } } }) });
const nameParameter = { name: 'name', in: 'path', required: true, schema: jsonSchema(storeName) };

/** Query parameters from a zod object schema, each with its own JSON schema and description. */
function queryParameters(schema: z.ZodType) {
  const { properties = {} } = jsonSchema(schema) as { properties?: Record<string, { description?: string }> };
  return Object.entries(properties).map(([name, { description, ...property }]) => ({ name, in: 'query', required: false, ...(description ? { description } : {}), schema: property }));
}


export function buildOpenApiDocument() {
  return {
    openapi: '3.1.0',
    info: { title: 'storefleet API', version: '1', description: 'Isolated WooCommerce stores on Kubernetes.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: errorBody, ...Object.fromEntries(Object.entries(CONTRACT_SCHEMAS).map(([name, schema]) => [name, jsonSchema(schema, 'output')])) },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/v1/stores': {
        get: {
          operationId: 'listStores',
          description: 'Stores you may see, from the watch cache. With `limit`, one page: pass its `metadata.continue` to get the next. The token holds the last row\'s sort key, so stores created or deleted meanwhile never make a row repeat or vanish.',
          parameters: queryParameters(listStoresQuery),
          responses: { 200: { description: 'A page of stores, and the counts by phase', ...json(ref('StorePage')) }, ...errors(400, ...anyRoute) },
        },
        post: {
          operationId: 'createStore',
          requestBody: { required: true, ...json(jsonSchema(createStoreBody)) },
          responses: { 200: storeAnswer('The same store already exists'), 202: storeAnswer('Accepted: an install Job runs'), ...errors(400, 409, 413, 415, 422, ...asksCluster) },
        },
      },
      '/api/v1/stores/{name}': {
        parameters: [nameParameter],
        get: {
          operationId: 'getStore',
          responses: {
            200: { description: 'The store and its state; for a Ready store, its shop\'s last known health', ...json({ type: 'object', properties: { store: ref('StoreView'), health: ref('ShopHealth') } }) },
            ...errors(400, 404, ...anyRoute),
          },
        },
        patch: {
          operationId: 'changeStore',
          requestBody: { required: true, ...json(jsonSchema(changeStoreBody)) },
          responses: { 202: storeAnswer('Accepted: an upgrade Job runs'), ...errors(400, 404, 409, 413, 415, 422, ...asksCluster) },
        },
        delete: { operationId: 'deleteStore', responses: { 202: storeAnswer('Accepted: an uninstall Job runs'), ...errors(400, 404, 409, ...asksCluster) } },
      },
      '/api/v1/stores/{name}/rollback': {
        parameters: [nameParameter],
        post: {
          operationId: 'rollbackStore',
          requestBody: { required: false, ...json(jsonSchema(rollbackBody)) },
          responses: { 202: storeAnswer('Accepted: a rollback Job runs'), ...errors(400, 404, 409, 413, 415, 422, ...asksCluster) },
          description: 'Rolls back to a revision of GET .../revisions (0 = the previous one); the store then records that revision\'s settings.',
        },
      },
      '/api/v1/stores/{name}/health': {
        parameters: [nameParameter],
        get: {
          operationId: 'storeHealth',
          description: "A Ready store's shop as a shopper sees it, through the ingress: the WordPress and WooCommerce versions its front page announces, whether the Store API lists products, and when its wp-cron CronJob last succeeded. Kept 10 s.",
          responses: { 200: { description: 'The shop\'s health', ...json({ type: 'object', properties: { health: ref('ShopHealth') } }) }, ...errors(400, 404, 409, ...asksCluster) },
        },
      },
      '/api/v1/stores/{name}/revisions': {
        parameters: [nameParameter],
        get: {
          operationId: 'storeRevisions',
          description: "The store's Helm release revisions, newest first, read from the cluster.",
          responses: { 200: { description: 'Revisions: number, status, plan, time', ...json({ type: 'object', properties: { items: { type: 'array', items: ref('Revision') } } }) }, ...errors(400, 404, ...asksCluster) },
        },
      },
      '/stores': {
        post: {
          operationId: 'createStoreSeed',
          description: 'Unversioned alias of POST /api/v1/stores for the seed clients: {"name": "store1", "type": "woocommerce"}.',
          requestBody: { required: true, ...json(jsonSchema(createStoreBody)) },
          responses: { 200: storeAnswer('The same store already exists'), 202: storeAnswer('Accepted: an install Job runs'), ...errors(400, 409, 413, 415, 422, ...asksCluster) },
        },
      },
      '/stores/{name}': {
        parameters: [nameParameter],
        delete: { operationId: 'deleteStoreSeed', description: 'Unversioned alias of DELETE /api/v1/stores/{name}.', responses: { 202: storeAnswer('Accepted: an uninstall Job runs'), ...errors(400, 404, 409, ...asksCluster) } },
      },
      '/api/v1/stores/{name}/admin-credentials': {
        parameters: [nameParameter],
        post: {
          operationId: 'revealAdminCredentials',
          description: 'Shows the WordPress admin user and password once; later calls answer 410.',
          responses: { 200: { description: 'The admin credentials', ...json(ref('AdminCredentials')) }, ...errors(400, 404, 409, 410, ...asksCluster) },
        },
      },
      '/api/v1/plans': {
        get: { operationId: 'listPlans', responses: { 200: { description: 'The plans a store can have', ...json({ type: 'object', properties: { items: { type: 'array', items: ref('PlanSummary') } } }) }, ...errors(...anyRoute) } },
      },
      '/api/v1/capacity': {
        get: {
          operationId: 'getCapacity',
          description: 'The cluster\'s room for stores: what a new store of each plan needs and what is free. Admins only: any other token gets {tracked: false, reason}.',
          responses: { 200: { description: 'The capacity', ...json(ref('Capacity')) }, ...errors(...anyRoute) },
        },
      },
      '/api/v1/stores/{name}/logs': {
        parameters: [nameParameter],
        get: { operationId: 'storeLogs', responses: { 200: { description: 'The latest operation log', ...json({ type: 'object' }) }, ...errors(400, 404, ...asksCluster) } },
      },
      '/api/v1/stores/{name}/events': {
        parameters: [nameParameter],
        get: { operationId: 'storeEvents', responses: { 200: { description: 'Server-Sent Events: `status` (data: StatusEvent), `log` (data: LogEvent) and `progress` (data: ProgressEvent)', content: { 'text/event-stream': { schema: { type: 'string' }, 'x-events': { status: ref('StatusEvent'), log: ref('LogEvent'), progress: ref('ProgressEvent') } } } }, ...errors(400, 404, ...anyRoute) } },
      },
    },
  };
}
