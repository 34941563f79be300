// Every kind of early failure (api/src/store/blockers.ts), as the failure box shows it, in
// real Chromium: the message the platform writes (the shapes the cluster suites assert), who
// acts next, axe clean; each screenshotted to test-results/screenshots/failure-<kind>.png.
import { describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../index.ts';
import { expectNoAxeViolations, mount } from '../../test/browser.ts';
import { PLANS, storeView } from '../../test/fixtures.ts';

const KINDS = {
  ImagePullFailed: ['The cluster cannot download image wordpress:6.8.3-php8.3-apache for the web server. If this cluster is offline, import the image or set STOREFLEET_PLATFORM_VALUES to local images.', 'Ask your platform operator'],
  InvalidImageName: ['The image name "storefleet.local/WordPress:Bad Tag" for the web server is not valid. Correct the image in STOREFLEET_PLATFORM_VALUES, then retry.', 'Ask your platform operator'],
  PodRefused: ['The store needs more resources than its plan allows: Kubernetes refused to create a pod for the database (the plan\'s per-container limits). Choose a larger plan, or ask the platform operator to raise the plan\'s limits.', 'Choose a larger plan'],
  StorageUnavailable: ['The cluster cannot provide storage for the database (StorageClass "fast-ssd"). Set persistence.storageClass in STOREFLEET_PLATFORM_VALUES to a StorageClass the cluster has (kubectl get storageclass), then retry.', 'Ask your platform operator'],
  CrashLooping: ['Container mariadb of the database keeps crashing (3 restarts, last exit code 1). Its log says why: kubectl -n store-shop1 logs shop1-mariadb-0 -c mariadb --previous', 'ask your platform operator with the log command above'],
  NoRoom: ['Gave up after 15 min. Waiting for room: a small store needs 250m CPU and 576 MiB; the cluster has 50m CPU free for stores.', 'Retry once stores were deleted'],
  Unschedulable: ['No node has enough cpu free for the web server. Free capacity on the cluster or add a node, then retry. (Kubernetes: 0/1 nodes are available: 1 Insufficient cpu.)', 'Retry once the cluster has room'],
} as const;

describe('the failure box for each early failure', () => {
  it.each(Object.entries(KINDS))('%s: says what went wrong and who acts next', async (kind, [message, next]) => {
    const detail = await mount<HTMLElementTagNameMap['store-detail']>('<store-detail></store-detail>');
    detail.store = storeView('shop1', { state: { phase: 'Failed', reason: kind, message, since: new Date().toISOString() } });
    detail.plans = PLANS;
    await detail.updateComplete;
    await expect.element(page.getByRole('alert')).toBeVisible();
    const text = detail.shadowRoot!.querySelector('[part=failure]')!.textContent!.replace(/\s+/g, ' ').trim();
    expect(text.startsWith(`What went wrong: ${message} Next step: `)).toBe(true);
    expect(text.slice(`What went wrong: ${message} Next step: `.length)).toContain(next);
    await expectNoAxeViolations(detail);
    await page.screenshot({ path: `../../../test-results/screenshots/failure-${kind}.png`, element: detail });
  });
});
