import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { clusterUnavailable } from '../kube/clients.ts';
import { toHttpError } from './errors.ts';

const kubeError = (code: number) => new k8s.ApiException(code, 'from the API server', {}, {});

describe('errors from the cluster', () => {
  it('answers 503 with Retry-After when the API server is busy, timing out or unreachable', () => {
    for (const error of [kubeError(429), new k8s.ApiException(500, 'x', '{"kind":"Status","reason":"ServerTimeout"}', {}), kubeError(503), kubeError(504), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } })]) {
      expect(clusterUnavailable(error)).toBe(true);
      expect(toHttpError(error)).toMatchObject({ status: 503, code: 'cluster_unavailable', headers: { 'Retry-After': '2' } });
    }
  });

  it('keeps its answers for what the cluster said no to, and nothing for our own bugs', () => {
    expect(toHttpError(kubeError(409))).toMatchObject({ status: 409, code: 'conflict' });
    expect(toHttpError(kubeError(403))).toMatchObject({ status: 502, code: 'platform_forbidden' });
    expect(toHttpError(new TypeError('x is undefined'))).toBeUndefined();
    // A write into a store namespace that a delete is removing: the store's state, not RBAC.
    const terminating = new k8s.ApiException(403, 'x', '{"kind":"Status","message":"rolebindings.rbac.authorization.k8s.io \\"api-writer\\" is forbidden: unable to create new content in namespace store-a because it is being terminated","reason":"Forbidden","details":{"causes":[{"reason":"NamespaceTerminating","message":"namespace store-a is being terminated","field":"metadata.namespace"}]},"code":403}', {});
    expect(toHttpError(terminating)).toMatchObject({ status: 409, code: 'store_conflict', message: 'The store is being deleted.' });
    // A failing admission webhook is a 500 that no retry heals.
    expect(clusterUnavailable(new k8s.ApiException(500, 'x', '{"kind":"Status","reason":"InternalError","message":"failed calling webhook"}', {}))).toBe(false);
  });
});
