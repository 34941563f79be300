// A shop that cannot be had fails with one plain sentence saying what and what to do, never
// Ready: a WooCommerce zip that fails its checksum, a WooCommerce that will not activate here,
// and an ingress controller that does not answer where the platform says shops open.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, uniqueName } from '../../test-support/harness.ts';
import { shopPlatform } from '../../cluster/test/shop-platform.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { kubectl, preparePlatform } from '../../test-support/platform.ts';

const apis: ApiProcess[] = [];
let shop: ReturnType<typeof shopPlatform>;

beforeAll(async () => {
  preparePlatform();
  shop = shopPlatform();
}, 900_000);

afterAll(async () => {
  await Promise.all(apis.map((api) => api.kill()));
});

async function failedStore(env: Record<string, string>) {
  const api = await startApi(env);
  apis.push(api);
  const rest = client(api, TOKENS.alice);
  const name = uniqueName('shopfail');
  expect((await rest.create({ name })).status).toBe(202);
  const store = await waitForPhase(rest, name, 'Failed', 420_000);
  return { rest, name, store };
}

describe('a shop that cannot be had', () => {
  it('fails on a WooCommerce zip that does not match its checksum, saying so, and leaves no pod running', async () => {
    const values = { ...shop.values, woocommerce: { ...shop.values.woocommerce, sha256: 'f'.repeat(64) } };
    const { rest, name, store } = await failedStore({ ...shop.env, STOREFLEET_PLATFORM_VALUES: JSON.stringify(values) });
    expect(store.state.message).toMatch(/^setup failed: WooCommerce is not available: the zip from \/opt\/woocommerce-source\/woocommerce-[\d.]+\.zip does not match its checksum \(sha256 [0-9a-f]{64}, expected f{64}\): use the published WooCommerce [\d.]+ zip, or correct woocommerce\.sha256/);
    // The failed install was rolled back: nothing of the shop is left running.
    expect(kubectl('-n', `store-${name}`, 'get', 'deployments,statefulsets', '-o', 'name').trim()).toBe('');
    await rest.remove(name);
    await waitForGone(rest, name);
  });

  it('fails on a WooCommerce that will not activate on this PHP, with WordPress\'s own reason', async () => {
    // A plugin zip as WooCommerce's, whose header asks for a PHP no image has, in a source image of its own.
    const dir = mkdtempSync(path.join(tmpdir(), 'woocommerce-too-new-'));
    const header = '<?php\n/**\n * Plugin Name: WooCommerce\n * Version: 99.0.0\n * Requires PHP: 99.0\n */\n';
    execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("woocommerce/woocommerce.php", sys.argv[2])',
      path.join(dir, 'woocommerce.zip'), header]);
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM storefleet.local/base:1\nCOPY woocommerce.zip /woocommerce/woocommerce-99.0.0.zip\n');
    buildImage('storefleet.local/woocommerce-source:too-new', path.join(dir, 'Dockerfile'), dir);
    const woocommerce = {
      ...shop.values.woocommerce, version: '99.0.0', sha256: createHash('sha256').update(readFileSync(path.join(dir, 'woocommerce.zip'))).digest('hex'),
      source: '/opt/woocommerce-source/woocommerce-99.0.0.zip',
      sourceImage: { repository: 'storefleet.local/woocommerce-source', tag: 'too-new', path: '/woocommerce/woocommerce-99.0.0.zip' },
    };
    const { rest, name, store } = await failedStore({ ...shop.env, STOREFLEET_PLATFORM_VALUES: JSON.stringify({ ...shop.values, woocommerce }) });
    expect(store.state.message).toMatch(/^setup failed: WooCommerce is not available: it is installed but could not be activated: .*PHP/);
    await rest.remove(name);
    await waitForGone(rest, name);
  });

  it('fails when the ingress controller does not answer where shops open, naming it', async () => {
    const { rest, name, store } = await failedStore({ ...shop.env, STOREFLEET_SHOP_CHECK_ADDRESS: '10.213.0.1:1' });
    expect(store.state.code).toBe('ShopUnreachable');
    expect(store.state.message).toBe(`The store is installed, but its address http://${name}.localhost:${shop.port}/ does not open: the ingress controller at 10.213.0.1:1 `
      + `answered: can't connect to remote host (10.213.0.1): Connection refused. Check that the ingress controller (Traefik) runs and that no other Ingress holds the host ${name}.localhost, then change the store again or delete it.`);
    await rest.remove(name);
    await waitForGone(rest, name);
  });
});
