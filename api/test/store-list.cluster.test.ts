// GET /api/v1/stores on the real API and cluster: pages from the watch cache that stay
// stable while stores come and go, filters, tenants' counts, and 400s for bad parameters.
// The stores are bare store namespaces (no Helm release, no Job): listing needs nothing more.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStoreNamespace } from '../src/provisioning/namespace.ts';
import { buildIntent } from '../src/store/intent.ts';
import { ANNOTATIONS } from '../src/store/names.ts';
import { deleteNamespaces, kubeConfig, repoRoot, uniqueName, waitFor } from '../../test-support/harness.ts';
import { CHROMIUM } from '../../vitest.config.ts';
import { type ApiProcess, client, startApi, TOKENS } from '../../test-support/api-process.ts';
import { preparePlatform } from '../../test-support/platform.ts';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const run = uniqueName('pg');
const made = new Set<string>();
let api: ApiProcess;

/** A store namespace as the API makes it, its install marked started so no Job is made. */
async function makeStore(name: string, tenant: string) {
  const install = buildIntent(name, 'install', 1);
  const namespace = buildStoreNamespace(name, tenant, { plan: 'small', host: `${name}.localhost`, title: `Title of ${name}`, adminEmail: 'a@b.c' }, install, []);
  namespace.metadata!.annotations![ANNOTATIONS.operationStarted] = install.job;
  made.add(name);
  await core.createNamespace({ body: namespace });
}

type Page = {
  items: Array<{ name: string; tenant: string }>;
  metadata: { continue?: string; remainingItemCount: number };
  counts: { all: number; byPhase: Record<string, number> };
};
const listAs = async (token: string, query: string) => {
  const answer = await client(api, token).call('GET', `/api/v1/stores?${query}`);
  return { status: answer.status, body: answer.body as Page & { error?: { code: string; message: string } } };
};
const names = (page: Page) => page.items.map((s) => s.name);
// The page asks the API again after each click; on a busy node that can take seconds.
const POLL = { timeout: 15_000, interval: 200 };

const aliceStores = ['a', 'c', 'e', 'g', 'i'].map((suffix) => `${run}-${suffix}`);
const bobStores = [`${run}-b`, `${run}-d`];

beforeAll(async () => {
  preparePlatform();
  await Promise.all([...aliceStores.map((n) => makeStore(n, 'alice')), ...bobStores.map((n) => makeStore(n, 'bob'))]);
  api = await startApi();
  await waitFor('the API to list the stores', async () =>
    ((await listAs(TOKENS.admin, `q=${run}`)).body.items?.length === 7 ? true : undefined), 60_000, 300);
}, 600_000);

afterAll(async () => {
  await api?.kill();
  await deleteNamespaces(kc, ...[...made].map((n) => `store-${n}`));
});

describe('GET /api/v1/stores', () => {
  it('pages a tenant through its own stores, stable while stores are created and deleted between pages', async () => {
    const first = await listAs(TOKENS.alice, `limit=2&q=${run}`);
    expect(first.status).toBe(200);
    expect(names(first.body)).toEqual([`${run}-a`, `${run}-c`]);
    expect(first.body.metadata.remainingItemCount).toBe(3);

    // Between pages: one store before the cursor is created, the next row is deleted.
    await makeStore(`${run}-aa`, 'alice');
    await core.deleteNamespace({ name: `store-${run}-e` });
    await waitFor('the API to see both changes', async () => {
      const now = names((await listAs(TOKENS.alice, `q=${run}`)).body);
      return now.includes(`${run}-aa`) && !now.includes(`${run}-e`) ? true : undefined;
    }, 120_000, 500);

    const rest: string[] = [];
    let token = first.body.metadata.continue;
    while (token) {
      const next = await listAs(TOKENS.alice, `limit=2&q=${run}&continue=${encodeURIComponent(token)}`);
      expect(next.status).toBe(200);
      rest.push(...names(next.body));
      token = next.body.metadata.continue;
    }
    expect(rest).toEqual([`${run}-g`, `${run}-i`]);
  });

  it('filters and sorts, and counts by phase: a tenant its own stores, an admin every store', async () => {
    const bob = await listAs(TOKENS.bob, `q=${run}&sort=-name`);
    expect(names(bob.body)).toEqual([`${run}-d`, `${run}-b`]);
    const admin = await listAs(TOKENS.admin, `q=${run}-b`);
    expect(names(admin.body)).toEqual([`${run}-b`]);
    const phase = (admin.body.items[0] as unknown as { state: { phase: string } }).state.phase;
    expect(names((await listAs(TOKENS.admin, `q=${run}&phase=${phase}&limit=50`)).body)).toContain(`${run}-b`);
    expect(names((await listAs(TOKENS.admin, `q=title of ${run}-d`)).body)).toEqual([`${run}-d`]);

    // The counts come with the same listing as the items, so they agree with an unfiltered list.
    for (const token of [TOKENS.alice, TOKENS.bob, TOKENS.admin]) {
      const everything = (await client(api, token).list()).body as Page;
      expect(everything.counts.all).toBe(everything.items.length);
      expect(Object.values(everything.counts.byPhase).reduce((sum, n) => sum + n, 0)).toBe(everything.items.length);
      if (token !== TOKENS.admin) expect(new Set(everything.items.map((s) => s.tenant))).toEqual(new Set([token === TOKENS.bob ? 'bob' : 'alice']));
    }
  });

  it('answers bad parameters with a 400 that says why', async () => {
    const token = (await listAs(TOKENS.alice, `limit=1&q=${run}`)).body.metadata.continue!;
    const cases: Array<[string, string]> = [
      ['limit=0', 'invalid_request'], ['limit=ten', 'invalid_request'], ['limit=501', 'invalid_request'],
      ['phase=Happy', 'invalid_request'], ['sort=size', 'invalid_request'], ['page=2', 'invalid_request'],
      ['limit=1&limit=2', 'invalid_request'], ['continue=not-a-token', 'invalid_continue'],
      [`limit=1&q=other&continue=${encodeURIComponent(token)}`, 'invalid_continue'],
    ];
    for (const [query, code] of cases) {
      const answer = await listAs(TOKENS.alice, query);
      expect([query, answer.status, answer.body.error?.code]).toEqual([query, 400, code]);
      expect(answer.body.error!.message.length).toBeGreaterThan(5);
    }
  });

  it('the dashboard pages and searches through the API in real Chromium', async () => {
    if (!existsSync(path.join(repoRoot, 'web-components/dist/cdn/store-manager.js'))) throw new Error('The dashboard bundle is missing: run `npm run build` first (`npm test` does).');
    const browser = await chromium.launch(CHROMIUM);
    try {
      const page = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
      await page.goto(`${api.url}/`);
      await page.evaluate(() => document.querySelector('store-manager')!.setAttribute('page-size', '2'));
      await page.getByLabel('API token').fill(TOKENS.alice);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const rows = page.locator('store-list tbody .name');
      await rows.first().waitFor();
      // Enter sends the search now (typing alone waits for a pause, which could land after Next).
      const searched = page.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === run);
      await page.getByLabel('Search stores').fill(run);
      await page.getByLabel('Search stores').press('Enter');
      await searched;
      await expect.poll(() => page.locator('store-list nav').textContent(), POLL).toContain('Stores 1–2 of 5');
      await expect.poll(() => rows.allTextContents(), POLL).toEqual([`${run}-a`, `${run}-aa`]);
      await expect.poll(() => page.locator('store-list [part=counts]').textContent(), POLL).toMatch(/\d+ stores?/);
      const screenshots = path.join(repoRoot, 'test-results/screenshots');
      await mkdir(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, 'list-paged.png'), fullPage: true });
      await page.getByRole('button', { name: 'Next →' }).click();
      await expect.poll(() => rows.allTextContents(), POLL).toEqual([`${run}-c`, `${run}-g`]);
      await expect.poll(() => page.locator('store-list nav').textContent(), POLL).toContain('Stores 3–4 of 5');
      await page.getByRole('button', { name: '← Previous' }).click();
      await expect.poll(() => rows.allTextContents(), POLL).toEqual([`${run}-a`, `${run}-aa`]);
    } finally {
      await browser.close();
    }
  });
});
