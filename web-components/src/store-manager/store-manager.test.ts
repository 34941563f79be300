import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../index.ts';
import { defineElement } from '../shared/define.ts';
import { expectNoAxeViolations, mount } from '../../test/browser.ts';
import { FakeApi, log, status } from '../../test/fake-api.ts';
import { ADMIN_CAPACITY, storeView } from '../../test/fixtures.ts';
import { StoreManager } from './store-manager.ts';

let api: FakeApi;
beforeEach(() => {
  api = new FakeApi().install();
  sessionStorage.clear();
});
afterEach(() => {
  document.body.innerHTML = '';
  api.restore();
});

const mountManager = (attributes = 'token="tok-alice"') =>
  mount<StoreManager>(`<store-manager api-base="" ${attributes} poll-interval="200"></store-manager>`);

const timelineText = () => {
  const detail = document.querySelector('store-manager')!.shadowRoot!.querySelector('store-detail')!;
  const timeline = detail.shadowRoot!.querySelector('store-timeline')!;
  return [...timeline.shadowRoot!.querySelectorAll('li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
};

describe('<store-manager>', () => {
  it('lists the stores the token may see, and says so when there are none', async () => {
    await mountManager();
    await expect.element(page.getByText(/No stores yet/)).toBeVisible();
    api.stores = [storeView('corner-shop')];
    await expect.element(page.getByRole('button', { name: 'corner-shop' })).toBeVisible();
    expect(api.calls('GET', '/stores')[0]!.headers.get('Authorization')).toBe('Bearer tok-alice');
    await expectNoAxeViolations(document.querySelector('store-manager')!);
  });

  it('shows an admin the cluster\'s room above the list, refreshed with it; a tenant\'s token is asked once and shown nothing', async () => {
    await mountManager();
    await expect.element(page.getByText(/No stores yet/)).toBeVisible();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(api.calls('GET', '/capacity')).toHaveLength(1);
    expect(page.getByRole('region', { name: 'Room for stores' }).query()).toBeNull();
    document.body.innerHTML = '';
    api.capacity = ADMIN_CAPACITY;
    await mountManager();
    await expect.element(page.getByRole('region', { name: 'Room for stores' })).toBeVisible();
    api.capacity = { ...ADMIN_CAPACITY, waitingForRoom: 3 };
    await expect.element(page.getByText('3 waiting for room')).toBeVisible();
  });

  it('asks for a token when the API refuses, and keeps it for the tab when told to', async () => {
    await mountManager('remember-token');
    await expect.element(page.getByRole('alert')).toHaveTextContent('Sign in with your storefleet API token.');
    await userEvent.fill(page.getByLabelText('API token'), 'tok-alice');
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('button', { name: 'New store' })).toBeVisible();
    expect(sessionStorage.getItem('storefleet-token')).toBe('tok-alice');
  });

  it('creates a store, fires store-created and streams its timeline, resuming after a drop', async () => {
    const manager = await mountManager();
    const created: string[] = [];
    manager.addEventListener('store-created', (e) => created.push(e.detail.store.name));
    const job = 'install-corner-shop-1';
    api.streams.set('corner-shop', [
      { events: [status('corner-shop', 'Provisioning', 'Installing the store.', 'InstallRunning'), log(job, 1, 'Release "corner-shop" does not exist. Installing it now.'), log(job, 2, 'waiting for mariadb')], drop: true },
      // After the drop the API replays from Last-Event-ID: line 3 on, nothing twice.
      { events: [log(job, 3, 'STATUS: deployed'), status('corner-shop', 'Ready', 'The store is ready.', 'InstallSucceeded')] },
    ]);
    await userEvent.click(page.getByRole('button', { name: 'New store' }));
    await userEvent.keyboard('corner-shop{Enter}');
    await expect.poll(() => created).toEqual(['corner-shop']);
    expect(api.calls('POST', '/stores')[0]!.body).toEqual({ name: 'corner-shop', plan: 'small' });
    await expect.poll(timelineText, { timeout: 5000 }).toEqual([
      expect.stringContaining('Provisioning'),
      'Release "corner-shop" does not exist. Installing it now.',
      'waiting for mariadb',
      'STATUS: deployed',
      expect.stringContaining('Ready'),
    ]);
    const connections = api.calls('GET', '/stores/corner-shop/events');
    expect(connections.map((c) => c.headers.get('Last-Event-ID'))).toEqual([null, `${job}:2`]);
    expect(connections[1]!.headers.get('Authorization')).toBe('Bearer tok-alice');
  });

  it('fires store-failed when a followed store fails', async () => {
    api.stores = [storeView('bad-shop', { state: { phase: 'Provisioning', reason: 'InstallRunning', message: 'Installing.', since: '' } })];
    api.streams.set('bad-shop', [{ events: [
      status('bad-shop', 'Provisioning', 'Installing.', 'InstallRunning'),
      status('bad-shop', 'Failed', 'The store does not fit its quota: the plan allows 4 CPU.', 'InstallFailed'),
    ] }]);
    const manager = await mountManager();
    const failed: unknown[] = [];
    manager.addEventListener('store-failed', (e) => failed.push(e.detail));
    await userEvent.click(page.getByRole('button', { name: 'bad-shop' }));
    await expect.poll(() => failed).toEqual([{ name: 'bad-shop', reason: 'InstallFailed', message: 'The store does not fit its quota: the plan allows 4 CPU.', operation: undefined }]);
  });

  it('deletes after the typed confirmation and fires store-deleted when the store is gone', async () => {
    api.stores = [storeView('old-shop')];
    const manager = await mountManager();
    const deleted: string[] = [];
    manager.addEventListener('store-deleted', (e) => deleted.push(e.detail.name));
    await userEvent.click(page.getByRole('button', { name: 'old-shop' }));
    await userEvent.click(page.getByRole('button', { name: 'Delete store…' }));
    await userEvent.keyboard('old-shop{Enter}');
    await expect.element(page.getByRole('status').first()).toHaveTextContent('Deleting old-shop: its namespace, data and backups are being removed.');
    expect(api.calls('DELETE', '/stores/old-shop')).toHaveLength(1);
    expect(deleted).toEqual([]);
    api.stores = [];
    await expect.poll(() => deleted).toEqual(['old-shop']);
  });

  it('pages, searches and filters on the server, and shows the counts it sends', async () => {
    api.stores = Array.from({ length: 7 }, (_, i) => storeView(`shop-${i}`, i === 5 ? { state: { phase: 'Failed', reason: 'InstallFailed', message: 'x', since: '' } } : {}));
    const manager = await mountManager('token="tok-alice" page-size="3"');
    const list = () => manager.shadowRoot!.querySelector('store-list')!;
    const rows = () => [...list().shadowRoot!.querySelectorAll('tbody .name')].map((b) => b.textContent);
    const listQueries = () => api.requests.filter((r) => r.method === 'GET' && r.path === '/stores').map((r) => r.query);
    await expect.poll(rows).toEqual(['shop-0', 'shop-1', 'shop-2']);
    expect(listQueries()[0]).toBe('limit=3&sort=name');
    expect(list().shadowRoot!.querySelector('[part=counts]')!.textContent).toMatch(/7 stores\s+Failed 1\s+Ready 6/);
    await userEvent.click(page.getByRole('button', { name: 'Next →' }));
    await expect.poll(rows).toEqual(['shop-3', 'shop-4', 'shop-5']);
    expect(listQueries().at(-1)).toBe('limit=3&continue=3...name&sort=name');
    await userEvent.click(page.getByRole('button', { name: 'Next →' }));
    await expect.poll(rows).toEqual(['shop-6']);
    await userEvent.click(page.getByRole('button', { name: '← Previous' }));
    await expect.poll(rows).toEqual(['shop-3', 'shop-4', 'shop-5']);
    // A search starts again at the first page, with the text sent to the API.
    await userEvent.type(page.getByRole('searchbox', { name: 'Search stores' }), 'shop-6');
    await expect.poll(rows).toEqual(['shop-6']);
    expect(listQueries().at(-1)).toBe('limit=3&q=shop-6&sort=name');
    await userEvent.clear(page.getByRole('searchbox', { name: 'Search stores' }));
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Phase' }), 'Failed');
    await expect.poll(rows).toEqual(['shop-5']);
    expect(listQueries().at(-1)).toBe('limit=3&phase=Failed&sort=name');
    // A store opened from a later page keeps its detail while the list pages on.
    await userEvent.click(page.getByRole('button', { name: 'shop-5' }));
    await expect.element(page.getByRole('button', { name: '← All stores' })).toBeVisible();
    await expectNoAxeViolations(manager);
  });

  it('the pager names the rows on screen while another page is on its way', async () => {
    api.stores = Array.from({ length: 7 }, (_, i) => storeView(`shop-${i}`));
    const manager = await mountManager('token="tok-alice" page-size="3"');
    const list = () => manager.shadowRoot!.querySelector('store-list')!.shadowRoot!;
    const screen = () => [[...list().querySelectorAll('tbody .name')].map((b) => b.textContent).join(' '), list().querySelector('nav span')?.textContent];
    await expect.poll(screen).toEqual(['shop-0 shop-1 shop-2', 'Stores 1–3 of 7']);
    // Two clicks on Next before the page arrives ask for the same next page.
    let release = api.holdLists();
    await userEvent.click(page.getByRole('button', { name: 'Next →' }));
    await userEvent.click(page.getByRole('button', { name: 'Next →' }));
    expect(screen()).toEqual(['shop-0 shop-1 shop-2', 'Stores 1–3 of 7']);
    release();
    await expect.poll(screen).toEqual(['shop-3 shop-4 shop-5', 'Stores 4–6 of 7']);
    // A search sent from page 2 keeps page 2's numbers until its first page arrives.
    release = api.holdLists();
    await userEvent.type(page.getByRole('searchbox', { name: 'Search stores' }), 'shop{Enter}');
    await expect.poll(() => api.requests.at(-1)?.query).toBe('limit=3&q=shop&sort=name');
    expect(screen()).toEqual(['shop-3 shop-4 shop-5', 'Stores 4–6 of 7']);
    // Next on the old search's page, while the new one is on its way, is not a page of either.
    const asked = api.requests.length;
    await userEvent.click(page.getByRole('button', { name: 'Next →' }));
    release();
    await expect.poll(screen).toEqual(['shop-0 shop-1 shop-2', 'Stores 1–3 of 7']);
    expect(api.requests.slice(asked).filter((r) => r.path === '/stores' && r.query.includes('continue=')).map((r) => r.query)).toEqual([]);
    expect(list().querySelector('[role=alert]')).toBeNull();
  });

  it('shows why the list cannot be loaded', async () => {
    api.restore();
    const original = globalThis.fetch;
    globalThis.fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    try {
      await mountManager();
      await expect.element(page.getByRole('alert')).toHaveTextContent('Could not load stores: The storefleet API cannot be reached. Check your connection and try again.');
    } finally {
      globalThis.fetch = original;
    }
  });

  it('can be themed from the host page through custom properties and parts', async () => {
    api.stores = [storeView('themed-shop', { state: { phase: 'Failed', reason: 'InstallFailed', message: 'x', since: '' } })];
    const style = document.createElement('style');
    style.textContent = 'store-manager { --store-accent: rgb(10, 20, 30); } store-manager::part(table) { border-top: 3px solid rgb(1, 2, 3); } store-manager::part(failure) { border-top: 4px solid rgb(4, 5, 6); }';
    document.head.append(style);
    try {
      const manager = await mountManager();
      await expect.element(page.getByRole('button', { name: 'themed-shop' })).toBeVisible();
      const table = manager.shadowRoot!.querySelector('store-list')!.shadowRoot!.querySelector('table')!;
      expect(getComputedStyle(table).borderTop).toBe('3px solid rgb(1, 2, 3)');
      const newStore = manager.shadowRoot!.querySelector('button.primary')!;
      expect(getComputedStyle(newStore).backgroundColor).toBe('rgb(10, 20, 30)');
      await userEvent.click(page.getByRole('button', { name: 'themed-shop' }));
      await expect.poll(() => {
        const failure = manager.shadowRoot!.querySelector('store-detail')?.shadowRoot!.querySelector('[part=failure]');
        return failure ? getComputedStyle(failure).borderTop : '';
      }).toBe('4px solid rgb(4, 5, 6)');
    } finally {
      style.remove();
    }
  });

  it('registers once: loading the bundle a second time is harmless', () => {
    expect(() => defineElement('store-manager', class extends StoreManager {})).not.toThrow();
    expect(customElements.get('store-manager')).toBe(StoreManager);
  });
});
