// One browser-neutral entry point, so an end-to-end test is written once and runs in
// Chromium (Playwright) and Firefox ESR (puppeteer-core over WebDriver BiDi):
//
//   const browser = await launchBrowser("firefox", { host: true });
//   const popup = await browser.openExtensionPage("popup/popup.html");
//   await popup.waitFor('[data-testid="token"]');
//
// Browser: kind, hostMarker (for hostPidsUnder), extensionUrl(path), openExtensionPage(path),
// newPage(url), waitForExtensionPage(urlPart), pageCount(), close(), raw (the driver's object).
// Page (page.mjs): evaluate, waitFor, click, fill, check, text, texts, attr, value, count,
// visible, href, isClosed, waitForClose, screenshot, close, raw.

import * as chromium from "./chromium.mjs";
import * as firefox from "./firefox.mjs";

export const BROWSERS = ["chromium", "firefox"];

/** `host`: register tessera-host for this browser's profile; `locale`; `args`: extra command-line switches. */
export function launchBrowser(kind, options = {}) {
  if (kind === "chromium") return chromium.launch(options);
  if (kind === "firefox") return firefox.launch(options);
  throw new Error(`unknown browser ${kind}`);
}

/** TESSERA_E2E_BROWSERS=firefox (comma-separated) runs a both-browser test file in some of them only. */
export function selectedBrowsers() {
  const only = process.env.TESSERA_E2E_BROWSERS;
  return only ? BROWSERS.filter((b) => only.split(",").includes(b)) : BROWSERS;
}
