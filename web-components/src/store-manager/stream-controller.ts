// Following one store's event stream into timeline entries, as a Lit ReactiveController: the
// connection state and the entries (bounded, each once), stopped when the host leaves the page.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type ConnectionState, followEvents } from '../api/event-stream.ts';
import type { LogEvent, ProgressEvent, StatusEvent } from '../api/types.ts';
import type { TimelineEntry } from '../store-timeline/store-timeline.ts';

/** Timeline rows kept per store: enough for a whole install log, bounded for long sessions. */
export const MAX_ENTRIES = 2000;

export interface StreamHandlers {
  /** A `status` event, before it joins the timeline; `previousPhase` is '' for the first. */
  onStatus(status: StatusEvent, previousPhase: string): void;
  /** The API refused the stream (4xx); `lastPhase` is the last phase it sent. */
  onRefused(status: number, message: string, lastPhase: string): void;
}

export class StreamController implements ReactiveController {
  entries: TimelineEntry[] = [];
  connection: ConnectionState = 'closed';

  private readonly host: ReactiveControllerHost;
  private readonly handlers: StreamHandlers;
  private following: AbortController | undefined;

  constructor(host: ReactiveControllerHost, handlers: StreamHandlers) {
    this.host = host;
    this.handlers = handlers;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
  }

  stop(): void {
    this.following?.abort();
  }

  /** Follows the stream at `url` from the start, in place of any stream followed before. */
  follow(url: string, headers: Record<string, string>): void {
    this.following?.abort();
    const controller = new AbortController();
    this.following = controller;
    this.entries = [];
    this.host.requestUpdate();
    let lastPhase = '';
    void followEvents({
      url,
      headers,
      signal: controller.signal,
      onConnection: (state) => {
        if (controller.signal.aborted) return;
        this.connection = state;
        this.host.requestUpdate();
      },
      onRefused: (status, message) => this.handlers.onRefused(status, message, lastPhase),
      onEvent: (event) => {
        if (event.event === 'status') {
          const status = JSON.parse(event.data) as StatusEvent;
          this.handlers.onStatus(status, lastPhase);
          lastPhase = status.phase;
          this.add({ kind: 'status', id: `status:${status.phase}:${status.since}:${status.reason}`, at: new Date().toISOString(), phase: status.phase, message: status.message });
          if (status.phase === 'Deleted') controller.abort();
        } else if (event.event === 'log') {
          const log = JSON.parse(event.data) as LogEvent;
          this.add({ kind: 'log', id: event.id ?? `${log.job}:${log.line}`, job: log.job, text: log.text });
        } else if (event.event === 'progress') {
          const { job, item, summary } = JSON.parse(event.data) as ProgressEvent;
          this.add(item
            ? {
              kind: 'progress', id: `progress:${item.key}`, job, at: item.at, text: item.text, reason: item.reason,
              ...(item.part ? { part: item.part } : {}), warning: item.type === 'Warning', summary,
            }
            : { kind: 'progress', id: `progress:${job}:${summary.text}`, job, summary });
        }
      },
    });
  }

  private add(entry: TimelineEntry): void {
    if (this.entries.some((e) => e.id === entry.id)) return;
    this.entries = [...this.entries, entry].slice(-MAX_ENTRIES);
    this.host.requestUpdate();
  }
}
