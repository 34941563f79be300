import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BatchV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatorVersions, ShopHealthProbe, storeApiVerdict } from './shop-health.ts';

describe('generatorVersions', () => {
  it('reads the WordPress and WooCommerce versions from their generator tags, in any attribute order', () => {
    const page = `<head><meta name="generator" content="WordPress 6.8.3" />
      <meta content="WooCommerce 10.0.2" name='generator'><meta name="description" content="WordPress 1.0"></head>`;
    expect(generatorVersions(page)).toEqual({ wordpress: '6.8.3', woocommerce: '10.0.2' });
  });

  it('says nothing it cannot see', () => {
    expect(generatorVersions('<html>hello</html>')).toEqual({});
    expect(generatorVersions('<meta name="generator" content="Hugo 0.1">')).toEqual({});
  });
});

describe('storeApiVerdict', () => {
  it('answers when the Store API lists products', () => {
    expect(storeApiVerdict(200, '[{"id":1}]')).toEqual({ answers: true, detail: 'lists 1 product' });
    expect(storeApiVerdict(200, '[]')).toEqual({ answers: true, detail: 'lists 0 products' });
  });

  it('says what came instead', () => {
    expect(storeApiVerdict(404, '')).toEqual({ answers: false, detail: 'answered HTTP 404' });
    expect(storeApiVerdict(200, '<html>')).toEqual({ answers: false, detail: 'answered with something other than a product list' });
    expect(storeApiVerdict(undefined, 'connect ECONNREFUSED 127.0.0.1:1')).toEqual({ answers: false, detail: 'connect ECONNREFUSED 127.0.0.1:1' });
  });
});

describe('ShopHealthProbe', () => {
  const seen: { host?: string; url?: string }[] = [];
  const shop = http.createServer((request, response) => {
    seen.push({ host: request.headers.host, url: request.url });
    if (request.url?.startsWith('/wp-json/wc/store/v1/products')) response.end('[{"id":7}]');
    else response.end('<meta name="generator" content="WordPress 6.8.7"><meta name="generator" content="WooCommerce 10.0.2">');
  });
  let port = 0;
  const cronJobs = { readNamespacedCronJob: async () => ({ status: { lastSuccessfulTime: new Date('2026-12-07T10:00:00Z') } }) } as unknown as BatchV1Api;
  beforeAll(async () => {
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    port = (shop.address() as AddressInfo).port;
  });
  afterAll(() => shop.close());

  it('asks the ingress controller with the shop\'s Host, as a browser does, and reports versions, the Store API and the last cron run', async () => {
    const health = await new ShopHealthProbe(cronJobs, { ingressAddress: `127.0.0.1:${port}` }).check('shop1', `http://shop1.localhost:${port}/`);
    expect(health).toMatchObject({ wordpress: '6.8.7', woocommerce: '10.0.2', storeApi: { answers: true, detail: 'lists 1 product' }, lastCronRun: '2026-12-07T10:00:00.000Z' });
    expect(seen.map((s) => s.host)).toEqual([`shop1.localhost:${port}`, `shop1.localhost:${port}`]);
  });

  it('never connects where the shop\'s host points, and asks again only after its time to keep', async () => {
    seen.length = 0;
    const probe = new ShopHealthProbe(cronJobs, { ingressAddress: `127.0.0.1:${port}`, ttlMs: 60_000 });
    await probe.check('shop2', 'http://shop2.example.com/');
    await probe.check('shop2', 'http://shop2.example.com/');
    expect(seen).toEqual([{ host: 'shop2.example.com', url: '/' }, { host: 'shop2.example.com', url: '/wp-json/wc/store/v1/products?per_page=1' }]);
  });

  it('gives up on a shop that answers too slowly, within its time in all', async () => {
    const slow = http.createServer((_request, response) => { response.write('<meta'); setTimeout(() => response.end('>'), 2_000); });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const health = await new ShopHealthProbe(cronJobs, { ingressAddress: `127.0.0.1:${(slow.address() as AddressInfo).port}`, timeoutMs: 300 }).check('shop4', 'http://shop4.localhost/');
    slow.close();
    // Had it waited for the whole answer, it would say what came instead of a product list.
    expect(health.storeApi).toEqual({ answers: false, detail: 'no answer within 0.3 s' });
  });

  it('tells what it last knew without waiting, and asks again in the background', async () => {
    const probe = new ShopHealthProbe(cronJobs, { ingressAddress: `127.0.0.1:${port}`, ttlMs: 0 });
    expect(probe.latest('shop5', 'http://shop5.localhost/')).toBeUndefined();
    await expect.poll(() => probe.latest('shop5', 'http://shop5.localhost/')?.wordpress).toBe('6.8.7');
  });

  it('says the shop does not answer, without versions, when nothing listens', async () => {
    const health = await new ShopHealthProbe({ readNamespacedCronJob: async () => { throw new Error('404'); } } as unknown as BatchV1Api, { ingressAddress: '127.0.0.1:1' })
      .check('shop3', 'http://shop3.localhost/');
    expect(health.wordpress).toBeUndefined();
    expect(health.storeApi.answers).toBe(false);
    expect(health.storeApi.detail).toMatch(/ECONNREFUSED/);
    expect(health.lastCronRun).toBeUndefined();
  });
});
