import { describe, expect, it } from 'vitest';
import { HttpError } from './errors.ts';
import { StreamLimits } from './stream-limits.ts';

const refusal = (open: () => unknown) => {
  try {
    open();
  } catch (error) {
    return error instanceof HttpError ? { status: error.status, code: error.code, details: error.details } : error;
  }
  return undefined;
};

describe('StreamLimits', () => {
  it('refuses with 429 past the per-token cap and past the per-process cap, and frees on release', () => {
    const limits = new StreamLimits({ perToken: 2, perProcess: 3 });
    const a1 = limits.acquire('a', () => undefined);
    limits.acquire('a', () => undefined);
    expect(refusal(() => limits.acquire('a', () => undefined))).toEqual({ status: 429, code: 'too_many_streams', details: { limit: 2, scope: 'token' } });
    limits.acquire('b', () => undefined);
    expect(refusal(() => limits.acquire('c', () => undefined))).toEqual({ status: 429, code: 'too_many_streams', details: { limit: 3, scope: 'process' } });
    a1.release();
    a1.release();
    expect(limits.size).toBe(2);
    expect(refusal(() => limits.acquire('a', () => undefined))).toBeUndefined();
  });

  it('ends the streams of revoked tokens only', () => {
    const limits = new StreamLimits({ perToken: 5, perProcess: 10 });
    const ended: string[] = [];
    for (const token of ['a', 'a', 'b']) {
      const lease = limits.acquire(token, () => { ended.push(token); lease.release(); });
    }
    limits.revoke(new Set(['a', 'z']));
    expect(ended).toEqual(['a', 'a']);
    expect(limits.size).toBe(1);
  });
});
