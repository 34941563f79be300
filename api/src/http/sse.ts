// A Server-Sent Events response on a Koa context: events, comments as heartbeats, and a
// close signal when the client goes. Bounded: a reader that stops reading is dropped once its
// unsent bytes pass a cap or its buffer stays full too long (never buffered without end), and a
// stream with nothing but heartbeats for `idleMs` is ended (the client resumes by event id).
import type Koa from 'koa';
import type { Context } from 'koa';
import { type FlushQueue, sharedFlushQueue } from './flush-queue.ts';

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
  /** Where events wait for their write; the process's shared queue unless given. */
  flushQueue?: FlushQueue;
}

/** Every open stream's goodbye, so a shutdown can end them all with a reconnect hint. */
const openStreams = new Set<(retryMs: number) => void>();

/**
 * Ends every open stream after what was queued, telling each reader (`retry:`) how soon to
 * come back; it resumes with Last-Event-ID, on another replica. Returns how many were ended.
 */
export function endAllStreams(retryMs: number): number {
  const goodbyes = [...openStreams];
  for (const goodbye of goodbyes) goodbye(retryMs);
  return goodbyes.length;
}

/** The last event's text: one event sent to many viewers in turn is made once for all of them. */
let lastFrame: { event: string; json: string; id?: string; text: string } | undefined;
function frame(event: string, json: string, id?: string): string {
  if (lastFrame?.json !== json || lastFrame.event !== event || lastFrame.id !== id) {
    lastFrame = { event, json, id, text: id ? `event: ${event}\nid: ${id}\ndata: ${json}\n\n` : `event: ${event}\ndata: ${json}\n\n` };
  }
  return lastFrame.text;
}

export function openSse(ctx: Context, options: SseOptions): SseChannel {
  const { heartbeatMs, idleMs, maxBufferedBytes = Infinity, stallMs, flushQueue = sharedFlushQueue } = options;
  const { res } = ctx;
  const abort = new AbortController();
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  ctx.status = 200;
  // Written straight to the response, not through a stream body Koa pipes: that hop was a
  // second write per event per viewer. The headers leave with the first write; what the
  // middleware in front set (CORS, rate limits, the request id) is set by then.
  ctx.respond = false;

  let stallTimer: NodeJS.Timeout | undefined;
  const timers: NodeJS.Timeout[] = [];
  let pending = '';
  const flush = () => {
    const text = pending;
    pending = '';
    if (text) write(text);
  };
  const stop = () => {
    openStreams.delete(goodbye);
    for (const timer of [...timers, stallTimer]) clearTimeout(timer);
    flushQueue.delete(flush);
    abort.abort();
  };
  /** Drops a reader: nothing more is flushed to it, its socket goes. */
  const drop = (reason: 'buffer' | 'stalled') => {
    if (abort.signal.aborted) return;
    stop();
    options.onDrop?.(reason);
    ctx.req.socket.destroy();
  };
  const write = (text: string) => {
    if (abort.signal.aborted) return;
    // Measured before the write: one write may carry a burst larger than the cap, and a
    // reader that reads takes it; one that stopped still has the last one when the next comes.
    if (res.writableLength > maxBufferedBytes) return drop('buffer');
    if (res.write(text)) return;
    if (stallMs && !stallTimer) stallTimer = setTimeout(() => drop('stalled'), stallMs);
  };
  res.on('drain', () => {
    clearTimeout(stallTimer);
    stallTimer = undefined;
  });

  // Events wait in the process's flush queue (flush-queue.ts) and leave in one write when
  // their stream's turn comes: a burst of lines, or lines that came while others were
  // written, costs one write per viewer, not one per event per viewer.
  const enqueue = (text: string) => {
    pending += text;
    flushQueue.add(flush);
  };
  const close = () => {
    if (abort.signal.aborted) return;
    flush();
    stop();
    res.end();
  };
  function goodbye(retryMs: number) {
    enqueue(`retry: ${retryMs}\n: the server is shutting down; reconnect with Last-Event-ID\n\n`);
    close();
  }
  openStreams.add(goodbye);
  timers.push(setInterval(() => enqueue(': heartbeat\n\n'), heartbeatMs));
  const idle = idleMs ? setTimeout(() => { options.onDrop?.('idle'); close(); }, idleMs) : undefined;
  if (idle) timers.push(idle);
  res.on('close', close);
  res.on('error', close);
  write(': connected\n\n');

  const sendJson = (event: string, json: string, id?: string) => {
    if (abort.signal.aborted) return;
    idle?.refresh();
    enqueue(frame(event, json, id));
  };

  return {
    closed: abort.signal,
    end: close,
    send: (event, data, id) => sendJson(event, JSON.stringify(data), id),
    sendJson,
  };
}

/**
 * Logs what Koa reports as failed responses. A streamed body whose socket closed first is
 * one of them in Koa's eyes, but it is a reader who left, not a fault. (SSE streams do not
 * pass through here: they write to the response themselves.)
 */
export function logStreamErrors(app: Koa, logger: { error(object: object, message?: string): void }) {
  app.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') logger.error({ err: error }, 'response failed');
  });
}
