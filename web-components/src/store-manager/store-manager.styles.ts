import { css } from 'lit';

export const storeManagerStyles = css`
  :host { display: block; background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius); padding: 1rem 1.25rem; }
  .bar { display: flex; justify-content: space-between; align-items: center; gap: 1rem; margin-bottom: 0.5rem; }
  .bar h1 { font-size: 1.1rem; margin: 0; }
  .signin { display: grid; gap: 0.6rem; max-width: 28rem; }
  .signin label { font-weight: 600; }
  .toast { margin: 0.5rem 0; padding: 0.5rem 0.75rem; border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_success) 10%, var(--_bg)); border: 1px solid var(--_success); }
`;
