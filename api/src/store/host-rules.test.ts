import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { buildHostLease, hostLeaseName } from '../provisioning/host-claims.ts';
import { allowedHosts, type HostPolicy, hostPolicyProblem, hostProblem } from './host-rules.ts';

const policy: HostPolicy = {
  baseDomain: 'shops.example.com',
  tenantDomains: { acme: ['acme.test', 'shop.acme-eu.test'] },
  platformHosts: ['storefleet.example.com', 'api.acme.test'],
};

describe('hostProblem', () => {
  it('accepts the store its own <name>.<base domain>', () => {
    expect(hostProblem('shop1.shops.example.com', 'shop1', 'bob', policy)).toBeUndefined();
  });

  it("refuses another store's host under the base domain, now or in the future", () => {
    expect(hostProblem('shop2.shops.example.com', 'shop1', 'bob', policy)).toBe('Hosts under shops.example.com are store names: store "shop1" may have shop1.shops.example.com only.');
    expect(hostProblem('not-yet-made.shops.example.com', 'shop1', 'acme', policy)).toMatch(/may have shop1\.shops\.example\.com only/);
    expect(hostProblem('a.shop1.shops.example.com', 'shop1', 'bob', policy)).toMatch(/store names/);
    expect(hostProblem('shops.example.com', 'shop1', 'bob', policy)).toMatch(/store names/);
  });

  it('accepts a tenant domain and hosts under it, for that tenant only', () => {
    expect(hostProblem('acme.test', 'shop1', 'acme', policy)).toBeUndefined();
    expect(hostProblem('www.acme.test', 'shop1', 'acme', policy)).toBeUndefined();
    expect(hostProblem('shop.acme-eu.test', 'shop1', 'acme', policy)).toBeUndefined();
    expect(hostProblem('www.acme.test', 'shop1', 'bob', policy)).toBe('Tenant "bob" may not use the host "www.acme.test"; allowed: shop1.shops.example.com.');
  });

  it('does not let a suffix pass for a domain', () => {
    expect(hostProblem('evilacme.test', 'shop1', 'acme', policy)).toMatch(/may not use/);
    expect(hostProblem('acme-eu.test', 'shop1', 'acme', policy)).toMatch(/may not use/);
  });

  it('never gives a platform host, even inside a tenant domain', () => {
    expect(hostProblem('storefleet.example.com', 'shop1', 'acme', policy)).toBe('The host "storefleet.example.com" belongs to the platform itself; no store may have it.');
    expect(hostProblem('api.acme.test', 'shop1', 'acme', policy)).toMatch(/belongs to the platform/);
    expect(hostProblem('v2.api.acme.test', 'shop1', 'acme', policy)).toMatch(/belongs to the platform/);
  });

  it('says what would be accepted', () => {
    expect(allowedHosts('shop1', 'acme', policy)).toEqual(['shop1.shops.example.com', 'acme.test', '*.acme.test', 'shop.acme-eu.test', '*.shop.acme-eu.test']);
  });
});

describe('hostPolicyProblem', () => {
  it('refuses a tenant domain inside the base domain', () => {
    expect(hostPolicyProblem({ ...policy, tenantDomains: { acme: ['x.shops.example.com'] } })).toMatch(/inside the base domain/);
    expect(hostPolicyProblem({ ...policy, tenantDomains: { acme: ['shops.example.com'] } })).toMatch(/inside the base domain/);
  });

  it('refuses one domain given to two tenants, or one inside another', () => {
    expect(hostPolicyProblem({ ...policy, tenantDomains: { acme: ['acme.test'], bob: ['acme.test'] } })).toMatch(/of tenant/);
    expect(hostPolicyProblem({ ...policy, tenantDomains: { acme: ['acme.test'], bob: ['eu.acme.test'] } })).toBe('Tenant "bob" is given eu.acme.test, which is inside acme.test of tenant "acme".');
    expect(hostPolicyProblem(policy)).toBeUndefined();
  });

  it('is checked when the configuration is loaded', () => {
    const load = (env: Record<string, string>) => loadConfig({ STOREFLEET_BASE_DOMAIN: 'shops.example.com', ...env });
    expect(() => load({ STOREFLEET_TENANT_DOMAINS: '{"acme":["a.shops.example.com"]}' })).toThrow(/inside the base domain/);
    expect(() => load({ STOREFLEET_TENANT_DOMAINS: '{"acme":["Not A Host"]}' })).toThrow();
    const config = load({ STOREFLEET_TENANT_DOMAINS: '{"acme":["acme.test"]}' });
    expect(config.operations.hosts).toEqual({ baseDomain: 'shops.example.com', tenantDomains: { acme: ['acme.test'] }, platformHosts: ['storefleet.shops.example.com'] });
    expect(load({ STOREFLEET_PLATFORM_HOSTS: 'storefleet.example.com, api.example.com' }).operations.hosts.platformHosts).toEqual(['storefleet.example.com', 'api.example.com']);
  });
});

describe('host Leases', () => {
  it('are named after the host, and hashed when the host is too long for a Lease name', () => {
    expect(hostLeaseName('shop1.localhost')).toBe('host-shop1.localhost');
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(long).toHaveLength(253);
    expect(hostLeaseName(long)).toMatch(/^host-[0-9a-f]{40}$/);
    expect(hostLeaseName(long)).not.toBe(hostLeaseName(`${long.slice(0, -1)}e`));
  });

  it('carry the slot label, so removal and the sweep free them like slots', () => {
    const lease = buildHostLease('shop.acme.test', 'shop1', 'acme');
    expect(lease.metadata).toMatchObject({
      name: 'host-shop.acme.test',
      namespace: 'storefleet-system',
      labels: { 'storefleet.io/slot-scope': 'host', 'storefleet.io/store': 'shop1', 'storefleet.io/tenant': 'acme' },
      annotations: { 'storefleet.io/host': 'shop.acme.test' },
    });
  });
});
