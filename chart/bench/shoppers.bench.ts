// Benchmark P7 (not a test): shoppers on a small-plan WooCommerce store. The front page, the
// product page and a Store API add-to-cart, at 10 and 50 concurrent shoppers, through Traefik
// as shoppers reach it, and the same requests sent to the store's Service directly in the same
// run (the ingress's share). Then what OPcache and the plan's CPU limit do to the front page.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { buildCredentialsSecret } from '../../api/src/store/credentials.ts';
import { recordBenchResult } from '../../bench/results.ts';
import { deleteNamespaces, helmBinary, kubeConfig, kubectlBinary, uniqueName } from '../../test-support/harness.ts';
import { shopPlatform } from '../../cluster/test/shop-platform.ts';
import { buildStoreImages } from '../../cluster/test/store-images.ts';
import { chartDir } from '../test/render.ts';

const SECONDS = Number(process.env.BENCH_P7_SECONDS ?? 15);
const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const namespace = uniqueName('p7');
const release = 'bench';
const host = `${namespace}.localhost`;
/** The shop's own authority, as WordPress's WP_HOME names it (else it redirects there). */
let authority = '';
let ingressOrigin = '';
let serviceOrigin = '';
let productId = 0;
let valuesFile = '';

const kubeEnv = () => ({ ...process.env, KUBECONFIG: inject('kubeconfig') });
const helm = (...args: string[]) => {
  const result = spawnSync(helmBinary(), args, { encoding: 'utf8', env: { ...kubeEnv(), HELM_CACHE_HOME: '/tmp/storefleet-helm-cache' } });
  expect(result.status, result.stderr).toBe(0);
};
const install = (...extra: string[]) => helm('upgrade', '--install', release, chartDir, '-n', namespace, '-f', valuesFile,
  '--set', `ingress.host=${host}`, '--set', 'existingSecret=bench-credentials', '--wait', '--timeout', '10m', ...extra);

beforeAll(async () => {
  buildStoreImages();
  const shop = shopPlatform();
  valuesFile = path.join(mkdtempSync(path.join(tmpdir(), 'p7-')), 'values.json');
  writeFileSync(valuesFile, JSON.stringify(shop.values));
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedSecret({ namespace, body: buildCredentialsSecret('bench-credentials') });
  install('--set', 'plan=small');
  ingressOrigin = `http://127.0.0.1:${shop.port}`;
  authority = `${host}:${shop.port}`;
  // The Service's cluster IP: kube-proxy's rules route this host's own traffic to it too.
  const service = await core.readNamespacedService({ namespace, name: `${release}-wordpress` });
  serviceOrigin = `http://${service.spec!.clusterIP}`;
  const products = JSON.parse((await get(ingressOrigin, '/wp-json/wc/store/v1/products')).body) as { id: number }[];
  productId = products[0]!.id;
}, 1_200_000);

afterAll(async () => {
  await deleteNamespaces(kc, namespace);
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

interface Reply { status: number; body: string; headers: http.IncomingHttpHeaders }

function request(origin: string, method: string, target: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(target, origin), {
      method, agent, headers: { host: authority, ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
      // A shopper gives up after 30 s: an overloaded shop's queue counts as failed requests, not as a bench that never ends.
      signal: AbortSignal.timeout(30_000),
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const get = (origin: string, target: string) => request(origin, 'GET', target);

/** One shopper's request of a kind: a fresh cart for add-to-cart, as a new visitor has. */
const requests = {
  'front page': (origin: string) => get(origin, '/'),
  'product page': (origin: string) => get(origin, '/product/sample-product/'),
  'add to cart': async (origin: string) => {
    const cart = await get(origin, '/wp-json/wc/store/v1/cart');
    return request(origin, 'POST', '/wp-json/wc/store/v1/cart/add-item', JSON.stringify({ id: productId, quantity: 1 }), { 'cart-token': String(cart.headers['cart-token']) });
  },
} as const;
type Kind = keyof typeof requests;

interface Load { requestsPerSecond: number; p50: number; p99: number; errors: number }

/** `shoppers` loops sending `kind` to `origin` for SECONDS seconds; latency in ms. */
async function load(kind: Kind, origin: string, shoppers: number): Promise<Load> {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: shoppers }, async () => {
    while (performance.now() < until) {
      const start = performance.now();
      const reply = await requests[kind](origin).catch(() => ({ status: 0 }));
      if (reply.status >= 200 && reply.status < 300) latencies.push(performance.now() - start);
      else errors += 1;
    }
  }));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { requestsPerSecond: latencies.length / SECONDS, p50: at(0.5), p99: at(0.99), errors };
}

const wordpressPod = async () => (await core.listNamespacedPod({ namespace, labelSelector: 'app.kubernetes.io/component=wordpress' })).items
  .find((pod) => !pod.metadata?.deletionTimestamp)!.metadata!.name!;

/** OPcache off for every request, through the docroot's .htaccess (opcache.enable may be lowered per directory). */
async function opcache(enabled: boolean) {
  const script = enabled ? 'sed -i "/opcache.enable/d" /var/www/html/.htaccess' : 'echo "php_flag opcache.enable Off" >> /var/www/html/.htaccess';
  execFileSync(kubectlBinary(), ['-n', namespace, 'exec', await wordpressPod(), '--', 'sh', '-c', script], { env: kubeEnv() });
}

it('P7: shoppers through Traefik vs the Service directly, at 10 and 50 at once', async () => {
  const metrics: { name: string; value: number; unit: string; goal?: { op: '<=' | '>='; value: number } }[] = [];
  let errors = 0;
  for (const shoppers of [10, 50]) {
    for (const kind of Object.keys(requests) as Kind[]) {
      await load(kind, ingressOrigin, 5).catch(() => undefined); // warm-up: caches, PHP workers
      const viaIngress = await load(kind, ingressOrigin, shoppers);
      const direct = await load(kind, serviceOrigin, shoppers);
      console.log(`[P7] ${kind}, ${shoppers} shoppers: Traefik ${JSON.stringify(viaIngress)}, Service ${JSON.stringify(direct)}`);
      errors += viaIngress.errors + direct.errors;
      for (const [way, result] of [['via Traefik', viaIngress], ['to the Service', direct]] as const) {
        metrics.push(
          { name: `${kind}, ${shoppers} shoppers, ${way}: throughput`, value: result.requestsPerSecond, unit: 'req/s' },
          { name: `${kind}, ${shoppers} shoppers, ${way}: p50`, value: result.p50, unit: 'ms' },
          { name: `${kind}, ${shoppers} shoppers, ${way}: p99`, value: result.p99, unit: 'ms' },
        );
      }
    }
  }
  // What OPcache and the plan's CPU limit (small: 500m, large: 2 CPUs) do to the front page.
  const front = () => load('front page', ingressOrigin, 10);
  const withOpcache = await front();
  await opcache(false);
  const withoutOpcache = await front();
  await opcache(true);
  install('--set', 'plan=large');
  await load('front page', ingressOrigin, 5);
  const large = await front();
  console.log(`[P7] front page, 10 shoppers: OPcache on ${JSON.stringify(withOpcache)}, off ${JSON.stringify(withoutOpcache)}, large plan ${JSON.stringify(large)}`);
  metrics.push(
    { name: 'front page, 10 shoppers, small plan: req/s with OPcache', value: withOpcache.requestsPerSecond, unit: 'req/s' },
    { name: 'front page, 10 shoppers, small plan: req/s without OPcache', value: withoutOpcache.requestsPerSecond, unit: 'req/s' },
    { name: 'front page, 10 shoppers: req/s on the large plan (2 CPUs)', value: large.requestsPerSecond, unit: 'req/s' },
    { name: 'failed requests', value: errors + withOpcache.errors + withoutOpcache.errors + large.errors, unit: 'requests', goal: { op: '<=', value: 0 } },
  );
  await recordBenchResult({ id: 'P7', title: 'Shoppers through Traefik vs the Service directly', settings: { 'seconds per load': SECONDS, plan: 'small' }, metrics });
}, 3_600_000);
