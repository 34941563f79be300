// How a store's shop is doing, seen as a shopper and a cron job see it: the WordPress and
// WooCommerce versions its front page announces, whether the WooCommerce Store API answers
// with products, and when its wp-cron CronJob last succeeded (WP-Cron also runs WooCommerce's
// Action Scheduler). Asked through the ingress controller, with the shop's host, as a
// shopper's browser asks, and kept for a few seconds so many viewers cost the shop one
// request. Only ever the platform's own ingress controller: a tenant's host name never
// decides where the API connects (it could name an address inside the cluster).
import http from 'node:http';
import type { BatchV1Api } from '@kubernetes/client-node';
import type { ShopHealth } from '../../../contract/schemas.ts';
import { storeNamespace } from './names.ts';

export type { ShopHealth };

/** The `<meta name="generator" content="WordPress 6.8.3">` tags of a page (WordPress and WooCommerce both print one). */
export function generatorVersions(page: string): { wordpress?: string; woocommerce?: string } {
  const versions: { wordpress?: string; woocommerce?: string } = {};
  for (const [tag] of page.matchAll(/<meta\b[^>]*name=["']generator["'][^>]*>/gi)) {
    const content = /content=["']([^"']+)["']/i.exec(tag)?.[1] ?? '';
    const match = /^(WordPress|WooCommerce)\s+(\d[\w.-]*)/.exec(content);
    if (match?.[1] === 'WordPress') versions.wordpress = match[2];
    if (match?.[1] === 'WooCommerce') versions.woocommerce = match[2];
  }
  return versions;
}

/** Whether a Store API products answer lists products, in words for the health line. */
export function storeApiVerdict(status: number | undefined, body: string): { answers: boolean; detail: string } {
  if (status === undefined) return { answers: false, detail: body || 'no answer' };
  if (status !== 200) return { answers: false, detail: `answered HTTP ${status}` };
  try {
    const products: unknown = JSON.parse(body);
    if (Array.isArray(products)) return { answers: true, detail: `lists ${products.length} product${products.length === 1 ? '' : 's'}` };
  } catch { /* not JSON: said below */ }
  return { answers: false, detail: 'answered with something other than a product list' };
}

interface Answer { status?: number; body: string }

/** A probe asked at `at`, and the last answer one gave (kept across probes for `latest`). */
interface Probe { at: number; health: Promise<ShopHealth>; known?: ShopHealth }

export interface ShopProbeOptions {
  /** host:port of the ingress controller (STOREFLEET_SHOP_CHECK_ADDRESS). */
  ingressAddress: string;
  timeoutMs?: number;
  ttlMs?: number;
}

/** GET `url`'s path from the ingress controller, with the shop's Host, answered within `timeoutMs` in all. */
function get(url: URL, { ingressAddress, timeoutMs = 5_000 }: ShopProbeOptions): Promise<Answer> {
  const [host, port] = ingressAddress.split(':');
  return new Promise((resolve) => {
    const request = http.get({
      host, port, path: `${url.pathname}${url.search}`,
      headers: { host: url.host, 'user-agent': 'storefleet-health' }, signal: AbortSignal.timeout(timeoutMs),
    }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { if (body.length < 2_000_000) body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, body }));
      response.on('error', (error) => resolve({ body: error.message }));
    });
    request.on('error', (error) => resolve({ body: error.name === 'AbortError' ? `no answer within ${timeoutMs / 1000} s` : error.message }));
  });
}

export class ShopHealthProbe {
  private readonly recent = new Map<string, Probe>();

  private readonly batch: BatchV1Api;
  private readonly options: ShopProbeOptions;

  constructor(batch: BatchV1Api, options: ShopProbeOptions) {
    this.batch = batch;
    this.options = options;
  }

  /** The shop's health, asked at most once per `ttlMs` per store URL. */
  check(store: string, shopUrl: string): Promise<ShopHealth> {
    const key = `${store} ${shopUrl}`;
    const kept = this.recent.get(key);
    if (kept && Date.now() - kept.at < (this.options.ttlMs ?? 10_000)) return kept.health;
    const entry: Probe = { at: Date.now(), health: this.probe(store, shopUrl), known: kept?.known };
    void entry.health.then((health) => (entry.known = health));
    this.recent.set(key, entry);
    if (this.recent.size > 1000) this.recent.delete(this.recent.keys().next().value!);
    return entry.health;
  }

  /**
   * What is known of the shop's health without waiting: the last answer, if any, while a
   * stale one is asked again in the background (GET /stores/:name must not wait on a shop).
   */
  latest(store: string, shopUrl: string): ShopHealth | undefined {
    void this.check(store, shopUrl);
    return this.recent.get(`${store} ${shopUrl}`)?.known;
  }

  private async probe(store: string, shopUrl: string): Promise<ShopHealth> {
    const [front, products, cron] = await Promise.all([
      get(new URL(shopUrl), this.options),
      get(new URL('wp-json/wc/store/v1/products?per_page=1', shopUrl), this.options),
      this.batch.readNamespacedCronJob({ namespace: storeNamespace(store), name: `${store}-wp-cron` }).catch(() => undefined),
    ]);
    const lastCronRun = cron?.status?.lastSuccessfulTime;
    return {
      ...(front.status === 200 ? generatorVersions(front.body) : {}),
      storeApi: storeApiVerdict(products.status, products.body),
      ...(lastCronRun ? { lastCronRun: new Date(lastCronRun).toISOString() } : {}),
      checkedAt: new Date().toISOString(),
    };
  }
}
