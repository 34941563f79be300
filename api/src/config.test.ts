import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { WRITE_STEPS } from './provisioning/operation-context.ts';

describe('the crash tests\' fault hook', () => {
  it('is refused at start in production, with what to do', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', STOREFLEET_TEST_CRASH_AFTER: 'namespace' }))
      .toThrow('STOREFLEET_TEST_CRASH_AFTER is a test-only fault hook and is refused when NODE_ENV=production.');
  });

  it('is taken outside production, for every write step of a create and no other', () => {
    for (const step of WRITE_STEPS) expect(loadConfig({ NODE_ENV: 'test', STOREFLEET_TEST_CRASH_AFTER: step }).operations.afterWrite).toBeTypeOf('function');
    expect(() => loadConfig({ STOREFLEET_TEST_CRASH_AFTER: 'somewhere' })).toThrow();
    expect(loadConfig({ NODE_ENV: 'production' }).operations.afterWrite).toBeUndefined();
  });
});
