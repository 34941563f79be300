import { html, LitElement, nothing } from 'lit';
import type { Capacity } from '../api/types.ts';
import { theme } from '../shared/theme.ts';
import { platformCapacityStyles } from './platform-capacity.styles.ts';

/**
 * The cluster's room for stores, for platform admins: what stores hold of what they may take,
 * what is free, stores by plan, how many wait for room, and what one more of each plan needs.
 * Shows nothing when the platform does not count room.
 *
 * @csspart capacity - The section.
 */
export class PlatformCapacity extends LitElement {
  static override styles = [theme, platformCapacityStyles];
  static override properties = { capacity: { attribute: false } };

  /** GET /api/v1/capacity's answer. */
  declare capacity: Capacity | undefined;

  override render() {
    const room = this.capacity;
    if (!room?.tracked || !room.used || !room.free || !room.forStores) return nothing;
    const byPlan = Object.entries(room.storesByPlan ?? {}).filter(([, count]) => count > 0).map(([plan, count]) => `${count} ${plan}`).join(', ');
    const needs = Object.entries(room.perStore ?? {}).map(([plan, need]) => `${plan} ${need.cpu} and ${need.memory}`).join(' · ');
    return html`<section part="capacity" aria-label="Room for stores">
      <h2>Room for stores</h2>
      <dl>
        <dt>Used</dt>
        <dd>${room.used.cpu} and ${room.used.memory} of ${room.forStores.cpu} and ${room.forStores.memory}
          <meter aria-label="CPU used" min="0" max=${room.forStores.cpuMilli} value=${room.used.cpuMilli} high=${room.forStores.cpuMilli * 0.85}></meter></dd>
        <dt>Free</dt>
        <dd>${room.free.cpu} and ${room.free.memory}</dd>
        <dt>Stores</dt>
        <dd>${byPlan || 'none yet'}</dd>
        ${room.waitingForRoom ? html`<dt>Waiting</dt><dd class="waiting">${room.waitingForRoom} waiting for room</dd>` : nothing}
        <dt>One more needs</dt>
        <dd>${needs}</dd>
      </dl>
    </section>`;
  }
}
