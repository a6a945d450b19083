// Chromium behind the browser-neutral interface (index.mjs): the existing Playwright
// launch (lib.mjs launchChromium), extension pages under chrome-extension://<id>/.

import { CHROMIUM_ID, launchChromium, waitFor } from "../lib.mjs";
import { wrapPage } from "./page.mjs";

export async function launch({ host = true, locale = "en-US", args = [], env = {}, extensionDir } = {}) {
  // An undefined extensionDir takes launchChromium's default (the TESSERA_EXTENSION_CHROMIUM build).
  const launched = await launchChromium({ host, locale, args, env, extensionDir });
  const { context } = launched;
  const wrap = (raw) => wrapPage(raw, { kind: "chromium", href: async () => raw.url() });
  return {
    kind: "chromium",
    /** The profile dir: in an ancestor's arguments of every host this browser starts (hostPidsUnder). */
    hostMarker: launched.userDataDir,
    extensionUrl: (path) => `chrome-extension://${CHROMIUM_ID}/${path}`,
    raw: launched,
    async openExtensionPage(path) {
      const raw = await context.newPage();
      await raw.goto(`chrome-extension://${CHROMIUM_ID}/${path}`);
      return wrap(raw);
    },
    async newPage(url) {
      const raw = await context.newPage();
      if (url) await raw.goto(url);
      return wrap(raw);
    },
    /** An extension page the extension opened itself (e.g. the PIN window), by a part of its URL. */
    async waitForExtensionPage(part, { timeoutMs = 20_000 } = {}) {
      const raw = await waitFor(() => context.pages().find((p) => p.url().startsWith(`chrome-extension://${CHROMIUM_ID}/`) && p.url().includes(part)), {
        timeoutMs,
        what: `an extension page with ${part} in Chromium`,
      });
      return wrap(raw);
    },
    pageCount: async () => context.pages().length,
    close: () => launched.close(),
  };
}
