import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../index.ts';
import { expectNoAxeViolations, focusedLabel, mount } from '../../test/browser.ts';
import { PLANS } from '../../test/fixtures.ts';

const mountForm = async () => {
  const form = await mount<HTMLElementTagNameMap['store-create-form']>('<store-create-form></store-create-form>');
  form.plans = PLANS;
  await form.updateComplete;
  return form;
};

describe('<store-create-form>', () => {
  it('checks the name as you type with the API rule, and names reserved words', async () => {
    await mountForm();
    expect(focusedLabel()).toBe('Store name');
    const name = page.getByLabelText('Store name');
    await userEvent.keyboard('Shop');
    await expect.element(name).toHaveAttribute('aria-invalid', 'true');
    await expect.element(page.getByRole('alert')).toHaveTextContent('A store name is 3-32 lowercase letters, digits and dashes, starting with a letter.');
    await userEvent.fill(name, 'admin');
    await expect.element(page.getByRole('alert')).toHaveTextContent('This store name is reserved.');
    await userEvent.fill(name, 'corner-shop');
    await expect.element(name).toHaveAttribute('aria-invalid', 'false');
    await expectNoAxeViolations(document.querySelector('store-create-form')!);
  });

  it('submits name and plan from the keyboard and fires store-create-submit', async () => {
    const form = await mountForm();
    const submitted: unknown[] = [];
    form.addEventListener('store-create-submit', (e) => submitted.push((e as CustomEvent).detail));
    await userEvent.keyboard('corner-shop');
    await userEvent.click(page.getByRole('radio', { name: /medium/ }));
    await expect.element(page.getByRole('radio', { name: /medium/ })).toBeChecked();
    expect(form.shadowRoot!.textContent).toContain('6 CPU · 8Gi memory · 10Gi storage');
    page.getByLabelText('Store name').element().focus();
    await userEvent.keyboard('{Enter}');
    expect(submitted).toEqual([{ name: 'corner-shop', plan: 'medium' }]);
  });

  it('refuses to submit an invalid name and puts focus back on it', async () => {
    const form = await mountForm();
    const submitted: unknown[] = [];
    form.addEventListener('store-create-submit', (e) => submitted.push(e));
    await userEvent.click(page.getByRole('button', { name: 'Create store' }));
    expect(submitted).toEqual([]);
    await expect.poll(focusedLabel).toBe('Store name');
    await expect.element(page.getByRole('alert')).toHaveTextContent('A store name is 3-32 lowercase letters, digits and dashes, starting with a letter.');
  });

  it('shows the API\'s refusal and a busy button', async () => {
    const form = await mountForm();
    form.busy = true;
    form.error = 'A store named "corner-shop" already exists.';
    await form.updateComplete;
    await expect.element(page.getByRole('button', { name: 'Creating…' })).toBeDisabled();
    await expect.element(page.getByText('The store was not created: A store named "corner-shop" already exists.')).toBeVisible();
  });
});
