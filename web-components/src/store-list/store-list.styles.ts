import { css } from 'lit';

export const storeListStyles = css`
  :host { display: block; }
  .toolbar { display: flex; gap: 0.75rem; align-items: end; margin-bottom: 0.75rem; flex-wrap: wrap; }
  .toolbar label { display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.85rem; color: var(--_muted); }
  table { width: 100%; border-collapse: collapse; background: var(--_bg); }
  th, td { text-align: left; padding: 0.55rem 0.6rem; border-bottom: 1px solid var(--_border); }
  th { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--_muted); }
  tr[aria-current='true'] td { background: color-mix(in srgb, var(--_accent) 8%, transparent); }
  .name { background: none; border: none; padding: 0; color: var(--_accent); font-weight: 600; text-decoration: underline; }
  .state { padding: 2rem 1rem; text-align: center; color: var(--_muted); border: 1px dashed var(--_border); border-radius: var(--_radius); }
`;
