// <store-manager> embedded in a page of another origin (another port on 127.0.0.1), in real
// Chromium against the real API and cluster: the page loads the bundle from the API, signs
// in, creates a store and follows its timeline to Ready, all cross-origin through CORS; a
// page of an origin not in STOREFLEET_ALLOWED_ORIGINS gets neither the bundle nor the API.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, uniqueName } from '../../test-support/harness.ts';
import { CHROMIUM } from '../../vitest.config.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone } from '../../test-support/api-process.ts';
import { preparePlatform } from '../../test-support/platform.ts';

const INSTALL_TIMEOUT = 240_000;
let browser: Browser;
let api: ApiProcess;
const pages: Server[] = [];

/** A host page on its own port: the bundle and the element, both pointing at the API. */
async function hostPage(): Promise<string> {
  const server = createServer((request, response) => {
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.end(`<!doctype html><html lang="en"><head><title>Shop admin</title>
<script type="module" src="${api.url}/ui/store-manager.js" onerror="document.documentElement.dataset.bundle = 'refused'"></script></head>
<body><h1>Our shops</h1><store-manager api-base="${api.url}"></store-manager></body></html>`);
  });
  pages.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let allowed: string;
let other: string;

beforeAll(async () => {
  if (!existsSync(path.join(repoRoot, 'web-components/dist/cdn/store-manager.js'))) throw new Error('The bundle is missing: run `npm run build` first (`npm test` does).');
  await preparePlatform();
  browser = await chromium.launch(CHROMIUM);
  // The pages read the API's URL when they are requested, so they can listen first and the
  // API can start knowing their origins.
  allowed = await hostPage();
  other = await hostPage();
  api = await startApi({ STOREFLEET_ALLOWED_ORIGINS: allowed });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  for (const server of pages) server.close();
  await api?.kill();
});

describe('embedding from another origin', () => {
  it('loads the bundle, signs in, creates a store and follows its timeline to Ready, all cross-origin', async () => {
    const name = uniqueName('rl-embed');
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
    const crossOrigin: string[] = [];
    page.on('request', (request) => { if (request.url().startsWith(api.url)) crossOrigin.push(`${request.method()} ${new URL(request.url()).pathname}`); });
    try {
      const t0 = performance.now();
      await page.goto(`${allowed}/`);
      await page.waitForFunction(() => customElements.get('store-manager') !== undefined);
      const loaded = performance.now();
      expect(new URL(page.url()).origin).not.toBe(new URL(api.url).origin);

      // The sign-in answer (401 without a token) is readable cross-origin, so the form shows.
      await page.getByLabel('API token').fill(TOKENS.alice);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'New store' }).waitFor();
      const signedIn = performance.now();

      await page.getByRole('button', { name: 'New store' }).click();
      await page.getByLabel('Store name').fill(name);
      await page.getByRole('radio', { name: /small/ }).check();
      const createClicked = performance.now();
      await page.getByRole('button', { name: 'Create store' }).click();
      await expect.poll(() => page.locator('store-timeline li.line').count(), { timeout: INSTALL_TIMEOUT }).toBeGreaterThanOrEqual(1);
      const firstLine = performance.now();
      await expect.poll(() => page.locator('store-detail header .badge').textContent(), { timeout: INSTALL_TIMEOUT }).toBe('Ready');
      const ready = performance.now();
      expect((await page.locator('store-timeline li.line').allTextContents()).some((line) => line.includes('done succeeded'))).toBe(true);
      await expect.poll(() => page.locator('store-timeline [part=connection]').textContent()).toContain('Live');

      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      console.log(`[embed] page ${allowed} → API ${api.url}: bundle loaded and defined ${s(loaded - t0)}, signed in ${s(signedIn - loaded)}, create → first timeline line ${s(firstLine - createClicked)}, → Ready ${s(ready - createClicked)}; cross-origin requests: ${[...new Set(crossOrigin)].join(', ')}`);
      expect(crossOrigin).toEqual(expect.arrayContaining(['GET /ui/store-manager.js', 'POST /api/v1/stores', `GET /api/v1/stores/${name}/events`]));
      // The browser's own 401 line for the sign-in probe is the one console error expected.
      expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    } finally {
      await page.close();
      const rest = client(api, TOKENS.alice);
      await rest.remove(name);
      await waitForGone(rest, name);
    }
  });

  it('refuses a page of an origin not allowed: no bundle, and no API call with a token', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${other}/`);
      await page.waitForFunction(() => document.documentElement.dataset.bundle === 'refused');
      expect(await page.evaluate(() => customElements.get('store-manager') === undefined)).toBe(true);
      const call = await page.evaluate(async ({ url, token }) => {
        try {
          const response = await fetch(`${url}/api/v1/stores`, { headers: { Authorization: `Bearer ${token}` } });
          return `answered ${response.status}`;
        } catch (error) {
          return `refused: ${(error as Error).name}`;
        }
      }, { url: api.url, token: TOKENS.alice });
      expect(call).toBe('refused: TypeError');
      // What the browser was told: the preflight is a 403 without CORS headers.
      const preflight = await fetch(`${api.url}/api/v1/stores`, { method: 'OPTIONS', headers: { Origin: other, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' } });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await page.close();
    }
  });
});
