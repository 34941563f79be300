import { describe, expect, it } from 'vitest';
import { hashToken, TokenRegistry } from './auth.ts';

describe('TokenRegistry', () => {
  it('tells listeners which tokens were removed or given other rights, and looks up the new set', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(hashToken) as [string, string, string];
    const registry = new TokenRegistry([
      { sha256: a, tenant: 'alice', role: 'tenant' },
      { sha256: b, tenant: 'bob', role: 'tenant' },
      { sha256: c, tenant: 'carol', role: 'tenant', scopes: ['read', 'create'] },
    ]);
    const revoked: string[][] = [];
    registry.onRevoked((hashes) => revoked.push([...hashes].sort()));
    registry.replace([
      { sha256: a, tenant: 'alice', role: 'tenant', scopes: ['delete', 'change', 'create', 'read'] },
      { sha256: c, tenant: 'carol', role: 'tenant', scopes: ['read'] },
    ]);
    expect(revoked).toEqual([[b, c].sort()]);
    expect(registry.lookup(b)).toBeUndefined();
    expect(registry.lookup(c)?.scopes).toEqual(['read']);
    registry.replace([{ sha256: a, tenant: 'alice', role: 'tenant' }, { sha256: c, tenant: 'carol', role: 'tenant', scopes: ['read'] }]);
    expect(revoked).toHaveLength(1);
  });
});
