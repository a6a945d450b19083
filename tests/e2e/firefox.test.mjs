// Firefox ESR smoke test: the built extension, loaded as a temporary add-on over
// WebDriver BiDi (puppeteer-core), talks to the real tessera-host registered in a
// throwaway HOME. Run under scripts/lib/with-virtual-card.sh.
//
// What this test observes without opening an extension page (the popup, options page
// and PIN window are read in Firefox by both-popup.test.mjs, through browsers/firefox.mjs
// and --remote-allow-system-access). Two real signals:
//  1. the process list: Firefox started tessera-host with our throwaway manifest
//     and the add-on ID as arguments (the background ran connectNative);
//  2. the background's own console.info lines, which Firefox prints on stdout
//     with devtools.console.stdout.content: "connected to tessera-host <v>" is
//     logged only after the wasm core decoded the host's hello reply, and
//     "token.list: N token(s)" only after a token.list round trip.

import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  EXT_FIREFOX,
  FIREFOX_BIN,
  GECKO_ID,
  cargoVersion,
  hostPidsUnder,
  installHost,
  puppeteer,
  requireBuilt,
  tempDir,
  testCard,
  waitFor,
} from "./lib.mjs";

async function launchFirefox(home) {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX_BIN,
    headless: true,
    // Only Firefox gets the throwaway HOME: it reads ~/.mozilla/native-messaging-hosts there.
    env: { ...process.env, HOME: home },
    extraPrefsFirefox: {
      "devtools.console.stdout.content": true,
      "devtools.console.stdout.chrome": true,
    },
  });
  let output = "";
  const proc = browser.process();
  proc?.stdout?.on("data", (d) => (output += d));
  proc?.stderr?.on("data", (d) => (output += d));
  return { browser, output: () => output };
}

function tesseraLines(output) {
  return output.split("\n").filter((l) => l.includes('"tessera: '));
}

test("D: Firefox loads the extension and completes hello and token.list with the real host", async () => {
  requireBuilt();
  const card = testCard();
  const home = tempDir("firefox-home");
  const manifestDir = join(home, ".mozilla", "native-messaging-hosts");
  mkdirSync(manifestDir, { recursive: true });
  const { manifestPath, manifest } = installHost("firefox", manifestDir);
  assert.deepEqual(manifest.allowed_extensions, [GECKO_ID]);
  const { browser, output } = await launchFirefox(home);
  try {
    assert.equal(await browser.installExtension(EXT_FIREFOX), GECKO_ID);
    // 1. Firefox started the host from our manifest, for our add-on.
    await waitFor(() => hostPidsUnder(home, manifest.path).length === 1, {
      what: "Firefox to start tessera-host",
    });
    // 2. The round trip, as the background itself reports it.
    const hostVersion = cargoVersion("native-host");
    const lines = await waitFor(
      () => {
        const l = tesseraLines(output());
        return l.some((x) => /token\.list: \d+ token/.test(x)) ? l : null;
      },
      { timeoutMs: 20_000, what: "the background's token.list log line" },
    );
    assert.ok(
      lines.some((l) => l.includes(`connected to tessera-host ${hostVersion}, core ${cargoVersion("wasm-core")}`)),
      `hello round trip: ${lines.join(" | ")}`,
    );
    const listed = Number(/token\.list: (\d+) token/.exec(lines.find((l) => /token\.list/.test(l)))[1]);
    assert.ok(listed >= 1, `the virtual card ${card.serial} is listed (got ${listed} token(s))`);
    assert.ok(manifestPath.startsWith(home));
  } finally {
    await browser.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test("D': Firefox without a host manifest reports 'not installed'", async () => {
  requireBuilt({ host: false });
  const home = tempDir("firefox-nohost");
  const { browser, output } = await launchFirefox(home);
  try {
    await browser.installExtension(EXT_FIREFOX);
    const lines = await waitFor(
      () => {
        const l = tesseraLines(output());
        return l.some((x) => x.includes("not_installed")) ? l : null;
      },
      { timeoutMs: 20_000, what: "the background to report not_installed" },
    );
    assert.ok(lines.some((l) => /No such native application/.test(l)), lines.join(" | "));
  } finally {
    await browser.close();
    rmSync(home, { recursive: true, force: true });
  }
});
