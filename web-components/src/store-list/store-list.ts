import { html, LitElement, nothing } from 'lit';
import { STORE_PHASES } from '../../../contract/phases.ts';
import type { ListPhase, Sort, StoreCounts, StoreView } from '../api/types.ts';
import { age } from '../shared/format.ts';
import { theme } from '../shared/theme.ts';
import { storeListStyles } from './store-list.styles.ts';

/** What the list asks the API for: text, phase and order (paging is the owner's). */
export interface StoreSearch { q: string; phase: ListPhase | ''; sort: Sort }
export interface StorePageRequest { direction: 'next' | 'previous' }

/** Typing settles for this long before a search is sent. */
export const SEARCH_DEBOUNCE_MS = 300;

type Column = 'name' | 'phase' | 'createdAt';

/**
 * One page of the stores a token may see, searched, filtered and sorted by the API: phase,
 * shop URL, age and owner, a count of stores by phase, and previous/next page buttons.
 *
 * @fires store-select - The person chose a store (`detail: { name }`).
 * @fires store-search - The search text, phase filter or sort changed (`detail: { q, phase, sort }`).
 * @fires store-page - The person asked for the next or previous page (`detail: { direction }`).
 * @csspart base - The wrapper.
 * @csspart table - The store table.
 * @csspart counts - The stores-by-phase summary.
 * @csspart pager - The page buttons.
 */
export class StoreList extends LitElement {
  static override styles = [theme, storeListStyles];
  static override properties = {
    stores: { attribute: false },
    counts: { attribute: false },
    loading: { type: Boolean },
    error: { type: String },
    selected: { type: String },
    search: { attribute: false },
    pageStart: { type: Number, attribute: 'page-start' },
    remaining: { type: Number },
    hasPrevious: { type: Boolean, attribute: 'has-previous' },
  };

  /** The stores of this page. */
  declare stores: StoreView[];
  /** Every store the token may see, by phase (from the API; filters do not apply). */
  declare counts: StoreCounts | undefined;
  /** True while a page loads. */
  declare loading: boolean;
  /** Why the list could not be loaded. */
  declare error: string;
  /** The name of the store shown in detail, if any. */
  declare selected: string;
  /** The search the rows answer. */
  declare search: StoreSearch;
  /** How many matching stores come before this page. */
  declare pageStart: number;
  /** How many matching stores come after this page. */
  declare remaining: number;
  /** Whether there is a page before this one. */
  declare hasPrevious: boolean;

  private typing: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.stores = [];
    this.counts = undefined;
    this.loading = false;
    this.error = '';
    this.selected = '';
    this.search = { q: '', phase: '', sort: 'name' };
    this.pageStart = 0;
    this.remaining = 0;
    this.hasPrevious = false;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.typing);
  }

  private emit<T>(type: string, detail: T) {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }

  private changeSearch(change: Partial<StoreSearch>) {
    this.search = { ...this.search, ...change };
    this.emit<StoreSearch>('store-search', this.search);
  }

  private typed(value: string) {
    clearTimeout(this.typing);
    this.typing = setTimeout(() => this.changeSearch({ q: value }), SEARCH_DEBOUNCE_MS);
  }

  /** Clicking a column's header sorts by it; clicking again reverses. */
  private sortBy(column: Column) {
    const current = this.search.sort.replace(/^-/, '');
    // Age reads best youngest first, the others A→Z / most urgent first.
    const first: Sort = column === 'createdAt' ? '-createdAt' : column;
    const sort = current === column ? ((this.search.sort.startsWith('-') ? column : `-${column}`) as Sort) : first;
    this.changeSearch({ sort });
  }

  private sortState(column: Column): 'ascending' | 'descending' | 'none' {
    if (this.search.sort.replace(/^-/, '') !== column) return 'none';
    const reversed = this.search.sort.startsWith('-');
    // Newest first (-createdAt) is age ascending.
    return (column === 'createdAt' ? !reversed : reversed) ? 'descending' : 'ascending';
  }

  override render() {
    return html`<section part="base" aria-labelledby="stores-heading" aria-busy=${this.loading ? 'true' : 'false'}>
      <h2 id="stores-heading">Stores</h2>
      ${this.renderCounts()}
      <div class="toolbar" role="search">
        <label>Search stores
          <input type="search" .value=${this.search.q} placeholder="name, owner, host or title"
            @input=${(e: Event) => this.typed((e.target as HTMLInputElement).value)}
            @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') { clearTimeout(this.typing); this.changeSearch({ q: (e.target as HTMLInputElement).value }); } }}>
        </label>
        <label>Phase
          <select .value=${this.search.phase} @change=${(e: Event) => this.changeSearch({ phase: (e.target as HTMLSelectElement).value as ListPhase | '' })}>
            <option value="" ?selected=${this.search.phase === ''}>All phases${this.counts ? ` (${this.counts.all})` : ''}</option>
            ${STORE_PHASES.map((phase) => html`<option value=${phase} ?selected=${this.search.phase === phase}>${phase}${this.counts ? ` (${this.counts.byPhase[phase] ?? 0})` : ''}</option>`)}
          </select>
        </label>
      </div>
      ${this.renderBody()}
    </section>`;
  }

  private renderCounts() {
    if (!this.counts) return nothing;
    const phases = STORE_PHASES.filter((phase) => this.counts!.byPhase[phase]);
    return html`<p part="counts" class="counts">
      <strong>${this.counts.all} ${this.counts.all === 1 ? 'store' : 'stores'}</strong>${phases.map((phase) => html` <span class="count"><span class="badge ${phase}">${phase}</span> ${this.counts!.byPhase[phase]}</span>`)}
    </p>`;
  }

  private renderBody() {
    if (this.error) return html`<p class="state error" role="alert">Could not load stores: ${this.error}</p>`;
    if (this.loading && this.stores.length === 0 && !this.counts) return html`<p class="state" role="status">Loading stores…</p>`;
    const filtered = this.search.q.trim() || this.search.phase;
    if (this.stores.length === 0 && !filtered && !this.hasPrevious) return html`<p class="state">No stores yet. Create your first store to get a WooCommerce shop in its own namespace.</p>`;
    if (this.stores.length === 0) {
      const what = [this.search.q.trim() ? `“${this.search.q.trim()}”` : '', this.search.phase ? `phase ${this.search.phase}` : ''].filter(Boolean).join(' in ');
      return html`<p class="state" role="status">No store matches ${what || 'this page'}.</p>`;
    }
    const total = this.pageStart + this.stores.length + this.remaining;
    const header = (column: Column, label: string) => html`<th scope="col" aria-sort=${this.sortState(column)}>
      <button class="sort" type="button" @click=${() => this.sortBy(column)}>${label}<span aria-hidden="true">${{ ascending: ' ▲', descending: ' ▼', none: '' }[this.sortState(column)]}</span></button></th>`;
    return html`<table part="table">
      <caption class="visually-hidden">Your stores, ${this.pageStart + 1} to ${this.pageStart + this.stores.length} of ${total}</caption>
      <thead><tr>${header('name', 'Store')}${header('phase', 'Phase')}<th scope="col">Shop</th>${header('createdAt', 'Age')}<th scope="col">Owner</th></tr></thead>
      <tbody>${this.stores.map((store) => html`<tr aria-current=${store.name === this.selected ? 'true' : nothing}>
        <td><button class="name" @click=${() => this.emit('store-select', { name: store.name })}>${store.name}</button></td>
        <td><span class="badge ${store.state.phase}">${store.state.phase}</span>${store.state.queuePosition ? html` <span class="place">#${store.state.queuePosition} in line</span>` : nothing}</td>
        <td>${store.spec ? html`<a href=${store.url} target="_blank" rel="noopener">${store.spec.host}</a>` : '—'}</td>
        <td><time datetime=${store.createdAt}>${age(store.createdAt)}</time></td>
        <td>${store.tenant}</td>
      </tr>`)}</tbody>
    </table>
    <nav part="pager" class="pager" aria-label="Store pages">
      <button type="button" ?disabled=${!this.hasPrevious} @click=${() => this.emit<StorePageRequest>('store-page', { direction: 'previous' })}>← Previous</button>
      <span aria-live="polite">Stores ${this.pageStart + 1}–${this.pageStart + this.stores.length} of ${total}</span>
      <button type="button" ?disabled=${this.remaining === 0} @click=${() => this.emit<StorePageRequest>('store-page', { direction: 'next' })}>Next →</button>
    </nav>`;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'store-search': CustomEvent<StoreSearch>;
    'store-page': CustomEvent<StorePageRequest>;
  }
}
