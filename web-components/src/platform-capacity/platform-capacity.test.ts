import { describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../index.ts';
import { expectNoAxeViolations, mount } from '../../test/browser.ts';
import { ADMIN_CAPACITY } from '../../test/fixtures.ts';

describe('<platform-capacity>', () => {
  it('shows an admin what stores hold of their room, what is free, who waits, and what one more store needs', async () => {
    const element = await mount<HTMLElementTagNameMap['platform-capacity']>('<platform-capacity></platform-capacity>');
    element.capacity = ADMIN_CAPACITY;
    await expect.element(page.getByRole('region', { name: 'Room for stores' })).toBeVisible();
    const text = element.shadowRoot!.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain('Used 1.5 CPU and 3.4 GiB of 1.6 CPU and 23 GiB');
    expect(text).toContain('Free 100m CPU and 19.6 GiB');
    expect(text).toContain('Stores 6 small');
    expect(text).toContain('2 waiting for room');
    expect(text).toContain('small 250m CPU and 576 MiB · medium 550m CPU and 1.1 GiB · large 1.1 CPU and 2.1 GiB');
    expect(element.shadowRoot!.querySelector('meter')!.value).toBe(1500);
    await expectNoAxeViolations(element);
    await page.screenshot({ path: '../../../test-results/screenshots/platform-capacity.png', element });
  });

  it('shows nothing to a tenant, or when the platform does not count room', async () => {
    const element = await mount<HTMLElementTagNameMap['platform-capacity']>('<platform-capacity></platform-capacity>');
    element.capacity = { tracked: false, reason: 'Only a platform admin sees the cluster\'s capacity.' };
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('section')).toBeNull();
  });
});
