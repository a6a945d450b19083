// Chromium end-to-end for "Your key" on the options page, with the real host,
// the real wasm core and the virtual card: on first use (no own key in
// Tessera's keyring) the offer exports the card's certificate — built and
// signed on the card after the PIN prompt —, shows its fingerprint, and only
// the user's click imports it, marked as the user's own. Then "Export my
// public key" shows the armored key with its fingerprint and a file to save.
// Run under scripts/lib/with-virtual-card.sh.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_ID, englishMessage, launchChromium, requireBuilt, screenshot, tempDir, testCard } from "./lib.mjs";

const compact = (s) => (s ?? "").replace(/\s+/g, "");

async function waitForPinPage(context, timeoutMs = 20_000) {
  const existing = context.pages().find((p) => p.url().includes("/pin/pin.html"));
  const page = existing ?? (await context.waitForEvent("page", { predicate: (p) => p.url().includes("/pin/pin.html"), timeout: timeoutMs }));
  await page.waitForSelector('body[data-state="ready"]', { timeout: timeoutMs });
  return page;
}

describe("Chromium: the user's own key from the card, on the options page", () => {
  let browser;
  let page;
  let card;

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

  test("first use: the offer exports the card's key, shows its fingerprint, and imports it only on confirmation", async () => {
    const primary = card.primary_fingerprint;
    const offer = await page.waitForSelector('[data-testid="own-key-offer"]:not([hidden])', { timeout: 20_000 });
    assert.match(await offer.textContent(), new RegExp(englishMessage("ownKeyOfferButton").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.equal(await page.locator('[data-testid="key"]').count(), 0, "the keyring starts empty");

    // The card signs the certificate it builds: the PIN prompt comes first.
    const pinPagePromise = waitForPinPage(browser.context);
    await page.click('[data-testid="own-key-offer-start"]');
    const pin = await pinPagePromise;
    assert.equal(await pin.textContent('[data-testid="pin-token-serial"]'), card.serial);
    assert.equal(await pin.textContent('[data-testid="pin-purpose"]'), englishMessage("pinActionCertifyKey"));
    const closed = pin.waitForEvent("close", { timeout: 20_000 });
    await pin.fill('[data-testid="pin-input"]', process.env.TESSERA_TEST_USER_PIN ?? "123456");
    await pin.click('[data-testid="pin-submit"]');
    await closed;

    const confirmation = await page.waitForSelector('[data-testid="own-key-confirmation"]', { timeout: 20_000 });
    const shown = await confirmation.$eval('[data-testid="own-key-offer-fingerprint"]', (e) => e.textContent);
    assert.match(shown, /^([0-9A-F]{4} )+[0-9A-F]{4}$/, "grouped in fours");
    assert.equal(compact(shown), primary, "the card's primary fingerprint, as GnuPG provisioned it");
    await screenshot(page, "chromium-options-own-key-offer");
    // Nothing is imported before the click.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await page.locator('[data-testid="key"]').count(), 0, "not imported before the user confirms");

    await page.click('[data-testid="own-key-confirm"]');
    await page.waitForSelector(`[data-testid="key"][data-fingerprint="${primary}"][data-own="true"]`, { timeout: 20_000 });
    await page.waitForSelector('[data-testid="own-key-offer"][hidden]', { state: "attached", timeout: 20_000 });
    await screenshot(page, "chromium-options-own-key-added");
  });

  test("Export my public key: armored text, its fingerprint, a file to save; GnuPG imports it", async () => {
    const primary = card.primary_fingerprint;
    const row = page.locator(`[data-testid="own-key-token"][data-token="card:${card.aid}"]`);
    await row.locator('[data-testid="own-key-export"]').click(); // the PIN is still cached by the host
    const result = row.locator('[data-testid="own-key-result"]');
    await result.waitFor({ timeout: 20_000 });
    assert.equal(compact(await result.locator('[data-testid="own-key-fingerprint"]').textContent()), primary);
    const armored = await result.locator('[data-testid="own-key-armored"]').inputValue();
    assert.match(armored, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    const link = result.locator('[data-testid="own-key-download"]');
    assert.match((await link.getAttribute("href")) ?? "", /^blob:chrome-extension:/);
    assert.equal(await link.getAttribute("download"), `${primary.slice(-16)}.asc`);
    const saved = await page.evaluate(async (href) => (await fetch(href)).text(), await link.getAttribute("href"));
    assert.equal(saved, armored, "the file holds the armored key");

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
    await screenshot(page, "chromium-options-own-key-export");
  });
});
