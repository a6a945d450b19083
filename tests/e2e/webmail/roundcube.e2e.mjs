// Webmail end-to-end on a real Roundcube 1.6 (tests/webmail/with-webmail.sh),
// with the real host, the real wasm core, Chromium with the built extension and
// the virtual card (Bob's). Run by tests/e2e/webmail/run.sh.
//
// (1) Alice writes in the Tessera editor, signs and encrypts, saves a draft and
//     sends to Bob: Sent, Drafts (the saved draft) and Bob's INBOX hold armor,
//     never the marker; no file of the stack (SQLite DB, PHP sessions, mail,
//     relay spool, logs) holds it.
// (2) A spy script in Roundcube's pages (before Roundcube's own scripts and
//     before Tessera's content script) records every value, text node,
//     attribute and input/keyboard/clipboard/message event it can reach: it
//     sees the subject and the armor Alice produced, never the marker.
// (3) gpg with Bob's card decrypts what Bob received to the same bytes, with a
//     good signature from Alice.
// (4) Bob opens it in Roundcube, clicks Decrypt in the reader frame, enters the
//     card's PIN in the Tessera prompt: the frame shows the text and a valid
//     signature from Alice; no DOM Roundcube can reach holds the marker.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { screenshot, testCard, waitFor } from "../lib.mjs";
import {
  ALICE_SOFT_PASSPHRASE,
  WEBMAIL_URL,
  armoredIn,
  clickCenter,
  enterPin,
  filesContaining,
  gpg,
  imapRaw,
  importKeys,
  launchProfile,
  login,
  makeAliceSoftToken,
  requireStack,
  waitForFrame,
  writeTemp,
} from "./lib.mjs";
import { installSpy } from "./spy.mjs";

const marker = `TESSERA-MARKER-${randomBytes(8).toString("hex")}`;
const subject = `tessera e2e ${randomBytes(4).toString("hex")}`;
// Markers on their own short lines: Roundcube sends format=flowed.
const plaintext = `Hello Bob,\n\n${marker}\n\nlast line, ünïcødé\n`;

describe("Roundcube: compose in the Tessera editor, read in the Tessera reader", () => {
  let card;
  let alice; // { dataDir, publicKey }
  let aliceBrowser;
  let bobBrowser;
  let bobPublicKey;
  let received; // armored message from Bob's INBOX
  const cardHome = process.env.TESSERA_TEST_GNUPGHOME;

  before(async () => {
    requireStack();
    card = testCard();
    assert.equal(card.cardholder, "Bob Example", "run.sh provisions the card as Bob's");
    bobPublicKey = gpg(cardHome, ["--armor", "--export", card.primary_fingerprint]);
    alice = makeAliceSoftToken();
    aliceBrowser = await launchProfile("alice", { TESSERA_DATA_DIR: alice.dataDir, PCSCLITE_CSOCK_NAME: "/nonexistent/pcscd.comm" });
    await importKeys(aliceBrowser.context, [alice.publicKey, bobPublicKey]);
  });

  after(async () => {
    await aliceBrowser?.close();
    await bobBrowser?.close();
    if (alice) rmSync(alice.dataDir, { recursive: true, force: true });
  });

  let spyLog = [];

  test("(1) Alice's plaintext never reaches Roundcube, its storage or IMAP; only armor does", async () => {
    const page = await aliceBrowser.context.newPage();
    await page.addInitScript(installSpy);
    await login(page, "alice");
    await page.goto(`${WEBMAIL_URL}?_task=mail&_action=compose`);
    await page.waitForLoadState("networkidle");
    await page.fill("#compose_to .recipient-input input", "bob@example.test");
    await page.locator("#compose-subject").pressSequentially(subject);

    await clickCenter(page, page.locator('tessera-action[data-tessera-action="encrypt"]'));
    const editor = await waitForFrame(page, "editor");
    await editor.waitForSelector('body[data-state="ready"]');
    await editor.waitForSelector('[data-testid="recipient"][data-address="bob@example.test"][data-has-key="true"]', { timeout: 15_000 });
    // Roundcube's textarea is hidden while the editor is open.
    assert.equal(await page.isVisible("textarea#composebody"), false);
    // Typed key by key into the frame: keyboard events go to the frame, not to the page.
    await editor.locator('[data-testid="editor-text"]').pressSequentially(plaintext);
    await editor.click('[data-testid="editor-sign-encrypt"]');
    assert.match(await enterPin(aliceBrowser.context, ALICE_SOFT_PASSPHRASE), /sign/i);

    const body = await waitFor(
      async () => {
        const v = await page.inputValue("textarea#composebody");
        return v.startsWith("-----BEGIN PGP MESSAGE-----") ? v : null;
      },
      { what: "armor in Roundcube's body", timeoutMs: 30_000 },
    );
    assert.ok(!body.includes(marker));
    assert.equal(await page.isVisible("textarea#composebody"), true, "the body is shown again with the ciphertext");
    assert.equal(await waitFor(async () => (await page.locator("tessera-frame").count()) === 0, { what: "the editor to close" }), true);

    spyLog = await page.evaluate(() => (window.__tesseraSpy.snapshot(), window.__tesseraSpy.log));

    // A draft, saved by Roundcube's own button: armor only.
    await page.click("a.save.draft");
    await page.waitForSelector("#messagestack:has-text('saved')", { timeout: 20_000 });
    const draft = imapRaw("alice", "Drafts", subject, { wait: 10 });
    assert.match(draft, /-----BEGIN PGP MESSAGE-----/);
    assert.ok(!draft.includes(marker), "the draft holds no plaintext");

    await page.click("button.btn.btn-primary.send");
    await page.waitForURL((u) => !u.toString().includes("_action=compose"), { timeout: 30_000 });

    const inbox = imapRaw("bob", "INBOX", subject, { wait: 20 });
    const sent = imapRaw("alice", "Sent", subject, { wait: 10 });
    for (const [name, raw] of [["Bob's INBOX", inbox], ["Alice's Sent", sent]]) {
      assert.match(raw, /-----BEGIN PGP MESSAGE-----/, `${name} holds the armored message`);
      assert.ok(!raw.includes(marker), `${name} holds no plaintext`);
    }
    assert.equal(imapRaw("alice", "Drafts", subject), "", "sending removed the draft");
    received = armoredIn(inbox);
    assert.ok(received, "an armored block in Bob's INBOX");

    const hits = filesContaining(process.env.TESSERA_WEBMAIL_STATE, marker);
    assert.deepEqual(hits, [], "no file of the webmail stack (SQLite DB, PHP sessions, Maildirs, spool, logs) holds the marker");
    const searched = filesContaining(process.env.TESSERA_WEBMAIL_STATE, "-----BEGIN PGP MESSAGE-----");
    assert.ok(searched.length >= 2, `the search can find what is there (armor in ${searched.length} files)`);
    await page.close();
  });

  test("(2) a spy script in Roundcube's page sees the subject and the armor, never the plaintext", () => {
    assert.ok(spyLog.length > 0, "the spy recorded something");
    assert.ok(spyLog.some((e) => e.includes(subject)), "the spy saw the subject typed in Roundcube's field");
    assert.ok(spyLog.some((e) => e.startsWith("value:-----BEGIN PGP MESSAGE-----")), "the spy saw the ciphertext in the body");
    assert.ok(spyLog.some((e) => e.startsWith("event.keydown.key:")), "the spy saw keyboard events (Roundcube's own fields)");
    const leaks = spyLog.filter((e) => e.includes(marker) || e.includes("Hello Bob"));
    assert.deepEqual(leaks, [], "the spy never saw any of the plaintext");
  });

  test("(3) gpg with Bob's card decrypts what Bob received, byte for byte, with Alice's good signature", () => {
    assert.ok(received, "test (1) delivered a message");
    gpg(cardHome, ["--import"], alice.publicKey);
    const { dir, path } = writeTemp("gpg-in", "msg.asc", received);
    try {
      const out = execFileSync(
        "gpg",
        ["--homedir", cardHome, "--batch", "--no-tty", "--status-fd", "2", "--pinentry-mode", "loopback",
          "--passphrase", process.env.TESSERA_TEST_USER_PIN, "--decrypt", path],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      assert.equal(out.toString("utf8"), plaintext);
      assert.ok(Buffer.compare(out, Buffer.from(plaintext, "utf8")) === 0, "same bytes");
    } catch (err) {
      throw new Error(`gpg --decrypt failed: ${err.stderr ?? err}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      execFileSync("gpgconf", ["--homedir", cardHome, "--kill", "all"]); // free the card for Bob's host
    }
    const status = execFileSync(
      "gpg",
      ["--homedir", cardHome, "--batch", "--no-tty", "--status-fd", "1", "--pinentry-mode", "loopback",
        "--passphrase", process.env.TESSERA_TEST_USER_PIN, "--output", "/dev/null", "--decrypt"],
      { input: received, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] },
    );
    execFileSync("gpgconf", ["--homedir", cardHome, "--kill", "all"]);
    assert.match(status, /\[GNUPG:\] GOODSIG [0-9A-F]+ Alice Example <alice@example.test>/);
  });

  test("(4) Bob decrypts in the reader frame with the card's PIN; Roundcube's page never holds the text", async () => {
    assert.ok(received, "test (1) delivered a message");
    const bobData = writeTemp("bob-data", "none", "");
    bobBrowser = await launchProfile("bob", { TESSERA_DATA_DIR: bobData.dir });
    await importKeys(bobBrowser.context, [bobPublicKey, alice.publicKey]);
    const page = await bobBrowser.context.newPage();
    await login(page, "bob");
    await page.click(`#messagelist tr:has-text("${subject}") td.subject`);
    const reader = await waitForFrame(page, "reader");
    await reader.waitForSelector('body[data-state="ready"]');
    await reader.click('[data-testid="reader-decrypt"]');
    assert.match(await enterPin(bobBrowser.context, process.env.TESSERA_TEST_USER_PIN), /decrypt/i);
    await reader.waitForSelector('body[data-state="decrypted"]', { timeout: 30_000 });
    assert.equal(await reader.textContent('[data-testid="reader-plaintext"]'), plaintext);
    assert.equal(await reader.getAttribute('[data-testid="reader-signature"]', "data-status"), "valid");
    assert.match(await reader.textContent('[data-testid="reader-signature"]'), /Alice Example <alice@example.test>/);
    await screenshot(page, "webmail-bob-reader");

    // Every document Roundcube's scripts can reach (same-origin frames): no marker, no way into ours.
    for (const frame of page.frames()) {
      if (!frame.url().startsWith(WEBMAIL_URL)) continue;
      const seen = await frame.evaluate(() => {
        const texts = [document.documentElement.outerHTML, document.body?.innerText ?? ""];
        const hosts = [...document.querySelectorAll("tessera-frame")].map((h) => h.shadowRoot);
        return { texts, openShadowRoots: hosts.filter((r) => r !== null).length };
      });
      for (const text of seen.texts) assert.ok(!text.includes(marker), `${frame.url()} shows no plaintext`);
      assert.equal(seen.openShadowRoots, 0, "the reader's host is closed to the page");
    }
    rmSync(bobData.dir, { recursive: true, force: true });
  });
});
