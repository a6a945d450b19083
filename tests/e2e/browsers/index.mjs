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
// visible, frameEvaluate, href, isClosed, waitForClose, screenshot, close, raw.

import * as chromium from "./chromium.mjs";
import * as firefox from "./firefox.mjs";
import { evaluateWithin } from "./page.mjs";
import { startSiteProxy } from "./site-proxy.mjs";
import { waitFor } from "../lib.mjs";

export const BROWSERS = ["chromium", "firefox"];

/**
 * `host`: register tessera-host for this browser's profile; `locale`; `args`: extra command-line
 * switches; `env`: added to the browser's environment (the host inherits it, e.g. TESSERA_DATA_DIR);
 * `extensionDir`: another build of the extension than TESSERA_EXTENSION_* (e.g. one with a broken module).
 */
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

/**
 * A browser that reaches the autofill fixture site (fixtures/autofill/server.mjs) under its
 * *.test names on the default ports and accepts its self-signed certificate: Chromium by
 * --host-resolver-rules, Firefox through a loopback proxy (site-proxy.mjs). `close()` also
 * stops the proxy; the site is the caller's.
 */
export async function launchWithSite(kind, site, options = {}) {
  if (kind === "chromium") {
    const args = [`--host-resolver-rules=${site.hostRules()}`, "--ignore-certificate-errors", ...(options.args ?? [])];
    return launchBrowser(kind, { ...options, args });
  }
  const proxy = await startSiteProxy(site);
  try {
    const browser = await launchBrowser(kind, { ...options, prefs: { ...proxy.prefs, ...options.prefs }, acceptInsecureCerts: true });
    const close = browser.close;
    browser.close = async () => {
      await close();
      await proxy.close();
    };
    return browser;
  } catch (err) {
    await proxy.close();
    throw err;
  }
}

/**
 * The browser's tab ID (what ?tab= and credentials.* take) of the tab showing `url`, asked
 * from an extension page. Chromium gives `tab.url` only with the tabs permission or explicit
 * host permissions (content-script matches are not enough; Firefox gives it), so the top
 * frame's URL comes from webNavigation, which the extension holds.
 */
export async function tabIdOf(extensionPage, url) {
  return waitFor(
    () =>
      evaluateWithin(
        extensionPage.raw,
        5_000,
        async (u) => {
          for (const tab of await chrome.tabs.query({})) {
            const top = tab.url ?? (await chrome.webNavigation.getFrame({ tabId: tab.id, frameId: 0 }).catch(() => null))?.url;
            if (top === u) return tab.id;
          }
          return null;
        },
        url,
      ).catch(() => null),
    { what: `a tab on ${url}` },
  );
}
