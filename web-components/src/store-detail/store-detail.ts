import { html, LitElement, nothing } from 'lit';
import type { ConnectionState } from '../api/event-stream.ts';
import type { AdminCredentials, PlanSummary, Revision, ShopHealth, StoreView } from '../api/types.ts';
import { ago, nextStep } from '../shared/format.ts';
import { theme } from '../shared/theme.ts';
import type { StoreDeleteConfirm } from '../store-delete-confirm/store-delete-confirm.ts';
import type { TimelineEntry } from '../store-timeline/store-timeline.ts';
import { storeDetailStyles } from './store-detail.styles.ts';

/**
 * One store: its state, a failure explained with the next step, the wp-admin link, a one-time
 * admin password reveal, plan change, rollback, delete, and the live timeline.
 *
 * @fires store-change-request - Upgrade to another plan (`detail: { name, plan }`).
 * @fires store-rollback-request - Roll back to a revision picked from `revisions` (`detail: { name, revision }`).
 * @fires store-reveal-request - Show the admin password once (`detail: { name }`).
 * @fires store-delete-confirm - From the typed-name dialog (`detail: { name }`).
 * @fires store-back - Back to the list.
 * @csspart base - The wrapper.
 * @csspart failure - The failure explanation.
 * @csspart timeline - The timeline's entries (from <store-timeline>).
 * @csspart connection - The live-stream indicator (from <store-timeline>).
 * @csspart dialog - The delete confirmation (from <store-delete-confirm>).
 */
export class StoreDetail extends LitElement {
  static override styles = [theme, storeDetailStyles];
  static override properties = {
    store: { attribute: false },
    plans: { attribute: false },
    revisions: { attribute: false },
    health: { attribute: false },
    entries: { attribute: false },
    connection: { type: String },
    credentials: { attribute: false },
    busy: { type: String },
    error: { type: String },
    _plan: { state: true },
    _revision: { state: true },
  };

  declare store: StoreView | undefined;
  declare plans: PlanSummary[];
  /** The store's release revisions, newest first (GET …/revisions). */
  declare revisions: Revision[];
  /** The shop as a shopper sees it (GET …/health), while the store is Ready. */
  declare health: ShopHealth | undefined;
  declare entries: TimelineEntry[];
  declare connection: ConnectionState;
  /** The admin credentials, once revealed. */
  declare credentials: AdminCredentials | undefined;
  /** What is on its way to the API ('upgrade', 'rollback', 'delete', 'reveal'), or ''. */
  declare busy: string;
  /** The API's answer to the last action, when it refused it. */
  declare error: string;
  declare private _plan: string;
  declare private _revision: number;

  constructor() {
    super();
    this.store = undefined;
    this.plans = [];
    this.revisions = [];
    this.health = undefined;
    this.entries = [];
    this.connection = 'closed';
    this.credentials = undefined;
    this.busy = '';
    this.error = '';
    this._plan = '';
    this._revision = 0;
  }

  private emit(type: string, detail: object = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail: { name: this.store?.name, ...detail }, bubbles: true, composed: true }));
  }

  private askDelete() {
    const dialog = this.renderRoot.querySelector<StoreDeleteConfirm>('store-delete-confirm');
    void dialog?.open();
  }

  override render() {
    const store = this.store;
    if (!store) return html`<p class="note" role="status">Loading store…</p>`;
    const { phase } = store.state;
    const working = phase === 'Queued' || phase === 'Provisioning' || phase === 'Deleting' || this.busy !== '';
    const plan = this._plan || store.spec?.plan || '';
    return html`<section part="base" aria-labelledby="detail-heading">
      <button type="button" @click=${() => this.emit('store-back')}>← All stores</button>
      <header>
        <h2 id="detail-heading">${store.name}</h2>
        <span class="badge ${phase}">${phase}</span>
        ${working ? html`<span class="busy">${this.busy ? `${this.busy} requested…` : store.state.message}</span>` : nothing}
      </header>
      ${phase === 'Failed' ? html`<div class="failure" part="failure" role="alert">
        <p><strong>What went wrong:</strong> ${store.state.message}</p>
        <p><strong>Next step:</strong> ${nextStep(store.state)}</p>
      </div>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <dl>
        <dt>Shop</dt><dd><a href=${store.url} target="_blank" rel="noopener">${store.url}</a></dd>
        <dt>Admin</dt><dd><a href=${`${store.url}wp-admin/`} target="_blank" rel="noopener">wp-admin</a></dd>
        ${this.health ? html`<dt>Health</dt><dd role="status" aria-label="Shop health">${describeHealth(this.health)}</dd>` : nothing}
        <dt>Plan</dt><dd>${store.spec?.plan ?? 'unknown'}</dd>
        <dt>Owner</dt><dd>${store.tenant}</dd>
        <dt>Created</dt><dd><time datetime=${store.createdAt}>${ago(store.createdAt)}</time></dd>
      </dl>
      <div class="panels">
        ${this.renderCredentials()}
        <form class="panel" aria-labelledby="plan-heading" @submit=${(e: Event) => { e.preventDefault(); this.emit('store-change-request', { plan }); }}>
          <h3 id="plan-heading">Change plan</h3>
          <div class="row">
            <label for="plan" class="visually-hidden">New plan</label>
            <select id="plan" @change=${(e: Event) => (this._plan = (e.target as HTMLSelectElement).value)}>
              ${this.plans.map((p) => html`<option .value=${p.name} ?selected=${p.name === plan}>${p.name}</option>`)}
            </select>
            <button type="submit" ?disabled=${working || !store.spec || plan === store.spec.plan}>Upgrade</button>
          </div>
        </form>
        ${this.renderRollback(working)}
        <div class="panel">
          <h3>Delete</h3>
          <button class="danger" type="button" ?disabled=${phase === 'Deleting' || this.busy !== ''} @click=${this.askDelete}>Delete store…</button>
        </div>
      </div>
      <h3>Timeline</h3>
      <store-timeline exportparts="list: timeline, connection" .entries=${this.entries} connection=${this.connection}></store-timeline>
      <store-delete-confirm exportparts="dialog" name=${store.name}></store-delete-confirm>
    </section>`;
  }

  /** Earlier revisions to return to: every one but the newest (the one running now). */
  private renderRollback(working: boolean) {
    const earlier = this.revisions.slice(1);
    const chosen = earlier.some((r) => r.revision === this._revision) ? this._revision : (earlier[0]?.revision ?? 0);
    return html`<form class="panel" aria-labelledby="rollback-heading" @submit=${(e: Event) => { e.preventDefault(); this.emit('store-rollback-request', { revision: chosen }); }}>
      <h3 id="rollback-heading">Roll back</h3>
      ${earlier.length === 0
        ? html`<p class="note">No earlier revision yet.</p>`
        : html`<div class="row">
          <label for="revision">Revision</label>
          <select id="revision" @change=${(e: Event) => (this._revision = Number((e.target as HTMLSelectElement).value))}>
            ${earlier.map((r) => html`<option .value=${String(r.revision)} ?selected=${r.revision === chosen}>${describeRevision(r)}</option>`)}
          </select>
          <button type="submit" ?disabled=${working}>Roll back</button>
        </div>`}
    </form>`;
  }

  private renderCredentials() {
    const credentials = this.credentials;
    return html`<div class="panel">
      <h3>Admin login</h3>
      ${credentials
        ? html`<p>User <output aria-label="Admin user">${credentials.username}</output></p>
          <p>Password <output aria-label="Admin password">${credentials.password}</output></p>
          <p class="note">Copy it now: it is shown only once.</p>`
        : html`<button type="button" ?disabled=${this.busy === 'reveal'} @click=${() => this.emit('store-reveal-request')}>Show admin password (once)</button>`}
    </div>`;
  }
}

/** "WordPress 6.8.7 · WooCommerce 10.0.2 · Store API answers (lists 1 product) · last cron run 2 min ago". */
export function describeHealth(health: ShopHealth): string {
  const versions = [health.wordpress && `WordPress ${health.wordpress}`, health.woocommerce && `WooCommerce ${health.woocommerce}`].filter(Boolean);
  const storeApi = health.storeApi.answers ? `Store API answers (${health.storeApi.detail})` : `Store API does not answer: ${health.storeApi.detail}`;
  const cron = health.lastCronRun ? `last cron run ${ago(health.lastCronRun)}` : 'no cron run yet';
  return [...versions, storeApi, cron].join(' · ');
}

function describeRevision(revision: Revision): string {
  const when = revision.updatedAt ? `, ${ago(revision.updatedAt)}` : '';
  return `#${revision.revision} — ${revision.plan ?? 'unknown plan'}, ${revision.status}${when}`;
}
