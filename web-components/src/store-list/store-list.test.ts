import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../index.ts';
import { expectNoAxeViolations, mount } from '../../test/browser.ts';
import { storeView } from '../../test/fixtures.ts';
import type { StoreSearch } from './store-list.ts';

const mountList = () => mount<HTMLElementTagNameMap['store-list']>('<store-list></store-list>');

/** The events of `type` the list fires, as they come. */
function collect<T>(list: HTMLElement, type: string): T[] {
  const seen: T[] = [];
  list.addEventListener(type, (e) => seen.push((e as CustomEvent<T>).detail));
  return seen;
}

describe('<store-list>', () => {
  it('shows each store with phase, shop URL, age and owner, and the counts by phase', async () => {
    const list = await mountList();
    list.stores = [storeView('alpha'), storeView('beta', { tenant: 'bob', state: { phase: 'Failed', reason: 'InstallFailed', message: 'x', since: '' } })];
    list.counts = { all: 230, byPhase: { Ready: 200, Provisioning: 20, Failed: 10 } };
    list.remaining = 228;
    await list.updateComplete;
    const rows = list.shadowRoot!.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent!.replace(/\s+/g, ' ').trim()).toBe('alpha Ready alpha.shops.test 3 h alice');
    expect(rows[1]!.querySelector('.badge')!.textContent).toBe('Failed');
    await expect.element(page.getByRole('link', { name: 'beta.shops.test' })).toHaveAttribute('href', 'http://beta.shops.test/');
    expect(list.shadowRoot!.querySelector('[part=counts]')!.textContent!.replace(/\s+/g, ' ').trim()).toBe('230 stores Failed 10 Provisioning 20 Ready 200');
    const options = [...list.shadowRoot!.querySelectorAll('option')].map((o) => o.textContent);
    expect(options).toEqual(['All phases (230)', 'Failed (10)', 'Unknown (0)', 'Queued (0)', 'Provisioning (20)', 'Deleting (0)', 'Ready (200)']);
    expect(list.shadowRoot!.querySelector('nav')!.textContent).toContain('Stores 1–2 of 230');
    await expectNoAxeViolations(list);
  });

  it('shows a queued store with its place in line', async () => {
    const list = await mountList();
    list.stores = [storeView('gamma', { state: { phase: 'Queued', reason: 'Queued', message: 'Waiting for a free provisioning slot (number 2 in line).', since: '', queuePosition: 2 } })];
    await list.updateComplete;
    expect(list.shadowRoot!.querySelector('tbody tr td:nth-child(2)')!.textContent!.replace(/\s+/g, ' ').trim()).toBe('Queued #2 in line');
    await expectNoAxeViolations(list);
  });

  it('asks the API to search once typing settles, and to filter by phase at once', async () => {
    const list = await mountList();
    list.stores = [storeView('alpha')];
    await list.updateComplete;
    const searches = collect<StoreSearch>(list, 'store-search');
    await userEvent.type(page.getByRole('searchbox', { name: 'Search stores' }), 'bob');
    // One search for the settled text, not one per key.
    await expect.poll(() => searches).toEqual([{ q: 'bob', phase: '', sort: 'name' }]);
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Phase' }), 'Failed');
    expect(searches.at(-1)).toEqual({ q: 'bob', phase: 'Failed', sort: 'name' });
    list.stores = [];
    await list.updateComplete;
    await expect.element(page.getByRole('status')).toHaveTextContent('No store matches “bob” in phase Failed.');
  });

  it('sorts by a column when its header is clicked, and reverses on a second click', async () => {
    const list = await mountList();
    list.stores = [storeView('alpha')];
    await list.updateComplete;
    const searches = collect<StoreSearch>(list, 'store-search');
    const storeHeader = list.shadowRoot!.querySelectorAll('th')[0]!;
    expect(storeHeader.getAttribute('aria-sort')).toBe('ascending');
    await userEvent.click(page.getByRole('button', { name: 'Store' }));
    expect(searches.at(-1)!.sort).toBe('-name');
    list.search = searches.at(-1)!;
    await list.updateComplete;
    expect(storeHeader.getAttribute('aria-sort')).toBe('descending');
    await userEvent.click(page.getByRole('button', { name: 'Age' }));
    expect(searches.at(-1)!.sort).toBe('-createdAt');
    list.search = searches.at(-1)!;
    await list.updateComplete;
    // Newest first is the youngest age first.
    expect(list.shadowRoot!.querySelectorAll('th')[3]!.getAttribute('aria-sort')).toBe('ascending');
    await userEvent.click(page.getByRole('button', { name: 'Phase', exact: true }));
    expect(searches.at(-1)!.sort).toBe('phase');
  });

  it('pages with Previous and Next, each disabled where there is no page', async () => {
    const list = await mountList();
    list.stores = [storeView('alpha'), storeView('beta')];
    list.remaining = 3;
    await list.updateComplete;
    const turns = collect<{ direction: string }>(list, 'store-page');
    const previous = page.getByRole('button', { name: '← Previous' });
    const next = page.getByRole('button', { name: 'Next →' });
    await expect.element(previous).toBeDisabled();
    await userEvent.click(next);
    expect(turns).toEqual([{ direction: 'next' }]);
    list.pageStart = 2;
    list.hasPrevious = true;
    list.remaining = 0;
    await list.updateComplete;
    await expect.element(next).toBeDisabled();
    expect(list.shadowRoot!.querySelector('nav')!.textContent).toContain('Stores 3–4 of 4');
    await userEvent.click(previous);
    expect(turns).toEqual([{ direction: 'next' }, { direction: 'previous' }]);
  });

  it('has designed empty, loading and error states', async () => {
    const list = await mountList();
    expect(list.shadowRoot!.textContent).toContain('No stores yet. Create your first store');
    list.loading = true;
    await list.updateComplete;
    await expect.element(page.getByRole('status')).toHaveTextContent('Loading stores…');
    list.error = 'The storefleet API cannot be reached.';
    await list.updateComplete;
    await expect.element(page.getByRole('alert')).toHaveTextContent('Could not load stores: The storefleet API cannot be reached.');
    await expectNoAxeViolations(list);
  });

  it('opens a store with the keyboard: Tab to its name, Enter selects it', async () => {
    const list = await mountList();
    list.stores = [storeView('alpha')];
    await list.updateComplete;
    const selected = collect<{ name: string }>(list, 'store-select');
    // From the last sortable header (Age), the next stop is the first store's name.
    [...list.shadowRoot!.querySelectorAll<HTMLButtonElement>('th .sort')].at(-1)!.focus();
    await userEvent.tab();
    await userEvent.keyboard('{Enter}');
    expect(selected.map((s) => s.name)).toEqual(['alpha']);
  });
});
