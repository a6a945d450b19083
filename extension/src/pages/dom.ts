// DOM helpers for Tessera's own extension pages (popup, options, PIN prompt).
// Text goes in through textContent only: nothing here parses HTML.

/** The element a page's markup promises; a missing one is a bug in the page. */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.querySelector<T>(`[data-testid="${id}"]`);
  if (found === null) throw new Error(`${location.pathname} lacks data-testid=${id}`);
  return found;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}
