// Console typing (issue 16) written once, run in Chromium and Firefox ESR (browsers/index.mjs,
// issue 14): `credentials.type` sent from an extension page, as the popup does, types from a
// `pass` store on the virtual card into xterm.js on a real pty, Debian's noVNC through
// websockify to TigerVNC's Xvnc, and Debian's Shell In A Box, each running reader.py
// (getpass; SHA-256 of each line). Every printable ASCII character and a space arrive
// exactly, 10 rounds on each (console-type.test.mjs does 50 in Chromium); a password-then-code
// login accepts the TOTP code and refuses a wrong one; refusals: no console focused (before
// any PIN), an entry of another origin, non-ASCII into VNC; a clipboard spy on every page stays
// silent and the page's DOM holds no trace of the secret. Consoles are on 127.0.0.1 (no proxy).
// Real host, real wasm core, pcscd with the virtual card: run under scripts/lib/with-virtual-card.sh.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { launchBrowser, selectedBrowsers, tabIdOf } from "./browsers/index.mjs";
import { ALL_ASCII, PIN, cardKeyFingerprint, fillConsoleStore, gpg, sha256, startConsoles } from "./console-lib.mjs";
import { CLIPBOARD_SPY_JS } from "./fixtures/console/console-server.mjs";
import { requireBuilt, tempDir, waitFor } from "./lib.mjs";

const ROUNDS = 10;
const T = { timeout: 120_000 };
const settle = () => new Promise((ok) => setTimeout(ok, 150)); // getpass flushes input as it turns echo off

for (const kind of selectedBrowsers()) {
  describe(`[${kind}] console typing: xterm.js on a real pty, noVNC on a real VNC server, Shell In A Box`, () => {
    let browser;
    let control; // an extension page: sends credentials.* as the popup does, finds tab IDs
    let consoles;
    let store;
    let dataDir;
    const saved = { store: process.env.PASSWORD_STORE_DIR, data: process.env.TESSERA_DATA_DIR };

    const request = (message) => control.evaluate((m) => chrome.runtime.sendMessage(m), message);
    const type = (tabId, path, what) => request({ type: "credentials.type", tabId, store: "default", path, what });

    /** Runs `fn` and answers the PIN window if one opens meanwhile; returns fn's result and whether it opened. */
    async function withPin(fn) {
      let settled = false;
      let opened = false;
      const running = fn().finally(() => (settled = true));
      await waitFor(
        async () => {
          if (settled) return true;
          const pin = await browser.waitForExtensionPage("/pin/pin.html", { timeoutMs: 0 }).catch(() => null);
          if (pin && !settled) {
            opened = true;
            await pin.waitFor('body[data-state="ready"]');
            await pin.fill('[data-testid="pin-input"]', PIN);
            await pin.click('[data-testid="pin-submit"]');
            await pin.waitForClose({ timeoutMs: 30_000 });
          }
          return settled;
        },
        { timeoutMs: 60_000, intervalMs: 100, what: "credentials.type to answer" },
      );
      return { result: await running, opened };
    }

    /** A new tab on `url` with the clipboard spy installed before the page's scripts (the xterm and plain pages carry it already). */
    async function openPage(url, { spy = false } = {}) {
      const page = await browser.newPage();
      if (spy) {
        if (kind === "chromium") await page.raw.addInitScript(CLIPBOARD_SPY_JS);
        else await page.raw.evaluateOnNewDocument(CLIPBOARD_SPY_JS);
      }
      await page.raw.goto(url);
      return { page, tabId: await tabIdOf(control, url) };
    }

    /** The person's click at (x, y) of the element `selector` (a real pointer event). */
    async function clickAt(page, selector, x, y) {
      await page.waitFor(selector, { visible: true });
      const box = await page.evaluate((s) => {
        const r = document.querySelector(s).getBoundingClientRect();
        return { x: r.x, y: r.y };
      }, selector);
      await page.raw.mouse.click(box.x + x, box.y + y);
    }

    const press = (page, key) => page.raw.keyboard.press(key);

    async function hygiene(page, secret) {
      const trace = await page.evaluate(
        (secret) => ({
          inHtml: document.documentElement.outerHTML.includes(secret),
          values: [...document.querySelectorAll("input, textarea")].map((e) => e.value).filter((v) => v.includes(secret)),
          clipboard: window.__clipboard,
        }),
        secret,
      );
      assert.equal(trace.inHtml, false, "no trace of the secret in the DOM");
      assert.deepEqual(trace.values, [], "no input or textarea holds it");
      assert.deepEqual(trace.clipboard, [], "no copy, cut or clipboard write seen by the page");
    }

    before(async () => {
      requireBuilt({ host: true });
      const alice = cardKeyFingerprint();
      store = tempDir(`both-console-store-${kind}`);
      dataDir = tempDir(`both-console-data-${kind}`);
      consoles = await startConsoles(dataDir);
      fillConsoleStore(store, alice, consoles);
      // The host the browser starts inherits these: this store and no soft token.
      process.env.PASSWORD_STORE_DIR = store;
      process.env.TESSERA_DATA_DIR = dataDir;
      browser = await launchBrowser(kind, { host: true });
      control = await browser.openExtensionPage("options/options.html");
      const imported = await request({ type: "keyring.import", text: gpg(["--armor", "--export", alice]) });
      assert.equal(imported.ok, true, JSON.stringify(imported));
    }, T);

    after(async () => {
      await browser?.close();
      await consoles?.close();
      for (const [k, v] of [["PASSWORD_STORE_DIR", saved.store], ["TESSERA_DATA_DIR", saved.data]]) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      for (const dir of [store, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
    }, T);

    test(`[${kind}] refused before any PIN: no console focused, an element that is not a console`, T, async () => {
      const { page, tabId } = await openPage(`${consoles.server.origin}/plain`);
      const { result: none, opened: pin1 } = await withPin(() => type(tabId, "consoles/term", "password"));
      assert.equal(none.ok, false);
      assert.equal(none.code, "no_console", JSON.stringify(none));
      assert.match(none.message, /no console is focused/);
      await page.click("#notes");
      const { result: notConsole, opened: pin2 } = await withPin(() => type(tabId, "consoles/term", "password"));
      assert.equal(notConsole.code, "no_console", JSON.stringify(notConsole));
      assert.match(notConsole.message, /textarea\) is not a console/);
      assert.equal(pin1 || pin2, false, "no PIN asked when there is nothing to type into");
      assert.equal(await page.value("#notes"), "");
      await page.close();
    });

    /** The xterm page of `on`, clicked into (xterm focuses its helper textarea). */
    async function openXterm(on) {
      const opened = await openPage(`${on.origin}/xterm`);
      await opened.page.waitFor(".xterm-helper-textarea");
      await waitFor(() => on.transcript().includes("Password: "), { what: "the reader's first prompt" });
      await opened.page.click("#term");
      return opened;
    }

    test(`[${kind}] xterm.js: every printable ASCII character and a space arrive exactly, ${ROUNDS} times in a row`, T, async () => {
      const { server } = consoles;
      const { page, tabId } = await openXterm(server);
      const prompts = () => server.transcript().split("Password: ").length - 1;
      const started = Date.now();
      for (let i = 0; i < ROUNDS; i++) {
        const n = server.hashes().length;
        const p = prompts();
        const { result } = await withPin(() => type(tabId, "consoles/term", "password"));
        assert.equal(result.ok, true, JSON.stringify(result));
        assert.equal(result.kind, "xterm");
        assert.equal(result.typed, ALL_ASCII.length);
        assert.ok(!JSON.stringify(result).includes(ALL_ASCII.slice(20, 40)), "the reply carries no secret");
        await press(page, "Enter");
        await waitFor(() => server.hashes().length === n + 1 && prompts() === p + 1, { what: `round ${i + 1}: the reader to read the line and prompt again` });
        assert.equal(server.hashes()[n], sha256(ALL_ASCII), `round ${i + 1}: the reader got exactly the password`);
      }
      console.log(`# [${kind}] xterm: ${ROUNDS} × ${ALL_ASCII.length} characters in ${Date.now() - started} ms`);
      await hygiene(page, ALL_ASCII.slice(10));
      assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll("textarea")].map((e) => e.value)), [""], "xterm's helper textarea holds nothing");
      await page.screenshot(`${kind}-both-console-xterm`);
      await page.close();
    });

    test(`[${kind}] a password-then-code login accepts the password and the TOTP code Tessera types, and refuses a wrong code`, T, async () => {
      const { login } = consoles;
      const { page, tabId } = await openXterm(login);
      const verdicts = () => readFileSync(join(dataDir, "login-verdicts"), { encoding: "utf8", flag: "a+" }).split("\n").filter(Boolean);
      const codePrompts = () => login.transcript().split("Verification code: ").length - 1;
      const step = async (what) => {
        const { result } = await withPin(() => type(tabId, "consoles/login", what));
        assert.equal(result.ok, true, JSON.stringify(result));
        await press(page, "Enter");
      };
      for (const [i, codeWhat, expected] of [
        [1, "otp", "accepted"],
        // The check can fail: the username typed where the code is asked is refused.
        [2, "username", "refused"],
      ]) {
        await step("password");
        await waitFor(() => codePrompts() === i, { what: "the verification code prompt" });
        assert.equal(login.hashes()[i - 1], sha256(ALL_ASCII), "the password arrived exactly");
        await step(codeWhat);
        await waitFor(() => verdicts().length === i, { what: "the login's verdict" });
        assert.equal(verdicts()[i - 1], expected, `${codeWhat} as the code`);
      }
      await hygiene(page, ALL_ASCII.slice(10));
      await page.close();
    });

    test(`[${kind}] refused: an entry bound to another origin; nothing reaches the reader`, T, async () => {
      const { server } = consoles;
      const { page, tabId } = await openXterm(server);
      const n = server.hashes().length;
      const { result: other } = await withPin(() => type(tabId, "consoles/other", "password"));
      assert.equal(other.ok, false);
      assert.equal(other.code, "origin_refused", JSON.stringify(other));
      await press(page, "Enter");
      await waitFor(() => server.hashes().length === n + 1, { what: "the empty line" });
      assert.equal(server.hashes()[n], sha256(""), "nothing was typed");
      await page.close();
    });

    async function openVnc() {
      const { vnc } = consoles;
      const opened = await openPage(vnc.url, { spy: true });
      // Connected: RFB sized its canvas to the remote screen.
      await waitFor(() => opened.page.evaluate(() => (document.querySelector("canvas")?.width ?? 0) > 0).catch(() => false), { what: "noVNC's canvas" });
      await waitFor(() => vnc.prompts() >= 1, { what: "the reader's first prompt in the VNC xterm" });
      // The person clicks into the console: noVNC focuses its canvas and moves the remote pointer onto the xterm.
      await clickAt(opened.page, "canvas", 300, 200);
      return opened;
    }

    test(`[${kind}] noVNC: every printable ASCII character and a space arrive exactly through a VNC server, ${ROUNDS} times`, T, async () => {
      const { vnc } = consoles;
      const { page, tabId } = await openVnc();
      const started = Date.now();
      for (let i = 0; i < ROUNDS; i++) {
        const n = vnc.hashes().length;
        await waitFor(() => vnc.prompts() >= n + 1, { what: "the reader's prompt" });
        await settle();
        const { result } = await withPin(() => type(tabId, "consoles/vnc", "password"));
        assert.equal(result.ok, true, JSON.stringify(result));
        assert.equal(result.kind, "novnc");
        await press(page, "Enter");
        await waitFor(() => vnc.hashes().length === n + 1, { what: `round ${i + 1}: the line read through VNC` });
        assert.equal(vnc.hashes()[n], sha256(ALL_ASCII), `round ${i + 1}: the reader got exactly the password`);
      }
      console.log(`# [${kind}] novnc: ${ROUNDS} × ${ALL_ASCII.length} characters in ${Date.now() - started} ms`);
      await hygiene(page, ALL_ASCII.slice(10));
      await page.screenshot(`${kind}-both-console-novnc`);
      await page.close();
    });

    test(`[${kind}] noVNC: a non-ASCII password is refused before any key is sent, with the reason`, T, async () => {
      const { vnc } = consoles;
      const { page, tabId } = await openVnc();
      const n = vnc.hashes().length;
      await waitFor(() => vnc.prompts() >= n + 1, { what: "the reader's prompt" });
      await settle();
      const { result: r } = await withPin(() => type(tabId, "consoles/vnc-accent", "password"));
      assert.equal(r.ok, false);
      assert.equal(r.code, "not_typable", JSON.stringify(r));
      assert.match(r.message, /VNC console takes only the printable ASCII characters/);
      assert.ok(!r.message.includes("ä"), "the reason never shows the secret's character");
      await press(page, "Enter");
      await waitFor(() => vnc.hashes().length === n + 1, { what: "the empty line" });
      assert.equal(vnc.hashes()[n], sha256(""), "nothing was typed before the refusal");
      await page.close();
    });

    test(`[${kind}] Shell In A Box: every printable ASCII character and a space arrive exactly, ${ROUNDS} times`, T, async () => {
      const { sib } = consoles;
      const { page, tabId } = await openPage(sib.url, { spy: true });
      await waitFor(() => sib.prompts() >= 1, { what: "the reader's first prompt in Shell In A Box" });
      await page.click("#console");
      const started = Date.now();
      for (let i = 0; i < ROUNDS; i++) {
        const n = sib.hashes().length;
        await waitFor(() => sib.prompts() >= n + 1, { what: "the reader's prompt" });
        await settle();
        const { result } = await withPin(() => type(tabId, "consoles/sib", "password"));
        assert.equal(result.ok, true, JSON.stringify(result));
        assert.equal(result.kind, "shellinabox");
        await press(page, "Enter");
        await waitFor(() => sib.hashes().length === n + 1, { what: `round ${i + 1}: the line read through Shell In A Box` });
        assert.equal(sib.hashes()[n], sha256(ALL_ASCII), `round ${i + 1}: the reader got exactly the password`);
      }
      console.log(`# [${kind}] shellinabox: ${ROUNDS} × ${ALL_ASCII.length} characters in ${Date.now() - started} ms`);
      await hygiene(page, ALL_ASCII.slice(10));
      await page.screenshot(`${kind}-both-console-shellinabox`);
      await page.close();
    });
  });
}
