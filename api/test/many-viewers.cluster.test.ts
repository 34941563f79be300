// More viewers of one store than the kubelet has inotify instances (128 per user by default):
// every viewer still gets every provisioner line, because the API follows the pod's log once
// and shares it (api/src/kube/pod-log-fanout.ts). With one follow per viewer, viewers past the
// limit got the lines written so far and then a silently ended stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '../../test-support/harness.ts';
import { type ApiProcess, client, startApi, TOKENS, waitForGone, waitForPhase } from '../../test-support/api-process.ts';
import { preparePlatform } from '../../test-support/platform.ts';
import { subscribe } from '../../test-support/sse-subscribers.ts';
import { fetchMetrics, metricSample } from '../../test-support/metrics.ts';

const VIEWERS = 150;
let api: ApiProcess;

beforeAll(async () => {
  await preparePlatform();
  api = await startApi();
}, 600_000);
afterAll(() => api?.kill());

describe(`${VIEWERS} viewers of one store`, () => {
  it('each receive every line of an operation\'s log', async () => {
    const alice = client(api, TOKENS.alice);
    const name = uniqueName('viewers');
    await alice.create({ name });
    const controller = new AbortController();
    try {
      await waitForPhase(alice, name, 'Ready');
      const viewers = subscribe(api.url, TOKENS.alice, name, VIEWERS, controller.signal);
      await viewers.connected;
      const changed = await alice.change(name, { title: 'Many viewers' });
      const job = changed.body.operation.job as string;
      await waitForPhase(alice, name, 'Ready');
      const lines = (await alice.logs(name)).body.lines as string[];
      expect(lines.length).toBeGreaterThan(5);
      const expected = lines.map((_, i) => `${job}:${i + 1}`);
      await waitFor('every viewer to have every line', async () =>
        (viewers.read().arrivals.every((seen) => expected.every((id) => seen.has(id))) ? true : undefined), 30_000, 200)
        .catch(() => undefined);
      const { arrivals } = viewers.read();
      const complete = arrivals.filter((seen) => expected.every((id) => seen.has(id))).length;
      expect(complete).toBe(VIEWERS);
      expect(arrivals.every((seen) => [...seen.keys()].filter((id) => id.startsWith(job)).length === expected.length)).toBe(true);
      // All of them share one follow of the operation pod's log.
      expect(metricSample(await fetchMetrics(api.url), 'storefleet_pod_log_follows')).toBe(1);
    } finally {
      controller.abort();
      await alice.remove(name);
      await waitForGone(alice, name);
    }
  });
});
