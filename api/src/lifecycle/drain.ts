// SIGTERM without dropping anyone: stop accepting connections, end event streams with a
// reconnect hint (their clients resume elsewhere by Last-Event-ID), let requests in flight
// finish within a deadline, then close what is left.
import type { Server, ServerResponse } from 'node:http';

/** The responses not yet finished on a server (event streams included, until they end). */
export class InFlight {
  private readonly open = new Set<ServerResponse>();
  private waiters: (() => void)[] = [];
  private closing = false;

  track(server: Server): this {
    server.on('request', (_request, response: ServerResponse) => {
      this.open.add(response);
      // Answered after the drain began: the client opens its next request elsewhere.
      if (this.closing) response.setHeader('Connection', 'close');
      response.once('close', () => {
        this.open.delete(response);
        if (this.open.size === 0) for (const waiter of this.waiters.splice(0)) waiter();
      });
    });
    return this;
  }

  get size(): number {
    return this.open.size;
  }

  /** From now on each response asks its client to close the connection after it. */
  closeAfterResponses(): void {
    this.closing = true;
    for (const response of this.open) if (!response.headersSent) response.setHeader('Connection', 'close');
  }

  /** Resolves true once nothing is in flight, false if `ms` passes first. */
  settled(ms: number): Promise<boolean> {
    if (this.open.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.waiters.push(() => { clearTimeout(timer); resolve(true); });
    });
  }
}

export interface DrainSteps {
  server: Server;
  inFlight: InFlight;
  drainMs: number;
  /** Ends every open event stream with a reconnect hint; returns how many. */
  endStreams: () => number;
}

/** Runs the drain; says how many streams were ended and how many requests were cut at the deadline. */
export async function drain({ server, inFlight, drainMs, endStreams }: DrainSteps): Promise<{ streams: number; inFlight: number; cut: number }> {
  server.close();
  inFlight.closeAfterResponses();
  server.closeIdleConnections();
  const before = inFlight.size;
  const streams = endStreams();
  const waiting = Math.max(0, before - streams);
  const finished = await inFlight.settled(drainMs);
  const cut = finished ? 0 : inFlight.size;
  server.closeAllConnections();
  return { streams, inFlight: waiting, cut };
}
