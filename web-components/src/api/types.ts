// What the storefleet API sends, as the element sees it: the contract's types (contract/),
// which the API builds its answers to, so the two cannot drift apart. Types only: zod stays
// out of the bundle.
export type { ListPhase, Phase, Sort } from '../../../contract/phases.ts';
export type { PlanSummary } from '../../../contract/plans.ts';
export type {
  AdminCredentials, Capacity, LogEvent, PartState, ProgressEvent, ProgressItem, ProgressSummary, Revision, StatusEvent, StoreCounts, StorePage,
  ShopHealth, StoreState, StoreView,
} from '../../../contract/schemas.ts';
