// drain on a real HTTP server with real sockets (no cluster): a request in flight finishes,
// an event stream gets its reconnect hint and ends, new connections are refused, and a
// request slower than the deadline is cut.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { endAllStreams, openSse } from '../http/sse.ts';
import { drain, InFlight } from './drain.ts';

async function serve(slowMs: number) {
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.path === '/events') {
      const channel = openSse(ctx, { heartbeatMs: 60_000 });
      channel.send('log', { line: 1 }, 'job:1');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, slowMs));
    ctx.body = { done: true };
  });
  const server = http.createServer(app.callback());
  const inFlight = new InFlight().track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, inFlight, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function readAll(response: Response): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body!) text += decoder.decode(chunk, { stream: true });
  return text;
}

describe('drain', () => {
  it('finishes requests in flight, ends streams with a retry hint, refuses new connections', async () => {
    const { server, inFlight, url } = await serve(500);
    const stream = await fetch(`${url}/events`);
    const streamText = readAll(stream);
    const slow = fetch(`${url}/slow`).then(async (response) => ({ status: response.status, body: await response.json(), connection: response.headers.get('connection') }));
    await new Promise((resolve) => setTimeout(resolve, 100));

    const drained = drain({ server, inFlight, drainMs: 5000, endStreams: () => endAllStreams(1000) });
    const text = await streamText;
    expect(text).toContain('id: job:1');
    expect(text).toMatch(/retry: 1000\n: the server is shutting down; reconnect with Last-Event-ID\n\n$/);
    await expect(fetch(`${url}/slow`)).rejects.toThrow();
    expect(await slow).toEqual({ status: 200, body: { done: true }, connection: 'close' });
    expect(await drained).toEqual({ streams: 1, inFlight: 1, cut: 0 });
  });

  it('cuts what is still running at the deadline', async () => {
    const { server, inFlight, url } = await serve(10_000);
    const slow = fetch(`${url}/slow`).then(() => 'answered', () => 'cut');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    expect(await drain({ server, inFlight, drainMs: 300, endStreams: () => 0 })).toEqual({ streams: 0, inFlight: 1, cut: 1 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await slow).toBe('cut');
  });
});
