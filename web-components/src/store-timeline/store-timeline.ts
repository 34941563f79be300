import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { ConnectionState } from '../api/event-stream.ts';
import { parseProgress } from '../shared/format.ts';
import { theme } from '../shared/theme.ts';
import { storeTimelineStyles } from './store-timeline.styles.ts';

/** One row of the timeline: a phase change or a provisioner log line. */
export type TimelineEntry =
  | { kind: 'status'; id: string; at: string; phase: string; message: string }
  | { kind: 'log'; id: string; job: string; text: string };

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Connection lost — reconnecting…',
  closed: 'Not following',
};

/**
 * The live timeline of a store: phase changes and provisioner log lines as they arrive.
 * Phase changes are announced to screen readers; log lines are not (they are too many).
 *
 * @csspart list - The list of entries.
 * @csspart connection - The connection indicator.
 */
export class StoreTimeline extends LitElement {
  static override styles = [theme, storeTimelineStyles];
  static override properties = {
    entries: { attribute: false },
    connection: { type: String },
  };

  declare entries: TimelineEntry[];
  declare connection: ConnectionState;

  constructor() {
    super();
    this.entries = [];
    this.connection = 'closed';
  }

  private get latestStatus() {
    return [...this.entries].reverse().find((e) => e.kind === 'status');
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has('entries')) {
      const list = this.renderRoot.querySelector<HTMLElement>('.log');
      // Keep following the newest line unless the reader scrolled up to read.
      if (list && list.scrollHeight - list.scrollTop - list.clientHeight < 80) list.scrollTop = list.scrollHeight;
    }
  }

  override render() {
    const latest = this.latestStatus;
    return html`
      <p class="connection" part="connection"><span class="dot ${this.connection}"></span>${CONNECTION_TEXT[this.connection]}</p>
      <p class="visually-hidden" role="status" aria-live="polite">${latest?.kind === 'status' ? `${latest.phase}: ${latest.message}` : ''}</p>
      ${this.entries.length === 0
        ? html`<p class="empty">Waiting for the first event…</p>`
        : html`<div class="log" part="list" role="log" aria-label="Provisioning timeline" tabindex="0"><ol>${this.entries.map((entry) => this.renderEntry(entry))}</ol></div>`}`;
  }

  private renderEntry(entry: TimelineEntry) {
    if (entry.kind === 'status') {
      return html`<li class="status ${entry.phase === 'Failed' ? 'failed' : ''}">
        <time datetime=${entry.at}>${new Date(entry.at).toLocaleTimeString()}</time>
        <span class="step">${entry.phase}</span><span class="text">${entry.message}</span></li>`;
    }
    const line = parseProgress(entry.text);
    return html`<li class=${line.status === 'failed' ? 'line failed' : 'line'}>
      ${line.ts ? html`<time datetime=${line.ts}>${new Date(line.ts).toLocaleTimeString()}</time>` : html`<span></span>`}
      <span class="step">${line.step ? `${line.step}${line.status && line.status !== 'output' ? ` ${line.status}` : ''}` : nothing}</span>
      <span class="text">${line.message}</span></li>`;
  }
}
