// Localized strings from _locales/<lang>/messages.json. Every string a user
// sees goes through here; a missing key shows the key, so it is noticed.

export function t(key: string, substitutions?: string[]): string {
  const text = chrome.i18n.getMessage(key, substitutions);
  return text === "" ? key : text;
}

/** Localized text for an error code (PROTOCOL.md's or the extension's own). */
export function errorText(code: string): string {
  const key = `error_${code.replace(/[^a-z0-9_]/gi, "_")}`;
  const text = chrome.i18n.getMessage(key);
  return text === "" ? t("error_unknown", [code]) : text;
}

/** Fills elements marked data-i18n="key" with their localized text, and data-i18n-aria-label="key" with their accessible name. */
export function localizePage(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    const key = el.dataset["i18n"];
    if (key !== undefined) el.textContent = t(key);
  }
  // Accessible names of controls that have no visible label of their own (a search box, a file input).
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-aria-label]")) {
    const key = el.dataset["i18nAriaLabel"];
    if (key !== undefined) el.setAttribute("aria-label", t(key));
  }
  document.documentElement.lang = chrome.i18n.getUILanguage();
}
