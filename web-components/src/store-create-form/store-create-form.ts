import { html, LitElement, nothing } from 'lit';
import { storeNameProblem } from '../../../contract/names.ts';
import { FALLBACK_PLANS } from '../../../contract/plans.ts';
import type { PlanSummary } from '../api/types.ts';
import { theme } from '../shared/theme.ts';
import { storeCreateFormStyles } from './store-create-form.styles.ts';

/**
 * Asks for a new store: a name checked as you type with the API's own rule, and a plan.
 *
 * @fires store-create-submit - A valid name and plan were submitted (`detail: { name, plan }`).
 * @fires store-create-cancel - The person gave up.
 * @csspart form - The form.
 */
export class StoreCreateForm extends LitElement {
  static override styles = [theme, storeCreateFormStyles];
  static override properties = {
    plans: { attribute: false },
    busy: { type: Boolean },
    error: { type: String },
    _name: { state: true },
    _plan: { state: true },
    _touched: { state: true },
  };

  declare plans: PlanSummary[];
  /** True while the create request is on its way. */
  declare busy: boolean;
  /** The API's answer when it refused the store. */
  declare error: string;
  declare private _name: string;
  declare private _plan: string;
  declare private _touched: boolean;

  constructor() {
    super();
    this.plans = FALLBACK_PLANS;
    this.busy = false;
    this.error = '';
    this._name = '';
    this._plan = 'small';
    this._touched = false;
  }

  private get problem(): string | undefined {
    return storeNameProblem(this._name);
  }

  override firstUpdated() {
    this.renderRoot.querySelector<HTMLInputElement>('#name')?.focus();
  }

  // The problem shows while typing and on submit, never on blur: text appearing on blur moves
  // the buttons between a pointer's press and release, and the click is lost.
  private submit(event: Event) {
    event.preventDefault();
    this._touched = true;
    if (this.problem || this.busy) {
      this.renderRoot.querySelector<HTMLInputElement>('#name')?.focus();
      return;
    }
    this.dispatchEvent(new CustomEvent('store-create-submit', { detail: { name: this._name, plan: this._plan }, bubbles: true, composed: true }));
  }

  private cancel() {
    this.dispatchEvent(new CustomEvent('store-create-cancel', { bubbles: true, composed: true }));
  }

  override render() {
    const showProblem = this._touched && this.problem;
    return html`<form part="form" novalidate @submit=${this.submit} aria-labelledby="create-heading">
      <h2 id="create-heading">New store</h2>
      <div class="field">
        <label for="name">Store name</label>
        <input id="name" name="name" autocomplete="off" spellcheck="false" .value=${this._name}
          aria-invalid=${showProblem ? 'true' : 'false'} aria-describedby="name-hint name-problem"
          @input=${(e: Event) => { this._name = (e.target as HTMLInputElement).value; this._touched = this._name.length > 0; }}>
        <p id="name-hint" class="hint">3–32 lowercase letters, digits and dashes, starting with a letter. It becomes the shop's address.</p>
        <p id="name-problem" class="error" role="alert">${showProblem ? this.problem : nothing}</p>
      </div>
      <fieldset>
        <legend>Plan</legend>
        ${this.plans.map((plan) => html`<label class="plan">
          <input type="radio" name="plan" .value=${plan.name} .checked=${plan.name === this._plan}
            @change=${() => (this._plan = plan.name)}>
          ${plan.name}${plan.cpu ? html` <span>${plan.cpu} CPU · ${plan.memory} memory · ${plan.storage} storage</span>` : nothing}
        </label>`)}
      </fieldset>
      ${this.error ? html`<p class="error" role="alert">The store was not created: ${this.error}</p>` : nothing}
      <div class="actions">
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Creating…' : 'Create store'}</button>
        <button type="button" @click=${this.cancel}>Cancel</button>
      </div>
    </form>`;
  }
}
