// Firefox ESR behind the browser-neutral interface (index.mjs), over WebDriver BiDi with
// puppeteer-core (no geckodriver). Why this driver, and what differs: ../README.md
// ("Firefox harness").
//
// - The add-on is installed temporarily from the unpacked build (webExtension.install).
// - Its moz-extension UUID is fixed by the pref extensions.webextensions.uuids, so extension
//   pages have a known URL (Firefox otherwise picks a random UUID per profile).
// - BiDi refuses to navigate to moz-extension:// unless Firefox is started with
//   --remote-allow-system-access (test-only: the driver may then also reach privileged
//   contexts). Navigation events of moz-extension pages are not reported to the client,
//   so we navigate without waiting and read the URL from the page itself.
// - The host is registered in a throwaway HOME (~/.mozilla/native-messaging-hosts),
//   given only to Firefox (and so to the hosts it starts).

import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EXT_FIREFOX, FIREFOX_BIN, GECKO_ID, installHost, puppeteer, tempDir, waitFor } from "../lib.mjs";
import { evaluateWithin, wrapPage } from "./page.mjs";

/** The fixed moz-extension UUID the tests give the add-on. */
export const FIREFOX_UUID = "6f1e0c6a-7e55-4d0b-9a3c-7e55e2e0a001";
const ORIGIN = `moz-extension://${FIREFOX_UUID}/`;

/**
 * `prefs`: extra Firefox preferences (e.g. a proxy, see site-proxy.mjs); `acceptInsecureCerts`:
 * accept the fixture site's self-signed certificate (Chromium: --ignore-certificate-errors);
 * `env`: added to Firefox's environment, which the hosts it starts inherit.
 */
export async function launch({ host = true, locale = "en-US", args = [], env = {}, prefs = {}, acceptInsecureCerts = false, extensionDir = EXT_FIREFOX } = {}) {
  const home = tempDir("firefox-home");
  let manifest = null;
  if (host) {
    const dir = join(home, ".mozilla", "native-messaging-hosts");
    mkdirSync(dir, { recursive: true });
    manifest = installHost("firefox", dir);
  }
  let output = "";
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX_BIN,
    headless: true,
    acceptInsecureCerts,
    args: ["--remote-allow-system-access", ...args],
    env: { ...process.env, ...env, HOME: home },
    extraPrefsFirefox: {
      "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      "intl.locale.requested": locale,
      "intl.accept_languages": locale,
      // The background's console lines on stdout (firefox.test.mjs reads them; kept for failures).
      "devtools.console.stdout.content": true,
      ...prefs,
    },
  });
  const proc = browser.process();
  proc?.stdout?.on("data", (d) => (output += d));
  proc?.stderr?.on("data", (d) => (output += d));
  try {
    const id = await browser.installExtension(extensionDir);
    if (id !== GECKO_ID) throw new Error(`installed add-on id ${id}, expected ${GECKO_ID}`);
  } catch (err) {
    await browser.close().catch(() => {});
    rmSync(home, { recursive: true, force: true });
    throw err;
  }

  const hrefOf = (raw) => evaluateWithin(raw, 5_000, () => location.href).catch(() => null);
  const wrap = (raw) => wrapPage(raw, { kind: "firefox", href: () => hrefOf(raw) });
  /** Navigates without waiting for BiDi's load events (never sent for moz-extension), then polls the page. */
  async function navigate(raw, url) {
    await raw.mainFrame().browsingContext.navigate(url, "none");
    await waitFor(
      () => evaluateWithin(raw, 5_000, (u) => location.href === u && document.readyState === "complete", url).catch(() => false),
      { timeoutMs: 15_000, what: `${url} to load in Firefox` },
    );
  }

  return {
    kind: "firefox",
    /** The throwaway HOME: in the arguments of every host this browser starts (the manifest path). */
    hostMarker: home,
    home,
    hostManifest: manifest,
    extensionUrl: (path) => `${ORIGIN}${path}`,
    raw: browser,
    /** Firefox's stdout and stderr so far (the background's console lines among them). */
    output: () => output,
    async openExtensionPage(path) {
      const raw = await browser.newPage();
      await navigate(raw, `${ORIGIN}${path}`);
      return wrap(raw);
    },
    async newPage(url) {
      const raw = await browser.newPage();
      if (url) await navigate(raw, url);
      return wrap(raw);
    },
    async waitForExtensionPage(part, { timeoutMs = 20_000 } = {}) {
      const raw = await waitFor(
        async () => {
          for (const p of await browser.pages()) {
            const href = await hrefOf(p);
            if (href?.startsWith(ORIGIN) && href.includes(part)) return p;
          }
          return null;
        },
        { timeoutMs, intervalMs: 200, what: `an extension page with ${part} in Firefox` },
      );
      return wrap(raw);
    },
    pageCount: async () => (await browser.pages()).length,
    async close() {
      await browser.close().catch(() => {});
      rmSync(home, { recursive: true, force: true });
    },
  };
}
