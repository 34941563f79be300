// Benchmark (not a test): 200,000 requests with random fake tokens against the real API run
// with the pod's heap setting, sampling its RSS, while a real token keeps reading. The suite
// (api/test/edge-limits.cluster.test.ts) asserts the same with 20,000.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ApiProcess, startApi, TOKENS } from '../../test-support/api-process.ts';
import { flood, mib } from '../../test-support/flood.ts';
import { preparePlatform } from '../../test-support/platform.ts';

const REQUESTS = Number(process.env.BENCH_FLOOD_REQUESTS ?? 200_000);
const POD_MEMORY_LIMIT = 256 * 2 ** 20;
let api: ApiProcess;

beforeAll(async () => {
  preparePlatform();
  api = await startApi({ NODE_OPTIONS: '--max-old-space-size=128', STOREFLEET_RATE_ANONYMOUS_MAX: '30', LOG_LEVEL: process.env.BENCH_FLOOD_LOG_LEVEL ?? 'info' });
}, 600_000);
afterAll(() => api?.kill());

it(`${REQUESTS} fake-token requests: API RSS and a real token's answers`, async () => {
  const result = await flood({ url: api.url, pid: api.child.pid!, requests: REQUESTS, concurrency: 64, realToken: TOKENS.bob, realEveryMs: 20 });
  console.log(`[edge-flood] ${result.requests} requests in ${result.seconds.toFixed(1)} s (${Math.round(result.requests / result.seconds)}/s): ${JSON.stringify(result.byStatus)}`);
  console.log(`[edge-flood] API anonymous RSS before ${mib(result.rssBefore)} MiB, peak ${mib(result.rssPeak)} MiB, after ${mib(result.rssAfter)} MiB; total RSS peak ${mib(result.totalRssPeak)} MiB (pod limit ${mib(POD_MEMORY_LIMIT)} MiB); real token: ${JSON.stringify(result.realByStatus)}`);
  expect(Object.keys(result.realByStatus)).toEqual(['200']);
});
