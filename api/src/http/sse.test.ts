// openSse on a real Koa server and real sockets (no cluster): a reader that stops reading is
// dropped once its unsent bytes pass the cap, a reader that reads gets everything, and a
// stream with nothing but heartbeats ends at its idle timeout.
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logStreamErrors, openSse, type SseChannel } from './sse.ts';

const EVENT = 'x'.repeat(4096);
const EVENTS = 2000; // 8 MB per reader
let port: number;
let server: ReturnType<Koa['listen']>;
const drops: string[] = [];
const channels: SseChannel[] = [];

beforeAll(async () => {
  const app = new Koa();
  logStreamErrors(app, { error: (object) => { throw new Error(`unexpected: ${JSON.stringify(object)}`); } });
  app.use((ctx) => {
    const idle = ctx.path === '/idle';
    const channel = openSse(ctx, {
      heartbeatMs: 50, idleMs: idle ? 300 : undefined, maxBufferedBytes: 64 * 1024, stallMs: 60_000, onDrop: (reason) => drops.push(reason),
    });
    channels.push(channel);
    if (idle) return;
    // Sent in bursts across ticks, as log lines arrive: the reader's pace decides what is held.
    let sent = 0;
    const burst = () => {
      for (let i = 0; i < 50 && sent < EVENTS; i++, sent++) channel.send('log', EVENT, `job:${sent + 1}`);
      if (sent < EVENTS && !channel.closed.aborted) setTimeout(burst, 1);
      else channel.end();
    };
    burst();
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

function request(path: string): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined); // a dropped reader's socket is reset
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n`);
  return socket;
}

/** The response ended: the last chunk of its chunked body arrived. */
const ended = (socket: Socket) => new Promise<string>((resolve) => {
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-100_000);
    if (text.endsWith('0\r\n\r\n')) resolve(text);
  });
});

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('openSse bounds', () => {
  it('drops each reader that stops reading once 64 KiB wait unsent (not the 8 MB sent to it), and serves one that reads', async () => {
    const stalled = Array.from({ length: 20 }, () => {
      const socket = request('/');
      socket.pause(); // reads nothing: the kernel's buffers fill, then the server's
      return socket;
    });
    const reader = request('/');
    let received = 0;
    reader.on('data', (chunk: Buffer) => { received += chunk.length; });
    await ended(reader);
    await until(() => drops.length >= 20);
    expect(drops.filter((d) => d === 'buffer')).toHaveLength(20);
    expect(received).toBeGreaterThan(EVENT.length * EVENTS);
    expect(channels.slice(0, 21).every((c) => c.closed.aborted)).toBe(true);
    for (const socket of [...stalled, reader]) socket.destroy();
  }, 30_000); // 160 MB pass through loopback: slow on a busy 2-core machine

  it('ends a stream that carried nothing but heartbeats for its idle time', async () => {
    const text = await ended(request('/idle'));
    expect(drops).toContain('idle');
    expect(text).toContain(': heartbeat');
  });
});
