import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../index.ts';
import { expectNoAxeViolations, focusedLabel, mount } from '../../test/browser.ts';

describe('<store-delete-confirm>', () => {
  it('deletes only after the exact name is typed, and says so with an event', async () => {
    const element = await mount<HTMLElementTagNameMap['store-delete-confirm']>('<store-delete-confirm name="shop-one"></store-delete-confirm>');
    const confirmed: string[] = [];
    element.addEventListener('store-delete-confirm', (e) => confirmed.push((e as CustomEvent).detail.name));
    await element.open();
    const button = page.getByRole('button', { name: 'Delete store' });
    await expect.element(button).toBeDisabled();
    expect(focusedLabel()).toBe('Type shop-one to confirm');
    await userEvent.keyboard('shop-on');
    await expect.element(button).toBeDisabled();
    await userEvent.keyboard('e');
    await expect.element(button).toBeEnabled();
    await expectNoAxeViolations(element);
    await userEvent.keyboard('{Enter}');
    expect(confirmed).toEqual(['shop-one']);
  });

  it('cancels with Escape and fires store-delete-cancel, not a delete', async () => {
    const element = await mount<HTMLElementTagNameMap['store-delete-confirm']>('<store-delete-confirm name="shop-two"></store-delete-confirm>');
    const events: string[] = [];
    element.addEventListener('store-delete-confirm', () => events.push('confirm'));
    element.addEventListener('store-delete-cancel', () => events.push('cancel'));
    await element.open();
    await userEvent.keyboard('shop-two');
    await userEvent.keyboard('{Escape}');
    await expect.poll(() => events).toEqual(['cancel']);
  });
});
