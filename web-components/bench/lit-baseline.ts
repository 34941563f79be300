// The smallest useful Lit element: the baseline the embeddable bundle is measured against, so
// the bench shows what storefleet's own code adds on top of Lit.
import { html, LitElement } from 'lit';

export class HelloLit extends LitElement {
  static override properties = { name: { type: String } };
  declare name: string;
  override render() {
    return html`<p>Hello, ${this.name}</p>`;
  }
}

if (!customElements.get('hello-lit')) customElements.define('hello-lit', HelloLit);
