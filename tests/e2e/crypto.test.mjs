// Chromium end-to-end for the OpenPGP side: the options page's keyring, the
// Decrypt and Encrypt boxes, and the PIN prompt, with the real host, the real
// wasm core and the virtual card. Run under scripts/lib/with-virtual-card.sh.
//
// Order matters inside the describe: (a) imports Alice's key, (b) decrypts a
// gpg message (wrong PIN first, then the right one), (c) encrypts and decrypts
// back with the PIN cached, (d) signs and encrypts.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CHROMIUM_ID,
  HOST_BIN,
  englishMessage,
  launchChromium,
  requireBuilt,
  screenshot,
  tempDir,
  testCard,
  waitFor,
} from "./lib.mjs";

const compact = (s) => (s ?? "").replace(/\s+/g, "");

function gpg(args, input) {
  const home = process.env.TESSERA_TEST_GNUPGHOME;
  if (!home) throw new Error("TESSERA_TEST_GNUPGHOME is not set: run under scripts/lib/with-virtual-card.sh");
  return execFileSync("gpg", ["--homedir", home, "--batch", "--no-tty", ...args], {
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Packets of an OpenPGP message, listed by a GnuPG home with no keys (so it never asks a card). */
function listPackets(armored) {
  const home = tempDir("gpg-empty");
  const file = join(home, "msg.asc");
  writeFileSync(file, armored);
  try {
    return execFileSync("gpg", ["--homedir", home, "--batch", "--no-tty", "--list-packets", file], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
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

async function waitForPinPage(context, timeoutMs = 20_000) {
  const existing = context.pages().find((p) => p.url().includes("/pin/pin.html"));
  const page = existing ?? (await context.waitForEvent("page", { predicate: (p) => p.url().includes("/pin/pin.html"), timeout: timeoutMs }));
  await page.waitForSelector('body[data-state="ready"]', { timeout: timeoutMs });
  return page;
}

describe("Chromium: keyring, decrypt and encrypt on the options page, PIN prompt", () => {
  let browser;
  let page;
  let card;
  let alice; // primary fingerprint

  before(async () => {
    requireBuilt();
    card = testCard();
    browser = await launchChromium({ host: true });
    page = await browser.context.newPage();
    await page.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
  });

  after(async () => {
    await browser?.close();
  });

  test("(a) importing Alice's exported public key lists it, marked as the user's own key", async () => {
    const armored = gpg(["--armor", "--export"]);
    const colons = gpg(["--with-colons", "--fingerprint", "--list-keys"]);
    alice = /^fpr:+([0-9A-F]{40,64}):/m.exec(colons)[1];

    await page.fill('[data-testid="import-text"]', armored);
    await page.click('[data-testid="import-submit"]');
    const result = await page.waitForSelector('[data-testid="import-result"]', { timeout: 20_000 });
    assert.equal(await result.getAttribute("data-ok"), "true", await result.textContent());

    const key = await page.waitForSelector(`[data-testid="key"][data-fingerprint="${alice}"][data-own="true"]`, {
      timeout: 20_000,
    });
    const fpr = await key.$eval('[data-testid="key-fingerprint"]', (e) => e.textContent);
    assert.match(fpr, /^([0-9A-F]{4} )+[0-9A-F]{4}$/, "grouped in fours");
    assert.equal(compact(fpr), alice);
    assert.equal(await key.$eval('[data-testid="key-own"]', (e) => e.textContent), englishMessage("ownKey"));
    assert.equal(await key.getAttribute("data-validity"), "valid");
    const uids = await key.$$eval('[data-testid="key-userid"]', (els) => els.map((e) => e.textContent));
    assert.ok(uids.length >= 1, "user IDs shown");
    // Own because the card's slots hold its subkeys: the same digits GnuPG read from the card.
    assert.match(colons, new RegExp(`fpr:+${card.decryption.fingerprint}:`), "the card's decryption key is a subkey of the imported key");
    await screenshot(page, "chromium-options-keyring");
  });

  test("(b) a gpg message decrypts after the PIN prompt; a wrong PIN costs one try and is not retried", async () => {
    assert.ok(alice, "test (a) imported the key");
    const marker = `tessera-e2e-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const message = gpg(["--armor", "--trust-model", "always", "--encrypt", "-r", alice], `Hello Alice\n${marker}\n`);
    assert.match(message, /BEGIN PGP MESSAGE/);
    const before = cardUserTries(card.serial);
    assert.equal(before, 3, "the card starts with 3 user PIN tries");

    await page.fill('[data-testid="decrypt-input"]', message);
    const pinPagePromise = waitForPinPage(browser.context);
    await page.click('[data-testid="decrypt-submit"]');
    const pin = await pinPagePromise;
    assert.equal(await pin.textContent('[data-testid="pin-token-serial"]'), card.serial);
    assert.equal(await pin.textContent('[data-testid="pin-token-cardholder"]'), card.cardholder);
    assert.equal(await pin.textContent('[data-testid="pin-purpose"]'), englishMessage("pinPurposeDecrypt"));
    assert.equal(await pin.getAttribute('[data-testid="pin-retries"]', "data-retries"), "3");

    // Wrong PIN: one verify, then the prompt waits.
    await pin.fill('[data-testid="pin-input"]', "000000");
    await pin.click('[data-testid="pin-submit"]');
    await pin.waitForSelector('[data-testid="pin-error"][data-code="pin_incorrect"]', { timeout: 20_000 });
    assert.equal(await pin.textContent('[data-testid="pin-error"]'), "wrong PIN: 2 tries left");
    assert.equal(await pin.getAttribute('[data-testid="pin-retries"]', "data-retries"), "2");
    assert.equal(await pin.inputValue('[data-testid="pin-input"]'), "", "the PIN is cleared after sending");
    await screenshot(pin, "chromium-pin-wrong");
    // Give an automatic retry every chance to happen: the card must still show exactly 2.
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(cardUserTries(card.serial), 2, "exactly one try used: no automatic retry");
    assert.equal(await page.isVisible('[data-testid="decrypt-output"]'), false, "nothing decrypted yet");

    // Right PIN: the prompt closes and the plaintext appears in the options page.
    const closed = pin.waitForEvent("close", { timeout: 20_000 });
    await pin.fill('[data-testid="pin-input"]', process.env.TESSERA_TEST_USER_PIN ?? "123456");
    await pin.click('[data-testid="pin-submit"]');
    await closed;
    await page.waitForSelector('[data-testid="decrypt-output"]:not([hidden])', { timeout: 20_000 });
    const plaintext = await page.textContent('[data-testid="decrypt-output"]');
    assert.ok(plaintext.includes(marker), `the marker is shown: ${plaintext}`);
    assert.equal(await page.getAttribute('[data-testid="decrypt-signature"]', "data-status"), "unsigned");
    assert.equal(cardUserTries(card.serial), 3, "a verified PIN resets the counter");
    await screenshot(page, "chromium-options-decrypted");
  });

  test("(c) the Encrypt box encrypts to Alice's encryption subkey; it decrypts back with the PIN cached", async () => {
    assert.ok(alice, "test (a) imported the key");
    const marker = `tessera-encrypt-${Date.now()}`;
    await page.fill('[data-testid="encrypt-input"]', `Round trip ${marker}`);
    await page.check(`[data-testid="recipient-check"][data-fingerprint="${alice}"]`);
    await page.click('[data-testid="encrypt-submit"]');
    await page.waitForSelector('[data-testid="encrypt-output"]:not([hidden])', { timeout: 20_000 });
    const armored = await page.inputValue('[data-testid="encrypt-output"]');
    assert.match(armored, /^-----BEGIN PGP MESSAGE-----/);
    assert.ok(!armored.includes(marker));

    const packets = listPackets(armored);
    const keyids = [...packets.matchAll(/:pubkey enc packet: version \d+, algo \d+, keyid ([0-9A-F]{16})/g)].map((m) => m[1]);
    assert.deepEqual(keyids, [card.decryption.fingerprint.slice(-16)], `addressed to Alice's encryption subkey only:\n${packets}`);

    // Decrypt it back: the host still caches the PIN, so no prompt is needed.
    const pagesBefore = browser.context.pages().length;
    await page.fill('[data-testid="decrypt-input"]', armored);
    await page.click('[data-testid="decrypt-submit"]');
    await waitFor(async () => (await page.textContent('[data-testid="decrypt-output"]'))?.includes(marker), {
      timeoutMs: 20_000,
      what: "the round-trip plaintext",
    });
    assert.equal(browser.context.pages().length, pagesBefore, "no PIN prompt while the PIN is cached");
  });

  test("(d) sign + encrypt through token.sign; the decrypted message shows a good signature", async () => {
    assert.ok(alice, "test (a) imported the key");
    const marker = `tessera-signed-${Date.now()}`;
    await page.fill('[data-testid="encrypt-input"]', `Signed ${marker}`);
    await page.check('[data-testid="encrypt-sign"]');
    await page.click('[data-testid="encrypt-submit"]');
    // The sign PIN (PW1/81) may be asked for even with the decrypt PIN cached.
    const outcome = await Promise.race([
      page.waitForSelector('[data-testid="encrypt-output"]:not([hidden])', { timeout: 30_000 }).then(() => "done"),
      page.waitForSelector('[data-testid="encrypt-error"]:not([hidden])', { timeout: 30_000 }).then(() => "error"),
      waitForPinPage(browser.context, 30_000).then(async (pin) => {
        await pin.fill('[data-testid="pin-input"]', process.env.TESSERA_TEST_USER_PIN ?? "123456");
        await pin.click('[data-testid="pin-submit"]');
        return "pin";
      }),
    ]);
    if (outcome === "error") assert.fail(await page.textContent('[data-testid="encrypt-error"]'));
    await page.waitForSelector('[data-testid="encrypt-output"]:not([hidden])', { timeout: 30_000 });
    const armored = await page.inputValue('[data-testid="encrypt-output"]');
    await page.uncheck('[data-testid="encrypt-sign"]');

    await page.fill('[data-testid="decrypt-input"]', armored);
    await page.click('[data-testid="decrypt-submit"]');
    await waitFor(async () => (await page.textContent('[data-testid="decrypt-output"]'))?.includes(marker), {
      timeoutMs: 20_000,
      what: "the signed plaintext",
    });
    assert.equal(await page.getAttribute('[data-testid="decrypt-signature"]', "data-status"), "valid");
    await screenshot(page, "chromium-options-signed");
  });
});

describe("Chromium: per-key import results and removal with confirmation", () => {
  test("(e) one result per armored block with the core's code; remove asks first", async () => {
    requireBuilt();
    const browser = await launchChromium({ host: true });
    try {
      const page = await browser.context.newPage();
      await page.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
      const armored = gpg(["--armor", "--export"]);
      const broken = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----";
      await page.fill('[data-testid="import-text"]', `${armored}\n${broken}\n`);
      await page.click('[data-testid="import-submit"]');
      await page.waitForSelector('[data-testid="import-result"]', { timeout: 20_000 });
      const results = await page.$$eval('[data-testid="import-result"]', (els) =>
        els.map((e) => ({ ok: e.getAttribute("data-ok"), code: e.getAttribute("data-code"), text: e.textContent })),
      );
      assert.equal(results.length, 2, JSON.stringify(results));
      assert.equal(results[0].ok, "true");
      assert.equal(results[1].ok, "false");
      assert.ok(results[1].code, "the core's code is kept");
      assert.match(results[1].text, /#2/);
      await screenshot(page, "chromium-options-import-error");

      const key = page.locator('[data-testid="key"]');
      await key.first().waitFor({ timeout: 20_000 });
      await key.first().locator('[data-testid="key-remove"]').click();
      await key.first().locator('[data-testid="key-remove-cancel"]').click();
      assert.equal(await key.count(), 1, "Cancel keeps the key");
      await key.first().locator('[data-testid="key-remove"]').click();
      await key.first().locator('[data-testid="key-remove-confirm"]').click();
      await page.waitForSelector('[data-testid="no-keys"]:not([hidden])', { timeout: 20_000 });
      assert.equal(await key.count(), 0);
    } finally {
      await browser.close();
    }
  });
});
