import { html, LitElement, nothing } from 'lit';
import type { StoreView } from '../api/types.ts';
import { age } from '../shared/format.ts';
import { theme } from '../shared/theme.ts';
import { storeListStyles } from './store-list.styles.ts';

/**
 * The stores a token may see, with search: phase, shop URL, age and owner.
 *
 * @fires store-select - The person chose a store (`detail: { name }`).
 * @csspart base - The wrapper.
 * @csspart table - The store table.
 */
export class StoreList extends LitElement {
  static override styles = [theme, storeListStyles];
  static override properties = {
    stores: { attribute: false },
    loading: { type: Boolean },
    error: { type: String },
    selected: { type: String },
    _query: { state: true },
  };

  /** The stores to show. */
  declare stores: StoreView[];
  /** True while the first list loads. */
  declare loading: boolean;
  /** Why the list could not be loaded. */
  declare error: string;
  /** The name of the store shown in detail, if any. */
  declare selected: string;
  declare private _query: string;

  constructor() {
    super();
    this.stores = [];
    this.loading = false;
    this.error = '';
    this.selected = '';
    this._query = '';
  }

  private get visible(): StoreView[] {
    const query = this._query.trim().toLowerCase();
    if (!query) return this.stores;
    return this.stores.filter((s) => [s.name, s.tenant, s.spec?.host ?? '', s.state.phase].some((v) => v.toLowerCase().includes(query)));
  }

  private select(name: string) {
    this.dispatchEvent(new CustomEvent('store-select', { detail: { name }, bubbles: true, composed: true }));
  }

  override render() {
    return html`<section part="base" aria-labelledby="stores-heading">
      <h2 id="stores-heading">Stores</h2>
      <div class="toolbar">
        <label>Search stores
          <input type="search" .value=${this._query} placeholder="name, owner, host or phase"
            @input=${(e: Event) => (this._query = (e.target as HTMLInputElement).value)}>
        </label>
      </div>
      ${this.renderBody()}
    </section>`;
  }

  private renderBody() {
    if (this.error) return html`<p class="state error" role="alert">Could not load stores: ${this.error}</p>`;
    if (this.loading && this.stores.length === 0) return html`<p class="state" role="status">Loading stores…</p>`;
    if (this.stores.length === 0) return html`<p class="state">No stores yet. Create your first store to get a WooCommerce shop in its own namespace.</p>`;
    const rows = this.visible;
    if (rows.length === 0) return html`<p class="state" role="status">No store matches “${this._query}”.</p>`;
    return html`<table part="table">
      <caption class="visually-hidden">Your stores (${rows.length})</caption>
      <thead><tr><th scope="col">Store</th><th scope="col">Phase</th><th scope="col">Shop</th><th scope="col">Age</th><th scope="col">Owner</th></tr></thead>
      <tbody>${rows.map((store) => html`<tr aria-current=${store.name === this.selected ? 'true' : nothing}>
        <td><button class="name" @click=${() => this.select(store.name)}>${store.name}</button></td>
        <td><span class="badge ${store.state.phase}">${store.state.phase}</span></td>
        <td>${store.spec ? html`<a href=${store.url} target="_blank" rel="noopener">${store.spec.host}</a>` : '—'}</td>
        <td><time datetime=${store.createdAt}>${age(store.createdAt)}</time></td>
        <td>${store.tenant}</td>
      </tr>`)}</tbody>
    </table>`;
  }
}
