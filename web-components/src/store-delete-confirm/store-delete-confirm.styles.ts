import { css } from 'lit';

export const storeDeleteConfirmStyles = css`
  dialog { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 1.25rem; max-width: 28rem;
    color: var(--_fg); background: var(--_bg); font-family: var(--_font); }
  dialog::backdrop { background: rgb(0 0 0 / 0.45); }
  form { display: grid; gap: 0.75rem; }
  h2 { margin: 0; font-size: 1.1rem; }
  .actions { display: flex; gap: 0.5rem; justify-content: flex-end; }
  code { font-family: var(--_mono); background: color-mix(in srgb, var(--_border) 40%, transparent); padding: 0 0.25rem; border-radius: 3px; }
`;
