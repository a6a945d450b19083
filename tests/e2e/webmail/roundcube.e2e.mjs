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
// (5) The same in HTML compose mode (TinyMCE): Alice switches Roundcube to
//     HTML, encrypts in the editor; TinyMCE's body gets the armor (as <pre>);
//     IMAP holds no marker; gpg decrypts the text/plain and text/html parts'
//     armor; Bob's reader decrypts it with a valid signature.
// (7) A 1 MiB attachment added in the editor: the message arrives as PGP/MIME
//     (multipart/encrypted, protocol application/pgp-encrypted); gpg decrypts
//     it to a MIME entity whose attachment has the same bytes. Bob's reader
//     fetches the encrypted part Roundcube cannot show, decrypts it, and its
//     download of the attachment has the same bytes.
// (6) Page scripts cannot start a decryption, a signature or a key import:
//     messages posted at every frame, synthetic clicks and key presses, a
//     nearly transparent frame, a frame covered by a fake UI: nothing starts;
//     the same real click works once the page stops.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_ID, englishMessage, screenshot, testCard, waitFor } from "../lib.mjs";
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
  mimeTree,
  makeAliceSoftToken,
  readPinPrompt,
  requireStack,
  textParts,
  waitForFrame,
  waitForPinPage,
  writeTemp,
} from "./lib.mjs";
import { installSpy } from "./spy.mjs";

/** The security pattern as drawn (inline background set from extension storage), once it is painted (the seed is read asynchronously). */
const patternOf = async (frameOrPage) => {
  await frameOrPage.waitForFunction(() => {
    const e = document.querySelector('[data-testid="security-pattern"]');
    return e !== null && (e.style.backgroundImage || e.style.background) !== "";
  }, null, { timeout: 10_000 });
  return frameOrPage.$eval('[data-testid="security-pattern"]', (e) => e.style.backgroundImage || e.style.background);
};

/** Fonts loaded in every frame of Roundcube: a late font swap moves our frame under a click in flight. */
const settled = async (page) => {
  for (const frame of page.frames()) {
    if (frame.url().startsWith(WEBMAIL_URL)) await frame.evaluate(() => document.fonts.ready.then(() => true)).catch(() => {});
  }
};

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
  let editorPattern;
  let pinPattern;
  let bobPage;

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
    await editor.waitForSelector('body[data-state="ready"][data-visible="true"]');
    await editor.waitForSelector('[data-testid="recipient"][data-address="bob@example.test"][data-has-key="true"]', { timeout: 15_000 });
    // Roundcube's textarea is hidden while the editor is open.
    assert.equal(await page.isVisible("textarea#composebody"), false);
    // Typed key by key into the frame: keyboard events go to the frame, not to the page.
    await editor.locator('[data-testid="editor-text"]').pressSequentially(plaintext);
    editorPattern = await patternOf(editor);
    await editor.click('[data-testid="editor-sign-encrypt"]');
    pinPattern = await patternOf(await waitForPinPage(aliceBrowser.context));
    // The soft token asks for a passphrase (a text field, no card details), and names the action.
    assert.deepEqual(await readPinPrompt(aliceBrowser.context), {
      backend: "soft",
      title: englishMessage("pinTitleSoft"),
      label: englishMessage("pinLabelSoft"),
      purpose: englishMessage("pinActionSignMessage").replace("$RECIPIENTS$", "bob@example.test"),
      inputMode: null,
      cardShown: false,
    });
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
    await reader.waitForSelector('body[data-state="ready"][data-visible="true"]');
    await settled(page);
    await reader.click('[data-testid="reader-decrypt"]');
    // The card asks for its PIN (digits), shows the card, and names the webmail the message is read on.
    assert.deepEqual(await readPinPrompt(bobBrowser.context), {
      backend: "card",
      title: englishMessage("pinTitle"),
      label: englishMessage("pinLabel"),
      purpose: englishMessage("pinActionReadMessage").replace("$SITE$", new URL(page.url()).host),
      inputMode: "numeric",
      cardShown: true,
    });
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
    bobPage = page;
  });

  test("(6) posted messages, synthetic clicks, a transparent or covered frame start nothing", async () => {
    assert.ok(bobPage, "test (4) left Bob's page open");
    const page = bobPage;
    await page.reload();
    await page.waitForLoadState("networkidle");
    await page.click(`#messagelist tr:has-text("${subject}") td.subject`);
    const reader = await waitFor(() => page.frames().find((f) => f.url().includes("/frames/reader/") && !f.isDetached()), { what: "a fresh reader" });
    await reader.waitForSelector('body[data-state="ready"][data-visible="true"]');
    await settled(page);
    const preview = page.frames().find((f) => f.url().includes("_action=preview"));
    assert.ok(preview, "Roundcube's preview frame");
    const pinWindows = [];
    bobBrowser.context.on("page", (p) => p.url().includes("/pin/") && pinWindows.push(p));
    const stillReady = async (what) => {
      await new Promise((r) => setTimeout(r, 1500)); // time for a wrongly started decryption to show
      assert.equal(await reader.getAttribute("body", "data-state"), "ready", `${what}: no decryption started`);
      assert.equal(await reader.isHidden('[data-testid="reader-plaintext"]'), true, what);
      assert.equal(pinWindows.length, 0, `${what}: no PIN prompt`);
    };

    // (a) messages posted at every frame the page can name (window.frames includes ours).
    const posted = await preview.evaluate((armored) => {
      const shapes = [
        { type: "decrypt", armored }, { type: "armored", armored }, { type: "visibility", visible: true },
        { type: "hello", session: "x".repeat(32), kind: "reader" }, "decrypt", { type: "keyring.import", text: "x" },
      ];
      let n = 0;
      for (const target of [window, window.top, ...Array.from({ length: window.frames.length }, (_, i) => window.frames[i])]) {
        for (const shape of shapes) {
          target.postMessage(shape, "*");
          n++;
        }
      }
      return n;
    }, received);
    assert.ok(posted > 6, "the page posted at our frame too");
    await stillReady("postMessage");

    // (b) synthetic clicks and key presses on everything the page can reach of ours.
    await preview.evaluate(() => {
      const host = document.querySelector("tessera-frame");
      host.click();
      const r = host.getBoundingClientRect();
      for (const type of ["pointerdown", "mousedown", "pointerup", "mouseup", "click"]) {
        host.dispatchEvent(new MouseEvent(type, { bubbles: true, composed: true, clientX: r.left + 40, clientY: r.top + 40 }));
      }
      document.elementFromPoint(r.left + 40, r.top + 40)?.click();
      for (const key of ["Enter", " "]) host.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, composed: true }));
    });
    await stillReady("synthetic events");

    // (c) nearly transparent frame, then a real click on Decrypt.
    await preview.evaluate(() => (document.querySelector("tessera-frame").style.opacity = "0.05"));
    await reader.waitForSelector('body[data-visible="false"]');
    await reader.click('[data-testid="reader-decrypt"]', { force: true });
    await stillReady("transparent frame");
    assert.equal(await reader.getAttribute('[data-testid="reader-error"]', "data-code"), "gesture_hidden");

    // (d) covered by an opaque fake UI that lets clicks through to the frame.
    await preview.evaluate(() => {
      const host = document.querySelector("tessera-frame");
      host.style.opacity = "";
      const r = host.getBoundingClientRect();
      const cover = document.createElement("div");
      cover.id = "fake-ui";
      cover.textContent = "Click to see your mail";
      cover.style.cssText = `position:fixed;left:${r.left}px;top:${r.top}px;width:${r.width}px;height:${r.height}px;background:#fff;z-index:99999;pointer-events:none`;
      document.body.append(cover);
    });
    await reader.waitForSelector('body[data-visible="false"]');
    await reader.click('[data-testid="reader-decrypt"]', { force: true });
    await stillReady("covered frame");
    assert.equal(await reader.getAttribute('[data-testid="reader-error"]', "data-code"), "gesture_hidden");

    // Control: the page stops; the same real click decrypts (PIN cached by the host).
    await preview.evaluate(() => document.getElementById("fake-ui").remove());
    await reader.waitForSelector('body[data-visible="true"]');
    await reader.click('[data-testid="reader-decrypt"]');
    await reader.waitForSelector('body[data-state="decrypted"]', { timeout: 30_000 });
    assert.equal(await reader.textContent('[data-testid="reader-plaintext"]'), plaintext);
  });

  test("(6) in the editor: a transparent frame cannot be made to sign or import a key", async () => {
    const page = await aliceBrowser.context.newPage();
    await page.goto(`${WEBMAIL_URL}?_task=mail&_action=compose`);
    await page.waitForLoadState("networkidle");
    await page.fill("#compose_to .recipient-input input", "carol@example.test, bob@example.test");
    await clickCenter(page, page.locator('tessera-action[data-tessera-action="encrypt"]'));
    const editor = await waitForFrame(page, "editor");
    await editor.waitForSelector('[data-testid="recipient"][data-address="carol@example.test"][data-has-key="false"]', { timeout: 15_000 });
    await editor.locator('[data-testid="editor-text"]').pressSequentially("secret draft");
    const pinWindows = [];
    aliceBrowser.context.on("page", (p) => p.url().includes("/pin/") && pinWindows.push(p));
    await page.evaluate(() => (document.querySelector("tessera-frame").style.opacity = "0.05"));
    await editor.waitForSelector('body[data-visible="false"]');
    await editor.click('[data-testid="editor-sign-encrypt"]', { force: true });
    assert.equal(await editor.getAttribute('[data-testid="editor-error"]', "data-code"), "gesture_hidden");
    await editor.fill('[data-testid="editor-import-text"]', bobPublicKey);
    await editor.click('[data-testid="editor-import-submit"]', { force: true });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(pinWindows.length, 0, "no PIN prompt");
    assert.equal(await editor.textContent('[data-testid="editor-import-result"]'), "", "no import ran");
    assert.equal(await editor.inputValue('[data-testid="editor-text"]'), "secret draft", "nothing lost");
    assert.equal(await page.inputValue("textarea#composebody"), "", "nothing written into Roundcube");

    // Visible again: the real click runs, and with Carol's key missing the editor says so (no encryption).
    await page.evaluate(() => (document.querySelector("tessera-frame").style.opacity = ""));
    await editor.waitForSelector('body[data-visible="true"]');
    await editor.click('[data-testid="editor-encrypt"]');
    assert.equal(await editor.getAttribute('[data-testid="editor-error"]', "data-code"), "missing_keys");
    assert.match(await editor.textContent('[data-testid="editor-error"]'), /carol@example.test/);
    assert.equal(await page.inputValue("textarea#composebody"), "");
    await page.close();
  });

  test("security pattern: the same random pattern in the editor, the PIN prompt and the options page; changing it there changes it everywhere", async () => {
    assert.ok(editorPattern && editorPattern.includes("repeating-linear-gradient"), `editor pattern: ${editorPattern}`);
    assert.equal(pinPattern, editorPattern, "the PIN prompt shows the editor's pattern");
    const options = await aliceBrowser.context.newPage();
    await options.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
    await options.waitForFunction(() => document.querySelector('[data-testid="security-pattern"]').style.backgroundImage !== "");
    assert.equal(await patternOf(options), editorPattern);
    await options.click('[data-testid="security-pattern-change"]');
    const changed = await waitFor(async () => {
      const now = await patternOf(options);
      return now !== editorPattern ? now : null;
    }, { what: "a new pattern" });
    const page = await aliceBrowser.context.newPage();
    await page.goto(`${WEBMAIL_URL}?_task=mail&_action=compose`);
    await page.waitForLoadState("networkidle");
    await clickCenter(page, page.locator('tessera-action[data-tessera-action="encrypt"]'));
    const editor = await waitForFrame(page, "editor");
    await editor.waitForFunction(() => document.querySelector('[data-testid="security-pattern"]').style.backgroundImage !== "");
    assert.equal(await patternOf(editor), changed, "a new editor shows the new pattern");
    // Bob's install has its own pattern.
    const bobOptions = await bobBrowser.context.newPage();
    await bobOptions.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
    await bobOptions.waitForFunction(() => document.querySelector('[data-testid="security-pattern"]').style.backgroundImage !== "");
    assert.notEqual(await patternOf(bobOptions), changed, "another install, another pattern");
    await bobOptions.close();
    await options.close();
    await page.close();
  });

  test("(5) HTML compose (TinyMCE): armor into TinyMCE's body, only armor on the server, Bob decrypts", async () => {
    const htmlSubject = `${subject} html`;
    const htmlMarker = `${marker}-HTML`;
    const htmlText = `Hello Bob, in HTML mode.\n\n${htmlMarker}\n`;
    const page = await aliceBrowser.context.newPage();
    await page.goto(`${WEBMAIL_URL}?_task=mail&_action=compose`);
    await page.waitForLoadState("networkidle");
    // The user's choice of HTML mode, made the way Roundcube's own mode menu does it.
    await page.evaluate(() => window.rcmail.command("toggle-editor", { id: "composebody", html: true }));
    await page.waitForSelector("iframe#composebody_ifr");
    await page.fill("#compose_to .recipient-input input", "bob@example.test");
    await page.fill("#compose-subject", htmlSubject);
    await clickCenter(page, page.locator('tessera-action[data-tessera-action="encrypt"]'));
    const editor = await waitForFrame(page, "editor");
    await editor.waitForSelector('[data-testid="recipient"][data-address="bob@example.test"][data-has-key="true"]', { timeout: 15_000 });
    assert.equal(await page.isVisible("iframe#composebody_ifr"), false, "TinyMCE is hidden while the editor is open");
    await editor.waitForSelector('body[data-visible="true"]');
    await editor.locator('[data-testid="editor-text"]').pressSequentially(htmlText);
    await editor.click('[data-testid="editor-sign-encrypt"]');
    // Signing asks the soft token's passphrase again unless the host still caches it.
    const tinymceText = () => page.frameLocator("iframe#composebody_ifr").locator("body").innerText();
    await waitFor(async () => {
      const pin = aliceBrowser.context.pages().find((p) => p.url().includes("/pin/pin.html"));
      if (pin) await enterPin(aliceBrowser.context, ALICE_SOFT_PASSPHRASE);
      return (await tinymceText()).includes("-----BEGIN PGP MESSAGE-----");
    }, { what: "armor in TinyMCE's body", timeoutMs: 30_000 });
    assert.ok(!(await tinymceText()).includes(htmlMarker));
    await page.click("button.btn.btn-primary.send");
    await page.waitForURL((u) => !u.toString().includes("_action=compose"), { timeout: 30_000 });

    const inbox = imapRaw("bob", "INBOX", htmlSubject, { wait: 20 });
    assert.ok(!inbox.includes(htmlMarker), "Bob's INBOX holds no plaintext");
    assert.ok(!imapRaw("alice", "Sent", htmlSubject, { wait: 10 }).includes(htmlMarker), "Alice's Sent holds no plaintext");
    assert.deepEqual(filesContaining(process.env.TESSERA_WEBMAIL_STATE, htmlMarker), []);
    const parts = textParts(inbox);
    assert.ok(parts.some((p) => p.type === "text/html"), `an HTML message (parts: ${parts.map((p) => p.type)})`);
    gpg(cardHome, ["--import"], alice.publicKey);
    for (const part of parts) {
      const armored = armoredIn(part.type === "text/html" ? part.text.replace(/<[^>]+>/g, "\n") : part.text);
      assert.ok(armored, `armor in the ${part.type} part`);
      const out = execFileSync(
        "gpg",
        ["--homedir", cardHome, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", process.env.TESSERA_TEST_USER_PIN, "--decrypt"],
        { input: armored, stdio: ["pipe", "pipe", "pipe"] },
      );
      assert.equal(out.toString("utf8"), htmlText, `gpg decrypts the ${part.type} part's armor`);
    }
    execFileSync("gpgconf", ["--homedir", cardHome, "--kill", "all"]);
    await page.close();

    const bob = bobPage;
    await bob.bringToFront(); // a background tab gets no input routed to its frames
    await bob.goto(`${WEBMAIL_URL}?_task=mail&_mbox=INBOX`);
    await bob.waitForLoadState("networkidle");
    await bob.click(`#messagelist tr:has-text("${htmlSubject}") td.subject`);
    const reader = await waitFor(() => bob.frames().find((f) => f.url().includes("/frames/reader/") && !f.isDetached()), { what: "the reader" });
    await reader.waitForSelector('body[data-state="ready"][data-visible="true"]');
    await settled(bob);
    await reader.click('[data-testid="reader-decrypt"]');
    await waitFor(async () => {
      const pin = bobBrowser.context.pages().find((p) => p.url().includes("/pin/pin.html"));
      if (pin) await enterPin(bobBrowser.context, process.env.TESSERA_TEST_USER_PIN);
      return (await reader.getAttribute("body", "data-state")) === "decrypted";
    }, { what: "the reader to decrypt", timeoutMs: 30_000 }).catch(async (err) => {
      let error = await reader.textContent('[data-testid="reader-error"]').catch(() => "?");
      for (const f of bob.frames().filter((x) => x.url().includes("/frames/reader/"))) {
        error += ` | frame detached=${f.isDetached()} state=${await f.getAttribute("body", "data-state").catch(() => "?")} err=${await f.textContent('[data-testid="reader-error"]').catch(() => "?")} code=${await f.getAttribute('[data-testid="reader-error"]', "data-code").catch(() => "?")} hidden=${await f.getAttribute('[data-testid="reader-error"]', "hidden").catch(() => "?")} btn=${await f.getAttribute('[data-testid="reader-decrypt"]', "disabled").catch(() => "?")}`;
      }
      await screenshot(bob, "webmail-html-reader");
      throw new Error(`${err.message}; reader says: ${error}`);
    });
    assert.equal(await reader.textContent('[data-testid="reader-plaintext"]'), htmlText);
    assert.equal(await reader.getAttribute('[data-testid="reader-signature"]', "data-status"), "valid");
  });

  test("(7) a 1 MiB attachment added in the editor arrives as PGP/MIME and decrypts to the same bytes", async () => {
    const attSubject = `${subject} attachment`;
    const attMarker = `${marker}-ATT`;
    const file = randomBytes(1024 * 1024);
    const page = await aliceBrowser.context.newPage();
    await page.goto(`${WEBMAIL_URL}?_task=mail&_action=compose`);
    await page.waitForLoadState("networkidle");
    await page.fill("#compose_to .recipient-input input", "bob@example.test");
    await page.fill("#compose-subject", attSubject);
    await clickCenter(page, page.locator('tessera-action[data-tessera-action="encrypt"]'));
    const editor = await waitForFrame(page, "editor");
    await editor.waitForSelector('body[data-state="ready"][data-visible="true"]');
    await editor.waitForSelector('[data-testid="recipient"][data-address="bob@example.test"][data-has-key="true"]', { timeout: 15_000 });
    await editor.fill('[data-testid="editor-text"]', `See the file.\n${attMarker}\n`);
    await editor.setInputFiles('[data-testid="editor-attach"]', { name: "random.bin", mimeType: "application/octet-stream", buffer: file });
    await editor.waitForSelector(`[data-testid="editor-attachment"][data-name="random.bin"][data-size="${file.length}"]`);
    await editor.click('[data-testid="editor-encrypt"]');
    const field = page.locator('input[name="_pgpmime"]');
    await waitFor(async () => (await field.count()) === 1 && (await field.inputValue()).startsWith("-----BEGIN PGP MESSAGE-----"), {
      what: "armor in Roundcube's PGP/MIME field", timeoutMs: 60_000,
    });
    const body = await page.inputValue("textarea#composebody");
    assert.match(body, /OpenPGP\/MIME/, "the body shows Tessera's note");
    assert.ok(!body.includes(attMarker));
    await page.click("button.btn.btn-primary.send");
    await page.waitForURL((u) => !u.toString().includes("_action=compose"), { timeout: 60_000 });

    const inbox = imapRaw("bob", "INBOX", attSubject, { wait: 20 });
    assert.ok(!inbox.includes(attMarker), "no plaintext in Bob's INBOX");
    assert.ok(!inbox.includes(file.subarray(0, 48).toString("base64")), "no attachment bytes in clear");
    const tree = mimeTree(inbox);
    assert.equal(tree.type, "multipart/encrypted");
    assert.equal(tree.protocol, "application/pgp-encrypted");
    assert.deepEqual(tree.parts.map((p) => p.type), ["application/pgp-encrypted", "application/octet-stream"]);
    const armored = Buffer.from(tree.parts[1].base64, "base64");
    const entity = execFileSync(
      "gpg",
      ["--homedir", cardHome, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", process.env.TESSERA_TEST_USER_PIN, "--decrypt"],
      { input: armored, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 },
    );
    execFileSync("gpgconf", ["--homedir", cardHome, "--kill", "all"]);
    const inner = mimeTree(entity);
    const text = inner.parts.find((p) => p.type === "text/plain");
    assert.match(Buffer.from(text.base64, "base64").toString("utf8"), new RegExp(attMarker));
    const att = inner.parts.find((p) => p.filename === "random.bin");
    assert.ok(att, `the attachment is in the entity (${inner.parts.map((p) => p.filename ?? p.type)})`);
    assert.ok(Buffer.from(att.base64, "base64").equals(file), "the attachment decrypts to the same 1 MiB");
    assert.deepEqual(filesContaining(process.env.TESSERA_WEBMAIL_STATE, attMarker), []);
    await page.close();

    // Bob: Roundcube cannot show multipart/encrypted; the reader fetches the encrypted part and decrypts it.
    const bob = bobPage;
    await bob.bringToFront();
    await bob.goto(`${WEBMAIL_URL}?_task=mail&_mbox=INBOX`);
    await bob.waitForLoadState("networkidle");
    await bob.click(`#messagelist tr:has-text("${attSubject}") td.subject`);
    const reader = await waitFor(() => bob.frames().find((f) => f.url().includes("/frames/reader/") && !f.isDetached()), { what: "the reader" });
    await reader.waitForSelector('body[data-state="ready"][data-visible="true"]');
    await settled(bob);
    await reader.click('[data-testid="reader-decrypt"]');
    await waitFor(async () => {
      const pin = bobBrowser.context.pages().find((p) => p.url().includes("/pin/pin.html"));
      if (pin) await enterPin(bobBrowser.context, process.env.TESSERA_TEST_USER_PIN);
      return (await reader.getAttribute("body", "data-state")) === "decrypted";
    }, { what: "the reader to decrypt the PGP/MIME message", timeoutMs: 60_000 });
    assert.match(await reader.textContent('[data-testid="reader-plaintext"]'), new RegExp(attMarker));
    const [download] = await Promise.all([bob.waitForEvent("download"), reader.click('[data-testid="reader-attachment"][data-name="random.bin"]')]);
    const saved = writeTemp("download", "random.bin", "");
    await download.saveAs(saved.path);
    assert.ok(readFileSync(saved.path).equals(file), "the reader's download has the same 1 MiB");
    rmSync(saved.dir, { recursive: true, force: true });
    for (const frame of bob.frames()) {
      if (frame.url().startsWith(WEBMAIL_URL)) assert.ok(!(await frame.content()).includes(attMarker), "Roundcube's page never holds the text");
    }
  });
});
