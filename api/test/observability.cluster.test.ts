// One provisioning, followed the way an operator would: the request id from the response is
// on the audit line, on the Job and in the store's Events; /metrics has its duration.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfig, uniqueName, waitFor } from '../../test-support/harness.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { preparePlatform } from '../../test-support/platform.ts';
import { SYSTEM } from '../../test-support/kube.ts';
import { fetchMetrics, metricSample } from '../../test-support/metrics.ts';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const batch = kc.makeApiClient(k8s.BatchV1Api);
let api: ApiProcess;

beforeAll(async () => {
  await preparePlatform();
  api = await startApi();
}, 600_000);
const storesMade: string[] = [];
afterAll(async () => {
  const alice = client(api, TOKENS.alice);
  await Promise.all(storesMade.map(async (name) => { await alice.remove(name); await waitForGone(alice, name); }));
  await api?.kill();
}, 300_000);

type LogLine = Record<string, unknown>;
const logLines = () => api.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
/** The API's output reaches the test through a pipe: wait for the line to arrive. */
const logLine = (what: string, match: (line: LogLine) => boolean) =>
  waitFor(what, async () => logLines().find(match), 10_000, 100);

describe('observability', () => {
  it('follows one create from the request id to the audit line, the Job, the Events and /metrics', async () => {
    const alice = client(api, TOKENS.alice);
    const name = uniqueName('obs');
    const requestId = `req-${name}`;
    const response = await fetch(`${api.url}/api/v1/stores`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKENS.alice}`, 'Content-Type': 'application/json', 'X-Request-Id': requestId },
      body: JSON.stringify({ name }),
    });
    expect(response.status).toBe(202);
    storesMade.push(name);
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const job = ((await response.json()) as { operation: { job: string } }).operation.job;

    // The audit line: who, tenant, store, operation, outcome.
    const audit = await logLine('the audit line', (l) => l.msg === 'audit' && l.requestId === requestId);
    expect(audit).toMatchObject({ level: 'info', actor: 'tenant:alice', tenant: 'alice', operation: 'create', store: name, job, status: 202, outcome: 'accepted' });

    // The Job carries the request id, so `kubectl get job -o yaml` leads back to the request.
    const jobObject = await batch.readNamespacedJob({ namespace: SYSTEM, name: job });
    expect(jobObject.metadata?.annotations?.['storefleet.io/request-id']).toBe(requestId);

    await waitForPhase(alice, name, 'Ready');
    const events = await waitFor('the install Events', async () => {
      const list = await core.listNamespacedEvent({ namespace: `store-${name}`, fieldSelector: 'involvedObject.kind=Namespace' });
      const reasons = list.items.map((e) => e.reason);
      return reasons.includes('InstallStarted') && reasons.includes('InstallSucceeded') ? list.items : undefined;
    }, 60_000, 500);
    const started = events.find((e) => e.reason === 'InstallStarted')!;
    expect(started.message).toBe(`Job storefleet-system/${job} started (request ${requestId})`);
    expect(events.find((e) => e.reason === 'InstallSucceeded')!.message).toMatch(new RegExp(`^Job ${job} finished in \\d+\\.\\ds \\(request ${requestId}\\)$`));

    // /metrics: the install's duration is in the histogram, the store is counted as Ready.
    const metrics = await fetchMetrics(api.url);
    expect(metricSample(metrics, 'storefleet_operation_duration_seconds_count{operation="install",outcome="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(metricSample(metrics, 'storefleet_stores{phase="Ready"}')).toBeGreaterThanOrEqual(1);
    expect(metricSample(metrics, 'storefleet_mutations_total{operation="create",outcome="accepted"}')).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/storefleet_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/api\/v1\/stores",status="202"\}/);
    expect(metrics).toContain('process_resident_memory_bytes');
    const finished = await logLine('the finished line', (l) => l.msg === 'operation finished' && l.job === job);
    expect(finished).toMatchObject({ store: name, requestId, operation: 'install', outcome: 'succeeded' });

    // A refused mutation is audited too, with its reason.
    const refused = await client(api, TOKENS.bob).remove(name);
    expect(refused.status).toBe(404);
    const refusal = await logLine('the refusal', (l) => l.msg === 'audit' && l.operation === 'delete' && l.tenant === 'bob');
    expect(refusal).toMatchObject({ store: name, status: 404, outcome: 'refused', reason: 'store_not_found' });
  });
});
