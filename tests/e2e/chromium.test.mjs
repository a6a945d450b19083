// Chromium end-to-end: the built extension, the real tessera-host, and a real
// pcscd with the virtual card. Run under scripts/lib/with-virtual-card.sh.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  HOST_BIN,
  cargoVersion,
  englishMessage,
  hostPidsUnder,
  launchChromium,
  openPopup,
  readTokens,
  requireBuilt,
  screenshot,
  tempDir,
  testCard,
  waitFor,
} from "./lib.mjs";

const STATE = '[data-testid="status-state"]';

async function state(page) {
  return page.getAttribute(STATE, "data-state");
}

/** Waits until the popup lists a card with the test card's serial. */
async function waitForCard(page, card, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const tokens = await readTokens(page);
      return tokens.find((t) => t.serial?.toUpperCase() === card.serial.toUpperCase());
    },
    { timeoutMs, what: `the popup to list card ${card.serial}` },
  );
}

const compact = (s) => (s ?? "").replace(/\s+/g, "");

describe("Chromium with the real host and the virtual card", () => {
  let browser;
  let page;
  let card;

  before(async () => {
    requireBuilt();
    card = testCard();
    browser = await launchChromium({ host: true });
    page = await openPopup(browser.context);
  });

  after(async () => {
    await browser?.close();
  });

  test("A: the popup lists the virtual card, its serial and fingerprints, and the versions", async () => {
    const shown = await waitForCard(page, card);
    await screenshot(page, "chromium-popup-card");
    assert.equal(await state(page), "connected");
    assert.equal(shown.cardholder, card.cardholder);
    assert.equal(shown.reader, process.env.TESSERA_TEST_READER ?? "Virtual PCD 00 00");
    for (const slot of ["signature", "decryption", "authentication"]) {
      if (card[slot] === null) continue;
      assert.ok(shown.slots[slot], `slot ${slot} is shown`);
      // Grouped in fours for reading; the same digits GnuPG reads from the card.
      assert.match(shown.slots[slot].fingerprint, /^([0-9A-F]{4} )+[0-9A-F]{1,4}$/);
      assert.equal(compact(shown.slots[slot].fingerprint), card[slot].fingerprint, `${slot} fingerprint`);
    }
    const hostVersion = await page.textContent('[data-testid="host-version"]');
    const coreVersion = await page.textContent('[data-testid="core-version"]');
    assert.equal(hostVersion, cargoVersion("native-host"));
    assert.equal(coreVersion, cargoVersion("wasm-core"));
  });

  test("B: when the host is killed the popup says so, then recovers on its own", async () => {
    await waitForCard(page, card);
    // Record every state the popup shows, so a short disconnected phase is not missed.
    await page.evaluate((sel) => {
      const el = document.querySelector(sel);
      const message = document.querySelector('[data-testid="status-message"]');
      window.__seenStates = [el.getAttribute("data-state")];
      window.__seenMessages = {};
      new MutationObserver(() => {
        const s = el.getAttribute("data-state");
        window.__seenStates.push(s);
        if (!message.hidden) window.__seenMessages[s] = message.textContent;
      }).observe(el, {
        attributes: true,
        attributeFilter: ["data-state"],
      });
    }, STATE);

    const pids = hostPidsUnder(browser.userDataDir);
    assert.equal(pids.length, 1, `exactly one host started by this browser (${HOST_BIN}); found ${pids}`);
    process.kill(pids[0], "SIGKILL");

    await waitFor(async () => (await page.evaluate(() => window.__seenStates)).includes("disconnected"), {
      what: "the popup to show the disconnected state",
    });
    await waitFor(async () => (await state(page)) === "connected", { timeoutMs: 20_000, what: "reconnection" });
    await waitForCard(page, card);
    const newPids = hostPidsUnder(browser.userDataDir);
    assert.equal(newPids.length, 1);
    assert.notEqual(newPids[0], pids[0], "a new host process was started");
    const seen = await page.evaluate(() => window.__seenStates);
    const messages = await page.evaluate(() => window.__seenMessages);
    assert.equal(messages.disconnected, englishMessage("messageDisconnected"));
    assert.deepEqual(
      seen.filter((s, i) => s !== seen[i - 1]).slice(0, 3),
      ["connected", "disconnected", "connecting"],
      `states shown: ${seen.join(" → ")}`,
    );
  });
});

describe("Chromium without the host registered", () => {
  test("C: the popup says the helper is not installed and how to install it", async () => {
    requireBuilt({ host: false });
    const browser = await launchChromium({ host: false });
    try {
      const page = await openPopup(browser.context);
      await page.waitForSelector(`${STATE}[data-state="not_installed"]`, { timeout: 15_000 });
      const message = await page.textContent('[data-testid="status-message"]');
      assert.equal(message, englishMessage("messageNotInstalled"));
      assert.match(message, /tessera-host install/);
      assert.equal(await page.isVisible('[data-testid="status-message"]'), true);
      assert.equal((await readTokens(page)).length, 0);
      await screenshot(page, "chromium-popup-not-installed");
    } finally {
      await browser.close();
    }
  });
});

describe("Chromium in French", () => {
  test("C (fr): the not-installed message is in French", async () => {
    requireBuilt({ host: false });
    const browser = await launchChromium({ host: false, locale: "fr-FR" });
    try {
      const page = await openPopup(browser.context);
      await page.waitForSelector(`${STATE}[data-state="not_installed"]`, { timeout: 15_000 });
      assert.equal(await page.textContent('[data-testid="status-message"]'), englishMessage("messageNotInstalled", "fr"));
      assert.equal(await page.textContent('[data-testid="refresh"]'), "Actualiser");
      await screenshot(page, "chromium-popup-not-installed-fr");
    } finally {
      await browser.close();
    }
  });
});

describe("Chromium with only a soft token and no pcscd", () => {
  let dataDir;
  let home;
  // The host Chromium starts inherits these: a soft token, and a pcscd socket that does not exist.
  const saved = { data: process.env.TESSERA_DATA_DIR, pcsc: process.env.PCSCLITE_CSOCK_NAME };

  before(() => {
    requireBuilt({ host: true });
    dataDir = tempDir("soft-only");
    home = tempDir("soft-only-home");
    const made = spawnSync(HOST_BIN, ["soft-token", "init", "--user-id", "Sam Soft <sam@example.test>"], {
      env: { ...process.env, TESSERA_DATA_DIR: dataDir },
      input: "a long soft token passphrase 42\n",
      encoding: "utf8",
    });
    assert.equal(made.status, 0, made.stderr);
    process.env.TESSERA_DATA_DIR = dataDir;
    process.env.PCSCLITE_CSOCK_NAME = join(dataDir, "no-pcscd.comm");
  });

  after(() => {
    for (const [k, v] of [["TESSERA_DATA_DIR", saved.data], ["PCSCLITE_CSOCK_NAME", saved.pcsc]]) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const dir of [dataDir, home]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the popup lists the soft token; the missing pcscd is a note, not a problem", async () => {
    const browser = await launchChromium({ host: true });
    try {
      const page = await openPopup(browser.context);
      await page.waitForSelector(`${STATE}[data-state="connected"]`, { timeout: 15_000 });
      await waitFor(async () => (await readTokens(page)).length === 1, { what: "the soft token in the popup" });
      const problem = await page.waitForSelector('[data-testid="problem"][data-code="pcsc_unavailable"]');
      assert.equal(await problem.getAttribute("data-severity"), "note");
      assert.equal(await problem.textContent(), englishMessage("notePcscAbsent"));
      assert.equal(await page.$('[data-testid="problem"][data-severity="problem"]'), null);
      assert.equal(await page.textContent('[data-testid="problems-section"] h2'), englishMessage("notesHeading"));
      // The soft token asks a passphrase, not a PIN, and the logins section says so.
      await waitFor(async () => ((await page.textContent('[data-testid="cred-token"]')) ?? "").includes("passphrase will be asked"), {
        what: "the logins section to name the passphrase",
      });
      assert.doesNotMatch(await page.textContent('[data-testid="cred-token"]'), /PIN/);
      await screenshot(page, "chromium-popup-soft-token-only");
    } finally {
      await browser.close();
    }
  });

  test("doctor: a warning for pcscd, exit 0 while the soft token is usable; exit 1 with no token at all", () => {
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local/share") };
    assert.equal(spawnSync(HOST_BIN, ["install", "--browser", "chromium"], { env, encoding: "utf8" }).status, 0);
    const ok = spawnSync(HOST_BIN, ["doctor"], { env, encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^warning +cannot reach the PC\/SC service \(pcscd\)/m);
    assert.match(ok.stdout, /^ok +soft token /m);
    assert.doesNotMatch(ok.stdout, /^PROBLEM/m);
    const none = spawnSync(HOST_BIN, ["doctor"], { env: { ...env, TESSERA_DATA_DIR: join(home, "empty") }, encoding: "utf8" });
    assert.equal(none.status, 1, none.stdout);
    assert.match(none.stdout, /^PROBLEM +no usable token/m);
  });
});
