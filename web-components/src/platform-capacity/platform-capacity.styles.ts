import { css } from 'lit';

export const platformCapacityStyles = css`
  section { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.75rem 1rem; margin-bottom: 1rem; }
  h2 { margin: 0 0 0.5rem; font-size: 1rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
  dt { color: var(--_muted); }
  dd { margin: 0; }
  meter { width: 12rem; vertical-align: middle; margin-left: 0.5rem; }
  .waiting { color: var(--_warning); font-weight: 600; }
`;
