import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { ConnectionState } from '../api/event-stream.ts';
import type { ProgressSummary } from '../api/types.ts';
import { parseProgress } from '../shared/format.ts';
import { theme } from '../shared/theme.ts';
import { storeTimelineStyles } from './store-timeline.styles.ts';

/** One row of the timeline: a phase change, a provisioner log line, or what Kubernetes reported. */
export type TimelineEntry =
  | { kind: 'status'; id: string; at: string; phase: string; message: string }
  | { kind: 'log'; id: string; job: string; text: string }
  | { kind: 'progress'; id: string; job: string; at?: string; text?: string; reason?: string; part?: string; warning?: boolean; summary: ProgressSummary };

/** Which step a row belongs to: rows of one step in a row are shown under one heading. */
function groupOf(entry: TimelineEntry): string {
  if (entry.kind === 'status') return 'Store';
  if (entry.kind === 'progress') return `Kubernetes · ${entry.part ?? 'store'}`;
  const step = parseProgress(entry.text).step;
  return step ? `Helm · ${step}` : 'Helm';
}

/** Consecutive rows of the same step, in order. */
export function groupEntries(entries: readonly TimelineEntry[]): { title: string; entries: TimelineEntry[] }[] {
  const groups: { title: string; entries: TimelineEntry[] }[] = [];
  for (const entry of entries) {
    if (entry.kind === 'progress' && !entry.text) continue;
    const title = groupOf(entry);
    const last = groups.at(-1);
    if (last?.title === title) last.entries.push(entry);
    else groups.push({ title, entries: [entry] });
  }
  return groups;
}

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

  /** The parts summary of the newest operation, while it is the latest news. */
  private get latestSummary(): ProgressSummary | undefined {
    const latest = [...this.entries].reverse().find((e) => e.kind === 'progress');
    return latest?.kind === 'progress' ? latest.summary : undefined;
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
      ${this.renderSummary()}
      ${this.entries.length === 0
        ? html`<p class="empty">Waiting for the first event…</p>`
        : html`<div class="log" part="list" role="log" aria-label="Provisioning timeline" tabindex="0">${groupEntries(this.entries).map((group) => html`
            <section class="group"><h4>${group.title}</h4><ol>${group.entries.map((entry) => this.renderEntry(entry))}</ol></section>`)}</div>`}`;
  }

  private renderSummary() {
    const summary = this.latestSummary;
    if (!summary) return nothing;
    return html`<div class="summary" part="summary">
      <p class="summary-text">${summary.ready} of ${summary.total} parts ready</p>
      <ul class="parts" aria-label="Parts of the store">${summary.parts.map((part) => html`
        <li class="part ${part.phase}"><span class="part-name">${part.part}</span> <span class="part-phase">${part.phase === 'starting' && part.detail !== 'starting' && part.detail !== 'running' ? part.detail : part.phase}</span></li>`)}</ul>
    </div>`;
  }

  private renderEntry(entry: TimelineEntry) {
    if (entry.kind === 'progress') {
      return html`<li class="event ${entry.warning ? 'warning' : ''}">
        ${entry.at ? html`<time datetime=${entry.at}>${new Date(entry.at).toLocaleTimeString()}</time>` : html`<span></span>`}
        <span class="step" title=${entry.reason ?? ''}>${entry.reason}</span><span class="text">${entry.text}</span></li>`;
    }
    if (entry.kind === 'status') {
      return html`<li class="status ${entry.phase === 'Failed' ? 'failed' : ''}">
        <time datetime=${entry.at}>${new Date(entry.at).toLocaleTimeString()}</time>
        <span class="step" title=${entry.phase}>${entry.phase}</span><span class="text">${entry.message}</span></li>`;
    }
    const line = parseProgress(entry.text);
    return html`<li class=${line.status === 'failed' ? 'line failed' : 'line'}>
      ${line.ts ? html`<time datetime=${line.ts}>${new Date(line.ts).toLocaleTimeString()}</time>` : html`<span></span>`}
      ${this.renderStep(line.step ? `${line.step}${line.status && line.status !== 'output' ? ` ${line.status}` : ''}` : '')}
      <span class="text">${line.message}</span></li>`;
  }

  /** A provisioner line's step, whole in its title when the column cuts it. */
  private renderStep(step: string) {
    return html`<span class="step" title=${step || nothing}>${step || nothing}</span>`;
  }
}
