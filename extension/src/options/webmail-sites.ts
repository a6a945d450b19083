// The sites where the generic webmail provider runs (content/webmail/providers/generic.ts
// reads the same list). An origin is stored, never a path: the provider works per site.

import { byTestId, el } from "../pages/dom";
import { t } from "../shared/i18n";

const KEY = "webmailSites";

async function load(): Promise<string[]> {
  const got = (await chrome.storage.local.get(KEY)) as Record<string, unknown>;
  return Array.isArray(got[KEY]) ? (got[KEY] as unknown[]).filter((o): o is string => typeof o === "string") : [];
}

/** "https://mail.example.org/inbox" → "https://mail.example.org"; null for anything but http(s). */
export function siteOrigin(text: string): string | null {
  try {
    const url = new URL(text.trim());
    return url.protocol === "https:" || url.protocol === "http:" ? url.origin : null;
  } catch {
    return null;
  }
}

async function render(): Promise<void> {
  const sites = await load();
  byTestId("webmail-sites").replaceChildren(
    ...sites.map((origin) => {
      const remove = el("button", { type: "button", "data-testid": "webmail-site-remove" }, t("webmailSitesRemove"));
      remove.addEventListener("click", () => {
        void load()
          .then((list) => chrome.storage.local.set({ [KEY]: list.filter((o) => o !== origin) }))
          .then(render);
      });
      const item = el("li", { "data-testid": "webmail-site", "data-origin": origin }, `${origin} `);
      item.append(remove);
      return item;
    }),
  );
}

export function setupWebmailSites(): void {
  byTestId<HTMLFormElement>("webmail-site-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = byTestId<HTMLInputElement>("webmail-site-input");
    const error = byTestId("webmail-site-error");
    const origin = siteOrigin(input.value);
    error.hidden = origin !== null;
    error.textContent = origin === null ? t("webmailSitesInvalid") : "";
    if (origin === null) return;
    void load()
      .then((list) => chrome.storage.local.set({ [KEY]: [...new Set([...list, origin])] }))
      .then(() => {
        input.value = "";
        return render();
      });
  });
  void render();
}
