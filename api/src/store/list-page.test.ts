import { describe, expect, it } from 'vitest';
import { listStoresQuery } from '../routes/stores.schema.ts';
import { countByPhase, encodeContinue, InvalidContinue, type ListQuery, pageStores } from './list-page.ts';
import type { StoreView } from './view.ts';

function store(name: string, overrides: { phase?: StoreView['state']['phase']; tenant?: string; createdAt?: string; title?: string } = {}): StoreView {
  return {
    name,
    uid: `uid-${name}`,
    tenant: overrides.tenant ?? 'alice',
    spec: { plan: 'small', host: `${name}.shops.test`, title: overrides.title ?? name, adminEmail: 'a@b.c' },
    url: `http://${name}.shops.test/`,
    createdAt: overrides.createdAt ?? '2026-01-01T00:00:00.000Z',
    state: { phase: overrides.phase ?? 'Ready', reason: 'x', message: 'x', since: '' },
  };
}

const names = (page: { items: StoreView[] }) => page.items.map((s) => s.name);
const query = (q: Partial<ListQuery> = {}): ListQuery => ({ sort: 'name', ...q });

/** Every page of `list()` (read again before each page, as the API does), in order. */
function walk(list: () => StoreView[], q: Partial<ListQuery>, between: (page: number) => void = () => undefined): string[][] {
  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const page = pageStores(list(), query({ ...q, continue: token }));
    pages.push(names(page));
    token = page.metadata.continue;
    between(pages.length);
  } while (token && pages.length < 100);
  return pages;
}

describe('pageStores', () => {
  const ten = Array.from({ length: 10 }, (_, i) => store(`shop-${i}`));

  it('pages in name order, says how many remain, and has no continue on the last page', () => {
    const first = pageStores(ten, query({ limit: 4 }));
    expect(names(first)).toEqual(['shop-0', 'shop-1', 'shop-2', 'shop-3']);
    expect(first.metadata.remainingItemCount).toBe(6);
    const pages = walk(() => ten, { limit: 4 });
    expect(pages).toEqual([['shop-0', 'shop-1', 'shop-2', 'shop-3'], ['shop-4', 'shop-5', 'shop-6', 'shop-7'], ['shop-8', 'shop-9']]);
    const last = pageStores(ten, query({ limit: 10 }));
    expect(last.metadata).toEqual({ remainingItemCount: 0 });
  });

  it('without a limit returns every match', () => {
    expect(names(pageStores(ten, query()))).toHaveLength(10);
  });

  it('stays stable when stores are created and deleted between pages: nothing repeats, nothing that stayed is missed', () => {
    const stores = new Map(ten.map((s) => [s.name, s]));
    const pages = walk(() => [...stores.values()], { limit: 3 }, (page) => {
      if (page === 1) {
        stores.delete('shop-2'); // on the page just read
        stores.delete('shop-3'); // the next row: the token does not point at it, so nothing shifts
        stores.set('shop-00', store('shop-00')); // sorts before the cursor: not seen, no shift
        stores.set('shop-55', store('shop-55')); // after the cursor: seen in its place
      }
      if (page === 2) stores.delete('shop-9');
    });
    expect(pages.flat()).toEqual(['shop-0', 'shop-1', 'shop-2', 'shop-4', 'shop-5', 'shop-55', 'shop-6', 'shop-7', 'shop-8']);
  });

  it('sorts by createdAt or phase, either way, with ties broken by name', () => {
    const stores = [
      store('b', { createdAt: '2026-01-02T00:00:00.000Z', phase: 'Ready' }),
      store('a', { createdAt: '2026-01-02T00:00:00.000Z', phase: 'Failed' }),
      store('c', { createdAt: '2026-01-01T00:00:00.000Z', phase: 'Provisioning' }),
      store('d', { createdAt: '2026-01-03T00:00:00.000Z', phase: 'Failed' }),
    ];
    expect(names(pageStores(stores, query({ sort: 'createdAt' })))).toEqual(['c', 'a', 'b', 'd']);
    expect(names(pageStores(stores, query({ sort: '-createdAt' })))).toEqual(['d', 'b', 'a', 'c']);
    expect(names(pageStores(stores, query({ sort: 'phase' })))).toEqual(['a', 'd', 'c', 'b']);
    expect(names(pageStores(stores, query({ sort: '-name' })))).toEqual(['d', 'c', 'b', 'a']);
    expect(walk(() => stores, { sort: '-createdAt', limit: 1 }).flat()).toEqual(['d', 'b', 'a', 'c']);
    expect(walk(() => stores, { sort: 'phase', limit: 3 })).toEqual([['a', 'd', 'c'], ['b']]);
  });

  it('filters by phase and by text in name, owner, host or title; counts ignore the filters', () => {
    const stores = [
      store('corner', { tenant: 'bob', phase: 'Failed' }),
      store('bakery', { title: 'Best Bread' }),
      store('books', { phase: 'Failed' }),
    ];
    expect(names(pageStores(stores, query({ phase: 'Failed' })))).toEqual(['books', 'corner']);
    expect(names(pageStores(stores, query({ q: 'bob' })))).toEqual(['corner']);
    expect(names(pageStores(stores, query({ q: 'bread' })))).toEqual(['bakery']);
    expect(names(pageStores(stores, query({ q: 'books.shops' })))).toEqual(['books']);
    const filtered = pageStores(stores, query({ phase: 'Failed', q: 'b', limit: 1 }));
    expect(names(filtered)).toEqual(['books']);
    expect(filtered.metadata.remainingItemCount).toBe(1);
    expect(filtered.counts).toEqual({ all: 3, byPhase: { Failed: 2, Ready: 1 } });
    expect(countByPhase([])).toEqual({ all: 0, byPhase: {} });
  });

  it('refuses a token that is not one of ours, or that was made for other filters', () => {
    const token = pageStores(ten, query({ limit: 2, phase: 'Ready' })).metadata.continue!;
    expect(() => pageStores(ten, query({ limit: 2, phase: 'Ready', continue: token }))).not.toThrow();
    expect(() => pageStores(ten, query({ limit: 2, continue: token }))).toThrow(/other filters/);
    expect(() => pageStores(ten, query({ limit: 2, phase: 'Ready', sort: '-name', continue: token }))).toThrow(InvalidContinue);
    for (const bad of ['x', 'e30', Buffer.from('[1,2]').toString('base64url'), encodeContinue({ sort: 'name', after: ['a', 'b'] }).slice(0, -4)]) {
      expect(() => pageStores(ten, query({ continue: bad }))).toThrow(/not valid/);
    }
  });
});

describe('the list query', () => {
  const parse = (q: Record<string, unknown>) => listStoresQuery.safeParse(q);

  it('reads limit, continue, phase, q and sort from query strings', () => {
    expect(parse({}).data).toEqual({ sort: 'name' });
    expect(parse({ limit: '50', phase: 'Ready', q: '  shop ', sort: '-createdAt', continue: 'abc' }).data)
      .toEqual({ limit: 50, phase: 'Ready', q: 'shop', sort: '-createdAt', continue: 'abc' });
    expect(parse({ q: '   ' }).data).toEqual({ sort: 'name' });
  });

  it('refuses bad parameters (the API answers 400 and lists them)', () => {
    for (const bad of [{ limit: '0' }, { limit: '501' }, { limit: 'ten' }, { limit: '-1' }, { limit: '1.5' }, { phase: 'Happy' },
      { sort: 'size' }, { q: 'x'.repeat(101) }, { continue: '' }, { page: '2' }, { phase: ['Ready', 'Failed'] }]) {
      expect(parse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
