import { css } from 'lit';

export const storeCreateFormStyles = css`
  :host { display: block; }
  form { display: grid; gap: 1rem; max-width: 36rem; }
  .field { display: grid; gap: 0.3rem; }
  label { font-weight: 600; }
  input[aria-invalid='true'] { border-color: var(--_danger); }
  fieldset { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.75rem; display: grid; gap: 0.4rem; }
  legend { font-weight: 600; padding: 0 0.3rem; }
  .plan { display: flex; gap: 0.5rem; align-items: baseline; }
  .plan span { color: var(--_muted); font-size: 0.85rem; }
  .hint { color: var(--_muted); font-size: 0.85rem; margin: 0; }
  /* The problem line keeps its height when empty, so the form does not jump as you type. */
  #name-problem { min-height: 1.3em; margin: 0; }
  .actions { display: flex; gap: 0.5rem; }
`;
