// Card set-up from the options page, in Chromium and Firefox ESR, on a virtual card of its
// own (tests/e2e/run.sh runs this file apart: it erases the card). The options page shows
// the card; a factory reset needs the card's serial typed (a wrong one erases nothing);
// then warnings for the factory PINs; keys generated on the card after the admin PIN typed
// in the PIN window (a wrong one costs one try, never retried); the certificate the card
// signs after the user PIN, added to the keyring as the user's own; a PIN change whose two
// new PINs differ sends nothing, and one that matches clears the warning. GnuPG and
// `tessera-host` read the card back.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { launchBrowser, selectedBrowsers } from "./browsers/index.mjs";
import { HOST_BIN, englishMessage, requireBuilt, testCard, waitFor } from "./lib.mjs";

/** What `tessera-host card status --json` reads from the card, in a process of its own. */
function cardStatus() {
  return JSON.parse(execFileSync(HOST_BIN, ["card", "status", "--json"], { encoding: "utf8" }));
}

/** `gpg --card-status` of the card-bound GnuPG home, as records. */
function gpgCard() {
  const home = process.env.TESSERA_TEST_GNUPGHOME;
  execFileSync("gpgconf", ["--homedir", home, "--kill", "scdaemon"]);
  return waitFor(
    () => {
      try {
        const out = execFileSync("gpg", ["--homedir", home, "--batch", "--no-tty", "--with-colons", "--card-status"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        return out.split("\n").map((l) => l.split(":"));
      } catch {
        return null; // "Broken pipe" right after scdaemon's restart
      }
    },
    { what: "gpg --card-status", timeoutMs: 20_000 },
  );
}

async function pinWindow(browser, kind) {
  const pin = await browser.waitForExtensionPage("/pin/pin.html");
  await pin.waitFor(kind === undefined ? 'body[data-state="ready"]' : `body[data-state="ready"][data-card="${kind}"]`);
  return pin;
}

for (const kind of selectedBrowsers()) {
  describe(`[${kind}] card set-up on the options page, on a card of its own`, () => {
    let browser;
    let card;
    let options;

    before(async () => {
      requireBuilt();
      card = testCard();
      browser = await launchBrowser(kind, { host: true });
      options = await browser.openExtensionPage("options/options.html");
      await options.waitFor(`[data-testid="card"][data-serial="${card.serial}"]`);
    });

    after(async () => {
      await options?.close();
      await browser?.close();
    });

    test(`[${kind}] a factory reset needs the card's serial typed: the wrong one erases nothing, the right one erases the keys`, async () => {
      const before = cardStatus();
      await options.fill('[data-testid="card-reset-serial"]', "00000000");
      await options.click('[data-testid="card-reset"]');
      await options.waitFor('[data-testid="card-error"]', { visible: true });
      assert.match(await options.text('[data-testid="card-error"]'), /serial/);
      assert.deepEqual(cardStatus().slots, before.slots, "nothing erased");

      await options.fill('[data-testid="card-reset-serial"]', card.serial);
      await options.click('[data-testid="card-reset"]');
      await options.waitFor('[data-testid="card-done"][data-op="factory_reset"]');
      assert.equal(await options.text('[data-testid="card-slot-signature"]'), englishMessage("cardSlotEmpty"));
      // Reset here: both PINs are known to be the factory ones, and the page says so.
      assert.equal(await options.visible('[data-testid="card-default-user-pin"]'), true);
      assert.equal(await options.visible('[data-testid="card-default-admin-pin"]'), true);
      assert.ok(cardStatus().slots.every((s) => s.fingerprint === null), "the card holds no key");
    });

    test(`[${kind}] keys generated on the card: the admin PIN in the PIN window (a wrong one costs one try), the certificate signed after the user PIN, added as the user's own`, async () => {
      await options.fill('[data-testid="card-generate-name"]', "Bob Example");
      await options.fill('[data-testid="card-generate-email"]', "bob@example.test");
      await options.click('[data-testid="card-generate"]');

      const admin = await pinWindow(browser, "admin_pin");
      assert.equal(await admin.text('[data-testid="pin-title"]'), englishMessage("pinCardAdminTitle"));
      assert.equal(await admin.attr('[data-testid="pin-retries"]', "data-retries"), "3");
      await admin.fill('[data-testid="pin-input"]', "00000000");
      await admin.click('[data-testid="pin-submit"]');
      await admin.waitFor('[data-testid="pin-error"][data-code="pin_incorrect"]');
      assert.equal(await admin.attr('[data-testid="pin-retries"]', "data-retries"), "2");
      await new Promise((r) => setTimeout(r, 1_500)); // room for a retry that must not come
      assert.equal(cardStatus().pin_retries.admin, 2, "exactly one admin try spent");
      assert.ok(cardStatus().slots.every((s) => s.fingerprint === null), "nothing generated on a wrong PIN");
      await admin.fill('[data-testid="pin-input"]', "12345678");
      await admin.click('[data-testid="pin-submit"]');
      await admin.waitForClose();

      // The certificate: the card signs it after the user PIN (the usual PIN window).
      const user = await pinWindow(browser);
      assert.equal(await user.text('[data-testid="pin-purpose"]'), englishMessage("pinActionCertifyKey"));
      await user.fill('[data-testid="pin-input"]', "123456");
      await user.click('[data-testid="pin-submit"]');
      await user.waitForClose();

      await options.waitFor('[data-testid="card-certificate"]', { timeoutMs: 60_000 });
      const fingerprint = await options.attr('[data-testid="card-certificate"]', "data-fingerprint");
      const status = cardStatus();
      assert.equal(status.slots[0].fingerprint, fingerprint, "the certificate's primary key is the card's signature key");
      assert.equal(status.slots[0].algorithm, "ed25519");
      assert.equal(status.slots[1].algorithm, "cv25519");
      assert.equal(status.cardholder_name, "Bob Example");
      const fpr = (await gpgCard()).find((r) => r[0] === "fpr");
      assert.equal(fpr[1], fingerprint, "gpg reads the same key from the card");

      await options.click('[data-testid="card-certificate-add"]');
      await options.waitFor('[data-testid="card-certificate-added"]');
      await options.waitFor(`[data-testid="key"][data-fingerprint="${fingerprint}"][data-own="true"]`, { timeoutMs: 30_000 });
      await options.screenshot(`${kind}-card-setup-generated`);
    });

    test(`[${kind}] PIN change: two different new PINs send nothing; matching ones change it and the factory-PIN warning goes`, async () => {
      assert.equal(await options.visible('[data-testid="card-default-user-pin"]'), true);
      await options.click('[data-testid="card-change-pin"]');
      const pin = await pinWindow(browser, "change_user_pin");
      assert.equal(await pin.visible('[data-testid="pin-new"]'), true);
      await pin.fill('[data-testid="pin-input"]', "123456");
      await pin.fill('[data-testid="pin-new"]', "24681357");
      await pin.fill('[data-testid="pin-confirm"]', "24681358");
      await pin.click('[data-testid="pin-submit"]');
      await pin.waitFor('[data-testid="pin-error"][data-code="pin_mismatch"]');
      assert.equal(cardStatus().pin_retries.user, 3, "nothing reached the card");

      await pin.fill('[data-testid="pin-input"]', "123456");
      await pin.fill('[data-testid="pin-new"]', "24681357");
      await pin.fill('[data-testid="pin-confirm"]', "24681357");
      await pin.click('[data-testid="pin-submit"]');
      await pin.waitForClose();
      await options.waitFor('[data-testid="card-done"][data-op="change_pin"]');
      assert.equal(await options.visible('[data-testid="card-default-user-pin"]'), false, "the warning is gone");
      const pinretry = (await gpgCard()).find((r) => r[0] === "pinretry");
      assert.deepEqual(pinretry.slice(1, 4), ["3", "0", "3"], "gpg: 3 user PIN tries, no reset code, 3 admin tries (the right admin PIN restored the one spent)");
      // The new PIN is the card's: the host, in a process of its own, changes it with it (to itself).
      const check = (pin) => {
        try {
          execFileSync(HOST_BIN, ["card", "passwd"], { input: `${pin}\n24681357\n`, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
          return true;
        } catch {
          return false;
        }
      };
      assert.equal(check("24681357"), true, "the new PIN is the card's");
    });
  });
}
