// Shared look: every colour and radius is a --store-* custom property with a default here, so
// a host page themes all elements at once.
import { css } from 'lit';

export const theme = css`
  :host {
    --_bg: var(--store-background, #ffffff);
    --_fg: var(--store-foreground, #1d2433);
    --_muted: var(--store-muted, #5b6475);
    --_border: var(--store-border, #d5d9e0);
    --_accent: var(--store-accent, #2450c8);
    --_accent-fg: var(--store-accent-foreground, #ffffff);
    --_danger: var(--store-danger, #b42318);
    --_success: var(--store-success, #1a7f37);
    --_warning: var(--store-warning, #8a5a00);
    --_radius: var(--store-radius, 6px);
    --_font: var(--store-font, system-ui, -apple-system, 'Segoe UI', sans-serif);
    --_mono: var(--store-font-mono, ui-monospace, 'DejaVu Sans Mono', monospace);
    font-family: var(--_font);
    color: var(--_fg);
    font-size: 0.95rem;
    line-height: 1.45;
  }
  [hidden] { display: none !important; }
  button {
    font: inherit; cursor: pointer; border-radius: var(--_radius);
    border: 1px solid var(--_border); background: var(--_bg); color: var(--_fg);
    padding: 0.4rem 0.85rem;
  }
  button.primary { background: var(--_accent); border-color: var(--_accent); color: var(--_accent-fg); }
  button.danger { background: var(--_danger); border-color: var(--_danger); color: #fff; }
  button:disabled { opacity: 0.55; cursor: not-allowed; }
  button:focus-visible, input:focus-visible, select:focus-visible, a:focus-visible {
    outline: 3px solid var(--_accent); outline-offset: 2px;
  }
  input, select {
    font: inherit; color: var(--_fg); background: var(--_bg);
    border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.4rem 0.55rem;
  }
  a { color: var(--_accent); }
  .visually-hidden {
    position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
  }
  .badge {
    display: inline-block; border-radius: 999px; padding: 0.05rem 0.55rem; font-size: 0.8rem;
    font-weight: 600; border: 1px solid currentColor;
  }
  .badge.Ready { color: var(--_success); }
  .badge.Failed { color: var(--_danger); }
  .badge.Queued, .badge.Provisioning, .badge.Deleting { color: var(--_warning); }
  .badge.Deleted, .badge.Unknown { color: var(--_muted); }
  .error { color: var(--_danger); }
  .note { color: var(--_muted); }
`;
