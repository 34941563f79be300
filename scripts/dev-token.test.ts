// The dev token is added only when no token source is configured at all.
import { describe, expect, it } from 'vitest';
import { needsDevToken, TOKEN_SOURCES } from './dev-token.ts';

describe('npm start and the dev token', () => {
  it('adds it when no token source is set (or only empty ones)', () => {
    expect(needsDevToken({})).toBe(true);
    expect(needsDevToken(Object.fromEntries(TOKEN_SOURCES.map((name) => [name, ''])))).toBe(true);
  });

  it.each([
    ['STOREFLEET_API_TOKENS', '[]'],
    ['STOREFLEET_API_TOKENS', '[{"sha256":"…","tenant":"acme","role":"tenant"}]'],
    ['STOREFLEET_API_TOKENS_FILE', '/run/secrets/tokens.json'],
    ['STOREFLEET_DEV_TOKEN', 'my-own-token'],
  ])('never adds it when %s is set (%s)', (name, value) => {
    expect(needsDevToken({ [name]: value })).toBe(false);
  });
});
