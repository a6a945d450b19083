// Typing credentials into consoles that have no login form (issue 16), end to
// end on real parts: an xterm.js page (npm @xterm/xterm) attached to a real
// pseudo-terminal running a program that reads lines without echo (getpass)
// and records the SHA-256 of each; Debian's noVNC (vnc_lite.html) through
// websockify to TigerVNC's Xvnc showing an xterm that runs the same program;
// Debian's Shell In A Box running it too; a pass store made by `pass` and GnuPG on
// the virtual card; Chromium with the real host. Driven as the popup does,
// with `credentials.type` from an extension page. Proves exact arrival of
// every printable ASCII character and a space, 50 times; username ⇥ password
// ⏎; oathtool's TOTP code, alone and as the second step of a password-then-code
// login; refusals (another origin, no console focused, an
// element that is not a console) before any PIN; a clipboard that stays
// untouched; no trace of the secret in the page's DOM.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_ID, launchChromium, requireBuilt, screenshot, tempDir, waitFor } from "./lib.mjs";
import { ALL_ASCII, PIN, TOTP_SECRET, cardKeyFingerprint, fillConsoleStore, gpg, sha256, startConsoles } from "./console-lib.mjs";
import { CLIPBOARD_SPY_JS } from "./fixtures/console/console-server.mjs";

const ROUNDS = 50;
const CLIPBOARD_SENTINEL = "clipboard-before-typing";

describe("console typing: xterm.js on a real pty, noVNC on a real VNC server, Shell In A Box, a pass store on the virtual card", () => {
  let browser;
  let server;
  let login;
  let vnc;
  let sib;
  let ext;
  let store;
  let dataDir;
  let consoles;

  const request = (message) => ext.evaluate((m) => chrome.runtime.sendMessage(m), message);
  // The tab by its exact URL, as the worker sees it (webNavigation: tabs.query has no URLs without the tabs permission).
  const tabIdOf = (url) =>
    ext.evaluate(async (u) => {
      for (const t of await chrome.tabs.query({})) {
        const frames = (await chrome.webNavigation.getAllFrames({ tabId: t.id })) ?? [];
        if (frames.some((f) => f.frameId === 0 && f.url === u)) return t.id;
      }
      return undefined;
    }, url);
  const prompts = () => server.transcript().split("Password: ").length - 1;

  /** Answers the PIN window if one opens while `fn` runs; returns fn's result and whether it opened. */
  async function withPin(fn) {
    let opened = false;
    const onPage = async (p) => {
      await p.waitForURL(/\/pin\/pin\.html/, { timeout: 30_000 }).catch(() => {});
      if (!p.url().includes("/pin/pin.html")) return;
      opened = true;
      await p.waitForSelector('body[data-state="ready"]');
      await p.fill('[data-testid="pin-input"]', PIN);
      await p.click('[data-testid="pin-submit"]');
    };
    browser.context.on("page", onPage);
    try {
      return { result: await fn(), opened };
    } finally {
      browser.context.off("page", onPage);
    }
  }

  async function openConsole(on = server) {
    const page = await browser.context.newPage();
    await page.goto(`${on.origin}/xterm`);
    await page.waitForSelector(".xterm-helper-textarea", { state: "attached" });
    await waitFor(() => on.transcript().includes("Password: "), { what: "the reader's first prompt" });
    // The person clicks into the terminal (xterm focuses its helper textarea).
    await page.click("#term");
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: on.origin });
    await page.evaluate((s) => navigator.clipboard.writeText(s), CLIPBOARD_SENTINEL);
    await page.evaluate(() => (window.__clipboard.length = 0));
    return { page, tabId: await tabIdOf(`${on.origin}/xterm`) };
  }

  /**
   * Types `what` and waits until the reader has read one more line and prompts
   * again. Only "username ⇥ password ⏎" ends with Enter; after the others the
   * person presses Enter (here: a real key press through the browser).
   */
  async function typeAndRead(page, tabId, path, what) {
    const before = server.hashes().length;
    const beforePrompts = prompts();
    const { result } = await withPin(() => request({ type: "credentials.type", tabId, store: "default", path, what }));
    assert.equal(result.ok, true, JSON.stringify(result));
    if (what !== "username_tab_password_enter") await page.keyboard.press("Enter");
    await waitFor(() => server.hashes().length === before + 1 && prompts() === beforePrompts + 1, {
      what: "the reader to read the typed line and prompt again",
    });
    return { result, hash: server.hashes()[before] };
  }

  before(async () => {
    requireBuilt({ host: true });
    const alice = cardKeyFingerprint();
    store = tempDir("console-store");
    dataDir = tempDir("console-data");
    consoles = await startConsoles(dataDir);
    ({ server, login, vnc, sib } = consoles);
    fillConsoleStore(store, alice, consoles);
    process.env.PASSWORD_STORE_DIR = store;
    process.env.TESSERA_DATA_DIR = dataDir;
    browser = await launchChromium({ host: true });
    ext = await browser.context.newPage();
    await ext.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
    const imported = await request({ type: "keyring.import", text: gpg(["--armor", "--export", alice]) });
    assert.equal(imported.ok, true, JSON.stringify(imported));
  });

  after(async () => {
    await browser?.close();
    await consoles?.close();
    delete process.env.PASSWORD_STORE_DIR;
    delete process.env.TESSERA_DATA_DIR;
    for (const dir of [store, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("refused before any PIN: a page with no focused console, an element that is not a console", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/plain`);
    const tabId = await tabIdOf(`${server.origin}/plain`);
    const { result: none, opened: pin1 } = await withPin(() =>
      request({ type: "credentials.type", tabId, store: "default", path: "consoles/term", what: "password" }),
    );
    assert.equal(none.ok, false);
    assert.equal(none.code, "no_console", JSON.stringify(none));
    assert.match(none.message, /no console is focused/);
    await page.click("#notes");
    const { result: notConsole, opened: pin2 } = await withPin(() =>
      request({ type: "credentials.type", tabId, store: "default", path: "consoles/term", what: "password" }),
    );
    assert.equal(notConsole.code, "no_console", JSON.stringify(notConsole));
    assert.match(notConsole.message, /textarea\) is not a console/);
    assert.equal(pin1 || pin2, false, "no PIN asked when there is nothing to type into");
    assert.equal(await page.inputValue("#notes"), "");
    await page.close();
  });

  test(`xterm.js: every printable ASCII character and a space arrive exactly, ${ROUNDS} times in a row`, async () => {
    const { page, tabId } = await openConsole();
    const expected = sha256(ALL_ASCII);
    const started = Date.now();
    for (let i = 0; i < ROUNDS; i++) {
      const { result, hash } = await typeAndRead(page, tabId, "consoles/term", "password");
      assert.equal(result.kind, "xterm");
      assert.equal(result.typed, ALL_ASCII.length);
      assert.ok(!JSON.stringify(result).includes(ALL_ASCII.slice(20, 40)), "the reply carries no secret");
      assert.equal(hash, expected, `round ${i + 1}: the reader got exactly the password`);
    }
    console.log(`# xterm: ${ROUNDS} × ${ALL_ASCII.length} characters in ${Date.now() - started} ms`);
    // Hygiene: no trace in the page's DOM, nothing on or through the clipboard.
    const trace = await page.evaluate((secret) => {
      const html = document.documentElement.outerHTML;
      const values = [...document.querySelectorAll("input, textarea")].map((e) => e.value);
      return { inHtml: html.includes(secret), values, clipboard: window.__clipboard };
    }, ALL_ASCII.slice(10));
    assert.equal(trace.inHtml, false);
    assert.deepEqual(trace.values, [""], "xterm's helper textarea holds nothing");
    assert.deepEqual(trace.clipboard, [], "no copy, cut or clipboard write seen by the page");
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), CLIPBOARD_SENTINEL, "the clipboard is as it was");
    await screenshot(page, "console-xterm-typed");
    await page.close();
  });

  test("xterm.js: username ⇥ password ⏎ as one line; the TOTP code is oathtool's", async () => {
    const { page, tabId } = await openConsole();
    const { hash } = await typeAndRead(page, tabId, "consoles/term", "username_tab_password_enter");
    assert.equal(hash, sha256(`root\t${ALL_ASCII}`));
    const oath = () => execFileSync("oathtool", ["--totp", "-b", TOTP_SECRET], { encoding: "utf8" }).trim();
    const before = oath();
    // The OTP is one line of its own: the person presses Enter after the code (here: the test, through xterm's input).
    const { result } = await withPin(() => request({ type: "credentials.type", tabId, store: "default", path: "consoles/term", what: "otp" }));
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.typed, 6);
    const n = server.hashes().length;
    await page.keyboard.press("Enter");
    await waitFor(() => server.hashes().length === n + 1, { what: "the code's line" });
    const after = oath();
    assert.ok([sha256(before), sha256(after)].includes(server.hashes()[n]), "the code typed is oathtool's");
    await page.close();
  });

  test("a password-then-code login (as sshd with pam_oath asks) accepts the password and the TOTP code Tessera types", async () => {
    const { page, tabId } = await openConsole(login);
    const verdicts = () => readFileSync(join(dataDir, "login-verdicts"), { encoding: "utf8", flag: "a+" }).split("\n").filter(Boolean);
    const codePrompts = () => login.transcript().split("Verification code: ").length - 1;
    const step = async (what) => {
      const { result } = await withPin(() => request({ type: "credentials.type", tabId, store: "default", path: "consoles/login", what }));
      assert.equal(result.ok, true, JSON.stringify(result));
      await page.keyboard.press("Enter");
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
    await page.close();
  });

  test("refused: an entry bound to another origin, an unknown request; a terminal types non-ASCII as it is", async () => {
    const { page, tabId } = await openConsole();
    const n = server.hashes().length;
    // The first use asks the PIN (the binding is read from the entry); later ones refuse before it.
    const { result: other } = await withPin(() => request({ type: "credentials.type", tabId, store: "default", path: "consoles/other", what: "password" }));
    assert.equal(other.ok, false);
    assert.equal(other.code, "origin_refused", JSON.stringify(other));
    // A terminal takes non-ASCII text (UTF-8 through the pty): typed as it is.
    const { hash } = await typeAndRead(page, tabId, "consoles/accent", "password");
    assert.equal(hash, sha256("pässword"));
    const bad = await request({ type: "credentials.type", tabId, store: "default", path: "consoles/term", what: "nonsense" });
    assert.equal(bad.code, "bad_request");
    assert.equal(server.hashes().length, n + 1, "nothing else reached the reader");
    await page.close();
  });

  test("popup: the entry bound to the console's page has Type buttons; a click types into the console clicked last", async () => {
    const { page, tabId } = await openConsole();
    // The popup marks an entry whose url: line it has read once (an entry's name here holds no host).
    await typeAndRead(page, tabId, "consoles/term", "password");
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${CHROMIUM_ID}/popup/popup.html?tab=${tabId}`);
    const row = popup.locator('[data-testid="cred-entry"][data-entry="default:consoles/term"]');
    await row.locator('[data-testid="cred-type-password"]').waitFor();
    assert.equal(await popup.locator('[data-entry="default:consoles/other"] [data-testid="cred-type"]').count(), 0, "no Type buttons for an entry of another site");
    const n = server.hashes().length;
    await row.locator('[data-testid="cred-type-password"]').click();
    await popup.waitForFunction(() => /^Typed 95 characters/.test(document.querySelector('[data-testid="cred-status"]')?.textContent ?? ""));
    await page.keyboard.press("Enter");
    await waitFor(() => server.hashes().length === n + 1, { what: "the line typed from the popup" });
    assert.equal(server.hashes()[n], sha256(ALL_ASCII));
    await screenshot(popup, "console-popup-type-buttons");
    await popup.close();
    await page.close();
  });

  async function openVnc() {
    const page = await browser.context.newPage();
    await page.addInitScript(CLIPBOARD_SPY_JS);
    await page.goto(vnc.url);
    // Connected: RFB sized its canvas to the remote screen.
    await page.waitForFunction(() => (document.querySelector("canvas")?.width ?? 0) > 0, null, { timeout: 15_000 });
    await waitFor(() => vnc.prompts() >= 1, { what: "the reader's first prompt in the VNC xterm" });
    // The person clicks into the console: noVNC focuses its canvas and moves the remote pointer onto the xterm.
    await page.click("canvas", { position: { x: 300, y: 200 } });
    return { page, tabId: await tabIdOf(vnc.url) };
  }

  test(`noVNC: every printable ASCII character and a space arrive exactly through a VNC server, ${ROUNDS} times, no key dropped or doubled`, async () => {
    const { page, tabId } = await openVnc();
    const expected = sha256(ALL_ASCII);
    const started = Date.now();
    let typing = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const n = vnc.hashes().length;
      await waitFor(() => vnc.prompts() >= n + 1, { what: "the reader's prompt" });
      // getpass turns echo off, flushing input, right after the marker: let it reach its read.
      await new Promise((ok) => setTimeout(ok, 150));
      const t0 = Date.now();
      const { result } = await withPin(() => request({ type: "credentials.type", tabId, store: "default", path: "consoles/vnc", what: "password" }));
      typing += Date.now() - t0;
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.kind, "novnc");
      await page.keyboard.press("Enter");
      await waitFor(() => vnc.hashes().length === n + 1, { what: `round ${i + 1}: the line read through VNC` });
      assert.equal(vnc.hashes()[n], expected, `round ${i + 1}: the reader got exactly the password`);
    }
    console.log(`# novnc: ${ROUNDS} × ${ALL_ASCII.length} characters in ${Date.now() - started} ms (${typing} ms in credentials.type)`);
    const trace = await page.evaluate(
      (secret) => ({ inHtml: document.documentElement.outerHTML.includes(secret), clipboard: window.__clipboard }),
      ALL_ASCII.slice(10),
    );
    assert.equal(trace.inHtml, false);
    assert.deepEqual(trace.clipboard, [], "no copy, cut or clipboard write seen by the page");
    await screenshot(page, "console-novnc-typed");
    await page.close();
  });

  test("noVNC: a non-ASCII password is refused before any key is sent, with the reason", async () => {
    const { page, tabId } = await openVnc();
    const n = vnc.hashes().length;
    const { result: r } = await withPin(() => request({ type: "credentials.type", tabId, store: "default", path: "consoles/vnc-accent", what: "password" }));
    assert.equal(r.ok, false);
    assert.equal(r.code, "not_typable", JSON.stringify(r));
    assert.match(r.message, /VNC console takes only the printable ASCII characters/);
    assert.ok(!r.message.includes("ä"), "the reason never shows the secret's character");
    await page.keyboard.press("Enter");
    await waitFor(() => vnc.hashes().length === n + 1, { what: "the empty line" });
    assert.equal(vnc.hashes()[n], sha256(""), "nothing was typed before the refusal");
    await page.close();
  });

  test("noVNC: Escape in the page stops typing between two keys", async () => {
    const { page, tabId } = await openVnc();
    const n = vnc.hashes().length;
    await waitFor(() => vnc.prompts() >= n + 1, { what: "the reader's prompt" });
    await new Promise((ok) => setTimeout(ok, 150));
    // 2,000 characters take seconds to type over VNC: the person presses Escape after about one.
    // Opened once first (PIN, if this test runs alone), so the Escape falls in the typing itself.
    await withPin(() => request({ type: "credentials.type", tabId, store: "default", path: "consoles/vnc-long", what: "username" }));
    const started = Date.now();
    const typing = request({ type: "credentials.type", tabId, store: "default", path: "consoles/vnc-long", what: "password" });
    await new Promise((ok) => setTimeout(ok, 1500));
    await page.keyboard.press("Escape");
    const r = await typing;
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.equal(r.code, "cancelled");
    assert.ok(Date.now() - started < 6000, "stopped, not typed to the end");
    // What was typed before Escape ends the line; it is not the whole password.
    await page.keyboard.press("Enter");
    await waitFor(() => vnc.hashes().length === n + 1, { what: "the cut line" });
    assert.notEqual(vnc.hashes()[n], sha256("abcdefghij".repeat(200)));
    await page.close();
  });

  test(`Shell In A Box: every printable ASCII character and a space arrive exactly, ${ROUNDS} times; non-ASCII text too`, async () => {
    const page = await browser.context.newPage();
    await page.addInitScript(CLIPBOARD_SPY_JS);
    await page.goto(sib.url);
    await waitFor(() => sib.prompts() >= 1, { what: "the reader's first prompt in Shell In A Box" });
    await page.click("#console");
    const tabId = await tabIdOf(sib.url);
    const started = Date.now();
    const round = async (path, expected, i) => {
      const n = sib.hashes().length;
      await waitFor(() => sib.prompts() >= n + 1, { what: "the reader's prompt" });
      await new Promise((ok) => setTimeout(ok, 150)); // getpass flushes input as it turns echo off
      const { result } = await withPin(() => request({ type: "credentials.type", tabId, store: "default", path, what: "password" }));
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.kind, "shellinabox");
      await page.keyboard.press("Enter");
      await waitFor(() => sib.hashes().length === n + 1, { what: `round ${i + 1}: the line read through Shell In A Box` });
      assert.equal(sib.hashes()[n], expected, `round ${i + 1}: the reader got exactly the password`);
    };
    for (let i = 0; i < ROUNDS; i++) await round("consoles/sib", sha256(ALL_ASCII), i);
    console.log(`# shellinabox: ${ROUNDS} × ${ALL_ASCII.length} characters in ${Date.now() - started} ms`);
    await round("consoles/sib-accent", sha256("pässword"), ROUNDS);
    const trace = await page.evaluate(
      (secret) => ({
        inHtml: document.documentElement.outerHTML.includes(secret),
        values: [...document.querySelectorAll("input")].map((e) => e.value).filter((v) => v.includes(secret)),
        clipboard: window.__clipboard,
      }),
      ALL_ASCII.slice(10),
    );
    assert.equal(trace.inHtml, false);
    assert.deepEqual(trace.values, []);
    assert.deepEqual(trace.clipboard, [], "no copy, cut or clipboard write seen by the page");
    await screenshot(page, "console-shellinabox-typed");
    await page.close();
  });
});
