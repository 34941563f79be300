// Following a store's stream on its own: entries once each, bounded, the connection state,
// the host told of every status, and the stream stopped with the host.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatusEvent } from '../api/types.ts';
import { FakeApi, log, status } from '../../test/fake-api.ts';
import { MAX_ENTRIES, StreamController } from './stream-controller.ts';

class Host implements ReactiveControllerHost {
  controllers: ReactiveController[] = [];
  addController(controller: ReactiveController) { this.controllers.push(controller); }
  removeController() {}
  requestUpdate() {}
  get updateComplete() { return Promise.resolve(true); }
}

let api: FakeApi;
beforeEach(() => { api = new FakeApi().install(); });
afterEach(() => api.restore());

const url = (name: string) => `/api/v1/stores/${name}/events`;
const AUTH = { Authorization: 'Bearer tok-alice' };

function follower() {
  const host = new Host();
  const statuses: [string, string][] = [];
  const refused: [number, string][] = [];
  const stream = new StreamController(host, {
    onStatus: (s: StatusEvent, previous) => statuses.push([s.phase, previous]),
    onRefused: (code, _message, lastPhase) => refused.push([code, lastPhase]),
  });
  return { host, stream, statuses, refused };
}

describe('StreamController', () => {
  it('turns status, log and progress events into timeline entries, each once, and tells the host each status', async () => {
    const { host, stream, statuses } = follower();
    expect(host.controllers).toEqual([stream]);
    const summary = { ready: 1, total: 4, parts: [], text: '1 of 4 parts ready' };
    api.streams.set('shop1', [
      { events: [status('shop1', 'Provisioning', 'Installing.', 'Running'), log('j1', 1, 'first'), log('j1', 2, 'second')], drop: true },
      { events: [log('j1', 2, 'second'), { event: 'progress', data: { job: 'j1', summary } }, status('shop1', 'Ready', 'The store is ready.', 'InstallSucceeded')] },
    ]);
    stream.follow(url('shop1'), AUTH);
    await expect.poll(() => stream.entries.map((e) => e.kind), { timeout: 5000 }).toEqual(['status', 'log', 'log', 'progress', 'status']);
    expect(statuses).toEqual([['Provisioning', ''], ['Ready', 'Provisioning']]);
    expect(stream.connection).toBe('live');
    stream.stop();
  });

  it('stops at the final Deleted status, and with its host', async () => {
    const { stream } = follower();
    const signals: AbortSignal[] = [];
    const answer = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      if (init?.signal) signals.push(init.signal);
      return answer(input, init);
    };
    api.streams.set('gone', [{ events: [status('gone', 'Deleted', 'The store no longer exists.', 'Gone')] }]);
    stream.follow(url('gone'), AUTH);
    await expect.poll(() => stream.entries.length).toBe(1);
    expect(signals[0]!.aborted).toBe(true);
    api.streams.set('shop2', [{ events: [] }]);
    stream.follow(url('shop2'), AUTH);
    expect(stream.entries).toEqual([]);
    await expect.poll(() => stream.connection).toBe('live');
    expect(signals[1]!.aborted).toBe(false);
    stream.hostDisconnected();
    expect(signals[1]!.aborted).toBe(true);
  });

  it('tells the host when the API refuses the stream, with the last phase it sent', async () => {
    const { stream, refused } = follower();
    stream.follow('/api/v1/stores/no%20such/events', {});
    await expect.poll(() => refused.length).toBe(1);
    expect(refused[0]![1]).toBe('');
  });

  it(`keeps at most ${MAX_ENTRIES} entries, the newest`, async () => {
    const { stream } = follower();
    api.streams.set('long', [{ events: Array.from({ length: MAX_ENTRIES + 5 }, (_, i) => log('j', i + 1, `line ${i + 1}`)) }]);
    stream.follow(url('long'), AUTH);
    await expect.poll(() => (stream.entries.at(-1) as { text?: string } | undefined)?.text, { timeout: 10_000 }).toBe(`line ${MAX_ENTRIES + 5}`);
    expect(stream.entries).toHaveLength(MAX_ENTRIES);
    expect((stream.entries[0] as { text: string }).text).toBe('line 6');
    stream.stop();
  });
});
