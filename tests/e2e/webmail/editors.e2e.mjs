// The editor zoo (tests/e2e/fixtures/editors: the real CKEditor 4 and 5,
// TinyMCE, Quill, Tiptap, a plain contenteditable and a textarea, each on a
// compose page with To/Cc/Bcc/Subject). For each: the generic module offers
// Tessera's editor over the page's, takes the recipient from the page's To,
// the user writes and encrypts in Tessera, and the page's editor holds armor
// in its OWN serialization (getData(), getContent(), getHTML(), innerHTML):
// gpg decrypts the text of that serialization (as a mail client renders it)
// to exactly what was written, and Tessera's reader, shown that serialized
// body as received mail, decrypts it too. Bob's profile, virtual card.
// Run by tests/e2e/webmail/run.sh.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { REPO, testCard, waitFor } from "../lib.mjs";
import { clickCenter, decryptInReader, enableSites, gpg, importKeys, launchProfile, requireStack, servePages, waitForFrame, writeTemp } from "./lib.mjs";

const ZOO = join(REPO, "tests", "e2e", "fixtures", "editors");
const EDITORS = JSON.parse(readFileSync(join(ZOO, "dist", "pages.json"), "utf8"));
const PIN = process.env.TESSERA_TEST_USER_PIN;
const run = randomBytes(4).toString("hex");

describe("editor zoo: encrypt in Tessera, the page's editor serializes armor that gpg and the reader open", () => {
  let zoo;
  let mail;
  let browser;
  const cardHome = process.env.TESSERA_TEST_GNUPGHOME;
  const received = {}; // path → HTML of a received mail, filled by the tests

  before(async () => {
    requireStack();
    const card = testCard();
    const { serveZoo } = await import(join(ZOO, "serve.mjs"));
    zoo = await serveZoo();
    mail = await servePages(received);
    const data = writeTemp("zoo-data", "none", "");
    browser = await launchProfile("zoo", { TESSERA_DATA_DIR: data.dir });
    await importKeys(browser.context, [gpg(cardHome, ["--armor", "--export", card.primary_fingerprint])]);
    await enableSites(browser, [new URL(zoo.url).origin, mail.origin]);
  });

  after(async () => {
    await browser?.close();
    await zoo?.close();
    mail?.close();
  });

  for (const name of EDITORS) {
    test(`${name}: attach, encrypt, serialize, gpg and the reader decrypt it byte for byte`, async () => {
      const marker = `TESSERA-ZOO-${name}-${run}`;
      // Lines, non-ASCII, characters HTML and smart quotes would change, trailing spaces kept.
      const text = `Hello Bob,\n\n"quoted" & <tagged> -- it's ${marker}\nünïcödé ✓  \n`;
      const page = await browser.context.newPage();
      await page.goto(`${zoo.url}${name}.html`);
      await page.evaluate(() => window.zoo.ready);
      await page.fill("#to", "Bob Example <bob@example.test>");
      await page.waitForSelector('tessera-action[data-tessera-action="encrypt"]', { state: "attached", timeout: 10_000 });
      assert.equal(await page.locator('tessera-action[data-tessera-action="encrypt"]').count(), 1, "one offer, over the editor");
      await clickCenter(page, page.locator('tessera-action[data-tessera-action="encrypt"]'));
      const editor = await waitForFrame(page, "editor");
      await editor.waitForSelector('body[data-state="ready"][data-visible="true"]');
      await editor.waitForSelector('[data-testid="recipient"][data-address="bob@example.test"][data-kind="to"][data-has-key="true"]', { timeout: 10_000 });
      await editor.fill('[data-testid="editor-text"]', text);
      await editor.click('[data-testid="editor-encrypt"]');
      await waitFor(async () => (await page.locator('tessera-frame[data-tessera-kind="editor"]').count()) === 0, { what: "the editor to close after writing", timeoutMs: 30_000 });
      assert.equal(await page.locator('tessera-notice[data-tessera-notice="write_failed"]').count(), 0, "the write took");

      // The editor's own serialization, as the webmail would post it.
      const serialized = await page.evaluate(() => window.zoo.serialize());
      assert.match(serialized, /-----BEGIN PGP MESSAGE-----/, `${name} serialized: ${serialized.slice(0, 300)}`);
      assert.ok(!serialized.includes(marker), "no plaintext in the page's editor");
      // As a mail client renders it (HTML → text); a textarea's value is text already.
      // As a mail client renders it (HTML → text, default styles: a blank page); a textarea's value is text already.
      let rendered = serialized;
      if (name !== "textarea") {
        const blank = await browser.context.newPage();
        await blank.setContent("<!doctype html><meta charset=utf-8><body></body>");
        rendered = await blank.evaluate((html) => {
          document.body.innerHTML = html;
          return document.body.innerText;
        }, serialized);
        await blank.close();
      }
      let out;
      try {
        out = execFileSync(
          "gpg",
          ["--homedir", cardHome, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", PIN, "--decrypt"],
          { input: rendered, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] },
        );
      } catch (err) {
        throw new Error(`${name}: gpg could not read the rendered body (${err.stderr}):\n${rendered}\nserialized: ${serialized.slice(0, 600)}`);
      }
      execFileSync("gpgconf", ["--homedir", cardHome, "--kill", "all"]);
      assert.equal(out, text, `${name}: gpg's plaintext`);
      await page.close();

      // The same body received: Tessera's reader finds the armor in the editor's HTML and decrypts it.
      received[`/${name}`] = `<!doctype html><meta charset="utf-8"><title>inbox</title><h1>Message</h1><div class="mail-body">${
        name === "textarea" ? `<pre>${serialized.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</pre>` : serialized
      }</div>`;
      const inbox = await browser.context.newPage();
      await inbox.goto(`${mail.origin}/${name}`);
      await inbox.bringToFront();
      const reader = await waitForFrame(inbox, "reader");
      await reader.waitForSelector('body[data-state="ready"][data-visible="true"]', { timeout: 15_000 });
      assert.equal(await decryptInReader(browser.context, reader, PIN), text, `${name}: the reader's plaintext`);
      assert.ok(!(await inbox.content()).includes(marker), "the inbox page never holds the plaintext");
      await inbox.close();
    });
  }
});
