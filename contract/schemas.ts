// What the API sends and the elements read, as zod schemas with their inferred types: the
// store view, a page of the list, revisions, admin credentials, plans and every SSE payload.
// The API builds its answers to these types and its OpenAPI document from these schemas; the
// elements import the types only (`import type`), so zod stays out of their bundle.
import { z } from 'zod';
import { OPERATIONS, STORE_PHASES, DELETED } from './phases.ts';
import { PLAN_NAMES } from './plans.ts';
import { PROVISIONER_CODES } from './reasons.ts';

export const storeSpecSchema = z.object({
  plan: z.enum(PLAN_NAMES),
  host: z.string(),
  title: z.string(),
  adminEmail: z.string(),
});
export type StoreSpec = z.infer<typeof storeSpecSchema>;

export const operationRefSchema = z.object({ job: z.string(), type: z.enum(OPERATIONS), seq: z.number().int() });

export const storeStateSchema = z.object({
  phase: z.enum(STORE_PHASES),
  /** A reason code (contract/reasons.ts STATE_REASONS). */
  reason: z.string(),
  /** Plain English for people; the elements choose their own words from reason and code. */
  message: z.string(),
  since: z.string(),
  /** Why the provisioner failed, when it said (contract/reasons.ts PROVISIONER_CODES). */
  code: z.enum(PROVISIONER_CODES).optional(),
  /** The operation Job the state comes from, if any. */
  operation: operationRefSchema.optional(),
  /** While its operation waits in the provisioning queue: its place in line (1 = next). */
  queuePosition: z.number().int().min(1).optional(),
});
export type StoreState = z.infer<typeof storeStateSchema>;

export const storeViewSchema = z.object({
  name: z.string(),
  /** This store's identity: a store created again under the same name gets a new one. */
  uid: z.string(),
  tenant: z.string(),
  /** Missing only when the store's namespace no longer holds a readable spec (phase Unknown). */
  spec: storeSpecSchema.optional(),
  url: z.string(),
  createdAt: z.string(),
  state: storeStateSchema,
});
export type StoreView = z.infer<typeof storeViewSchema>;

export const storeCountsSchema = z.object({
  all: z.number().int(),
  byPhase: z.partialRecord(z.enum(STORE_PHASES), z.number().int()),
});
export type StoreCounts = z.infer<typeof storeCountsSchema>;

export const storePageSchema = z.object({
  items: z.array(storeViewSchema),
  metadata: z.object({
    continue: z.string().optional().describe('Send as `continue` for the next page; absent on the last one.'),
    remainingItemCount: z.number().int().describe('Matching stores after this page.'),
  }),
  counts: storeCountsSchema.describe('Every store you may see (a tenant its own, an admin all), by phase; filters do not apply.'),
});
export type StorePage = z.infer<typeof storePageSchema>;

export const revisionSchema = z.object({
  revision: z.number().int(),
  /** Helm's status of the revision: deployed, superseded, failed, pending-*. */
  status: z.string(),
  plan: z.string().optional(),
  updatedAt: z.string().optional(),
  description: z.string().optional(),
  /** The store settings that revision was made with (from the values it was given). */
  spec: storeSpecSchema.optional(),
});
export type Revision = z.infer<typeof revisionSchema>;

/** GET …/health: a Ready store's shop as a shopper sees it, through the ingress (api/src/store/shop-health.ts). */
export const shopHealthSchema = z.object({
  /** The versions the front page's generator tags announce; absent when it did not answer. */
  wordpress: z.string().optional(),
  woocommerce: z.string().optional(),
  storeApi: z.object({ answers: z.boolean(), detail: z.string() }),
  /** When the store's wp-cron CronJob last succeeded (ISO), if ever. */
  lastCronRun: z.string().optional(),
  checkedAt: z.string(),
});
export type ShopHealth = z.infer<typeof shopHealthSchema>;

export const planSummarySchema = z.object({ name: z.string(), cpu: z.string(), memory: z.string(), storage: z.string() });

export const adminCredentialsSchema = z.object({ username: z.string(), password: z.string(), loginUrl: z.string() });
export type AdminCredentials = z.infer<typeof adminCredentialsSchema>;

export const PART_NAMES = ['storage', 'database', 'web', 'setup'] as const;
export type PartName = (typeof PART_NAMES)[number];
export const PART_PHASES = ['waiting', 'starting', 'ready', 'failed'] as const;
export type PartPhase = (typeof PART_PHASES)[number];

export const progressItemSchema = z.object({
  /** Stable identity: the same report seen twice (or by two replicas) has the same key. */
  key: z.string(),
  /** When the cluster says it happened (ISO). */
  at: z.string(),
  /** Plain words first... */
  text: z.string(),
  /** ...and the raw Kubernetes reason beside them. */
  reason: z.string(),
  /** "Pod/shop1-wordpress-7d9f…", "PersistentVolumeClaim/shop1-wp-content". */
  object: z.string(),
  part: z.enum(PART_NAMES).optional(),
  type: z.enum(['Normal', 'Warning']),
});
export type ProgressItem = z.infer<typeof progressItemSchema>;

export const partStateSchema = z.object({ part: z.enum(PART_NAMES), phase: z.enum(PART_PHASES), detail: z.string() });
export type PartState = z.infer<typeof partStateSchema>;

export const progressSummarySchema = z.object({
  ready: z.number().int(),
  total: z.number().int(),
  parts: z.array(partStateSchema),
  /** "2 of 4 parts ready: storage ready, database ready, web starting, setup waiting". */
  text: z.string(),
});
export type ProgressSummary = z.infer<typeof progressSummarySchema>;

/** A `status` event on a store's stream: the store's state; `Deleted` once the store is gone. */
export const statusEventSchema = storeStateSchema.extend({
  name: z.string(),
  phase: z.enum([...STORE_PHASES, DELETED]),
});
export type StatusEvent = z.infer<typeof statusEventSchema>;

/** A `log` event: one provisioner line of an operation Job. */
export const logEventSchema = z.object({ job: z.string(), line: z.number().int().min(1), text: z.string() });
export type LogEvent = z.infer<typeof logEventSchema>;

/** A `progress` event: what Kubernetes reported about the store (an item), and its parts summary. */
export const progressEventSchema = z.object({ job: z.string(), item: progressItemSchema.optional(), summary: progressSummarySchema });
export type ProgressEvent = z.infer<typeof progressEventSchema>;

export type { PlanSummary } from './plans.ts';

/** CPU and memory, as words and as numbers (millicores, bytes). */
export const resourcesSchema = z.object({ cpu: z.string(), memory: z.string(), cpuMilli: z.number().int(), memoryBytes: z.number().int() });

/**
 * The cluster's room for stores (GET /api/v1/capacity, admins only): the schedulable nodes'
 * allocatable, the reserve kept for the rest, what admitted stores' plans hold, and what is free.
 */
export const capacitySchema = z.object({
  /** False when the platform does not count room (STOREFLEET_ROOM_RESERVE unset) or the token is not an admin's: the rest is absent. */
  tracked: z.boolean(),
  /** Why nothing is shown, when tracked is false. */
  reason: z.string().optional(),
  allocatable: resourcesSchema.optional(),
  reserve: resourcesSchema.optional(),
  /** Allocatable minus the reserve: what stores may take in all. */
  forStores: resourcesSchema.optional(),
  used: resourcesSchema.optional(),
  free: resourcesSchema.optional(),
  storesByPlan: z.record(z.enum(PLAN_NAMES), z.number().int()).optional(),
  /** Stores that wait for room now. */
  waitingForRoom: z.number().int().optional(),
  /** What one more store of each plan needs. */
  perStore: z.record(z.enum(PLAN_NAMES), resourcesSchema).optional(),
});
export type Capacity = z.infer<typeof capacitySchema>;
