import { describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../index.ts';
import { expectNoAxeViolations, mount } from '../../test/browser.ts';
import type { TimelineEntry } from './store-timeline.ts';

const progress = (step: string, status: string, message: string) => JSON.stringify({ ts: '2026-01-01T10:00:00Z', step, status, message });

describe('<store-timeline>', () => {
  it('renders phases and provisioner lines, and announces the latest phase politely', async () => {
    const timeline = await mount<HTMLElementTagNameMap['store-timeline']>('<store-timeline connection="live"></store-timeline>');
    const entries: TimelineEntry[] = [
      { kind: 'status', id: 's1', at: new Date().toISOString(), phase: 'Provisioning', message: 'The install Job is running.' },
      { kind: 'log', id: 'j:1', job: 'j', text: progress('install', 'started', 'helm upgrade --install shop /chart') },
      { kind: 'log', id: 'j:2', job: 'j', text: 'plain helm output' },
    ];
    timeline.entries = entries;
    await timeline.updateComplete;
    const items = [...timeline.shadowRoot!.querySelectorAll('li')].map((li) => [...li.children].map((c) => c.textContent!.trim()).filter(Boolean).join(' '));
    expect(items[0]).toMatch(/Provisioning The install Job is running\.$/);
    expect(items[1]).toMatch(/install started helm upgrade --install shop \/chart$/);
    expect(items[2]).toBe('plain helm output');
    await expect.element(page.getByRole('status')).toHaveTextContent('Provisioning: The install Job is running.');
    await expect.element(page.getByText('Live')).toBeVisible();
    await expectNoAxeViolations(timeline);
  });

  it('says when the connection dropped and it is reconnecting', async () => {
    const timeline = await mount<HTMLElementTagNameMap['store-timeline']>('<store-timeline connection="reconnecting"></store-timeline>');
    await expect.element(page.getByText('Connection lost — reconnecting…')).toBeVisible();
    expect(timeline.shadowRoot!.textContent).toContain('Waiting for the first event…');
  });

  it('marks a failed step', async () => {
    const timeline = await mount<HTMLElementTagNameMap['store-timeline']>('<store-timeline></store-timeline>');
    timeline.entries = [{ kind: 'log', id: 'j:9', job: 'j', text: progress('done', 'failed', 'The store needs more resources than its plan allows.') }];
    await timeline.updateComplete;
    expect(timeline.shadowRoot!.querySelector('li')!.classList.contains('failed')).toBe(true);
  });
});
