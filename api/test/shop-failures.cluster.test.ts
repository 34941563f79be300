// A shop that cannot be had fails with one plain sentence saying what and what to do, never
// Ready: a WooCommerce zip that fails its checksum, and an ingress controller that does not
// answer where the platform says shops open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../../test-support/harness.ts';
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

  it('fails when the ingress controller does not answer where shops open, naming it', async () => {
    const { rest, name, store } = await failedStore({ ...shop.env, STOREFLEET_SHOP_CHECK_ADDRESS: '10.213.0.1:1' });
    expect(store.state.message).toBe(`The store is installed, but its address http://${name}.localhost:${shop.port}/ does not open: the ingress controller at 10.213.0.1:1 `
      + `answered: can't connect to remote host (10.213.0.1): Connection refused. Check that the ingress controller (Traefik) runs and that no other Ingress holds the host ${name}.localhost, then change the store again or delete it.`);
    await rest.remove(name);
    await waitForGone(rest, name);
  });
});
