import { html, LitElement } from 'lit';
import { theme } from '../shared/theme.ts';
import { storeDeleteConfirmStyles } from './store-delete-confirm.styles.ts';

/**
 * A modal that deletes a store only after its name is typed exactly. Escape cancels.
 *
 * @fires store-delete-confirm - The name was typed and Delete pressed (`detail: { name }`).
 * @fires store-delete-cancel - The dialog was closed without deleting.
 * @csspart dialog - The dialog.
 */
export class StoreDeleteConfirm extends LitElement {
  static override styles = [theme, storeDeleteConfirmStyles];
  static override properties = {
    name: { type: String },
    _typed: { state: true },
  };

  /** The store to delete. */
  declare name: string;
  declare private _typed: string;
  private confirmed = false;

  constructor() {
    super();
    this.name = '';
    this._typed = '';
  }

  private get dialog() {
    return this.renderRoot.querySelector('dialog')!;
  }

  /** Opens the dialog with an empty confirmation field focused. */
  async open() {
    this._typed = '';
    this.confirmed = false;
    await this.updateComplete;
    this.dialog.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus();
  }

  close() {
    this.dialog.close();
  }

  private submit(event: Event) {
    event.preventDefault();
    if (this._typed !== this.name) return;
    this.confirmed = true;
    this.dialog.close();
    this.dispatchEvent(new CustomEvent('store-delete-confirm', { detail: { name: this.name }, bubbles: true, composed: true }));
  }

  private closed() {
    if (!this.confirmed) this.dispatchEvent(new CustomEvent('store-delete-cancel', { bubbles: true, composed: true }));
  }

  override render() {
    const matches = this._typed === this.name;
    return html`<dialog part="dialog" aria-labelledby="delete-heading" aria-describedby="delete-warning" @close=${this.closed}>
      <form @submit=${this.submit}>
        <h2 id="delete-heading">Delete store ${this.name}?</h2>
        <p id="delete-warning">This removes the shop, its database, uploads and backups for good. It cannot be undone.</p>
        <label for="confirm-name">Type <code>${this.name}</code> to confirm</label>
        <input id="confirm-name" autocomplete="off" spellcheck="false" .value=${this._typed}
          @input=${(e: Event) => (this._typed = (e.target as HTMLInputElement).value)}>
        <div class="actions">
          <button type="button" @click=${() => this.close()}>Cancel</button>
          <button class="danger" type="submit" ?disabled=${!matches}>Delete store</button>
        </div>
      </form>
    </dialog>`;
  }
}
