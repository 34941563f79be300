// Helpers for component tests in real Chromium (Vitest browser mode).
import axe from 'axe-core';
import type { LitElement } from 'lit';
import { expect } from 'vitest';

/** Puts `markup` into a fresh container and waits for its first element to render. */
export async function mount<T extends LitElement>(markup: string): Promise<T> {
  document.body.innerHTML = `<main>${markup}</main>`;
  const element = document.body.querySelector('main')!.firstElementChild as T;
  await element.updateComplete;
  return element;
}

/** axe-core on the element (it walks open shadow roots): WCAG 2.x A/AA rules, no violations. */
export async function expectNoAxeViolations(element: Element): Promise<void> {
  const results = await axe.run(element, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
  const violations = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(violations).toEqual([]);
}

/** The focused element, looking inside shadow roots (document.activeElement stops at a host). */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** The accessible label text of the focused control (its <label>, or aria-label). */
export function focusedLabel(): string {
  const active = deepActiveElement() as HTMLInputElement | null;
  if (!active) return '';
  const label = active.labels?.[0]?.textContent ?? active.getAttribute('aria-label') ?? active.textContent ?? '';
  return label.replace(/\s+/g, ' ').trim();
}
