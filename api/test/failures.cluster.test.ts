// A failing install says why in plain words, retries a bounded number of times, leaves no
// release behind, and the same name can be created again.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfig, uniqueName } from '../../test-support/harness.ts';
import { type ApiProcess, client, STORE_TEST_VALUES, startApi, TOKENS, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { preparePlatform } from '../../test-support/platform.ts';
import { SYSTEM } from '../../test-support/kube.ts';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apis: ApiProcess[] = [];

beforeAll(() => preparePlatform(), 600_000);
afterAll(async () => Promise.all(apis.map((a) => a.kill())));

async function apiWith(values: object, env: Record<string, string> = {}) {
  const api = await startApi({ STOREFLEET_PLATFORM_VALUES: JSON.stringify(values), ...env });
  apis.push(api);
  return client(api, TOKENS.alice);
}

const helmReleases = async (store: string) =>
  (await core.listNamespacedSecret({ namespace: `store-${store}`, labelSelector: 'owner=helm' })).items;

describe('a failing install', () => {
  it('times out waiting for readiness, says so plainly, retries once, cleans up, and can be created again', async () => {
    // WordPress's image is not on the node and may not be pulled: its pod can never be ready.
    // Fail-fast (progress.cluster.test.ts) would end this at once; off here, Helm's own
    // timeout and --rollback-on-failure are what is tested.
    const broken = await apiWith(
      { image: { ...STORE_TEST_VALUES.image, wordpress: { repository: 'storefleet.local/wordpress', tag: 'missing', pullPolicy: 'Never' } } },
      { STOREFLEET_HELM_TIMEOUT_SECONDS: '30', STOREFLEET_JOB_BACKOFF_LIMIT: '1', STOREFLEET_FAIL_FAST: 'false' },
    );
    const name = uniqueName('fail');
    expect((await broken.create({ name })).status).toBe(202);

    const failed = await waitForPhase(broken, name, 'Failed', 400_000);
    expect(failed.state.reason).toBe('InstallFailed');
    expect(failed.state.message).toBe('The store did not become ready within 30s; its pods were not ready. Check the store\'s events and retry.');
    const pods = await core.listNamespacedPod({ namespace: SYSTEM, labelSelector: `job-name=${name}-install-1` });
    expect(pods.items.length).toBe(2); // backoffLimit 1: the first try and one retry
    // --rollback-on-failure removed the failed release: nothing is left half-installed.
    expect(await helmReleases(name)).toEqual([]);
    const logs = await broken.logs(name);
    expect(logs.body.lines.some((l: string) => l.includes('"step":"done","status":"failed"'))).toBe(true);

    // The same name, created again by a healthy platform, installs.
    const healthy = await apiWith(STORE_TEST_VALUES);
    const again = await healthy.create({ name });
    expect(again.status).toBe(202);
    expect(again.body.operation.job).toBe(`${name}-install-2`);
    await waitForPhase(healthy, name, 'Ready');
    await healthy.remove(name);
    await waitForGone(healthy, name);
  });

  it('rejects settings the chart refuses, with the reason from the chart, after the pod is gone', async () => {
    const strict = await apiWith({ ...STORE_TEST_VALUES, backup: { retentionDays: 0 } }, { STOREFLEET_JOB_BACKOFF_LIMIT: '0' });
    const name = uniqueName('badval');
    await strict.create({ name });
    const failed = await waitForPhase(strict, name, 'Failed', 120_000);
    expect(failed.state.message).toMatch(/^The store settings were rejected by the chart: at '\/backup\/retentionDays'/);
    // Delete the Job's pod: the saved record still explains the failure.
    await core.deleteCollectionNamespacedPod({ namespace: SYSTEM, labelSelector: `job-name=${name}-install-1` });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const later = await strict.get(name);
    expect(later.body.store.state.message).toBe(failed.state.message);
    expect((await strict.logs(name)).body.lines.length).toBeGreaterThan(2);
    await strict.remove(name);
    await waitForGone(strict, name);
  });
});
