// A Server-Sent Events response on a Koa context: events, comments as heartbeats, and a
// close signal when the client goes.
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';

export interface SseChannel {
  send(event: string, data: unknown, id?: string): void;
  /** Ends the stream from our side (what was sent is flushed first). */
  end(): void;
  closed: AbortSignal;
}

export function openSse(ctx: Context, heartbeatMs: number): SseChannel {
  const stream = new PassThrough();
  const abort = new AbortController();
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  ctx.status = 200;
  ctx.body = stream;

  // Events of one tick (a burst of log lines read in one chunk) leave in one write: with
  // hundreds of viewers a write per event per viewer is what made a burst late.
  let pending = '';
  const flush = () => {
    if (pending && !abort.signal.aborted) stream.write(pending);
    pending = '';
  };
  const enqueue = (text: string) => {
    if (!pending) setImmediate(flush);
    pending += text;
  };
  const heartbeat = setInterval(() => enqueue(': heartbeat\n\n'), heartbeatMs);
  const close = () => {
    if (abort.signal.aborted) return;
    clearInterval(heartbeat);
    flush();
    abort.abort();
    stream.end();
  };
  ctx.req.on('close', close);
  stream.on('error', close);
  stream.write(': connected\n\n');

  return {
    closed: abort.signal,
    end: close,
    send(event, data, id) {
      if (abort.signal.aborted) return;
      const lines = [`event: ${event}`];
      if (id) lines.push(`id: ${id}`);
      lines.push(`data: ${JSON.stringify(data)}`);
      enqueue(`${lines.join('\n')}\n\n`);
    },
  };
}
