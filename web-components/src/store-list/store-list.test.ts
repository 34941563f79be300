import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../index.ts';
import { expectNoAxeViolations, mount } from '../../test/browser.ts';
import { storeView } from '../../test/fixtures.ts';

const mountList = () => mount<HTMLElementTagNameMap['store-list']>('<store-list></store-list>');

describe('<store-list>', () => {
  it('shows each store with phase, shop URL, age and owner', async () => {
    const list = await mountList();
    list.stores = [storeView('alpha'), storeView('beta', { tenant: 'bob', state: { phase: 'Failed', reason: 'InstallFailed', message: 'x', since: '' } })];
    await list.updateComplete;
    const rows = list.shadowRoot!.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent!.replace(/\s+/g, ' ').trim()).toBe('alpha Ready alpha.shops.test 3 h alice');
    expect(rows[1]!.querySelector('.badge')!.textContent).toBe('Failed');
    await expect.element(page.getByRole('link', { name: 'beta.shops.test' })).toHaveAttribute('href', 'http://beta.shops.test/');
    await expectNoAxeViolations(list);
  });

  it('filters as you type in the search box, and says when nothing matches', async () => {
    const list = await mountList();
    list.stores = [storeView('alpha'), storeView('beta', { tenant: 'bob' }), storeView('gamma')];
    await list.updateComplete;
    await userEvent.type(page.getByRole('searchbox', { name: 'Search stores' }), 'bob');
    expect([...list.shadowRoot!.querySelectorAll('tbody .name')].map((b) => b.textContent)).toEqual(['beta']);
    await userEvent.fill(page.getByRole('searchbox', { name: 'Search stores' }), 'nothing-here');
    await expect.element(page.getByRole('status')).toHaveTextContent('No store matches “nothing-here”.');
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
    const selected: string[] = [];
    list.addEventListener('store-select', (e) => selected.push((e as CustomEvent).detail.name));
    list.shadowRoot!.querySelector<HTMLInputElement>('input')!.focus();
    await userEvent.tab();
    await userEvent.keyboard('{Enter}');
    expect(selected).toEqual(['alpha']);
  });
});
