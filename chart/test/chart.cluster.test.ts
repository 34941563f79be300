// The store chart on the real cluster: admitted under PSA "restricted" with the platform's
// quota and limits, then installed for real (stand-in images, see
// cluster/images/standins/README.md) until ready, with its hook Job, CronJobs and helm test.
// With STOREFLEET_CHART_REAL_IMAGES=1 (official images, a cluster that can pull them and
// reach wordpress.org) it installs with woocommerce.required=true and also runs the seed's
// order flow through the WooCommerce REST and Store APIs; those tests exist only then.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildLimitRange, buildResourceQuota } from '../../api/src/provisioning/guardrails.ts';
import { buildCredentialsSecret, CREDENTIAL_KEYS } from '../../api/src/store/credentials.ts';
import { plans, type PlanName } from '../../api/src/store/plans.ts';
import { buildImage, deleteNamespaces, kubeConfig, kubectlBinary, repoRoot, uniqueName } from '../../test-support/harness.ts';
import { chartDir, helm, templateArgs, valuesFile } from './render.ts';
import { header, logInAsAdmin, parse, StoreForwards, Visitor } from '../../test-support/store-http.ts';

const standins = path.join(repoRoot, 'cluster/images/standins');
// On a cluster that can pull the official images, STOREFLEET_CHART_REAL_IMAGES=1 installs
// the chart exactly as a store gets it.
const realImages = process.env.STOREFLEET_CHART_REAL_IMAGES === '1';
const imageValues = realImages ? [] : ['-f', path.join(standins, 'test-values.yaml')];
// With the official images WooCommerce must really be installed, or the install fails.
const wooCommerceValues = realImages ? ['--set', 'woocommerce.required=true'] : [];
const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const batch = kc.makeApiClient(k8s.BatchV1Api);
const namespace = uniqueName('chart');
const namespaces = [namespace];
const release = 'shop1';
const secret = buildCredentialsSecret('shop1-credentials');
const secretValues = Object.values(secret.stringData!);
const forwards = new StoreForwards();

const kubeEnv = () => ({ ...process.env, KUBECONFIG: inject('kubeconfig'), HELM_CACHE_HOME: '/tmp/storefleet-helm-cache' });
const helmOnCluster = (...args: string[]) => {
  const result = spawnSync(path.join(inject('toolsDir'), 'helm'), args, { encoding: 'utf8', env: kubeEnv() });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

beforeAll(async () => {
  for (const name of realImages ? [] : ['wordpress', 'mariadb']) {
    buildImage(`storefleet.local/standin-${name}:1`, path.join(standins, name, 'Dockerfile'), path.join(standins, name));
  }
  await createGuardedNamespace(namespace, 'small');
  await core.createNamespacedSecret({ namespace, body: secret });
});

afterAll(async () => {
  forwards.close();
  await deleteNamespaces(kc, ...namespaces);
});

/** A namespace as the platform makes it: PSA restricted, the plan's quota and limits. */
async function createGuardedNamespace(name: string, plan: PlanName) {
  const psa = Object.fromEntries(['enforce', 'warn', 'audit'].map((mode) => [`pod-security.kubernetes.io/${mode}`, 'restricted']));
  await core.createNamespace({ body: { metadata: { name, labels: { ...psa, 'storefleet.io/test': 'chart' } } } });
  await core.createNamespacedResourceQuota({ namespace: name, body: buildResourceQuota(plans[plan]) });
  await core.createNamespacedLimitRange({ namespace: name, body: buildLimitRange(plans[plan]) });
}

describe('the store chart on the real cluster', () => {
  it('reads only credentials the platform puts in the Secret', () => {
    const rendered = helm(...templateArgs({ valuesFiles: ['values-local.yaml'] })).stdout;
    const referenced = new Set([...rendered.matchAll(/\/run\/secrets\/store\/([a-z0-9-]+)/g)].map((m) => m[1]));
    expect(referenced.size).toBeGreaterThanOrEqual(10);
    for (const key of referenced) expect(CREDENTIAL_KEYS).toContain(key);
  });

  it.each(['values-local.yaml', 'values-prod.yaml'])('is admitted by a server-side dry run with %s, without warnings', async (file) => {
    const { plan = 'small' } = k8s.loadYaml<{ plan?: PlanName }>(readFileSync(valuesFile(file), 'utf8')) ?? {};
    const target = uniqueName('chart-dry');
    namespaces.push(target);
    await createGuardedNamespace(target, plan);
    const rendered = helm(...templateArgs({ valuesFiles: [file], namespace: target, release })).stdout;
    const result = spawnSync(kubectlBinary(), ['apply', '--dry-run=server', '-n', target, '-f', '-'], {
      input: rendered, encoding: 'utf8', env: kubeEnv(),
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/deployment.apps\/shop1-wordpress created \(server dry run\)/);
    expect(result.stdout).toMatch(/statefulset.apps\/shop1-mariadb created \(server dry run\)/);
  });

  describe('a real install with stand-in images', () => {
    let install: { status: number | null; stdout: string; stderr: string };

    beforeAll(() => {
      const started = Date.now();
      install = helmOnCluster(
        'upgrade', '--install', release, chartDir, '-n', namespace,
        '-f', valuesFile('values-local.yaml'), ...imageValues, ...wooCommerceValues,
        '--set', 'existingSecret=shop1-credentials', '--wait', '--timeout', realImages ? '15m' : '5m',
      );
      console.log(`[chart] helm upgrade --install --wait took ${((Date.now() - started) / 1000).toFixed(1)} s (${realImages ? 'official' : 'stand-in'} images)`);
    }, 1_000_000);

    it('reaches deployed and ready under the quota', async () => {
      expect(install.stderr).not.toMatch(/Error/);
      expect(install.status).toBe(0);
      expect(install.stdout).toContain('Shop:      http://shop.localhost/');
      const wordpress = await apps.readNamespacedDeployment({ namespace, name: 'shop1-wordpress' });
      expect(wordpress.status?.readyReplicas).toBe(1);
      const mariadb = await apps.readNamespacedStatefulSet({ namespace, name: 'shop1-mariadb' });
      expect(mariadb.status?.readyReplicas).toBe(1);
      const claims = await core.listNamespacedPersistentVolumeClaim({ namespace });
      expect(claims.items.map((c) => [c.metadata?.name, c.status?.phase]).sort()).toEqual([
        ['data-shop1-mariadb-0', 'Bound'], ['shop1-backups', 'Bound'], ['shop1-wp-content', 'Bound'],
      ]);
      const quota = await core.readNamespacedResourceQuota({ namespace, name: 'store-quota' });
      expect(quota.status?.used?.['requests.cpu']).toBeTruthy();
    });

    it('ran the setup Job to completion on the WordPress image', async () => {
      const job = await batch.readNamespacedJob({ namespace, name: 'shop1-setup' });
      expect(job.status?.succeeded).toBe(1);
      expect(job.spec?.template.spec?.containers.map((c) => c.image)).toEqual([
        realImages ? 'wordpress:6.8.3-php8.3-apache' : 'storefleet.local/standin-wordpress:1',
      ]);
      const pods = await core.listNamespacedPod({ namespace, labelSelector: 'job-name=shop1-setup' });
      const log = await core.readNamespacedPodLog({ namespace, name: pods.items[0]!.metadata!.name!, container: 'setup' });
      if (realImages) {
        expect(log).toContain('storefleet: WordPress is set up at http://shop.localhost');
        return;
      }
      // The stand-in's php only says it ran the chart's script (store.cluster.test.ts runs it for real).
      expect(log).toContain('storefleet: stand-in php ran /opt/storefleet/setup.php for http://shop.localhost');
    });

    it('created the wp-cron and nightly backup CronJobs, and the suspended restore one', async () => {
      const cronJobs = await batch.listNamespacedCronJob({ namespace });
      const schedules = Object.fromEntries(cronJobs.items.map((c) => [c.metadata?.name, c.spec?.schedule]));
      expect(schedules).toEqual({ 'shop1-wp-cron': '*/5 * * * *', 'shop1-backup': '17 3 * * *', 'shop1-restore': '0 0 31 2 *' });
      expect(cronJobs.items.find((c) => c.metadata?.name === 'shop1-restore')?.spec?.suspend).toBe(true);
      const backup = cronJobs.items.find((c) => c.metadata?.name === 'shop1-backup')!;
      expect(backup.spec?.jobTemplate.spec?.template.spec?.containers[0]?.command?.join(' ')).toContain('mariadb-dump');
      expect(backup.spec?.jobTemplate.spec?.template.spec?.containers[0]?.command?.join(' ')).toContain('--single-transaction');
    });

    it('passes helm test: the Store API answers with JSON through the Service', () => {
      const result = helmOnCluster('test', release, '-n', namespace, '--logs', '--timeout', '3m');
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/Phase:\s+Succeeded/);
      expect(result.stdout).toContain('WooCommerce Store API answered with JSON');
    });

    it('keeps every credential out of the release and its objects', () => {
      const manifest = helmOnCluster('get', 'all', release, '-n', namespace).stdout;
      const objects = execFileSync(kubectlBinary(), ['get', 'deploy,sts,job,cronjob,pod', '-n', namespace, '-o', 'yaml'], { encoding: 'utf8', env: kubeEnv() });
      expect(manifest).toContain('shop1-credentials');
      for (const value of secretValues) {
        expect(manifest).not.toContain(value);
        expect(objects).not.toContain(value);
      }
    });

    // The seed's acceptance: only defined with the official images (not skipped otherwise).
    if (realImages) describe('the order flow of the seed, through the WooCommerce APIs', orderFlow);
  });
});

/**
 * The seed's acceptance on the official images: WooCommerce active, a product created by the
 * admin, added to a guest's cart and checked out with Cash on delivery through the Store
 * API, and the order with its product line visible to the admin. Runs after the install
 * above (woocommerce.required=true), in the order written.
 */
function orderFlow() {
  const host = 'shop.localhost';
  const { woocommerce } = k8s.loadYaml<{ woocommerce: { version: string } }>(readFileSync(valuesFile('values.yaml'), 'utf8'));
  const productName = `Seed mug ${uniqueName('product')}`;
  const guestEmail = `guest-${uniqueName('order')}@example.com`;
  let origin = '';
  let admin: Visitor;
  let nonce = '';
  let productId = 0;
  let orderId = 0;

  beforeAll(async () => {
    origin = await forwards.open({ kubectl: kubectlBinary(), env: kubeEnv(), namespace, release, host });
  });

  it(`says WooCommerce ${woocommerce.version} is active, and its Store API lists products`, async () => {
    const [pod] = (await core.listNamespacedPod({ namespace, labelSelector: 'job-name=shop1-setup' })).items;
    const message = pod!.status!.containerStatuses!.find((c) => c.name === 'setup')!.state!.terminated!.message;
    expect(message).toBe(`WordPress is set up at http://${host}; WooCommerce ${woocommerce.version} is active`);
    const products = await new Visitor(origin, host).request('GET', '/wp-json/wc/store/v1/products');
    expect(products.status, products.body.slice(0, 500)).toBe(200);
    // The setup step's sample product.
    expect(parse<Array<{ name: string }>>(products).map((p) => p.name)).toContain('Sample product');
  });

  it('lets the admin (the platform password from the Secret) create a product through the REST API', async () => {
    const stored = await core.readNamespacedSecret({ namespace, name: 'shop1-credentials' });
    const password = Buffer.from(stored.data!['wordpress-admin-password']!, 'base64').toString('utf8');
    ({ admin, nonce } = await logInAsAdmin(origin, host, password));
    // Virtual: no shipping zone is needed to check it out.
    const created = await admin.json('POST', '/wp-json/wc/v3/products', {
      name: productName, type: 'simple', regular_price: '12.50', virtual: true, status: 'publish',
    }, { 'x-wp-nonce': nonce });
    expect(created.status, created.body.slice(0, 500)).toBe(201);
    productId = parse<{ id: number }>(created).id;
    expect(productId).toBeGreaterThan(0);
    const listed = await new Visitor(origin, host).request('GET', `/wp-json/wc/store/v1/products/${productId}`);
    expect(listed.status, listed.body.slice(0, 500)).toBe(200);
    expect(parse<{ name: string; is_purchasable: boolean }>(listed)).toMatchObject({ name: productName, is_purchasable: true });
  });

  it('lets the admin enable the Cash on delivery gateway', async () => {
    const cod = await admin.json('PUT', '/wp-json/wc/v3/payment_gateways/cod', { enabled: true }, { 'x-wp-nonce': nonce });
    expect(cod.status, cod.body.slice(0, 500)).toBe(200);
    expect(parse<{ id: string; enabled: boolean }>(cod)).toMatchObject({ id: 'cod', enabled: true });
  });

  it('lets a guest add the product to the cart and check out with Cash on delivery (Store API)', async () => {
    const guest = new Visitor(origin, host);
    const cart = await guest.request('GET', '/wp-json/wc/store/v1/cart');
    expect(cart.status, cart.body.slice(0, 500)).toBe(200);
    const cartToken = header(cart, 'Cart-Token');
    let storeNonce = header(cart, 'Nonce');
    expect(cartToken).toBeTruthy();
    expect(storeNonce).toBeTruthy();
    const session = () => ({ 'cart-token': cartToken!, nonce: storeNonce! });

    const added = await guest.json('POST', '/wp-json/wc/store/v1/cart/add-item', { id: productId, quantity: 2 }, session());
    expect([200, 201], added.body.slice(0, 500)).toContain(added.status);
    expect(parse<{ items: Array<{ id: number; quantity: number }> }>(added).items).toEqual([expect.objectContaining({ id: productId, quantity: 2 })]);
    storeNonce = header(added, 'Nonce') ?? storeNonce;

    const address = {
      first_name: 'Ada', last_name: 'Guest', address_1: '1 Market Street', city: 'San Francisco',
      state: 'CA', postcode: '94105', country: 'US', phone: '+14155550100',
    };
    const checkout = await guest.json('POST', '/wp-json/wc/store/v1/checkout', {
      billing_address: { ...address, email: guestEmail }, shipping_address: address, payment_method: 'cod',
    }, session());
    expect(checkout.status, checkout.body.slice(0, 1000)).toBe(200);
    const order = parse<{ order_id: number; payment_method: string; payment_result: { payment_status: string } }>(checkout);
    expect(order.payment_method).toBe('cod');
    expect(order.payment_result.payment_status).toBe('success');
    orderId = order.order_id;
    expect(orderId).toBeGreaterThan(0);
  });

  it("shows the admin the guest's order with the product line (REST API)", async () => {
    const reply = await admin.request('GET', `/wp-json/wc/v3/orders/${orderId}`, { headers: { 'x-wp-nonce': nonce } });
    expect(reply.status, reply.body.slice(0, 500)).toBe(200);
    const order = parse<{
      id: number; status: string; payment_method: string; customer_id: number; billing: { email: string };
      line_items: Array<{ product_id: number; name: string; quantity: number; total: string }>;
    }>(reply);
    expect(order).toMatchObject({ id: orderId, payment_method: 'cod', customer_id: 0, billing: { email: guestEmail } });
    expect(['processing', 'on-hold', 'completed']).toContain(order.status);
    expect(order.line_items).toEqual([expect.objectContaining({ product_id: productId, name: productName, quantity: 2, total: '25.00' })]);
  });
}
