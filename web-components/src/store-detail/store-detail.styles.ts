import { css } from 'lit';

export const storeDetailStyles = css`
  :host { display: block; }
  header { display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; }
  header h2 { margin: 0; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; margin: 1rem 0; }
  dt { color: var(--_muted); }
  dd { margin: 0; }
  .failure { border: 1px solid var(--_danger); border-left-width: 4px; border-radius: var(--_radius);
    padding: 0.6rem 0.9rem; margin: 1rem 0; background: color-mix(in srgb, var(--_danger) 5%, var(--_bg)); }
  .failure p { margin: 0.25rem 0; }
  .panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 0.75rem; margin: 1rem 0; }
  .panel { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.75rem; display: grid; gap: 0.5rem; align-content: start; }
  .panel h3 { margin: 0; font-size: 0.95rem; }
  .row { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
  output { font-family: var(--_mono); background: color-mix(in srgb, var(--_border) 35%, transparent); padding: 0.2rem 0.4rem; border-radius: 3px; user-select: all; }
  .busy { color: var(--_muted); }
  .revision { width: 5rem; }
`;
