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
  .counts { display: flex; flex-wrap: wrap; gap: 0.4rem 0.9rem; align-items: center; margin: 0 0 0.75rem; }
  .count { display: inline-flex; gap: 0.3rem; align-items: center; }
  th .sort { background: none; border: none; padding: 0; font: inherit; color: inherit; text-transform: inherit; letter-spacing: inherit; }
  .pager { display: flex; justify-content: space-between; align-items: center; gap: 0.75rem; margin-top: 0.75rem; color: var(--_muted); }
  .state { padding: 2rem 1rem; text-align: center; color: var(--_muted); border: 1px dashed var(--_border); border-radius: var(--_radius); }
`;
