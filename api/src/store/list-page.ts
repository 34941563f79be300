// One page of the store list (pure): filter by phase and text, sort, and continue after an
// opaque Kubernetes-style token. The token holds the last row's sort key and name, never an
// offset, so a store created or deleted between two pages neither repeats nor hides a row of
// the rest: the next page is "everything after this key" in the list as it is then.
import { type ListPhase, type Sort, SORT_KEYS, SORTS, STORE_PHASES } from '../../../contract/phases.ts';
import type { StoreCounts, StorePage, StoreView } from '../../../contract/schemas.ts';

export { type ListPhase, type Sort, SORT_KEYS, SORTS, STORE_PHASES, type StoreCounts, type StorePage };

export interface ListQuery {
  /** At most this many items; absent = all that match. */
  limit?: number;
  continue?: string;
  phase?: ListPhase;
  /** Case-insensitive text found in the name, owner, shop host or title. */
  q?: string;
  sort: Sort;
}

/** A `continue` token that is not one of ours, or was made for other filters. */
export class InvalidContinue extends Error {}

type Key = [string | number, string];
interface Cursor { sort: Sort; phase?: ListPhase; q?: string; after: Key }

const phaseRank = (phase: string) => {
  const rank = STORE_PHASES.indexOf(phase as ListPhase);
  return rank < 0 ? STORE_PHASES.length : rank;
};

function sortKey(store: StoreView, sort: Sort): Key {
  const field = sort.replace(/^-/, '');
  const value = field === 'createdAt' ? store.createdAt : field === 'phase' ? phaseRank(store.state.phase) : store.name;
  return [value, store.name];
}

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < 2; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

export function encodeContinue(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: 1, s: cursor.sort, p: cursor.phase, q: cursor.q, k: cursor.after })).toString('base64url');
}

/** The cursor in `token`, checked against the query it must continue. */
export function decodeContinue(token: string, query: Omit<ListQuery, 'continue' | 'limit'>): Cursor {
  let raw: { v?: unknown; s?: unknown; p?: unknown; q?: unknown; k?: unknown };
  try {
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidContinue('This continue token is not valid: pass the one the previous page returned.');
  }
  const key = raw?.k;
  const wellFormed = raw?.v === 1 && SORTS.includes(raw.s as Sort) && Array.isArray(key) && key.length === 2
    && (typeof key[0] === 'string' || typeof key[0] === 'number') && typeof key[1] === 'string';
  if (!wellFormed) throw new InvalidContinue('This continue token is not valid: pass the one the previous page returned.');
  if (raw.s !== query.sort || (raw.p ?? undefined) !== query.phase || (raw.q ?? undefined) !== query.q) {
    throw new InvalidContinue('This continue token was made for other filters or another sort: send the same phase, q and sort as for the first page.');
  }
  return { sort: query.sort, phase: query.phase, q: query.q, after: key as Key };
}

export function countByPhase(stores: readonly StoreView[]): StoreCounts {
  const byPhase: Partial<Record<ListPhase, number>> = {};
  for (const store of stores) byPhase[store.state.phase as ListPhase] = (byPhase[store.state.phase as ListPhase] ?? 0) + 1;
  return { all: stores.length, byPhase };
}

const matchesText = (store: StoreView, needle: string) =>
  [store.name, store.tenant, store.spec?.host ?? '', store.spec?.title ?? ''].some((value) => value.toLowerCase().includes(needle));

interface Row { store: StoreView; key: Key }

/**
 * Each list's rows in each order, made once: a listing is a new array whenever the cache
 * changes and is read many times until then, so most pages cost a binary search and a slice.
 */
const sortedRows = new WeakMap<readonly StoreView[], Map<Sort, Row[]>>();

function rowsInOrder(stores: readonly StoreView[], sort: Sort): Row[] {
  let bySort = sortedRows.get(stores);
  if (!bySort) sortedRows.set(stores, (bySort = new Map()));
  let rows = bySort.get(sort);
  if (!rows) {
    const direction = sort.startsWith('-') ? -1 : 1;
    rows = stores.map((store) => ({ store, key: sortKey(store, sort) })).sort((a, b) => direction * compareKeys(a.key, b.key));
    bySort.set(sort, rows);
  }
  return rows;
}

/** The index of the first row after `key` in rows sorted by `order`. */
function firstAfter(rows: readonly Row[], key: Key, order: (a: Key, b: Key) => number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (order(rows[mid]!.key, key) > 0) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** The page of `stores` (all the caller may see; never changed in place once passed) that `query` asks for. */
export function pageStores(stores: readonly StoreView[], query: ListQuery, counts: StoreCounts = countByPhase(stores)): StorePage {
  const filters = { sort: query.sort, phase: query.phase, q: query.q };
  const cursor = query.continue ? decodeContinue(query.continue, filters) : undefined;
  const needle = query.q?.toLowerCase();
  const direction = query.sort.startsWith('-') ? -1 : 1;
  const order = (a: Key, b: Key) => direction * compareKeys(a, b);
  const ordered = rowsInOrder(stores, query.sort);
  const after = cursor ? ordered.slice(firstAfter(ordered, cursor.after, order)) : ordered;
  const keyed = query.phase || needle
    ? after.filter(({ store }) => (!query.phase || store.state.phase === query.phase) && (!needle || matchesText(store, needle)))
    : after;
  const page = query.limit === undefined ? keyed : keyed.slice(0, query.limit);
  const last = page.at(-1);
  const remainingItemCount = keyed.length - page.length;
  return {
    items: page.map((row) => row.store),
    metadata: {
      ...(remainingItemCount > 0 && last ? { continue: encodeContinue({ ...filters, after: last.key }) } : {}),
      remainingItemCount,
    },
    counts,
  };
}
