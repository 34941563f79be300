// The list's paging on its own: continue tokens, offsets, stale answers and emptied pages.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { describe, expect, it } from 'vitest';
import type { StorePage } from '../api/types.ts';
import { storeView } from '../../test/fixtures.ts';
import { type FetchPage, PagingController } from './paging-controller.ts';

class Host implements ReactiveControllerHost {
  controllers: ReactiveController[] = [];
  updates = 0;
  addController(controller: ReactiveController) { this.controllers.push(controller); }
  removeController() {}
  requestUpdate() { this.updates += 1; }
  get updateComplete() { return Promise.resolve(true); }
}

const page = (names: string[], next?: string): StorePage => ({
  items: names.map((name) => storeView(name)),
  metadata: { remainingItemCount: next ? 1 : 0, ...(next ? { continue: next } : {}) },
  counts: { all: names.length, byPhase: {} },
});
const search = { q: '', phase: '', sort: 'name' } as const;

/** A fetch that answers from `pages` by continue token ('' = first), recording what was asked. */
function pagesApi(pages: Record<string, StorePage>) {
  const asked: (string | undefined)[] = [];
  const fetchPage: FetchPage = async (query) => {
    asked.push(query.continue);
    return pages[query.continue ?? '']!;
  };
  return { asked, fetchPage };
}

describe('PagingController', () => {
  it('registers with its host and pages forward and back with the API\'s tokens and offsets', async () => {
    const host = new Host();
    const { asked, fetchPage } = pagesApi({ '': page(['a', 'b'], 't1'), t1: page(['c', 'd'], 't2'), t2: page(['e']) });
    const paging = new PagingController(host, fetchPage);
    expect(host.controllers).toEqual([paging]);
    await paging.load(search);
    expect([paging.page!.items.map((s) => s.name), paging.index, paging.start]).toEqual([['a', 'b'], 0, 0]);
    expect(paging.turn('next', search)).toBe(true);
    await paging.load(search);
    expect(paging.turn('next', search)).toBe(true);
    await paging.load(search);
    expect([paging.page!.items.map((s) => s.name), paging.index, paging.start]).toEqual([['e'], 2, 4]);
    expect(paging.turn('next', search)).toBe(false);
    expect(paging.turn('previous', search)).toBe(true);
    await paging.load(search);
    expect([paging.page!.items.map((s) => s.name), paging.index, paging.start]).toEqual([['c', 'd'], 1, 2]);
    expect(asked).toEqual([undefined, 't1', 't2', 't1']);
    expect(host.updates).toBe(4);
  });

  it('does not page from a search already replaced, nor back from the first page', async () => {
    const { fetchPage } = pagesApi({ '': page(['a'], 't1') });
    const paging = new PagingController(new Host(), fetchPage);
    await paging.load(search);
    expect(paging.turn('previous', search)).toBe(false);
    expect(paging.turn('next', { ...search, q: 'x' })).toBe(false);
  });

  it('starts a new search at the first page', async () => {
    const { asked, fetchPage } = pagesApi({ '': page(['a'], 't1'), t1: page(['b']) });
    const paging = new PagingController(new Host(), fetchPage);
    await paging.load(search);
    paging.turn('next', search);
    paging.restart();
    await paging.load({ ...search, q: 'a' });
    expect(asked).toEqual([undefined, undefined]);
    expect(paging.index).toBe(0);
  });

  it('shows only the newest request\'s answer', async () => {
    const answers: ((page: StorePage) => void)[] = [];
    const paging = new PagingController(new Host(), () => new Promise((resolve) => answers.push(resolve)));
    const first = paging.load(search);
    const second = paging.load(search);
    answers[1]!(page(['new']));
    answers[0]!(page(['old']));
    await Promise.all([first, second]);
    expect(paging.page!.items.map((s) => s.name)).toEqual(['new']);
  });

  it('goes back a page when every store of a later one was deleted', async () => {
    const pages = { '': page(['a'], 't1'), t1: page(['b']) };
    const { fetchPage } = pagesApi(pages);
    const paging = new PagingController(new Host(), fetchPage);
    await paging.load(search);
    paging.turn('next', search);
    await paging.load(search);
    pages.t1 = page([]);
    await paging.load(search);
    expect([paging.page!.items.map((s) => s.name), paging.index, paging.start]).toEqual([['a'], 0, 0]);
  });

  it('changes rows of the page on screen in place', async () => {
    const host = new Host();
    const paging = new PagingController(host, pagesApi({ '': page(['a', 'b']) }).fetchPage);
    paging.updateItems((items) => items.slice(1));
    expect(paging.page).toBeUndefined();
    await paging.load(search);
    const updates = host.updates;
    paging.updateItems((items) => items.filter((s) => s.name === 'b'));
    expect(paging.page!.items.map((s) => s.name)).toEqual(['b']);
    expect(host.updates).toBe(updates + 1);
  });
});
