import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../index.ts';
import { expectNoAxeViolations, focusedLabel, mount } from '../../test/browser.ts';
import { PLANS, storeView } from '../../test/fixtures.ts';
import type { StoreView } from '../api/types.ts';

const mountDetail = async (store: StoreView) => {
  const detail = await mount<HTMLElementTagNameMap['store-detail']>('<store-detail></store-detail>');
  detail.store = store;
  detail.plans = PLANS;
  await detail.updateComplete;
  return detail;
};

const collect = (element: HTMLElement, type: string) => {
  const details: unknown[] = [];
  element.addEventListener(type, (e) => details.push((e as CustomEvent).detail));
  return details;
};

describe('<store-detail>', () => {
  it('explains a failure in plain words with the next step', async () => {
    await mountDetail(storeView('shop-q', {
      state: { phase: 'Failed', reason: 'InstallFailed', code: 'QuotaExceeded', message: 'The store does not fit its quota: the plan allows 4 CPU.', since: new Date().toISOString() },
    }));
    const failure = page.getByRole('alert');
    await expect.element(failure).toHaveTextContent(
      'What went wrong: The store does not fit its quota: the plan allows 4 CPU. Next step: Choose a larger plan below and upgrade, or delete the store.');
    await expectNoAxeViolations(document.querySelector('store-detail')!);
  });

  it("shows the shop's health line: versions, the Store API, the last cron run", async () => {
    const detail = await mountDetail(storeView('shop-h'));
    expect(detail.renderRoot.querySelector('[aria-label="Shop health"]')).toBeNull();
    detail.health = {
      wordpress: '6.8.7', woocommerce: '10.0.2', storeApi: { answers: true, detail: 'lists 1 product' },
      lastCronRun: new Date(Date.now() - 120_000).toISOString(), checkedAt: new Date().toISOString(),
    };
    await detail.updateComplete;
    await expect.element(page.getByRole('status', { name: 'Shop health' }))
      .toHaveTextContent('WordPress 6.8.7 · WooCommerce 10.0.2 · Store API answers (lists 1 product) · last cron run 2 min ago');
    detail.health = { storeApi: { answers: false, detail: 'answered HTTP 502' }, checkedAt: new Date().toISOString() };
    await detail.updateComplete;
    await expect.element(page.getByRole('status', { name: 'Shop health' })).toHaveTextContent('Store API does not answer: answered HTTP 502 · no cron run yet');
  });

  it('links to the shop and wp-admin, and shows the admin password once it is revealed', async () => {
    const detail = await mountDetail(storeView('shop-r'));
    await expect.element(page.getByRole('link', { name: 'wp-admin' })).toHaveAttribute('href', 'http://shop-r.shops.test/wp-admin/');
    const reveals = collect(detail, 'store-reveal-request');
    await userEvent.click(page.getByRole('button', { name: 'Show admin password (once)' }));
    expect(reveals).toEqual([{ name: 'shop-r' }]);
    detail.credentials = { username: 'admin', password: 's3cret-Pass', loginUrl: 'http://shop-r.shops.test/wp-login.php' };
    await detail.updateComplete;
    await expect.element(page.getByLabelText('Admin password')).toHaveTextContent('s3cret-Pass');
    await expect.element(page.getByRole('button', { name: 'Show admin password (once)' })).not.toBeInTheDocument();
    await expectNoAxeViolations(detail);
  });

  it('asks for a plan change only when another plan is chosen, from the keyboard', async () => {
    const detail = await mountDetail(storeView('shop-s'));
    const changes = collect(detail, 'store-change-request');
    const upgrade = page.getByRole('button', { name: 'Upgrade' });
    await expect.element(upgrade).toBeDisabled();
    await userEvent.selectOptions(page.getByLabelText('New plan'), 'large');
    await expect.element(upgrade).toBeEnabled();
    await userEvent.click(upgrade);
    expect(changes).toEqual([{ name: 'shop-s', plan: 'large' }]);
  });

  it('rolls back to a revision picked from the release history', async () => {
    const detail = await mountDetail(storeView('shop-t'));
    expect(detail.shadowRoot!.textContent).toContain('No earlier revision yet.');
    const at = new Date(Date.now() - 120_000).toISOString();
    detail.revisions = [
      { revision: 3, status: 'deployed', plan: 'large', updatedAt: at },
      { revision: 2, status: 'superseded', plan: 'medium', updatedAt: at },
      { revision: 1, status: 'superseded', plan: 'small', updatedAt: at },
    ];
    await detail.updateComplete;
    const rollbacks = collect(detail, 'store-rollback-request');
    const options = [...detail.shadowRoot!.querySelectorAll('#revision option')].map((o) => o.textContent);
    expect(options).toEqual(['#2 — medium, superseded, 2 min ago', '#1 — small, superseded, 2 min ago']);
    await userEvent.selectOptions(page.getByLabelText('Revision'), '1');
    await userEvent.click(page.getByRole('button', { name: 'Roll back' }));
    expect(rollbacks).toEqual([{ name: 'shop-t', revision: 1 }]);
    await expectNoAxeViolations(detail);
  });

  it('opens the typed-name delete dialog and passes its confirmation on', async () => {
    const detail = await mountDetail(storeView('shop-u'));
    const deletes = collect(detail, 'store-delete-confirm');
    await userEvent.click(page.getByRole('button', { name: 'Delete store…' }));
    await expect.poll(focusedLabel).toBe('Type shop-u to confirm');
    await userEvent.keyboard('shop-u{Enter}');
    expect(deletes).toEqual([{ name: 'shop-u' }]);
  });

  it('disables changes while the store is being provisioned and says what is happening', async () => {
    const detail = await mountDetail(storeView('shop-v', {
      state: { phase: 'Provisioning', reason: 'InstallRunning', message: 'Installing the store.', since: new Date().toISOString() },
    }));
    detail.revisions = [{ revision: 2, status: 'pending-upgrade' }, { revision: 1, status: 'deployed', plan: 'small' }];
    await expect.element(page.getByRole('button', { name: 'Roll back' })).toBeDisabled();
    await expect.element(page.getByText('Installing the store.')).toBeVisible();
  });

  it('says it is loading before the store arrives', async () => {
    await mount('<store-detail></store-detail>');
    await expect.element(page.getByRole('status')).toHaveTextContent('Loading store…');
  });
});
