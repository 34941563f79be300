import { css } from 'lit';

export const storeTimelineStyles = css`
  :host { display: block; }
  .connection { font-size: 0.85rem; color: var(--_muted); display: flex; gap: 0.4rem; align-items: center; }
  .dot { width: 0.55rem; height: 0.55rem; border-radius: 50%; background: var(--_muted); }
  .dot.live { background: var(--_success); }
  .dot.reconnecting, .dot.connecting { background: var(--_warning); }
  .log { margin-top: 0.5rem; max-height: 22rem; overflow-y: auto;
    border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_bg); }
  ol { list-style: none; margin: 0; padding: 0; }
  li { display: grid; grid-template-columns: 5.5rem 6.5rem 1fr; gap: 0.5rem; padding: 0.3rem 0.6rem;
    border-bottom: 1px solid color-mix(in srgb, var(--_border) 50%, transparent); font-size: 0.85rem; }
  li.status { font-weight: 600; background: color-mix(in srgb, var(--_accent) 6%, transparent); }
  li.failed { color: var(--_danger); }
  time, .step { color: var(--_muted); font-family: var(--_mono); font-size: 0.8rem; }
  /* Kubernetes reasons run long (ScalingReplicaSet, WaitForFirstConsumer): cut to the column
     with an ellipsis, whole in the title, never over the message beside them. */
  .step { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .text { font-family: var(--_mono); white-space: pre-wrap; word-break: break-word; }
  li.status .text { font-family: var(--_font); }
  .empty { padding: 0.75rem; color: var(--_muted); }
  .group h4 { margin: 0; padding: 0.35rem 0.6rem 0.2rem; font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.04em;
    color: var(--_muted); background: var(--_bg); position: sticky; top: 0; }
  li.event .text { font-family: var(--_font); }
  li.warning { color: var(--_warning); }
  .summary { margin-top: 0.5rem; }
  .summary-text { margin: 0 0 0.3rem; font-weight: 600; }
  .parts { list-style: none; display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0; padding: 0; }
  .part { border: 1px solid var(--_border); border-radius: 999px; padding: 0.15rem 0.6rem; font-size: 0.8rem; }
  .part-name { font-weight: 600; }
  .part.ready { border-color: var(--_success); }
  .part.starting { border-color: var(--_warning); }
  .part.failed { border-color: var(--_danger); color: var(--_danger); }
  .part.waiting .part-phase { color: var(--_muted); }
`;
