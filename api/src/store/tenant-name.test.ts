// Tenant names are checked when the configuration is loaded: one whose slot label would not
// fit Kubernetes' 63 characters never reaches a create.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { TENANT_NAME_MAX, tenantSlotScope } from './tenant-name.ts';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/; // Kubernetes' own rule, with the 63 below
const token = (tenant: string) => JSON.stringify([{ sha256: 'a'.repeat(64), tenant, role: 'tenant' }]);
const longest = 't'.repeat(TENANT_NAME_MAX);
const tooLong = 't'.repeat(TENANT_NAME_MAX + 1);

describe('tenant names at configuration load', () => {
  it('accepts the longest name whose slot label is a valid label value', () => {
    expect(tenantSlotScope(longest)).toHaveLength(63);
    expect(tenantSlotScope(longest)).toMatch(LABEL_VALUE);
    expect(loadConfig({ STOREFLEET_API_TOKENS: token(longest) }).tokens[0]!.tenant).toBe(longest);
    expect(loadConfig({ STOREFLEET_TENANT_STORE_LIMITS: JSON.stringify({ [longest]: 3 }) }).operations.tenantStoreLimits).toEqual({ [longest]: 3 });
  });

  it('refuses one character more, in the tokens and in the store limits, saying why', () => {
    expect(() => loadConfig({ STOREFLEET_API_TOKENS: token(tooLong) })).toThrow(`at most ${TENANT_NAME_MAX} characters: its slot label tenant-<tenant> must fit Kubernetes' 63`);
    expect(() => loadConfig({ STOREFLEET_TENANT_STORE_LIMITS: JSON.stringify({ [tooLong]: 3 }) })).toThrow(`at most ${TENANT_NAME_MAX} characters`);
  });

  it.each(['-acme', 'acme-', 'Acme', 'ac_me', ''])('refuses %j, which is no label value', (tenant) => {
    expect(() => loadConfig({ STOREFLEET_API_TOKENS: token(tenant) })).toThrow('A tenant name is lowercase letters');
  });
});
