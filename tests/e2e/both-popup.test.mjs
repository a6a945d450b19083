// The same end-to-end flows in Chromium and Firefox ESR (browsers/index.mjs): the popup
// lists the virtual card; the host killed → disconnected → recovers; the options page's
// keyring import and removal; decrypt with the PIN window (a wrong PIN costs exactly one
// try); encrypt, and sign + encrypt, decrypted back; without a host manifest, the "not
// installed" state; the own-key offer (the card signs its certificate) and export; a broken
// OpenPGP module (the connection still works, the options page says the core did not load). Real host, real wasm core, pcscd with the virtual card: run under
// scripts/lib/with-virtual-card.sh. Test names start with the browser;
// TESSERA_E2E_BROWSERS=firefox runs one browser only.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { launchBrowser, selectedBrowsers } from "./browsers/index.mjs";
import {
  EXT_CHROMIUM,
  EXT_FIREFOX,
  HOST_BIN,
  cargoVersion,
  englishMessage,
  hostPidsUnder,
  requireBuilt,
  tempDir,
  testCard,
  waitFor,
} from "./lib.mjs";

const STATE = '[data-testid="status-state"]';
const compact = (s) => (s ?? "").replace(/\s+/g, "");

function gpg(args, input) {
  const home = process.env.TESSERA_TEST_GNUPGHOME;
  if (!home) throw new Error("TESSERA_TEST_GNUPGHOME is not set: run under scripts/lib/with-virtual-card.sh");
  return execFileSync("gpg", ["--homedir", home, "--batch", "--no-tty", ...args], { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}

/** Packets of an OpenPGP message, listed by a GnuPG home with no keys (so it never asks a card). */
function listPackets(armored) {
  const home = tempDir("gpg-empty");
  const file = join(home, "msg.asc");
  writeFileSync(file, armored);
  try {
    return execFileSync("gpg", ["--homedir", home, "--batch", "--no-tty", "--list-packets", file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    // "decryption failed: No secret key" exits 2 after listing the packets.
    return String(err.stdout ?? "");
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The card's user PIN tries left, read by a separate `tessera-host tokens --json`. */
function cardUserTries(serial) {
  const out = JSON.parse(execFileSync(HOST_BIN, ["tokens", "--json"], { encoding: "utf8" }));
  const token = out.tokens.find((t) => t.serial?.toUpperCase() === serial.toUpperCase());
  assert.ok(token, `tessera-host tokens lists card ${serial}`);
  return token.pin_retries.user;
}

/** The popup's tokens as a person reads them. */
function readTokens(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="token"]')].map((item) => ({
      id: item.getAttribute("data-token-id"),
      serial: item.querySelector('[data-testid="token-serial"]')?.textContent ?? null,
      cardholder: item.querySelector('[data-testid="token-cardholder"]')?.textContent ?? null,
      reader: item.querySelector('[data-testid="token-reader"]')?.textContent ?? null,
      slots: Object.fromEntries(
        [...item.querySelectorAll('[data-testid="slot"]')].map((s) => [
          s.getAttribute("data-slot"),
          { fingerprint: s.querySelector('[data-testid="slot-fingerprint"]')?.textContent ?? null },
        ]),
      ),
    })),
  );
}

function waitForCard(page, card, timeoutMs = 20_000) {
  return waitFor(
    async () => (await readTokens(page)).find((t) => t.serial?.toUpperCase() === card.serial.toUpperCase()),
    { timeoutMs, what: `the popup to list card ${card.serial}` },
  );
}

for (const kind of selectedBrowsers()) {
  describe(`[${kind}] popup, options keyring and PIN window with the real host and the virtual card`, () => {
    let browser;
    let card;

    before(async () => {
      requireBuilt();
      card = testCard();
      browser = await launchBrowser(kind, { host: true });
    });

    after(async () => {
      await browser?.close();
    });

    test(`[${kind}] the popup lists the virtual card, its fingerprints and the versions`, async () => {
      const popup = await browser.openExtensionPage("popup/popup.html");
      try {
        const shown = await waitForCard(popup, card);
        await popup.screenshot(`${kind}-both-popup-card`);
        assert.equal(await popup.attr(STATE, "data-state"), "connected");
        assert.equal(shown.cardholder, card.cardholder);
        assert.equal(shown.reader, process.env.TESSERA_TEST_READER ?? "Virtual PCD 00 00");
        for (const slot of ["signature", "decryption", "authentication"]) {
          if (card[slot] === null) continue;
          assert.match(shown.slots[slot]?.fingerprint ?? "", /^([0-9A-F]{4} )+[0-9A-F]{1,4}$/, `slot ${slot} grouped in fours`);
          assert.equal(compact(shown.slots[slot].fingerprint), card[slot].fingerprint, `${slot} fingerprint`);
        }
        assert.equal(await popup.text('[data-testid="host-version"]'), cargoVersion("native-host"));
        assert.equal(await popup.text('[data-testid="core-version"]'), cargoVersion("wasm-core"));
      } finally {
        await popup.close();
      }
    });

    test(`[${kind}] the host killed: the popup says disconnected, then recovers on its own`, async () => {
      const popup = await browser.openExtensionPage("popup/popup.html");
      try {
        await waitForCard(popup, card);
        // Record every state the popup shows, so a short disconnected phase is not missed.
        await popup.evaluate((sel) => {
          const el = document.querySelector(sel);
          const message = document.querySelector('[data-testid="status-message"]');
          window.__seenStates = [el.getAttribute("data-state")];
          window.__seenMessages = {};
          new MutationObserver(() => {
            const s = el.getAttribute("data-state");
            window.__seenStates.push(s);
            if (!message.hidden) window.__seenMessages[s] = message.textContent;
          }).observe(el, { attributes: true, attributeFilter: ["data-state"] });
        }, STATE);

        const pids = hostPidsUnder(browser.hostMarker);
        assert.equal(pids.length, 1, `exactly one host started by this browser (${HOST_BIN}); found ${pids}`);
        process.kill(pids[0], "SIGKILL");

        await waitFor(async () => (await popup.evaluate(() => window.__seenStates)).includes("disconnected"), {
          what: "the popup to show the disconnected state",
        });
        await waitFor(async () => (await popup.attr(STATE, "data-state")) === "connected", { timeoutMs: 20_000, what: "reconnection" });
        await waitForCard(popup, card);
        const newPids = hostPidsUnder(browser.hostMarker);
        assert.equal(newPids.length, 1, `one host again; found ${newPids}`);
        assert.notEqual(newPids[0], pids[0], "a new host process was started");
        const seen = await popup.evaluate(() => window.__seenStates);
        const messages = await popup.evaluate(() => window.__seenMessages);
        assert.equal(messages.disconnected, englishMessage("messageDisconnected"));
        assert.deepEqual(
          seen.filter((s, i) => s !== seen[i - 1]).slice(0, 3),
          ["connected", "disconnected", "connecting"],
          `states shown: ${seen.join(" → ")}`,
        );
      } finally {
        await popup.close();
      }
    });

    test(`[${kind}] options: importing a valid and a broken block gives one result each; the key is the user's own; removal asks first`, async () => {
      const options = await browser.openExtensionPage("options/options.html");
      try {
        const armored = gpg(["--armor", "--export"]);
        const alice = /^fpr:+([0-9A-F]{40,64}):/m.exec(gpg(["--with-colons", "--fingerprint", "--list-keys"]))[1];
        const broken = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----";
        await options.fill('[data-testid="import-text"]', `${armored}\n${broken}\n`);
        await options.click('[data-testid="import-submit"]');
        await options.waitFor('[data-testid="import-result"]');
        const results = await options.evaluate(() =>
          [...document.querySelectorAll('[data-testid="import-result"]')].map((e) => ({
            ok: e.getAttribute("data-ok"),
            code: e.getAttribute("data-code"),
            text: e.textContent,
          })),
        );
        assert.equal(results.length, 2, JSON.stringify(results));
        assert.equal(results[0].ok, "true", results[0].text);
        assert.equal(results[1].ok, "false");
        assert.ok(results[1].code, "the core's code is kept");
        assert.match(results[1].text, /#2/);

        const key = `[data-testid="key"][data-fingerprint="${alice}"]`;
        await options.waitFor(`${key}[data-own="true"]`);
        const fpr = await options.text(`${key} [data-testid="key-fingerprint"]`);
        assert.match(fpr, /^([0-9A-F]{4} )+[0-9A-F]{4}$/, "grouped in fours");
        assert.equal(compact(fpr), alice);
        assert.equal(await options.text(`${key} [data-testid="key-own"]`), englishMessage("ownKey"));
        assert.equal(await options.attr(key, "data-validity"), "valid");
        await options.screenshot(`${kind}-both-options-keyring`);

        await options.click(`${key} [data-testid="key-remove"]`);
        await options.click(`${key} [data-testid="key-remove-cancel"]`);
        assert.equal(await options.count('[data-testid="key"]'), 1, "Cancel keeps the key");
        await options.click(`${key} [data-testid="key-remove"]`);
        await options.click(`${key} [data-testid="key-remove-confirm"]`);
        await options.waitFor('[data-testid="no-keys"]', { visible: true });
        assert.equal(await options.count('[data-testid="key"]'), 0);
      } finally {
        await options.close();
      }
    });

    test(`[${kind}] decrypt on the options page: the PIN window; a wrong PIN costs one try (3 → 2), never retried; the right PIN decrypts`, async () => {
      const alice = /^fpr:+([0-9A-F]{40,64}):/m.exec(gpg(["--with-colons", "--fingerprint", "--list-keys"]))[1];
      const marker = `tessera-e2e-${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const message = gpg(["--armor", "--trust-model", "always", "--encrypt", "-r", alice], `Hello Alice\n${marker}\n`);
      assert.equal(cardUserTries(card.serial), 3, "the card starts with 3 user PIN tries");
      const options = await browser.openExtensionPage("options/options.html");
      try {
        // The core maps the card's slot to the message's recipient through the keyring: Alice's key first.
        await options.fill('[data-testid="import-text"]', gpg(["--armor", "--export"]));
        await options.click('[data-testid="import-submit"]');
        await options.waitFor(`[data-testid="key"][data-fingerprint="${alice}"][data-own="true"]`);
        await options.fill('[data-testid="decrypt-input"]', message);
        await options.click('[data-testid="decrypt-submit"]');
        const pin = await browser.waitForExtensionPage("/pin/pin.html");
        await pin.waitFor('body[data-state="ready"]');
        assert.equal(await pin.text('[data-testid="pin-token-serial"]'), card.serial);
        assert.equal(await pin.text('[data-testid="pin-token-cardholder"]'), card.cardholder);
        assert.equal(await pin.text('[data-testid="pin-purpose"]'), englishMessage("pinPurposeDecrypt"));
        assert.equal(await pin.attr('[data-testid="pin-retries"]', "data-retries"), "3");

        // Wrong PIN: one verify, then the window waits.
        await pin.fill('[data-testid="pin-input"]', "000000");
        await pin.click('[data-testid="pin-submit"]');
        await pin.waitFor('[data-testid="pin-error"][data-code="pin_incorrect"]');
        assert.equal(await pin.text('[data-testid="pin-error"]'), "wrong PIN: 2 tries left");
        assert.equal(await pin.attr('[data-testid="pin-retries"]', "data-retries"), "2");
        assert.equal(await pin.value('[data-testid="pin-input"]'), "", "the PIN is cleared after sending");
        await pin.screenshot(`${kind}-both-pin-wrong`);
        // Give an automatic retry every chance to happen: the card must still show exactly 2.
        await new Promise((r) => setTimeout(r, 2_000));
        assert.equal(cardUserTries(card.serial), 2, "exactly one try used: no automatic retry");
        assert.equal(await options.visible('[data-testid="decrypt-output"]'), false, "nothing decrypted yet");

        // Right PIN: the window closes and the plaintext appears in the options page.
        await pin.fill('[data-testid="pin-input"]', process.env.TESSERA_TEST_USER_PIN ?? "123456");
        await pin.click('[data-testid="pin-submit"]');
        await pin.waitForClose();
        await options.waitFor('[data-testid="decrypt-output"]', { visible: true });
        const plaintext = await options.text('[data-testid="decrypt-output"]');
        assert.ok(plaintext.includes(marker), `the marker is shown: ${plaintext}`);
        assert.equal(await options.attr('[data-testid="decrypt-signature"]', "data-status"), "unsigned");
        assert.equal(cardUserTries(card.serial), 3, "a verified PIN resets the counter");
        await options.screenshot(`${kind}-both-options-decrypted`);
      } finally {
        await options.close();
      }
    });

    test(`[${kind}] encrypt to Alice's encryption subkey only; it decrypts back with the PIN cached; sign + encrypt shows a good signature`, async () => {
      const alice = /^fpr:+([0-9A-F]{40,64}):/m.exec(gpg(["--with-colons", "--fingerprint", "--list-keys"]))[1];
      const options = await browser.openExtensionPage("options/options.html");
      try {
        // The decrypt test imported Alice's key and verified the PIN (the host caches it).
        const marker = `tessera-encrypt-${kind}-${Date.now()}`;
        await options.fill('[data-testid="encrypt-input"]', `Round trip ${marker}`);
        await options.check(`[data-testid="recipient-check"][data-fingerprint="${alice}"]`);
        await options.click('[data-testid="encrypt-submit"]');
        await options.waitFor('[data-testid="encrypt-output"]', { visible: true });
        const armored = await options.value('[data-testid="encrypt-output"]');
        assert.match(armored, /^-----BEGIN PGP MESSAGE-----/);
        assert.ok(!armored.includes(marker));
        const keyids = [...listPackets(armored).matchAll(/:pubkey enc packet: version \d+, algo \d+, keyid ([0-9A-F]{16})/g)].map((m) => m[1]);
        assert.deepEqual(keyids, [card.decryption.fingerprint.slice(-16)], "addressed to Alice's encryption subkey only");

        const pagesBefore = await browser.pageCount();
        await options.fill('[data-testid="decrypt-input"]', armored);
        await options.click('[data-testid="decrypt-submit"]');
        await waitFor(async () => (await options.text('[data-testid="decrypt-output"]'))?.includes(marker), { what: "the round-trip plaintext" });
        assert.equal(await browser.pageCount(), pagesBefore, "no PIN window while the PIN is cached");

        const signed = `tessera-signed-${kind}-${Date.now()}`;
        await options.fill('[data-testid="encrypt-input"]', `Signed ${signed}`);
        await options.check('[data-testid="encrypt-sign"]');
        await options.click('[data-testid="encrypt-submit"]');
        // The signature PIN may be asked even with the decryption PIN cached (PW1/81).
        const outcome = await waitFor(
          async () => {
            const out = await options.value('[data-testid="encrypt-output"]');
            if (out !== armored && /BEGIN PGP MESSAGE/.test(out ?? "")) return "done";
            if (await options.visible('[data-testid="encrypt-error"]')) return "error";
            return browser.waitForExtensionPage("/pin/pin.html", { timeoutMs: 0 }).catch(() => null);
          },
          { timeoutMs: 30_000, intervalMs: 200, what: "the signed message or the PIN window" },
        );
        if (outcome === "error") assert.fail(await options.text('[data-testid="encrypt-error"]'));
        if (outcome !== "done") {
          await outcome.waitFor('body[data-state="ready"]');
          await outcome.fill('[data-testid="pin-input"]', process.env.TESSERA_TEST_USER_PIN ?? "123456");
          await outcome.click('[data-testid="pin-submit"]');
          await waitFor(async () => (await options.value('[data-testid="encrypt-output"]')) !== armored, { timeoutMs: 30_000, what: "the signed message" });
        }
        const signedArmor = await options.value('[data-testid="encrypt-output"]');
        await options.fill('[data-testid="decrypt-input"]', signedArmor);
        await options.click('[data-testid="decrypt-submit"]');
        await waitFor(async () => (await options.text('[data-testid="decrypt-output"]'))?.includes(signed), { what: "the signed plaintext" });
        assert.equal(await options.attr('[data-testid="decrypt-signature"]', "data-status"), "valid");
        await options.screenshot(`${kind}-both-options-signed`);
      } finally {
        await options.close();
      }
    });
  });
}

for (const kind of selectedBrowsers()) {
  describe(`[${kind}] an OpenPGP module that does not load`, () => {
    // The host protocol module loads at the worker's start, the OpenPGP one when a flow first
    // needs it: with the second broken, the connection must still work and every flow that
    // needs it must say so (core_unavailable), never show an empty keyring in silence.
    test(`[${kind}] the popup still lists the card; the options page says the core could not be loaded`, async () => {
      requireBuilt();
      const card = testCard();
      const broken = tempDir(`${kind}-broken-core`);
      cpSync(kind === "chromium" ? EXT_CHROMIUM : EXT_FIREFOX, broken, { recursive: true });
      writeFileSync(join(broken, "wasm", "tessera_core_bg.wasm"), "this is not a WebAssembly module");
      const browser = await launchBrowser(kind, { host: true, extensionDir: broken });
      try {
        const popup = await browser.openExtensionPage("popup/popup.html");
        await waitForCard(popup, card);
        assert.equal(await popup.attr(STATE, "data-state"), "connected");
        assert.equal(await popup.text('[data-testid="core-version"]'), cargoVersion("wasm-core"));
        await popup.close();

        const options = await browser.openExtensionPage("options/options.html");
        await options.waitFor('[data-testid="keys-error"]', { visible: true });
        assert.equal(await options.attr('[data-testid="keys-error"]', "data-code"), "core_unavailable");
        const text = await options.text('[data-testid="keys-error"]');
        assert.ok(text.startsWith(englishMessage("error_core_unavailable")), `the keyring's error reads: ${text}`);
        assert.match(text, /OpenPGP module did not load/);
        assert.equal(await options.count('[data-testid="key"]'), 0);
        await options.screenshot(`${kind}-both-options-broken-core`);
      } finally {
        await browser.close();
        rmSync(broken, { recursive: true, force: true });
      }
    });
  });
}

for (const kind of selectedBrowsers()) {
  describe(`[${kind}] without the host registered`, () => {
    test(`[${kind}] the popup says the helper is not installed and how to install it`, async () => {
      requireBuilt({ host: false });
      const browser = await launchBrowser(kind, { host: false });
      try {
        const popup = await browser.openExtensionPage("popup/popup.html");
        await popup.waitFor(`${STATE}[data-state="not_installed"]`);
        const message = await popup.text('[data-testid="status-message"]');
        assert.equal(message, englishMessage("messageNotInstalled"));
        assert.match(message, /tessera-host install/);
        assert.equal(await popup.visible('[data-testid="status-message"]'), true);
        assert.equal(await popup.count('[data-testid="token"]'), 0);
        await popup.screenshot(`${kind}-both-popup-not-installed`);
      } finally {
        await browser.close();
      }
    });
  });
}

for (const kind of selectedBrowsers()) {
  describe(`[${kind}] the user's own key from the card, on the options page`, () => {
    let browser;
    let options;
    let card;

    before(async () => {
      requireBuilt();
      card = testCard();
      browser = await launchBrowser(kind, { host: true });
      options = await browser.openExtensionPage("options/options.html");
    });

    after(async () => {
      await browser?.close();
    });

    test(`[${kind}] first use: the offer has the card sign its certificate (PIN window), shows its fingerprint, imports it only on confirmation`, async () => {
      const primary = card.primary_fingerprint;
      await options.waitFor('[data-testid="own-key-offer"]', { visible: true });
      assert.equal(await options.count('[data-testid="key"]'), 0, "the keyring starts empty");
      await options.click('[data-testid="own-key-offer-start"]');
      const pin = await browser.waitForExtensionPage("/pin/pin.html");
      await pin.waitFor('body[data-state="ready"]');
      assert.equal(await pin.text('[data-testid="pin-token-serial"]'), card.serial);
      assert.equal(await pin.text('[data-testid="pin-purpose"]'), englishMessage("pinActionCertifyKey"));
      await pin.fill('[data-testid="pin-input"]', process.env.TESSERA_TEST_USER_PIN ?? "123456");
      await pin.click('[data-testid="pin-submit"]');
      await pin.waitForClose();

      await options.waitFor('[data-testid="own-key-confirmation"] [data-testid="own-key-offer-fingerprint"]', { visible: true });
      const shown = await options.text('[data-testid="own-key-offer-fingerprint"]');
      assert.match(shown, /^([0-9A-F]{4} )+[0-9A-F]{4}$/, "grouped in fours");
      assert.equal(compact(shown), primary, "the card's primary fingerprint, as GnuPG provisioned it");
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await options.count('[data-testid="key"]'), 0, "not imported before the user confirms");
      await options.click('[data-testid="own-key-confirm"]');
      await options.waitFor(`[data-testid="key"][data-fingerprint="${primary}"][data-own="true"]`);
      await waitFor(async () => !(await options.visible('[data-testid="own-key-offer"]')), { what: "the offer to go" });
    });

    test(`[${kind}] Export my public key: armored text, its fingerprint, a Blob file of the same text; GnuPG imports it`, async () => {
      const primary = card.primary_fingerprint;
      const row = `[data-testid="own-key-token"][data-token="card:${card.aid}"]`;
      await options.click(`${row} [data-testid="own-key-export"]`); // the PIN is still cached by the host
      await options.waitFor(`${row} [data-testid="own-key-result"]`, { visible: true });
      assert.equal(compact(await options.text(`${row} [data-testid="own-key-fingerprint"]`)), primary);
      const armored = await options.value(`${row} [data-testid="own-key-armored"]`);
      assert.match(armored, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
      const href = await options.attr(`${row} [data-testid="own-key-download"]`, "href");
      // The Blob URL carries the extension's origin: chrome-extension://<id> or moz-extension://<uuid>.
      assert.ok(href.startsWith(`blob:${browser.extensionUrl("").replace(/\/$/, "")}`), href);
      assert.equal(await options.attr(`${row} [data-testid="own-key-download"]`, "download"), `${primary.slice(-16)}.asc`);
      assert.equal(await options.evaluate(async (h) => (await fetch(h)).text(), href), armored, "the file holds the armored key");
      const home = tempDir("gpg-own-key");
      try {
        writeFileSync(join(home, "me.asc"), armored);
        execFileSync("gpg", ["--homedir", home, "--batch", "--no-tty", "--import", join(home, "me.asc")], { stdio: "pipe" });
        const colons = execFileSync("gpg", ["--homedir", home, "--batch", "--with-colons", "--list-keys"], { encoding: "utf8" });
        assert.match(colons, new RegExp(`fpr:+${primary}:`));
        assert.match(colons, new RegExp(`fpr:+${card.decryption.fingerprint}:`));
      } finally {
        try {
          execFileSync("gpgconf", ["--homedir", home, "--kill", "all"], { stdio: "ignore" });
        } catch {
          // no agent started
        }
        rmSync(home, { recursive: true, force: true });
      }
      await options.screenshot(`${kind}-both-options-own-key-export`);
    });
  });
}
