import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeKubeError } from './kube-error.ts';

describe('describeKubeError', () => {
  it('gives the apiserver its own sentence', () => {
    const forbidden = new k8s.ApiException(403, 'Forbidden', JSON.stringify({
      kind: 'Status', message: 'jobs.batch is forbidden: User "system:serviceaccount:storefleet-system:storefleet-api" cannot list resource "jobs"',
    }), {});
    expect(describeKubeError(forbidden)).toBe('HTTP 403: jobs.batch is forbidden: User "system:serviceaccount:storefleet-system:storefleet-api" cannot list resource "jobs"');
  });

  it('gives a watch error its status', () => {
    expect(describeKubeError(Object.assign(new Error('Forbidden'), { statusCode: 403 }))).toBe('HTTP 403: Forbidden');
  });

  it('gives a network failure its code', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }) });
    expect(describeKubeError(refused)).toBe('connect ECONNREFUSED 127.0.0.1:6443');
    expect(describeKubeError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(describeKubeError(new TypeError('fetch failed', { cause: new Error('bad port') }))).toBe('fetch failed (bad port)');
  });
});
