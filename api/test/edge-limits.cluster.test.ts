// The HTTP edge under abuse, on the real API and cluster: a flood of random fake tokens
// spends one small per-address budget (memory stays flat, a real token is unaffected, and
// X-Forwarded-For does not buy a new budget); event streams are capped per token and per
// process, stalled readers' memory is reported, idle streams end, and a token taken out of
// the token file loses its open stream at once. `npm run bench` floods with 200,000.
import { connect, type Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '../../test-support/harness.ts';
import { hashToken } from '../src/http/auth.ts';
import { type ApiProcess, client, STORE_TEST_VALUES, startApi, TOKENS, waitForPhase } from '../../test-support/api-process.ts';
import { flood, memoryOf, mib } from '../../test-support/flood.ts';
import { preparePlatform } from '../../test-support/platform.ts';

/** The API pod's memory limit (k8s/api/deployment.yaml). */
const POD_MEMORY_LIMIT = 256 * 2 ** 20;
const API_NODE_OPTIONS = process.env.RL_NODE_OPTIONS ?? '--max-old-space-size=128';
const PER_TOKEN = 200;
const PER_PROCESS = 250;
const IDLE_SECONDS = 20;

const tokensFile = path.join(mkdtempSync(path.join(tmpdir(), 'rl-tokens-')), 'tokens.json');
const writeTokens = (names: Array<keyof typeof TOKENS>) => writeFileSync(tokensFile, JSON.stringify(names.map((name) => (
  { sha256: hashToken(TOKENS[name]), tenant: name === 'admin' ? 'ops' : name, role: name === 'admin' ? 'admin' : 'tenant' }))));

let api: ApiProcess;
const store = uniqueName('rl');
const sockets: Socket[] = [];

beforeAll(async () => {
  await preparePlatform();
  writeTokens(['alice', 'bob', 'admin']);
  api = await startApi({
    // The heap the pod runs with (k8s/api/deployment.yaml): V8 otherwise sizes it from the host.
    NODE_OPTIONS: API_NODE_OPTIONS,
    STOREFLEET_API_TOKENS_FILE: tokensFile,
    STOREFLEET_TOKENS_RELOAD_SECONDS: '1',
    STOREFLEET_RATE_ANONYMOUS_MAX: '30',
    STOREFLEET_SSE_MAX_PER_TOKEN: String(PER_TOKEN),
    STOREFLEET_SSE_MAX_STREAMS: String(PER_PROCESS),
    STOREFLEET_SSE_IDLE_SECONDS: String(IDLE_SECONDS),
    // A store the chart refuses at once: it exists (so it has a stream) and then stays quiet.
    STOREFLEET_PLATFORM_VALUES: JSON.stringify({ ...STORE_TEST_VALUES, backup: { retentionDays: 0 } }),
    STOREFLEET_JOB_BACKOFF_LIMIT: '0',
  });
  expect((await client(api, TOKENS.alice).create({ name: store })).status).toBe(202);
  await waitForPhase(client(api, TOKENS.alice), store, 'Failed', 120_000);
}, 600_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  if (api) await client(api, TOKENS.admin).remove(store);
  await api?.kill();
});

describe('a flood of fake tokens', () => {
  it('spends one address budget: 401 then 429, RSS within the pod limit, a real token answered throughout', async () => {
    const result = await flood({ url: api.url, pid: api.child.pid!, requests: 20_000, concurrency: 32, realToken: TOKENS.bob, realEveryMs: 20 });
    console.log(`[edge] ${result.requests} fake-token requests in ${result.seconds.toFixed(1)} s (${Math.round(result.requests / result.seconds)}/s): ${JSON.stringify(result.byStatus)}; API anonymous RSS ${mib(result.rssBefore)} → peak ${mib(result.rssPeak)} → ${mib(result.rssAfter)} MiB, total RSS peak ${mib(result.totalRssPeak)} MiB (pod limit ${mib(POD_MEMORY_LIMIT)}); real token meanwhile: ${JSON.stringify(result.realByStatus)}`);
    expect(result.byStatus).toEqual({ 401: 30, 429: result.requests - 30 });
    expect(result.rssPeak).toBeLessThan(POD_MEMORY_LIMIT);
    expect(Object.keys(result.realByStatus)).toEqual(['200']);
    // Naming another client in X-Forwarded-For buys nothing: no proxy hop is trusted here.
    const spoofed = await fetch(`${api.url}/api/v1/stores`, { headers: { 'X-Forwarded-For': '198.51.100.7' } });
    expect(spoofed.status).toBe(429);
    expect((await spoofed.json()).error.code).toBe('rate_limited');
  });
});

/** Opens a stream on a raw socket and then stops reading it; resolves with the status line. */
function stalledStream(token: string): Promise<{ socket: Socket; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.write(`GET /api/v1/stores/${store}/events HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n`);
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      const text = chunk.toString();
      resolve({ socket, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.once('close', () => reject(new Error('closed before answering')));
  });
}

const endOf = (socket: Socket) => new Promise<void>((resolve) => {
  if (socket.destroyed || socket.readableEnded) return resolve();
  socket.once('end', () => resolve());
  socket.once('close', () => resolve());
  socket.resume();
});

describe('event streams', () => {
  it(`caps streams at ${PER_TOKEN} per token and ${PER_PROCESS} per process with 429, holds stalled readers in bounded memory, and ends idle ones`, async () => {
    const before = memoryOf(api.child.pid!);
    const alice = await Promise.all(Array.from({ length: PER_TOKEN }, () => stalledStream(TOKENS.alice)));
    expect(alice.every((s) => s.status === 200)).toBe(true);
    const overToken = await stalledStream(TOKENS.alice);
    expect(overToken.status).toBe(429);
    expect(overToken.body).toContain('"scope":"token"');
    const admin = await Promise.all(Array.from({ length: PER_PROCESS - PER_TOKEN }, () => stalledStream(TOKENS.admin)));
    expect(admin.every((s) => s.status === 200)).toBe(true);
    const overProcess = await stalledStream(TOKENS.admin);
    expect(overProcess.status).toBe(429);
    expect(overProcess.body).toContain('"scope":"process"');
    const open = memoryOf(api.child.pid!);
    console.log(`[edge] ${PER_PROCESS} stalled readers open: API anonymous RSS ${mib(before.anon)} → ${mib(open.anon)} MiB (${((open.anon - before.anon) / PER_PROCESS / 1024).toFixed(0)} KiB each), total RSS ${mib(before.rss)} → ${mib(open.rss)} MiB; the ${PER_TOKEN + 1}th of one token and the ${PER_PROCESS + 1}th of the process got 429`);
    expect(open.anon).toBeLessThan(POD_MEMORY_LIMIT);
    expect(open.anon - before.anon).toBeLessThan(PER_PROCESS * 256 * 1024);

    // Nothing happens on the failed store: after the idle time every stream is ended by the API.
    const started = performance.now();
    await Promise.all([...alice, ...admin].map((s) => endOf(s.socket)));
    console.log(`[edge] all ${PER_PROCESS} quiet streams ended by the API after ${((performance.now() - started) / 1000).toFixed(1)} s (idle timeout ${IDLE_SECONDS} s)`);
    const again = await stalledStream(TOKENS.alice);
    expect(again.status).toBe(200);
    again.socket.destroy();
  }, 120_000);

  it('ends the open stream of a token removed from the token file, and refuses the token from then on', async () => {
    const [alice, admin] = await Promise.all([stalledStream(TOKENS.alice), stalledStream(TOKENS.admin)]);
    expect([alice.status, admin.status]).toEqual([200, 200]);
    const aliceEnded = endOf(alice.socket);
    const removed = performance.now();
    writeTokens(['bob', 'admin']);
    await aliceEnded;
    console.log(`[edge] a removed token's stream ended ${((performance.now() - removed) / 1000).toFixed(1)} s after the token file changed (polled every 1 s)`);
    let adminEnded = false;
    admin.socket.on('end', () => { adminEnded = true; }).resume();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(adminEnded).toBe(false);
    expect((await client(api, TOKENS.alice).list()).status).not.toBe(200);
    await waitFor('the admin token to still work', async () => ((await client(api, TOKENS.admin).list()).status === 200 ? true : undefined), 5_000, 200);
    admin.socket.destroy();
  });
});
