// The element's public events: fired for user actions, bubbling out of shadow roots.
import type { StatusEvent, StoreView } from '../api/types.ts';

export interface StoreCreatedDetail { store: StoreView; job?: string }
export interface StoreDeletedDetail { name: string }
export interface StoreFailedDetail { name: string; reason: string; message: string; operation?: string }

export type StoreCreatedEvent = CustomEvent<StoreCreatedDetail>;
export type StoreDeletedEvent = CustomEvent<StoreDeletedDetail>;
export type StoreFailedEvent = CustomEvent<StoreFailedDetail>;

export function storeEvent<T>(type: string, detail: T): CustomEvent<T> {
  return new CustomEvent<T>(type, { detail, bubbles: true, composed: true });
}

export const failedDetail = (status: StatusEvent): StoreFailedDetail => ({
  name: status.name, reason: status.reason, message: status.message, operation: status.operation?.job,
});

declare global {
  interface GlobalEventHandlersEventMap {
    'store-created': StoreCreatedEvent;
    'store-deleted': StoreDeletedEvent;
    'store-failed': StoreFailedEvent;
  }
}
