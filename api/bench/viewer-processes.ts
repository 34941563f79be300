// P4's viewers spread over child processes (viewer-process.ts), read as one audience. Every
// process stamps arrivals on the same clock (monotonicMs), so they compare with the direct
// follower in this one.
import { type ChildProcess, fork } from 'node:child_process';
import type { Arrivals } from '../../test-support/sse-subscribers.ts';
import { nextMessage } from './child-message.ts';
import type { ToViewers, ViewerProcessArgs } from './viewer-process.ts';

export interface ViewerAudience {
  /** Resolves when every viewer of every process has its stream open. */
  connected: Promise<unknown>;
  /** Starts and stops measuring each process's event-loop delay. */
  startClock(): void;
  stopClock(): void;
  /** What every viewer got so far, and the worst event-loop delay of any viewer process (ms). */
  read(): Promise<Arrivals & { loopDelayMax: number }>;
  close(): void;
}

type FromViewers = { type: 'connected' } | { type: 'failed'; message: string } | ({ type: 'read'; loopDelayMax: number } & Arrivals);

const script = new URL('./viewer-process.ts', import.meta.url).pathname;

/** The `count` viewers, as evenly as may be over `processes` processes. */
export function subscribeInProcesses(apiUrl: string, token: string, store: string, count: number, processes: number): ViewerAudience {
  const sizes = Array.from({ length: processes }, (_, i) => Math.floor(count / processes) + (i < count % processes ? 1 : 0)).filter((n) => n > 0);
  const children: ChildProcess[] = sizes.map((size) => fork(script, [JSON.stringify({ apiUrl, token, store, count: size } satisfies ViewerProcessArgs)], {
    serialization: 'advanced', // Maps of arrivals go across as they are
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  }));
  const next = async (child: ChildProcess, type: FromViewers['type']): Promise<FromViewers> => {
    const message = await nextMessage<FromViewers>(child, 'a viewer process', (m) => m.type === type || m.type === 'failed');
    if (message.type === 'failed') throw new Error(message.message);
    return message;
  };
  const send = (message: ToViewers) => children.forEach((child) => child.send(message));
  return {
    connected: Promise.all(children.map((child) => next(child, 'connected'))),
    startClock: () => send({ type: 'start' }),
    stopClock: () => send({ type: 'stop' }),
    async read() {
      const replies = children.map((child) => next(child, 'read'));
      send({ type: 'read' });
      const parts = (await Promise.all(replies)) as Array<Extract<FromViewers, { type: 'read' }>>;
      return {
        arrivals: parts.flatMap((p) => p.arrivals),
        progress: parts.flatMap((p) => p.progress),
        chunks: parts.flatMap((p) => p.chunks),
        loopDelayMax: Math.max(...parts.map((p) => p.loopDelayMax)),
      };
    },
    close: () => children.forEach((child) => child.connected && child.disconnect()),
  };
}
