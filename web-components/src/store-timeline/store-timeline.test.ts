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

  it('groups rows by step and shows how far each part of the store has come', async () => {
    const timeline = await mount<HTMLElementTagNameMap['store-timeline']>('<store-timeline connection="live"></store-timeline>');
    const summary = (ready: number, phases: [string, string][]) => ({
      ready, total: 4, text: '', parts: phases.map(([part, phase]) => ({ part: part as 'web', phase: phase as 'ready', detail: phase === 'starting' ? 'ImagePullBackOff' : phase })),
    });
    timeline.entries = [
      { kind: 'log', id: 'j:1', job: 'j', text: progress('install', 'started', 'helm upgrade --install shop /chart') },
      { kind: 'log', id: 'j:2', job: 'j', text: progress('install', 'output', 'waiting for StatefulSet shop-mariadb: InProgress') },
      { kind: 'progress', id: 'p1', job: 'j', at: '2026-01-01T10:00:01Z', text: 'Placed Pod shop-mariadb-0 on node n1.', reason: 'Scheduled', part: 'database', summary: summary(0, [['storage', 'ready'], ['database', 'starting'], ['web', 'waiting'], ['setup', 'waiting']]) },
      { kind: 'progress', id: 'p2', job: 'j', at: '2026-01-01T10:00:05Z', text: 'Database is ready (container mariadb).', reason: 'Ready', part: 'database', summary: summary(2, [['storage', 'ready'], ['database', 'ready'], ['web', 'starting'], ['setup', 'waiting']]) },
      { kind: 'progress', id: 'p3', job: 'j', at: '2026-01-01T10:00:06Z', text: 'Cannot download storefleet.local/wordpress:x', reason: 'Failed', part: 'web', warning: true, summary: summary(2, [['storage', 'ready'], ['database', 'ready'], ['web', 'starting'], ['setup', 'waiting']]) },
    ];
    await timeline.updateComplete;
    const headings = [...timeline.shadowRoot!.querySelectorAll('.group h4')].map((h) => h.textContent!.trim());
    expect(headings).toEqual(['Helm · install', 'Kubernetes · database', 'Kubernetes · web']);
    await expect.element(page.getByText('2 of 4 parts ready')).toBeVisible();
    const parts = [...timeline.shadowRoot!.querySelectorAll('.part')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(parts).toEqual(['storage ready', 'database ready', 'web ImagePullBackOff', 'setup waiting']);
    expect(timeline.shadowRoot!.querySelector('li.warning')!.textContent).toContain('Cannot download');
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

  it('cuts long Kubernetes reasons to their column, whole in the title, never over the message (screenshot)', async () => {
    const timeline = await mount<HTMLElementTagNameMap['store-timeline']>('<store-timeline connection="live" style="max-width: 25rem"></store-timeline>');
    const summary = { ready: 0, total: 4, text: '', parts: [] };
    const at = '2026-01-01T10:00:01Z';
    timeline.entries = [
      { kind: 'progress', id: 'p1', job: 'j', at, text: 'Scaled up ReplicaSet shop-wordpress-7d9f to 1.', reason: 'ScalingReplicaSet', part: 'web', summary },
      { kind: 'progress', id: 'p2', job: 'j', at, text: 'Waiting for the pod that will use it to be scheduled.', reason: 'WaitForFirstConsumer', part: 'storage', summary },
      { kind: 'progress', id: 'p3', job: 'j', at, text: 'Placed Pod shop-mariadb-0 on node n1.', reason: 'Scheduled', part: 'database', summary },
    ];
    await timeline.updateComplete;
    const rows = [...timeline.shadowRoot!.querySelectorAll('li.event')];
    for (const row of rows) {
      const step = row.querySelector<HTMLElement>('.step')!;
      const text = row.querySelector<HTMLElement>('.text')!;
      expect(step.title).toBe(step.textContent);
      // The reason ends where its column does: the message beside it starts clear of it.
      expect(step.getBoundingClientRect().right).toBeLessThanOrEqual(text.getBoundingClientRect().left);
      expect(getComputedStyle(step).textOverflow).toBe('ellipsis');
    }
    const [scaling, waiting, scheduled] = rows.map((row) => row.querySelector<HTMLElement>('.step')!);
    expect(scaling!.scrollWidth).toBeGreaterThan(scaling!.clientWidth);
    expect(waiting!.scrollWidth).toBeGreaterThan(waiting!.clientWidth);
    expect(scheduled!.scrollWidth).toBe(scheduled!.clientWidth);
    await expectNoAxeViolations(timeline);
    await page.screenshot({ path: '../../../test-results/screenshots/timeline-long-reasons.png', element: timeline });
  });
});
