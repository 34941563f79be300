// A Server-Sent Events response on a Koa context: events, comments as heartbeats, and a
// close signal when the client goes. Bounded: a reader that stops reading is dropped once its
// unsent bytes pass a cap or its buffer stays full too long (never buffered without end), and a
// stream with nothing but heartbeats for `idleMs` is ended (the client resumes by event id).
import { PassThrough } from 'node:stream';
import type Koa from 'koa';
import type { Context } from 'koa';

export interface SseChannel {
  send(event: string, data: unknown, id?: string): void;
  /** `send` with the data already serialized: one JSON text shared by many viewers. */
  sendJson(event: string, json: string, id?: string): void;
  /** Ends the stream from our side (what was sent is flushed first). */
  end(): void;
  closed: AbortSignal;
}

export interface SseOptions {
  heartbeatMs: number;
  idleMs?: number;
  /** Unsent bytes past which a reader is dropped. */
  maxBufferedBytes?: number;
  /** How long the buffer may stay full (no drain) before the reader is dropped. */
  stallMs?: number;
  /** Told why a stream was dropped or ended early. */
  onDrop?: (reason: 'buffer' | 'stalled' | 'idle') => void;
}

export function openSse(ctx: Context, options: SseOptions): SseChannel {
  const { heartbeatMs, idleMs, maxBufferedBytes = Infinity, stallMs } = options;
  const stream = new PassThrough();
  const abort = new AbortController();
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  ctx.status = 200;
  ctx.body = stream;

  let stallTimer: NodeJS.Timeout | undefined;
  const timers: NodeJS.Timeout[] = [];
  const stop = () => {
    for (const timer of [...timers, stallTimer]) clearTimeout(timer);
    abort.abort();
  };
  /** Drops a reader: nothing more is flushed to it, its socket goes. */
  const drop = (reason: 'buffer' | 'stalled') => {
    if (abort.signal.aborted) return;
    stop();
    options.onDrop?.(reason);
    stream.destroy();
    ctx.req.socket.destroy();
  };
  const write = (text: string) => {
    if (abort.signal.aborted) return;
    if (stream.write(text)) return;
    if (stream.writableLength > maxBufferedBytes) return drop('buffer');
    if (stallMs && !stallTimer) stallTimer = setTimeout(() => drop('stalled'), stallMs);
  };
  stream.on('drain', () => {
    clearTimeout(stallTimer);
    stallTimer = undefined;
  });

  // Events of one tick (a burst of log lines read in one chunk) leave in one write: with
  // hundreds of viewers a write per event per viewer is what made a burst late.
  let pending = '';
  const flush = () => {
    if (pending) write(pending);
    pending = '';
  };
  const enqueue = (text: string) => {
    if (!pending) setImmediate(flush);
    pending += text;
  };
  const close = () => {
    if (abort.signal.aborted) return;
    flush();
    stop();
    stream.end();
  };
  timers.push(setInterval(() => enqueue(': heartbeat\n\n'), heartbeatMs));
  const idle = idleMs ? setTimeout(() => { options.onDrop?.('idle'); close(); }, idleMs) : undefined;
  if (idle) timers.push(idle);
  ctx.req.on('close', close);
  stream.on('error', close);
  write(': connected\n\n');

  const sendJson = (event: string, json: string, id?: string) => {
    if (abort.signal.aborted) return;
    idle?.refresh();
    enqueue(id ? `event: ${event}\nid: ${id}\ndata: ${json}\n\n` : `event: ${event}\ndata: ${json}\n\n`);
  };

  return {
    closed: abort.signal,
    end: close,
    send: (event, data, id) => sendJson(event, JSON.stringify(data), id),
    sendJson,
  };
}

/**
 * Koa reports a streamed body whose socket closed first as an error: a viewer who left, or a
 * reader dropped above. Neither is one; anything else is logged.
 */
export function logStreamErrors(app: Koa, logger: { error(object: object, message?: string): void }) {
  app.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') logger.error({ err: error }, 'response failed');
  });
}
