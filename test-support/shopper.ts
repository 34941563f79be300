// A guest shopper through the WooCommerce Store API, as the shop's own cart and checkout
// blocks do it: read the products, add one to a cart, check out with Cash on delivery.
import { expect } from 'vitest';
import { header, parse, type Reply, Visitor } from './store-http.ts';

export const SAMPLE_PRODUCT = 'sample-product';

/** The billing (and shipping) details a guest gives at checkout. */
export const GUEST = {
  first_name: 'Ada', last_name: 'Shopper', address_1: '1 Market Street', city: 'San Francisco', state: 'CA', postcode: '94105',
  country: 'US', email: 'ada@example.com', phone: '5550100',
};

export interface StoreProduct { id: number; slug: string; name: string; prices: { price: string; currency_minor_unit: number }; is_in_stock: boolean }
interface Totals { total_price: string; currency_minor_unit: number }
/** The Store API's checkout answer, with the total the cart showed the shopper before it. */
export interface PlacedOrder { order_id: number; status: string; order_key: string; payment_method: string; cartTotals: Totals }

/** The products the Store API lists (what the shop's front page shows). */
export async function storeProducts(shopper: Visitor): Promise<StoreProduct[]> {
  const reply = await shopper.request('GET', '/wp-json/wc/store/v1/products');
  expect(reply.status, reply.body.slice(0, 300)).toBe(200);
  return parse<StoreProduct[]>(reply);
}

/** Adds the sample product to a new cart and checks out as a guest with Cash on delivery. */
export async function placeGuestOrder(shopper: Visitor): Promise<PlacedOrder> {
  const product = (await storeProducts(shopper)).find((p) => p.slug === SAMPLE_PRODUCT);
  expect(product, 'the shop lists its sample product').toBeDefined();
  // The cart is keyed by its token; it changes once the cart holds something: send the latest.
  let token = cartToken(await shopper.request('GET', '/wp-json/wc/store/v1/cart'));
  const added = await shopper.json('POST', '/wp-json/wc/store/v1/cart/add-item', { id: product!.id, quantity: 1 }, { 'cart-token': token });
  expect(added.status, added.body.slice(0, 300)).toBe(201);
  const cartTotals = parse<{ totals: Totals }>(added).totals;
  token = cartToken(added);
  const checkout = await shopper.json('POST', '/wp-json/wc/store/v1/checkout', {
    billing_address: GUEST, shipping_address: GUEST, payment_method: 'cod',
  }, { 'cart-token': token });
  expect(checkout.status, checkout.body.slice(0, 500)).toBe(200);
  return { ...parse<Omit<PlacedOrder, 'cartTotals'>>(checkout), cartTotals };
}

function cartToken(reply: Reply): string {
  const token = header(reply, 'cart-token');
  expect(token, `a Cart-Token header (HTTP ${reply.status})`).toBeTruthy();
  return token!;
}

/** "9.99" from the Store API's minor units. */
export const money = (minor: string, unit: number) => (Number(minor) / 10 ** unit).toFixed(unit);
