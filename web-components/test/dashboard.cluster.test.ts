// The dashboard a person gets from `npm start`, in real Chromium against the real API and the
// real cluster: create a store and watch its install, reveal the admin password once, delete it
// with the typed confirmation, and see a failing create explain itself. Screenshots land in
// test-results/screenshots/.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, uniqueName } from '../../test-support/harness.ts';
import { CHROMIUM } from '../../vitest.config.ts';
import { type ApiProcess, client, STORE_TEST_VALUES, startApi, TOKENS, waitForGone } from '../../test-support/api-process.ts';
import { preparePlatform } from '../../test-support/platform.ts';

const SCREENSHOTS = path.join(repoRoot, 'test-results/screenshots');
const BUNDLE = path.join(repoRoot, 'web-components/dist/cdn/store-manager.js');
const INSTALL_TIMEOUT = 240_000;

let browser: Browser;
const apis: ApiProcess[] = [];

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error('The dashboard bundle is missing: run `npm run build` first (`npm test` does).');
  await mkdir(SCREENSHOTS, { recursive: true });
  await preparePlatform();
  browser = await chromium.launch(CHROMIUM);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(apis.map((a) => a.kill()));
});

/** A signed-in dashboard on an API started with `values` as the platform's chart values. */
async function openDashboard(values: object = STORE_TEST_VALUES, env: Record<string, string> = {}) {
  const api = await startApi({ STOREFLEET_PLATFORM_VALUES: JSON.stringify(values), ...env });
  apis.push(api);
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${api.url}/`);
  // No token yet: the API answers 401 and the element asks for one, keeping it for the tab.
  await page.getByLabel('API token').fill(TOKENS.alice);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'New store' }).waitFor();
  // From here on, no script errors and no failed requests.
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  // Events the element fires, collected on the page for the test to read.
  await page.evaluate(() => {
    const seen: Array<{ type: string; detail: unknown }> = [];
    (window as unknown as { storeEvents: typeof seen }).storeEvents = seen;
    for (const type of ['store-created', 'store-deleted', 'store-failed']) {
      document.addEventListener(type, (e) => seen.push({ type, detail: (e as CustomEvent).detail }));
    }
  });
  return { api, page, problems, rest: client(api, TOKENS.alice) };
}

const storeEvents = (page: Page) =>
  page.evaluate(() => (window as unknown as { storeEvents: Array<{ type: string; detail: { name?: string; store?: { name: string } } }> }).storeEvents
    .map((e) => `${e.type} ${e.detail.name ?? e.detail.store?.name}`));

async function createInUi(page: Page, name: string) {
  await page.getByRole('button', { name: 'New store' }).click();
  await page.getByLabel('Store name').fill(name);
  await page.getByRole('radio', { name: /small/ }).check();
  await page.getByRole('button', { name: 'Create store' }).click();
}

const timelineLogLines = (page: Page) => page.locator('store-timeline li.line');
const detailPhase = (page: Page) => page.locator('store-detail header .badge');

describe('the dashboard', () => {
  it('creates a store, streams its install log live, reaches Ready, reveals the password once, and deletes it', async () => {
    const { api, page, problems, rest } = await openDashboard();
    const name = uniqueName('ui');
    await createInUi(page, name);

    // The detail view follows the install as it happens: log lines arrive while Provisioning.
    await expect.poll(() => timelineLogLines(page).count(), { timeout: INSTALL_TIMEOUT }).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'timeline-live.png'), fullPage: true });
    // Mid-way, what Kubernetes reports: the parts summary and rows grouped by step.
    const summary = page.locator('store-timeline [part=summary]');
    await summary.waitFor({ timeout: INSTALL_TIMEOUT });
    expect(await summary.textContent()).toMatch(/[0-4] of 4 parts ready/);
    expect(await page.locator('store-timeline .group h4').allTextContents()).toEqual(expect.arrayContaining(['Helm · install']));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'timeline-progress.png'), fullPage: true });
    await expect.poll(() => detailPhase(page).textContent(), { timeout: INSTALL_TIMEOUT }).toBe('Ready');
    const lines = await timelineLogLines(page).allTextContents();
    expect(lines.some((line) => line.includes('done succeeded'))).toBe(true);
    await expect.poll(() => page.locator('store-timeline [part=connection]').textContent()).toContain('Live');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'timeline-ready.png'), fullPage: true });

    // The admin password is shown once; the API refuses a second reveal.
    await page.getByRole('button', { name: 'Show admin password (once)' }).click();
    const password = await page.getByLabel('Admin password').textContent();
    expect(password).toMatch(/^\S{16,}$/);
    const revealAgain = await fetch(`${api.url}/api/v1/stores/${name}/admin-credentials`, { method: 'POST', headers: { Authorization: `Bearer ${TOKENS.alice}` } });
    expect(revealAgain.status).toBe(410);

    // Back to the list: the store is there with its phase, shop address and owner.
    await page.getByRole('button', { name: '← All stores' }).click();
    const row = page.locator('store-list tbody tr', { hasText: name });
    await expect.poll(() => row.textContent()).toContain('Ready');
    expect(await row.textContent()).toContain('alice');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'list.png'), fullPage: true });

    // Delete with the typed-name confirmation; the row leaves the list when the store is gone.
    await page.getByRole('button', { name, exact: true }).click();
    await page.getByRole('button', { name: 'Delete store…' }).click();
    const confirm = page.getByRole('button', { name: 'Delete store', exact: true });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel(`Type ${name} to confirm`).fill(name);
    await confirm.click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: `Deleting ${name}` }).count()).toBe(1);
    await expect.poll(() => row.count(), { timeout: INSTALL_TIMEOUT }).toBe(0);
    await waitForGone(rest, name);
    expect(await storeEvents(page)).toEqual([`store-created ${name}`, `store-deleted ${name}`]);
    expect(problems).toEqual([]);
  });

  it('shows why a create failed, in plain words with the next step', async () => {
    // The chart refuses these settings: the install Job fails fast with the chart's reason.
    const { page, rest } = await openDashboard({ ...STORE_TEST_VALUES, backup: { retentionDays: 0 } }, { STOREFLEET_JOB_BACKOFF_LIMIT: '0' });
    const name = uniqueName('uibad');
    await createInUi(page, name);
    const failure = page.locator('store-detail [part=failure]');
    await failure.waitFor({ timeout: 120_000 });
    expect(await failure.textContent()).toMatch(/What went wrong:\s*The store settings were rejected by the chart: at '\/backup\/retentionDays'/);
    expect(await failure.textContent()).toContain('Next step: Change the store settings and try again.');
    expect(await storeEvents(page)).toEqual([`store-created ${name}`, `store-failed ${name}`]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'failure.png'), fullPage: true });
    await rest.remove(name);
    await waitForGone(rest, name);
  });

  it('shows an install the platform ended early: the reason Kubernetes gave, the Kubernetes rows, and who acts', async () => {
    const { page, rest } = await openDashboard({ image: { ...STORE_TEST_VALUES.image, wordpress: { repository: 'storefleet.local/wordpress', tag: 'not-imported' } } });
    const name = uniqueName('uipull');
    await createInUi(page, name);
    const failure = page.locator('store-detail [part=failure]');
    await failure.waitFor({ timeout: 120_000 });
    expect(await failure.textContent()).toContain('The cluster cannot download image storefleet.local/wordpress:not-imported for the web server.');
    expect(await failure.textContent()).toContain('Next step: Ask your platform operator to make this available to the cluster');
    expect(await page.locator('store-timeline .group h4').allTextContents()).toEqual(expect.arrayContaining(['Kubernetes · web']));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'failure-image-pull.png'), fullPage: true });
    await rest.remove(name);
    await waitForGone(rest, name);
  });
});
