// One process of P4's viewers (run by viewer-processes.ts). Viewers in one process wait for
// each other: while it handles one viewer's bytes, the next viewer's are not stamped yet.
// Real viewers are separate browsers, so the load's viewers are spread over processes.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { subscribe } from '../../test-support/sse-subscribers.ts';

export interface ViewerProcessArgs { apiUrl: string; token: string; store: string; count: number }
export type ToViewers = { type: 'start' } | { type: 'stop' } | { type: 'read' };

const { apiUrl, token, store, count } = JSON.parse(process.argv[2]!) as ViewerProcessArgs;
const controller = new AbortController();
const viewers = subscribe(apiUrl, token, store, count, controller.signal);
// Measured from the change to the log's end: reading parses everything held back, and would count.
const loop = monitorEventLoopDelay({ resolution: 10 });

viewers.connected.then(() => process.send!({ type: 'connected' }), (error: Error) => process.send!({ type: 'failed', message: error.message }));
process.on('message', (message: ToViewers) => {
  if (message.type === 'start') loop.enable();
  else if (message.type === 'stop') loop.disable();
  else process.send!({ type: 'read', ...viewers.read(), loopDelayMax: loop.max / 1e6 });
});
// The parent is gone or done: close the streams and go.
process.on('disconnect', () => {
  controller.abort();
  process.exit(0);
});
