import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { ApiError, StoreApi } from '../api/client.ts';
import type { AdminCredentials, Capacity, PlanSummary, Revision, ShopHealth, StatusEvent, StoreView } from '../api/types.ts';
import { failedDetail, storeEvent, type StoreCreatedDetail, type StoreDeletedDetail, type StoreFailedDetail } from '../shared/events.ts';
import { theme } from '../shared/theme.ts';
import { FALLBACK_PLANS } from '../../../contract/plans.ts';
import type { StorePageRequest, StoreSearch } from '../store-list/store-list.ts';
import { PagingController } from './paging-controller.ts';
import { StreamController } from './stream-controller.ts';
import { storeManagerStyles } from './store-manager.styles.ts';

type View = 'list' | 'create' | 'detail';
const TOKEN_KEY = 'storefleet-token';

/**
 * Everything a shop operator needs, in one tag: the store list, a create form, and a store
 * detail with a live timeline streamed from the API. Paging the list (paging-controller.ts)
 * and following a store's stream (stream-controller.ts) are controllers of their own.
 *
 * @fires store-created - The API accepted a new store (`detail: { store, job }`).
 * @fires store-deleted - A store deleted from this element is gone (`detail: { name }`).
 * @fires store-failed - A store followed here failed (`detail: { name, reason, message, operation }`).
 * @csspart base - The wrapper.
 * @csspart table - The store list's table.
 * @csspart counts - The store list's count of stores by phase.
 * @csspart pager - The store list's page buttons.
 * @csspart form - The create form.
 * @csspart failure - A failed store's explanation.
 * @csspart timeline - The live timeline's entries.
 * @csspart connection - The live-stream indicator.
 * @csspart dialog - The delete confirmation dialog.
 * @cssproperty --store-accent - Buttons, links and focus rings.
 * @cssproperty --store-background - Surfaces.
 * @cssproperty --store-foreground - Text.
 * @cssproperty --store-border - Borders.
 * @cssproperty --store-danger - Failures and delete.
 * @cssproperty --store-radius - Corner radius.
 * @cssproperty --store-font - Text font.
 */
export class StoreManager extends LitElement {
  static override styles = [theme, storeManagerStyles];
  static override properties = {
    apiBase: { type: String, attribute: 'api-base' },
    token: { type: String },
    rememberToken: { type: Boolean, attribute: 'remember-token' },
    pollInterval: { type: Number, attribute: 'poll-interval' },
    pageSize: { type: Number, attribute: 'page-size' },
    _view: { state: true },
    _search: { state: true },
    _current: { state: true },
    _health: { state: true },
    _plans: { state: true },
    _revisions: { state: true },
    _loading: { state: true },
    _listError: { state: true },
    _selected: { state: true },
    _credentials: { state: true },
    _busy: { state: true },
    _actionError: { state: true },
    _needsToken: { state: true },
    _notice: { state: true },
    _capacity: { state: true },
  };

  /** Where the API lives ('' = this page's origin). */
  declare apiBase: string;
  /** The bearer token sent to the API. */
  declare token: string;
  /** Keep a token typed into the sign-in form for this browser tab (sessionStorage). */
  declare rememberToken: boolean;
  /** Milliseconds between list refreshes. */
  declare pollInterval: number;
  /** Stores per page of the list. */
  declare pageSize: number;
  declare private _view: View;
  declare private _search: StoreSearch;
  /** The store shown in detail (it need not be on the page). */
  declare private _current: StoreView | undefined;
  /** The shown store's shop health, asked at each refresh while it is Ready. */
  declare private _health: ShopHealth | undefined;
  declare private _plans: PlanSummary[];
  declare private _revisions: Revision[];
  declare private _loading: boolean;
  declare private _listError: string;
  declare private _selected: string;
  declare private _credentials: AdminCredentials | undefined;
  declare private _busy: string;
  declare private _actionError: string;
  declare private _needsToken: boolean;
  declare private _notice: string;
  /** The cluster's room for stores (shown to admins only; the API says tracked: false to others). */
  declare private _capacity: Capacity | undefined;

  private api = new StoreApi('', '');
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  /** Stores deleted from here: store-deleted fires when the API no longer knows them. */
  private deleting = new Set<string>();
  private readonly paging = new PagingController(this, (query) => this.api.page({ limit: this.pageSize, ...query }));
  private readonly stream = new StreamController(this, {
    onStatus: (status, previousPhase) => this.streamedStatus(status, previousPhase),
    onRefused: (status, message, lastPhase) => { if (status !== 404 || lastPhase !== 'Deleted') this._actionError = message; },
  });

  constructor() {
    super();
    this.apiBase = '';
    this.token = '';
    this.rememberToken = false;
    this.pollInterval = 5000;
    this.pageSize = 50;
    this._view = 'list';
    this._search = { q: '', phase: '', sort: 'name' };
    this._current = undefined;
    this._health = undefined;
    this._plans = FALLBACK_PLANS;
    this._revisions = [];
    this._loading = true;
    this._listError = '';
    this._selected = '';
    this._credentials = undefined;
    this._busy = '';
    this._actionError = '';
    this._needsToken = false;
    this._notice = '';
    this._capacity = undefined;
  }

  override connectedCallback() {
    super.connectedCallback();
    if (!this.token && this.rememberToken) this.token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('apiBase') || changed.has('token')) {
      this.api = new StoreApi(this.apiBase, this.token);
      this._needsToken = false;
      this._capacity = undefined;
      void this.start();
    }
  }

  private async start() {
    clearInterval(this.pollTimer);
    this._loading = true;
    await Promise.all([this.refresh(), this.api.plans().then((p) => (this._plans = p), () => undefined)]);
    this.pollTimer = setInterval(() => void this.refresh(), this.pollInterval);
  }

  /** Reloads what is on screen: the list's page, or the store shown in detail. */
  private async refresh() {
    try {
      if (this._view === 'detail' && this._selected) await this.refreshCurrent(this._selected);
      else await Promise.all([this.paging.load(this._search), this.refreshCapacity()]);
      this._listError = '';
      await Promise.all([...this.deleting].map(async (name) => {
        // Two refreshes may overlap: only the one that takes the name off tells.
        if (!(await this.findStore(name)) && this.deleting.delete(name)) {
          this.dispatchEvent(storeEvent<StoreDeletedDetail>('store-deleted', { name }));
        }
      }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this._needsToken = true;
        clearInterval(this.pollTimer);
      } else {
        this._listError = (error as Error).message;
      }
    } finally {
      this._loading = false;
    }
  }

  /** Asked with the list; a token that is not an admin's is told once and not asked again. */
  private async refreshCapacity() {
    if (this._capacity?.tracked === false) return;
    this._capacity = await this.api.capacity().catch(() => this._capacity);
  }

  /**
   * The store named `name`, or undefined once the API no longer knows it. Asked through the
   * list's search, not GET /stores/:name, whose 404 for a gone store a browser logs as an error.
   */
  private async findStore(name: string): Promise<StoreView | undefined> {
    return (await this.api.page({ limit: 500, q: name })).items.find((s) => s.name === name);
  }

  private async refreshCurrent(name: string) {
    const store = await this.findStore(name);
    if (store && this._selected === name) this._current = store;
    if (store?.state.phase === 'Ready') {
      const health = await this.api.health(name).catch(() => undefined);
      if (this._selected === name) this._health = health;
    } else if (this._selected === name) {
      this._health = undefined;
    }
  }

  private searchChanged(event: CustomEvent<StoreSearch>) {
    this._search = event.detail;
    this.paging.restart();
    void this.refresh();
  }

  private turnPage(event: CustomEvent<StorePageRequest>) {
    if (!this.paging.turn(event.detail.direction, this._search)) return;
    this._loading = true;
    void this.refresh().finally(() => (this._loading = false));
  }

  private get selectedStore(): StoreView | undefined {
    return this._current?.name === this._selected ? this._current : undefined;
  }

  private show(name: string, store = this.paging.page?.items.find((s) => s.name === name)) {
    this._current = store;
    this._health = undefined;
    this._selected = name;
    if (!store) void this.refreshCurrent(name).catch(() => undefined);
    this._view = 'detail';
    this._credentials = undefined;
    this._actionError = '';
    this._revisions = [];
    this.follow(name);
  }

  /** Reads the store's release history (after it changes: each finished operation). */
  private loadRevisions(name: string) {
    void this.api.revisions(name).then((revisions) => {
      if (this._selected === name) this._revisions = revisions;
    }, () => undefined);
  }

  private backToList() {
    this.stream.stop();
    this._view = 'list';
    this._selected = '';
    this._notice = '';
    void this.refresh();
  }

  /** Streams the store's status and log lines into its timeline. */
  private follow(name: string) {
    const uid = this.selectedStore?.uid;
    // Pinned to this store: after a drop, a later store of the same name is not followed.
    this.stream.follow(this.api.url(`/stores/${encodeURIComponent(name)}/events${uid ? `?uid=${encodeURIComponent(uid)}` : ''}`), this.api.headers());
  }

  /** A status from the followed stream: the list row and detail move on, and a new failure is told. */
  private streamedStatus(status: StatusEvent, previousPhase: string) {
    this.applyStatus(status);
    if (status.phase !== previousPhase && (status.phase === 'Ready' || status.phase === 'Failed')) this.loadRevisions(status.name);
    if (status.phase === 'Failed' && previousPhase && previousPhase !== 'Failed') {
      this.dispatchEvent(storeEvent<StoreFailedDetail>('store-failed', failedDetail(status)));
    }
  }

  /** Keeps the list row in step with the stream, between list refreshes. */
  private applyStatus(status: StatusEvent) {
    if (status.phase === 'Deleted') {
      void this.refresh();
      return;
    }
    const state = { phase: status.phase, reason: status.reason, message: status.message, since: status.since, code: status.code, operation: status.operation, queuePosition: status.queuePosition } as StoreView['state'];
    if (this._current?.name === status.name) this._current = { ...this._current, state };
    if (this.paging.page?.items.some((s) => s.name === status.name)) {
      this.paging.updateItems((items) => items.map((s) => (s.name === status.name ? { ...s, state } : s)));
    }
  }

  private async act(busy: string, action: () => Promise<void>) {
    this._busy = busy;
    this._actionError = '';
    try {
      await action();
    } catch (error) {
      this._actionError = (error as Error).message;
    } finally {
      this._busy = '';
    }
  }

  private async create(event: CustomEvent<{ name: string; plan: string }>) {
    const { name, plan } = event.detail;
    await this.act('create', async () => {
      const accepted = await this.api.create(name, plan);
      this.dispatchEvent(storeEvent<StoreCreatedDetail>('store-created', { store: accepted.store, job: accepted.operation?.job }));
      this.show(name, accepted.store);
    });
  }

  private async upgrade(event: CustomEvent<{ name: string; plan: string }>) {
    await this.act('upgrade', async () => {
      await this.api.change(event.detail.name, { plan: event.detail.plan });
      await this.refresh();
    });
  }

  private async rollback(event: CustomEvent<{ name: string; revision: number }>) {
    await this.act('rollback', async () => {
      await this.api.rollback(event.detail.name, event.detail.revision);
      await this.refresh();
    });
  }

  private async reveal(event: CustomEvent<{ name: string }>) {
    await this.act('reveal', async () => {
      this._credentials = await this.api.revealCredentials(event.detail.name);
    });
  }

  private async deleteStore(event: CustomEvent<{ name: string }>) {
    const { name } = event.detail;
    await this.act('delete', async () => {
      await this.api.remove(name);
      this.deleting.add(name);
      this.backToList();
      this._notice = `Deleting ${name}: its namespace, data and backups are being removed.`;
    });
  }

  private signIn(event: Event) {
    event.preventDefault();
    const token = new FormData(event.target as HTMLFormElement).get('token')?.toString().trim() ?? '';
    if (!token) return;
    if (this.rememberToken) sessionStorage.setItem(TOKEN_KEY, token);
    this.token = token;
  }

  override render() {
    return html`<div part="base">
      <div class="bar">
        <h1>WooCommerce stores</h1>
        ${this._view === 'list' && !this._needsToken
          ? html`<button class="primary" type="button" @click=${() => { this._view = 'create'; this._actionError = ''; }}>New store</button>`
          : nothing}
      </div>
      ${this._notice ? html`<p class="toast" role="status">${this._notice}</p>` : nothing}
      ${this._needsToken ? this.renderSignIn() : this.renderView()}
    </div>`;
  }

  private renderSignIn() {
    return html`<form class="signin" @submit=${this.signIn}>
      <p role="alert">${this.token ? 'The API refused this token.' : 'Sign in with your storefleet API token.'}</p>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required>
      <div><button class="primary" type="submit">Sign in</button></div>
    </form>`;
  }

  private renderView() {
    switch (this._view) {
      case 'create':
        return html`<store-create-form exportparts="form" .plans=${this._plans} ?busy=${this._busy === 'create'} error=${this._actionError}
          @store-create-submit=${this.create} @store-create-cancel=${() => (this._view = 'list')}></store-create-form>`;
      case 'detail':
        return html`<store-detail exportparts="failure, timeline, connection, dialog" .store=${this.selectedStore} .plans=${this._plans} .revisions=${this._revisions} .health=${this._health} .entries=${this.stream.entries}
          connection=${this.stream.connection} .credentials=${this._credentials} busy=${this._busy} error=${this._actionError}
          @store-back=${this.backToList} @store-change-request=${this.upgrade} @store-rollback-request=${this.rollback}
          @store-reveal-request=${this.reveal} @store-delete-confirm=${this.deleteStore}></store-detail>`;
      default:
        return html`<platform-capacity exportparts="capacity" .capacity=${this._capacity}></platform-capacity>
          <store-list exportparts="table, counts, pager" .stores=${this.paging.page?.items ?? []} .counts=${this.paging.page?.counts} .search=${this._search}
          page-start=${this.paging.start} remaining=${this.paging.page?.metadata.remainingItemCount ?? 0} ?has-previous=${this.paging.index > 0}
          ?loading=${this._loading} error=${this._listError} selected=${this._selected}
          @store-select=${(e: CustomEvent<{ name: string }>) => this.show(e.detail.name)}
          @store-search=${this.searchChanged} @store-page=${this.turnPage}></store-list>`;
    }
  }
}
