// Follows a store's Server-Sent Events with fetch (EventSource cannot send Authorization),
// reconnecting after a drop with the last event id so no log line is lost or repeated.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface FollowOptions {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  onEvent(event: EventSourceMessage): void;
  onConnection(state: ConnectionState, detail?: string): void;
  /** Called for 4xx answers: retrying will not help. */
  onRefused(status: number, message: string): void;
  /** Milliseconds before the n-th reconnect (1-based). */
  backoff?: (attempt: number) => number;
}

const defaultBackoff = (attempt: number) => Math.min(10_000, 500 * 2 ** (attempt - 1));

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

export async function followEvents(options: FollowOptions): Promise<void> {
  const { signal } = options;
  const backoff = options.backoff ?? defaultBackoff;
  let lastEventId = '';
  let attempt = 0;
  while (!signal.aborted) {
    options.onConnection(attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      const headers = { ...options.headers, Accept: 'text/event-stream', ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) };
      const response = await fetch(options.url, { headers, signal, cache: 'no-store' });
      if (response.status >= 400 && response.status < 500) {
        const body = await response.json().catch(() => undefined);
        options.onRefused(response.status, body?.error?.message ?? `The API answered ${response.status}.`);
        options.onConnection('closed');
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      options.onConnection('live');
      attempt = 0;
      const parser = createParser({
        onEvent(event) {
          if (event.id) lastEventId = event.id;
          options.onEvent(event);
        },
      });
      // Decoded here rather than through a TextDecoderStream pipe: a drop errors a pipe and
      // discards what it still buffers, and those lines would be fetched again.
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // A dropped connection or refused fetch: reconnect below unless we were stopped.
    }
    if (signal.aborted) break;
    attempt += 1;
    options.onConnection('reconnecting');
    await sleep(backoff(attempt), signal);
  }
  options.onConnection('closed');
}
