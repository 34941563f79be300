import { describe, expect, it } from 'vitest';
import { loadEdgeConfig } from './edge-config.ts';

describe('loadEdgeConfig', () => {
  it('allows no origin and trusts no proxy by default', () => {
    const edge = loadEdgeConfig({});
    expect(edge.allowedOrigins).toEqual([]);
    expect(edge.trustedProxies).toEqual([]);
    expect(edge.streams).toMatchObject({ perToken: 20, perProcess: 1000 });
  });

  it('takes exact origins and refuses paths, wildcards and other schemes', () => {
    expect(loadEdgeConfig({ STOREFLEET_ALLOWED_ORIGINS: 'https://shop.example, http://127.0.0.1:8443/' }).allowedOrigins).toEqual(['https://shop.example', 'http://127.0.0.1:8443']);
    for (const bad of ['*', 'https://shop.example/embed', 'ftp://shop.example', 'https://*.example', 'shop.example']) {
      expect(() => loadEdgeConfig({ STOREFLEET_ALLOWED_ORIGINS: bad }), bad).toThrow('STOREFLEET_ALLOWED_ORIGINS');
    }
  });

  it('refuses the old trust-everyone switch and proxy entries that are no address', () => {
    expect(() => loadEdgeConfig({ STOREFLEET_TRUST_PROXY: 'true' })).toThrow('STOREFLEET_TRUSTED_PROXIES');
    expect(() => loadEdgeConfig({ STOREFLEET_TRUSTED_PROXIES: '10.42.0.0/99' })).toThrow('STOREFLEET_TRUSTED_PROXIES');
    expect(loadEdgeConfig({ STOREFLEET_TRUSTED_PROXIES: '10.42.0.0/16,loopback' }).trustedProxies).toEqual(['10.42.0.0/16', 'loopback']);
  });
});
