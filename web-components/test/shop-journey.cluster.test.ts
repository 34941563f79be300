// The seed's journey, end to end, as a person takes it on the bundled cluster: the dashboard
// makes store1, its shop opens through Traefik at the URL the dashboard gives, a guest buys the
// sample product with Cash on delivery, the admin finds the order in wp-admin, and deleting the
// store takes the shop away. Then the same through the seed's REST client and the Store API.
// A screenshot of every step lands in test-results/screenshots/journey-*.png.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, waitFor } from '../../test-support/harness.ts';
import { shopPlatform } from '../../cluster/test/shop-platform.ts';
import { CHROMIUM } from '../../vitest.config.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { kubectl, preparePlatform } from '../../test-support/platform.ts';
import { Visitor } from '../../test-support/store-http.ts';
import { money, placeGuestOrder, storeProducts } from '../../test-support/shopper.ts';

const SCREENSHOTS = path.join(repoRoot, 'test-results/screenshots');
const BUNDLE = path.join(repoRoot, 'web-components/dist/cdn/store-manager.js');
const INSTALL_TIMEOUT = 420_000;
// The seed's own store name: each test deletes it before the next makes it again.
const STORE = 'store1';

let browser: Browser;
let api: ApiProcess;
let shop: ReturnType<typeof shopPlatform>;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error('The dashboard bundle is missing: run `npm run build` first (`npm test` does).');
  await mkdir(SCREENSHOTS, { recursive: true });
  await preparePlatform();
  shop = shopPlatform();
  api = await startApi(shop.env);
  browser = await chromium.launch(CHROMIUM);
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await api?.kill();
});

let step = 0;
const snap = (page: Page, what: string) => page.screenshot({ path: path.join(SCREENSHOTS, `journey-${String(++step).padStart(2, '0')}-${what}.png`), fullPage: true });

/** A visitor of the shop at `url`, through Traefik on loopback, as Chromium reaches *.localhost. */
const visitorOf = (url: string) => new Visitor(`http://127.0.0.1:${new URL(url).port || 80}`, new URL(url).host);

const namespaceExists = () => kubectl('get', 'namespaces', '-o', 'name').split('\n').includes(`namespace/store-${STORE}`);

/** Each journey starts with no store1, whatever an earlier one left behind. */
beforeEach(async () => {
  const rest = client(api, TOKENS.alice);
  if ((await rest.get(STORE)).status === 404) return;
  await rest.remove(STORE);
  await waitForGone(rest, STORE, INSTALL_TIMEOUT);
}, INSTALL_TIMEOUT);

describe('the seed\'s journey', () => {
  it('a person creates store1 in the dashboard, buys from its shop in Chromium, finds the order in wp-admin, and deletes the store', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    // The dashboard: sign in, create store1.
    await page.goto(`${api.url}/`);
    await page.getByLabel('API token').fill(TOKENS.alice);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'New store' }).click();
    await page.getByLabel('Store name').fill(STORE);
    await page.getByRole('radio', { name: /small/ }).check();
    await snap(page, 'create-form');
    await page.getByRole('button', { name: 'Create store' }).click();

    // Its progress, live, to Ready; then the health line says WooCommerce runs.
    const badge = page.locator('store-detail header .badge');
    await expect.poll(() => page.locator('store-timeline li.line').count(), { timeout: INSTALL_TIMEOUT }).toBeGreaterThanOrEqual(3);
    await snap(page, 'installing');
    await expect.poll(() => badge.textContent(), { timeout: INSTALL_TIMEOUT, interval: 1000 }).toMatch(/Ready|Failed/);
    expect(await badge.textContent(), await page.locator('store-detail').textContent() ?? '').toBe('Ready');
    const health = page.getByRole('status', { name: 'Shop health' });
    await expect.poll(() => health.textContent(), { timeout: 30_000 }).toMatch(/WordPress 6\.8\.\d+ · WooCommerce \d+\.\d+\.\d+ · Store API answers/);
    await snap(page, 'ready');

    // The shop link the dashboard gives opens the shop: the front page shows the sample product.
    const shopLink = page.locator('store-detail dd a').first();
    const shopUrl = (await shopLink.getAttribute('href'))!;
    expect(shopUrl).toBe(`http://${STORE}.localhost:${shop.port}/`);
    const [shopPage] = await Promise.all([context.waitForEvent('page'), shopLink.click()]);
    shopPage.on('pageerror', (error) => problems.push(`shop: ${error.message}`));
    await shopPage.waitForLoadState();
    expect(shopPage.url()).toBe(shopUrl);
    await shopPage.getByText('Sample product').first().waitFor();
    await snap(shopPage, 'shop-front-page');

    // Add it to the cart, then check out as a guest with Cash on delivery.
    await shopPage.getByRole('button', { name: /Add to cart/ }).first().click();
    await shopPage.getByRole('link', { name: /View cart/ }).first().waitFor();
    await snap(shopPage, 'added-to-cart');
    await shopPage.goto(new URL('checkout/', shopUrl).href);
    await shopPage.getByLabel('Email address').fill('ada@example.com');
    await shopPage.getByLabel('First name').first().fill('Ada');
    await shopPage.getByLabel('Last name').first().fill('Shopper');
    await shopPage.getByLabel('Address', { exact: true }).first().fill('1 Market Street');
    await shopPage.getByLabel('City').first().fill('San Francisco');
    await shopPage.getByLabel('State').first().selectOption({ label: 'California' });
    // The checkout saves the address as it is typed, a moment later; Place Order waits for nothing.
    const addressSaved = shopPage.waitForResponse((r) => r.url().includes('/wc/store/v1/batch') && (r.request().postData() ?? '').includes('94105'));
    await shopPage.getByLabel('ZIP Code').first().fill('94105');
    await shopPage.getByLabel('ZIP Code').first().press('Tab');
    await addressSaved;
    await expect.poll(() => shopPage.getByText('Cash on delivery').count()).toBeGreaterThan(0);
    await snap(shopPage, 'checkout-filled');
    await shopPage.getByRole('button', { name: 'Place Order' }).click();
    await shopPage.waitForURL(/\/checkout\/order-received\/\d+\//, { timeout: 60_000 });
    const orderNumber = /order-received\/(\d+)\//.exec(shopPage.url())![1]!;
    await shopPage.getByText('Thank you. Your order has been received.').waitFor();
    const received = (await shopPage.locator('main').textContent())!.replace(/\s+/g, ' ');
    for (const detail of [`Order #: ${orderNumber}Date:`, 'Total: $9.99', 'Payment: Cash on delivery', 'Sample product × 1']) expect(received).toContain(detail);
    await snap(shopPage, 'order-received');

    // Back in the dashboard: reveal the admin password, then log in to wp-admin with it.
    await page.getByRole('button', { name: 'Show admin password (once)' }).click();
    const username = (await page.getByLabel('Admin user').textContent())!;
    const password = (await page.getByLabel('Admin password').textContent())!;
    await snap(page, 'admin-credentials');
    const admin = await context.newPage();
    await admin.goto(new URL('wp-login.php', shopUrl).href);
    await admin.getByLabel('Username or Email Address').fill(username);
    await admin.getByLabel('Password', { exact: true }).fill(password);
    await admin.getByRole('button', { name: 'Log In' }).click();
    await admin.waitForURL(/wp-admin/);
    await admin.goto(new URL('wp-admin/admin.php?page=wc-orders', shopUrl).href);
    const orderRow = admin.locator('tr', { hasText: `#${orderNumber}` });
    await orderRow.waitFor();
    expect(await orderRow.textContent()).toMatch(/Processing/);
    expect(await orderRow.textContent()).toContain('$9.99');
    await snap(admin, 'wp-admin-orders');

    // Delete it in the dashboard: the shop stops answering and the namespace goes.
    await page.getByRole('button', { name: 'Delete store…' }).click();
    await page.getByLabel(`Type ${STORE} to confirm`).fill(STORE);
    await page.getByRole('button', { name: 'Delete store', exact: true }).click();
    await waitForGone(client(api, TOKENS.alice), STORE, INSTALL_TIMEOUT);
    await waitFor('store1\'s namespace to be gone', async () => (namespaceExists() ? undefined : true), 180_000, 1000);
    expect((await visitorOf(shopUrl).request('GET', '/')).status).toBe(404);
    const gone = await shopPage.goto(shopUrl);
    expect(gone?.status()).toBe(404);
    await snap(shopPage, 'shop-gone');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the seed\'s REST client makes store1 and a guest orders through the Store API; deleting it takes the shop away', async () => {
    const rest = client(api, TOKENS.alice);
    const created = await rest.call('POST', '/stores', { name: STORE, type: 'woocommerce' });
    expect(created.status).toBe(202);
    const store = await waitForPhase(rest, STORE, 'Ready', INSTALL_TIMEOUT);
    expect(store.url).toBe(`http://${STORE}.localhost:${shop.port}/`);
    const shopper = visitorOf(store.url);
    const products = await storeProducts(shopper);
    expect(products.map((p) => [p.name, money(p.prices.price, p.prices.currency_minor_unit), p.is_in_stock])).toEqual([['Sample product', '9.99', true]]);
    const order = await placeGuestOrder(shopper);
    expect(order.status).toBe('processing');
    expect(money(order.cartTotals.total_price, order.cartTotals.currency_minor_unit)).toBe('9.99');
    const health = (await rest.call('GET', `/api/v1/stores/${STORE}/health`)).body.health;
    expect(health).toMatchObject({ wordpress: expect.stringMatching(/^6\.8\./), woocommerce: expect.stringMatching(/^\d+\.\d+\.\d+$/), storeApi: { answers: true } });
    // The store's own GET carries what is known of its shop.
    expect((await rest.get(STORE)).body.health).toMatchObject({ woocommerce: health.woocommerce, storeApi: { answers: true } });

    expect((await rest.call('DELETE', `/stores/${STORE}`)).status).toBe(202);
    await waitForGone(rest, STORE, INSTALL_TIMEOUT);
    await waitFor('store1\'s namespace to be gone', async () => (namespaceExists() ? undefined : true), 180_000, 1000);
    expect((await shopper.request('GET', '/wp-json/wc/store/v1/products')).status).toBe(404);
  });
});
