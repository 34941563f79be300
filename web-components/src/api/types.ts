// What the storefleet API sends, as the element sees it (the API's own types, re-exported so
// the two cannot drift apart).
export type { StoreView } from '../../../api/src/store/view.ts';
export type { Phase, StoreState } from '../../../api/src/store/state.ts';
export type { Revision } from '../../../api/src/store/revisions.ts';
export type { ShopHealth } from '../../../api/src/store/shop-health.ts';
import type { ProgressItem, ProgressSummary } from '../../../api/src/store/progress.ts';

export type { PartState, ProgressItem, ProgressSummary } from '../../../api/src/store/progress.ts';
export type { ListPhase, Sort, StoreCounts, StorePage } from '../../../api/src/store/list-page.ts';

export interface PlanSummary {
  name: string;
  cpu: string;
  memory: string;
  storage: string;
}

export interface AdminCredentials {
  username: string;
  password: string;
  loginUrl: string;
}

/** A `status` event on a store's stream; `Deleted` once the store is gone. */
export interface StatusEvent {
  name: string;
  phase: 'Queued' | 'Provisioning' | 'Ready' | 'Failed' | 'Deleting' | 'Unknown' | 'Deleted';
  reason: string;
  message: string;
  since: string;
  operation?: { job: string; type: string; seq: number };
  /** While queued: its place in line (1 = next). */
  queuePosition?: number;
}

/** A `progress` event: what Kubernetes reported about the store, and its parts summary. */
export interface ProgressEvent {
  job: string;
  item?: ProgressItem;
  summary: ProgressSummary;
}

/** A `log` event: one provisioner line of an operation Job. */
export interface LogEvent {
  job: string;
  line: number;
  text: string;
}
