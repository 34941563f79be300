import { describe, expect, it } from 'vitest';
import { describeReport, isTrouble, readinessReport, refusal } from './report.ts';

const ok = (name: string) => ({ name, ok: true });
const failing = (name: string, reason: string) => ({ name, ok: false, reason });

describe('readinessReport', () => {
  it('is ready only when every check is met', () => {
    expect(readinessReport([ok('caches'), ok('cluster')], false)).toEqual({ ready: true, status: 'ready', checks: [ok('caches'), ok('cluster')] });
    expect(readinessReport([ok('caches'), failing('cluster', 'x')], false)).toMatchObject({ ready: false, status: 'not_ready' });
  });

  it('says starting while the caches sync, and draining after SIGTERM whatever else holds', () => {
    expect(readinessReport([failing('caches', 'syncing: jobs'), ok('cluster')], false).status).toBe('starting');
    const draining = readinessReport([ok('caches'), ok('cluster')], true);
    expect(draining).toMatchObject({ ready: false, status: 'draining' });
    expect(draining.checks.at(-1)).toMatchObject({ name: 'draining', ok: false });
  });

  it('describes every unmet check in one line', () => {
    const report = readinessReport([failing('caches', 'syncing: jobs, pods'), failing('redis', 'reconnecting: ECONNREFUSED'), ok('cluster')], false);
    expect(describeReport(report)).toBe('not ready: caches: syncing: jobs, pods; redis: reconnecting: ECONNREFUSED');
    expect(describeReport(readinessReport([ok('caches')], false))).toBe('ready');
  });

  it('tells trouble from an ordinary start or shutdown', () => {
    expect(isTrouble(readinessReport([failing('caches', 'syncing: namespaces, jobs'), failing('cluster', 'not checked yet')], false))).toBe(false);
    expect(isTrouble(readinessReport([ok('caches')], true))).toBe(false);
    expect(isTrouble(readinessReport([failing('caches', 'syncing: jobs (HTTP 403: jobs.batch is forbidden)')], false))).toBe(true);
    expect(isTrouble(readinessReport([ok('caches'), failing('permissions', 'missing: create leases')], false))).toBe(true);
  });
});

describe('refusal', () => {
  it('serves nothing while the caches sync', () => {
    const report = readinessReport([failing('caches', 'syncing: jobs'), ok('cluster')], false);
    expect(refusal(report, 'GET')).toMatchObject({ status: 503, code: 'starting', retryAfterSeconds: 2 });
  });

  it('serves nothing without Redis, which holds the shared rate limits', () => {
    const report = readinessReport([ok('caches'), failing('redis', 'reconnecting')], false);
    expect(refusal(report, 'GET')).toMatchObject({ code: 'redis_unavailable' });
  });

  it('still reads from the cache without the cluster, but refuses changes that would stop half-way', () => {
    const report = readinessReport([ok('caches'), failing('cluster', 'kube-apiserver: ECONNREFUSED')], false);
    expect(refusal(report, 'GET')).toBeUndefined();
    for (const method of ['POST', 'PATCH', 'DELETE']) expect(refusal(report, method)).toMatchObject({ code: 'cluster_unavailable' });
  });

  it('refuses changes while a permission is missing, naming it', () => {
    const report = readinessReport([ok('caches'), ok('cluster'), failing('permissions', 'missing: create leases.coordination.k8s.io in storefleet-system')], false);
    expect(refusal(report, 'POST')?.message).toContain('create leases.coordination.k8s.io in storefleet-system');
    expect(refusal(report, 'GET')).toBeUndefined();
  });

  it('refuses nothing while draining: requests on open connections are finished', () => {
    expect(refusal(readinessReport([ok('caches'), ok('cluster')], true), 'POST')).toBeUndefined();
  });
});
