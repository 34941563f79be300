import { describe, expect, it } from 'vitest';
import { changeStoreBody, createStoreBody } from './stores.schema.ts';

describe('store input', () => {
  it.each(['shop1', 'my-shop', 'a23'])('accepts the name %s', (name) => {
    expect(createStoreBody.parse({ name }).plan).toBe('small');
  });

  it.each(['ab', 'Shop', '1shop', 'shop-', 'a'.repeat(33), 'shop_1', '../etc', 'kube-system', 'admin'])('rejects the name %s', (name) => {
    expect(createStoreBody.safeParse({ name }).success).toBe(false);
  });

  it('rejects unknown fields, plans and bad hosts', () => {
    expect(createStoreBody.safeParse({ name: 'shop1', extra: true }).success).toBe(false);
    expect(createStoreBody.safeParse({ name: 'shop1', plan: 'huge' }).success).toBe(false);
    expect(createStoreBody.safeParse({ name: 'shop1', host: 'bad_host.example.com' }).success).toBe(false);
  });

  it('takes the seed body {name, type} and names the valid types when type is wrong', () => {
    expect(createStoreBody.parse({ name: 'store1', type: 'woocommerce' })).toMatchObject({ name: 'store1', type: 'woocommerce', plan: 'small' });
    const wrong = createStoreBody.safeParse({ name: 'store1', type: 'medusa' });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.message).toBe('Unknown store type; valid types: woocommerce.');
  });

  it('needs something to change', () => {
    expect(changeStoreBody.safeParse({}).success).toBe(false);
    expect(changeStoreBody.parse({ plan: 'large' })).toEqual({ plan: 'large' });
  });
});
