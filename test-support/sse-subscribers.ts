// Many viewers of one store's event stream, each noting when every log line reached it.
// A chunk is stamped when its bytes arrive and parsed only when the results are read: parsing
// as chunks came put each viewer's parse in front of the next viewer's stamp, so with 200
// viewers in this one process the last of them was measured late by the others' parsing.
import http from 'node:http';
import { createParser } from 'eventsource-parser';

/** Milliseconds on CLOCK_MONOTONIC: one clock for every process on this machine, so viewers in other processes can be compared. */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

export interface Arrivals {
  /** Per viewer: log line (`<job>:<line>`, the event id without its progress cursor) → arrival time (monotonicMs()). */
  arrivals: Array<Map<string, number>>;
  /** Per viewer: how many `progress` events reached it. */
  progress: number[];
  /** Per viewer: how many reads its events arrived in (about the API's writes to it). */
  chunks: number[];
}

export interface Subscribers {
  /** Parses what arrived so far and says what it was. */
  read(): Arrivals;
  /** Resolves when every viewer's stream is open. */
  connected: Promise<unknown>;
}

/** One viewer: the chunks not parsed yet, and what the parsed ones said. */
class Viewer {
  readonly seen = new Map<string, number>();
  progress = 0;
  chunks = 0;
  private unparsed: Array<{ text: string; at: number }> = [];
  private arrived = 0;
  private readonly parser = createParser({
    onEvent: (event) => {
      if (event.event === 'log' && event.id) this.seen.set(event.id.split(':').slice(0, 2).join(':'), this.arrived);
      if (event.event === 'progress') this.progress += 1;
    },
  });

  received(text: string) {
    this.unparsed.push({ text, at: monotonicMs() });
    this.chunks += 1;
  }

  parse() {
    for (const { text, at } of this.unparsed) {
      this.arrived = at;
      this.parser.feed(text);
    }
    this.unparsed = [];
  }
}

export function subscribe(apiUrl: string, token: string, store: string, count: number, signal: AbortSignal): Subscribers {
  const viewers = Array.from({ length: count }, () => new Viewer());
  let open = 0;
  let opened = () => {};
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${open} of ${count} viewers connected in 60 s`)), 60_000);
    opened = () => {
      if (++open < count) return;
      clearTimeout(timer);
      resolve();
    };
  });
  for (const viewer of viewers) {
    // node:http, not fetch: the viewers share this process with the direct follower they are
    // measured against, and 200 web-stream readers stalled it (event-loop lag max 113–181 ms,
    // 48–111 ms with node:http).
    const request = http.get(`${apiUrl}/api/v1/stores/${store}/events`, { headers: { Authorization: `Bearer ${token}` }, signal }, (response) => {
      opened();
      response.setEncoding('utf8');
      response.on('data', (text: string) => viewer.received(text));
      response.on('error', () => undefined); // aborted at the end
    });
    request.on('error', () => undefined);
  }
  return {
    read: () => {
      for (const viewer of viewers) viewer.parse();
      return { arrivals: viewers.map((v) => v.seen), progress: viewers.map((v) => v.progress), chunks: viewers.map((v) => v.chunks) };
    },
    connected,
  };
}
