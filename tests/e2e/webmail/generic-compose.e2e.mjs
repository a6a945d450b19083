// The generic module on a compose page shaped like the big webmails': a
// contenteditable body (as Gmail and Outlook use), To as address chips, Cc and
// Bcc as labelled inputs, a hidden copy of the body the page refreshes on
// keyup, and a canvas editor whose keys go to a hidden textarea. Bob's profile
// with the virtual card; Carol's key made by gpg. Run by tests/e2e/webmail/run.sh.
//
// Proves: recipients come from the page (chips and inputs, To/Cc/Bcc), a Bcc
// recipient's key ID is not in the message (gpg --list-packets) though gpg
// decrypts it with her key; the armor goes stale visibly when the page's
// recipients change; no reader opens over the user's own compose body or its
// hidden copy, and no "Encrypt" is offered over ciphertext: "Continue in
// Tessera" reopens the draft, decrypted with the user's key; typing into the
// page's own editor, or into a field Tessera cannot take over, is announced
// next to it and in the popup.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_ID, testCard, waitFor } from "../lib.mjs";
import { clickCenter, decryptInReader, enableSites, enterPin, gpg, importKeys, launchProfile, requireStack, servePages, waitForFrame, writeTemp } from "./lib.mjs";

const marker = `TESSERA-COMPOSE-${randomBytes(6).toString("hex")}`;
const PIN = process.env.TESSERA_TEST_USER_PIN;

const COMPOSE = `<!doctype html><meta charset="utf-8"><title>compose</title>
<style>.row{display:flex;gap:8px;margin:4px 0;align-items:center}.chip{padding:2px 6px;border-radius:10px;background:#dde}</style>
<div id="compose" style="width:760px">
  <div class="row"><span id="to-label">To</span>
    <div class="chips" id="to-chips" aria-labelledby="to-label">
      <span class="chip" data-hovercard-id="bob@example.test">Bob Example</span>
      <input id="to-input" aria-label="To recipients" style="width:200px">
    </div></div>
  <div class="row"><label for="cc">Cc</label><input id="cc" name="cc" style="width:300px"></div>
  <div class="row"><label for="bcc">Bcc</label><input id="bcc" name="bcc" style="width:300px"></div>
  <div class="row"><input name="subject" placeholder="Subject" style="width:500px"></div>
  <div id="body" contenteditable="true" role="textbox" aria-label="Message Body" style="min-height:280px;border:1px solid #999;padding:6px"></div>
  <div id="copy" style="display:none"></div>
</div>
<script>
  // As the webmail of the report: a hidden copy of the body, refreshed on keyup.
  document.getElementById("body").addEventListener("keyup", (e) => { document.getElementById("copy").textContent = e.currentTarget.innerText; });
</script>`;

// An editor that draws its own text on a canvas and takes keys through a
// hidden textarea (as Google Docs and some code editors do): nothing Tessera can take over.
const CANVAS = `<!doctype html><meta charset="utf-8"><title>canvas editor</title>
<canvas id="paper" width="700" height="300" style="border:1px solid #999"></canvas>
<textarea id="sink" style="position:absolute;left:-9999px;top:0;width:1px;height:1px;opacity:0"></textarea>
<script>
  const sink = document.getElementById("sink"), paper = document.getElementById("paper");
  paper.addEventListener("mousedown", (e) => { e.preventDefault(); sink.focus(); });
  sink.addEventListener("input", () => { const c = paper.getContext("2d"); c.clearRect(0, 0, 700, 300); c.font = "16px sans-serif"; c.fillText(sink.value, 10, 30); });
</script>`;

describe("generic module on a webmail-like compose page: recipients, Bcc, drafts, stray frames, notices", () => {
  let site;
  let browser;
  let carol;
  const cardHome = process.env.TESSERA_TEST_GNUPGHOME;
  const noticeTabs = [];

  before(async () => {
    requireStack();
    const card = testCard();
    carol = { home: writeTemp("carol-gpg", "none", "").dir };
    // Carol has no card: her agent must not open the card reader, which Bob's host needs.
    writeFileSync(join(carol.home, "gpg-agent.conf"), "disable-scdaemon\n");
    execFileSync("gpg", ["--homedir", carol.home, "--batch", "--passphrase", "", "--quick-gen-key", "Carol <carol@example.test>", "ed25519", "sign", "0"], { stdio: "pipe" });
    carol.fpr = gpg(carol.home, ["--with-colons", "--list-keys", "carol@example.test"]).split("\n").find((l) => l.startsWith("fpr:")).split(":")[9];
    gpg(carol.home, ["--batch", "--passphrase", "", "--quick-add-key", carol.fpr, "cv25519", "encr", "0"]);
    carol.subkeyIds = gpg(carol.home, ["--with-colons", "--list-keys", carol.fpr]).split("\n").filter((l) => l.startsWith("sub:")).map((l) => l.split(":")[4]);
    carol.key = gpg(carol.home, ["--armor", "--export", carol.fpr]);
    // HTML mail shown in a sandboxed frame (opaque origin), as webmails isolate received HTML.
    const incoming = gpg(cardHome, ["--armor", "--trust-model", "always", "--encrypt", "-r", card.primary_fingerprint], `sandboxed ${marker}\n`);
    const mailHtml = `<p>${incoming.trimEnd().split("\n").join("<br>")}</p>`.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
    const SANDBOXED = `<!doctype html><meta charset="utf-8"><title>inbox</title><h1>Message</h1>
      <iframe sandbox style="width:760px;height:420px;border:1px solid #999" srcdoc="${mailHtml}"></iframe>`;
    site = await servePages({ "/compose": COMPOSE, "/canvas": CANVAS, "/sandboxed": SANDBOXED });
    const data = writeTemp("compose-data", "none", "");
    browser = await launchProfile("compose", { TESSERA_DATA_DIR: data.dir });
    await importKeys(browser.context, [gpg(cardHome, ["--armor", "--export", card.primary_fingerprint]), carol.key]);
    await enableSites(browser, [site.origin]);
    await browser.worker.evaluate(() => {
      globalThis.noticeTabs = [];
      chrome.runtime.onMessage.addListener((m, sender) => {
        if (m?.type === "webmail.notice") globalThis.noticeTabs.push({ tabId: sender.tab?.id, kind: m.kind });
      });
    });
  });

  after(async () => {
    await browser?.close();
    site?.close();
    execFileSync("gpgconf", ["--homedir", carol.home, "--kill", "all"]);
    rmSync(carol.home, { recursive: true, force: true });
    void noticeTabs;
  });

  async function popupNotices(kind) {
    const reported = await waitFor(async () => (await browser.worker.evaluate(() => globalThis.noticeTabs)).find((n) => n.kind === kind), { what: `a ${kind} report` });
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${CHROMIUM_ID}/popup/popup.html?tab=${reported.tabId}`);
    await popup.waitForSelector(`[data-testid="webmail-notice"][data-kind="${kind}"]`, { timeout: 10_000 });
    assert.equal(await popup.isVisible('[data-testid="webmail-notices-section"]'), true);
    await popup.close();
  }

  test("typing in the page's own editor is announced next to it and in the popup", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.origin}/compose`);
    await page.waitForSelector('tessera-action[data-tessera-action="encrypt"]', { state: "attached" });
    await page.click("#body");
    await page.keyboard.type("oops");
    const notice = page.locator('tessera-notice[data-tessera-notice="unprotected"]');
    await notice.waitFor({ state: "visible", timeout: 5_000 });
    await popupNotices("unprotected");
    await page.close();
  });

  test("a canvas editor fed by a hidden textarea cannot be taken over: Tessera says so, in the page and in the popup", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.origin}/canvas`);
    await page.waitForTimeout(500);
    assert.equal(await page.locator("tessera-action").count(), 0, "nothing to offer on a canvas");
    await page.click("#paper");
    await page.keyboard.type("secret");
    const notice = page.locator('tessera-notice[data-tessera-notice="unsupported"]');
    await notice.waitFor({ state: "visible", timeout: 5_000 });
    await popupNotices("unsupported");
    await page.close();
  });

  test("a message in a sandboxed frame (no extension frame allowed there) opens in a Tessera reader window", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.origin}/sandboxed`);
    const mailFrame = await waitFor(() => page.frames().find((f) => f.url() === "about:srcdoc"), { what: "the sandboxed mail frame" });
    const offer = mailFrame.locator('tessera-action[data-tessera-action="open-reader"]');
    await offer.waitFor({ state: "attached", timeout: 10_000 });
    assert.equal(await mailFrame.locator("tessera-frame").count(), 0, "no reader framed where the page forbids it");
    const opened = browser.context.waitForEvent("page", { predicate: (p) => p.url().includes("/frames/reader/reader.html?window="), timeout: 15_000 });
    await clickCenter(page, offer);
    const readerWindow = await opened;
    await readerWindow.waitForSelector('body[data-state="ready"][data-visible="true"]', { timeout: 15_000 });
    assert.equal(await decryptInReader(browser.context, readerWindow, PIN), `sandboxed ${marker}\n`);
    assert.ok(!(await page.content()).includes(marker), "the page never holds the plaintext");
    assert.ok(!(await mailFrame.content()).includes(marker), "nor its mail frame");
    await readerWindow.close();
    await page.close();
  });

  test("To from chips, Cc and Bcc from inputs; the Bcc key ID is hidden; stale armor is flagged; the draft continues in Tessera; no stray reader", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.origin}/compose`);
    await page.fill("#bcc", "Carol <carol@example.test>");
    await page.waitForSelector('tessera-action[data-tessera-action="encrypt"]', { state: "attached" });
    await clickCenter(page, page.locator('tessera-action[data-tessera-action="encrypt"]'));
    const editor = await waitForFrame(page, "editor");
    await editor.waitForSelector('body[data-state="ready"][data-visible="true"]');
    await editor.waitForSelector('[data-testid="recipient"][data-address="bob@example.test"][data-kind="to"][data-has-key="true"]', { timeout: 10_000 });
    await editor.waitForSelector('[data-testid="recipient"][data-address="carol@example.test"][data-kind="bcc"][data-has-key="true"]', { timeout: 10_000 });
    assert.equal(await editor.isVisible('[data-testid="editor-bcc-note"]'), true, "the editor says why Bcc is different");

    const text = `Bonjour Bob,\nle code est ${marker} — ünïcödé.\n`;
    await editor.fill('[data-testid="editor-text"]', text);
    await editor.click('[data-testid="editor-encrypt"]');
    // The editor closes once the body holds the armor; the body's text is read as shown then.
    await waitFor(async () => (await page.locator('tessera-frame[data-tessera-kind="editor"]').count()) === 0, { what: "the editor to close", timeoutMs: 30_000 });
    const armored = await page.evaluate(() => document.getElementById("body").innerText);
    assert.match(armored, /-----END PGP MESSAGE-----/);
    assert.ok(!armored.includes(marker));

    // The packets: Bob's key ID is named, Carol's is the wildcard.
    let packets;
    try {
      packets = execFileSync("gpg", ["--homedir", carol.home, "--batch", "--list-packets"], { input: armored, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    } catch (err) {
      const html = await page.evaluate(() => document.getElementById("body").innerHTML);
      throw new Error(`gpg cannot read the body (${err.stderr}):\n${armored}\nHTML: ${html.slice(0, 800)}`);
    }
    assert.match(packets, /keyid 0000000000000000/, packets);
    for (const id of [carol.fpr.slice(-16), ...carol.subkeyIds]) assert.ok(!packets.toUpperCase().includes(id.toUpperCase()), `Carol's key ID ${id} must not appear`);
    // Carol, holding only her own key, decrypts it.
    const out = execFileSync("gpg", ["--homedir", carol.home, "--batch", "--no-tty", "--decrypt"], { input: armored, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    assert.equal(out, text);

    // No reader over the user's own compose body, nor over its hidden copy; no Encrypt over ciphertext.
    await page.focus("#body");
    await page.keyboard.press("End"); // a keyup: the page refreshes its hidden copy with the armor
    await page.waitForSelector('tessera-action[data-tessera-action="continue"]', { state: "attached", timeout: 5_000 });
    await page.waitForTimeout(2000); // two rescans
    assert.equal(await page.locator('tessera-frame[data-tessera-kind="reader"]').count(), 0, "no reader in the compose page");
    assert.equal(await page.locator('tessera-action[data-tessera-action="encrypt"]').count(), 0, "no Encrypt over ciphertext");

    // The page adds a Cc after encryption: the armor is stale, and Tessera says so.
    await page.fill("#cc", "dave@example.test");
    await page.waitForSelector('tessera-notice[data-tessera-notice="stale"]', { timeout: 5_000 });

    // Continue in Tessera: the draft is decrypted with Bob's own key (card PIN) into the editor.
    await clickCenter(page, page.locator('tessera-action[data-tessera-action="continue"]'));
    const again = await waitForFrame(page, "editor");
    await again.waitForSelector('[data-testid="editor-draft"]:not([hidden])', { timeout: 10_000 });
    await again.waitForSelector('body[data-visible="true"]');
    await again.click('[data-testid="editor-draft-decrypt"]');
    await waitFor(async () => {
      if (browser.context.pages().some((p) => p.url().includes("/pin/pin.html"))) await enterPin(browser.context, PIN);
      if (await again.isVisible('[data-testid="editor-error"]')) throw new Error(`the editor says: ${await again.textContent('[data-testid="editor-error"]')}`);
      return (await again.inputValue('[data-testid="editor-text"]')) === text;
    }, { what: "the draft back in the editor", timeoutMs: 30_000 });
    await again.waitForSelector('[data-testid="recipient"][data-address="dave@example.test"][data-kind="cc"][data-has-key="false"]');
    assert.ok(!(await page.content()).includes(marker), "the page never holds the plaintext");
    await page.close();
  });
});
