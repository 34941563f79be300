// The phases a store shows, and the list's sort keys. No dependencies: the elements import
// this at run time, so nothing here may pull zod into their bundle.

/** Every phase a store can show; the order is "needs attention first", used by `sort=phase`. */
export const STORE_PHASES = ['Failed', 'Unknown', 'Queued', 'Provisioning', 'Deleting', 'Ready'] as const;
/** Unknown: the store's namespace does not hold what the platform wrote there (never a 500). */
export type Phase = (typeof STORE_PHASES)[number];
export type ListPhase = Phase;

/** What a `status` event may also say: the store is gone (its stream then ends). */
export const DELETED = 'Deleted' as const;
export type StatusPhase = Phase | typeof DELETED;

export const OPERATIONS = ['install', 'upgrade', 'rollback', 'uninstall'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const SORT_KEYS = ['name', 'createdAt', 'phase'] as const;
export const SORTS = SORT_KEYS.flatMap((key) => [key, `-${key}`] as const);
export type Sort = (typeof SORTS)[number];
