// Registration in one place and guarded: loading the bundle twice (say, by two widgets on
// one page) must not throw "already defined".
export function defineElement(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
