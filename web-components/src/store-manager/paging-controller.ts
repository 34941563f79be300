// Paging through the store list with the API's `continue` tokens, as a Lit ReactiveController:
// the page on screen, where it is in the trail of pages, and which request may change it.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StorePage } from '../api/types.ts';
import type { StoreSearch } from '../store-list/store-list.ts';

/** Asks the API for one page: `continue` undefined = the first page of `search`. */
export type FetchPage = (query: StoreSearch & { continue?: string }) => Promise<StorePage>;

export class PagingController implements ReactiveController {
  /** The page of the list on screen, as the API sent it. */
  page: StorePage | undefined;
  /** Where that page is in the trail, and how many stores come before it ("stores 51–100"). */
  index = 0;
  start = 0;

  private readonly host: ReactiveControllerHost;
  private readonly fetchPage: FetchPage;
  /**
   * The `continue` token of each page up to the one asked for last ('' = the first page),
   * and the pages' starting offsets. The screen says what the page on screen says (`index`,
   * `start`), never what is still on its way.
   */
  private tokens = [''];
  private starts = [0];
  /** The search the page on screen was asked with: its `continue` token is bound to it. */
  private search: StoreSearch | undefined;
  /** Only the newest request may change the screen. */
  private request = 0;

  constructor(host: ReactiveControllerHost, fetchPage: FetchPage) {
    this.host = host;
    this.fetchPage = fetchPage;
    host.addController(this);
  }

  hostConnected(): void {}

  /** Reads the page asked for last (after `restart`, the first), with `search`. */
  async load(search: StoreSearch): Promise<void> {
    const request = ++this.request;
    const index = this.tokens.length - 1;
    const start = this.starts[index]!;
    const page = await this.fetchPage({ continue: this.tokens[index] || undefined, ...search });
    if (request !== this.request) return;
    // Every store of a later page was deleted: show the page before it.
    if (page.items.length === 0 && index > 0) {
      this.tokens.pop();
      this.starts.pop();
      return this.load(search);
    }
    // One render shows the rows with their own offset.
    this.page = page;
    this.index = index;
    this.start = start;
    this.search = search;
    this.host.requestUpdate();
  }

  /** A new search starts at the first page. */
  restart(): void {
    this.tokens = [''];
    this.starts = [0];
  }

  /**
   * Moves to the next or previous page of the page on screen; false when there is none, or
   * the page on screen belongs to a search already replaced (the new search's first page is
   * coming). A second click before the first page arrives asks for the same page.
   */
  turn(direction: 'next' | 'previous', search: StoreSearch): boolean {
    if (this.search !== search) return false;
    const { page } = this;
    const shown = this.index + 1;
    if (direction === 'next' && page?.metadata.continue) {
      this.tokens = [...this.tokens.slice(0, shown), page.metadata.continue];
      this.starts = [...this.starts.slice(0, shown), this.start + page.items.length];
      return true;
    }
    if (direction === 'previous' && this.index > 0) {
      this.tokens = this.tokens.slice(0, shown - 1);
      this.starts = this.starts.slice(0, shown - 1);
      return true;
    }
    return false;
  }

  /** Changes rows of the page on screen in place (a stream said a store's state moved on). */
  updateItems(change: (items: StorePage['items']) => StorePage['items']): void {
    if (!this.page) return;
    this.page = { ...this.page, items: change(this.page.items) };
    this.host.requestUpdate();
  }
}
