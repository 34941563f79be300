// The storefleet elements. Importing this module registers them all, once.
import { defineElement } from './shared/define.ts';
import { PlatformCapacity } from './platform-capacity/platform-capacity.ts';
import { StoreCreateForm } from './store-create-form/store-create-form.ts';
import { StoreDeleteConfirm } from './store-delete-confirm/store-delete-confirm.ts';
import { StoreDetail } from './store-detail/store-detail.ts';
import { StoreList } from './store-list/store-list.ts';
import { StoreManager } from './store-manager/store-manager.ts';
import { StoreTimeline } from './store-timeline/store-timeline.ts';

export const ELEMENTS = {
  'store-manager': StoreManager,
  'store-list': StoreList,
  'store-create-form': StoreCreateForm,
  'store-detail': StoreDetail,
  'store-timeline': StoreTimeline,
  'store-delete-confirm': StoreDeleteConfirm,
  'platform-capacity': PlatformCapacity,
} as const;

for (const [tag, element] of Object.entries(ELEMENTS)) defineElement(tag, element);

declare global {
  interface HTMLElementTagNameMap {
    'store-manager': StoreManager;
    'store-list': StoreList;
    'store-create-form': StoreCreateForm;
    'store-detail': StoreDetail;
    'store-timeline': StoreTimeline;
    'store-delete-confirm': StoreDeleteConfirm;
    'platform-capacity': PlatformCapacity;
  }
}

export { ApiError, StoreApi } from './api/client.ts';
export { PlatformCapacity, StoreCreateForm, StoreDeleteConfirm, StoreDetail, StoreList, StoreManager, StoreTimeline };
export type { StoreCreatedEvent, StoreDeletedEvent, StoreFailedEvent } from './shared/events.ts';
