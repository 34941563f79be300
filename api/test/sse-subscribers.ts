// Many viewers of one store's event stream, each noting when every log line reached it
// (stamped on arrival of the bytes, before parsing: the parse is the viewer's cost).
import http from 'node:http';
import { createParser } from 'eventsource-parser';
import { waitFor } from '../../cluster/test/harness.ts';

export interface Subscribers {
  /** Per viewer: log line (`<job>:<line>`, the event id without its progress cursor) → arrival time (performance.now()). */
  arrivals: Array<Map<string, number>>;
  /** Per viewer: how many `progress` events reached it. */
  progress: number[];
  /** Resolves when every viewer's stream is open. */
  connected: Promise<unknown>;
}

export function subscribe(apiUrl: string, token: string, store: string, count: number, signal: AbortSignal): Subscribers {
  const arrivals: Array<Map<string, number>> = [];
  const progress: number[] = [];
  let open = 0;
  for (let i = 0; i < count; i++) {
    const seen = new Map<string, number>();
    arrivals.push(seen);
    progress.push(0);
    // node:http, not fetch: the viewers share this process with the direct follower they are
    // measured against, and 200 web-stream readers stalled it (event-loop lag max 113–181 ms,
    // 48–111 ms with node:http).
    const request = http.get(`${apiUrl}/api/v1/stores/${store}/events`, { headers: { Authorization: `Bearer ${token}` }, signal }, (response) => {
      open++;
      let arrived = 0;
      const parser = createParser({
        onEvent: (event) => {
          if (event.event === 'log' && event.id) seen.set(event.id.split(':').slice(0, 2).join(':'), arrived);
          if (event.event === 'progress') progress[i]! += 1;
        },
      });
      response.setEncoding('utf8');
      response.on('data', (text: string) => {
        arrived = performance.now();
        parser.feed(text);
      });
      response.on('error', () => undefined); // aborted at the end
    });
    request.on('error', () => undefined);
  }
  const connected = waitFor(`${count} viewers to connect`, async () => (open === count ? true : undefined), 60_000, 50);
  return { arrivals, progress, connected };
}
