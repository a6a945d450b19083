// Credentials end to end: a password store made by the real `pass` with
// GnuPG, encrypted to the key on the virtual card, listed and filled by
// Tessera in Chromium (real host, real pcscd + card, the autofill fixture
// site on 127.0.0.1 under *.test names); a three-step login with TOTP filled
// and submitted by one action (the code equal to oathtool's); origin binding
// (http:, lookalike host); an entry Tessera saves from a submitted form opens
// with `pass show`. The fill is triggered the way background/credentials/
// README.md documents for tests: `credentials.*` messages from an extension page.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_ID, requireBuilt, screenshot, tempDir, testCard, waitFor } from "./lib.mjs";
import { openLogin, startAutofillSite } from "./autofill-lib.mjs";

const PIN = process.env.TESSERA_TEST_USER_PIN ?? "123456";
const TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const CONSOLE_PW = "Console pw&=é🔑\"'<";

function gnupgHome() {
  const home = process.env.TESSERA_TEST_GNUPGHOME;
  if (!home) throw new Error("TESSERA_TEST_GNUPGHOME is not set: run under scripts/lib/with-virtual-card.sh");
  return home;
}

function gpg(args, input) {
  return execFileSync("gpg", ["--homedir", gnupgHome(), "--batch", "--no-tty", ...args], {
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}

function pass(store, args, input = "") {
  return execFileSync("pass", args, {
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      GNUPGHOME: gnupgHome(),
      PASSWORD_STORE_DIR: store,
      // `pass show` decrypts on the card: the PIN through gpg-agent's loopback.
      PASSWORD_STORE_GPG_OPTS: `--pinentry-mode loopback --passphrase ${PIN} --trust-model always`,
    },
  });
}

async function waitForPinPage(context, timeoutMs = 30_000) {
  const existing = context.pages().find((p) => p.url().includes("/pin/pin.html"));
  const page = existing ?? (await context.waitForEvent("page", { predicate: (p) => p.url().includes("/pin/pin.html"), timeout: timeoutMs }));
  await page.waitForSelector('body[data-state="ready"]', { timeout: timeoutMs });
  return page;
}

describe("credentials: a pass store on the virtual card, filled in Chromium", () => {
  let env;
  let site;
  let context;
  let ext; // an extension page, to send credentials.* requests from
  let store;
  let dataDir;
  let alice;

  const request = (message) => ext.evaluate((m) => chrome.runtime.sendMessage(m), message);
  const at = (endpoint, host) => site.received.filter((r) => r.endpoint === endpoint && r.host === host);

  before(async () => {
    requireBuilt({ host: true });
    // The certificate whose encryption subkey is on the card (the home may hold others).
    const colons = gpg(["--with-colons", "--fingerprint", "--list-keys", testCard().decryption.fingerprint]);
    alice = /^fpr:+([0-9A-F]{40,64}):/m.exec(colons)[1];

    // The store, as a `pass` user has it: made by pass, encrypted by GnuPG to Alice's key.
    store = tempDir("pass-store");
    pass(store, ["init", alice]);
    pass(store, ["insert", "-m", "work/console.example.test"], `${CONSOLE_PW}\nlogin: alice@example.test\nurl: https://console.example.test\n`);
    pass(
      store,
      ["insert", "-m", "steps.example.test"],
      `steps-pw\nuser: alice@example.test\nautosubmit: true\notpauth://totp/Steps:alice?secret=${TOTP_SECRET}&issuer=Steps\n`,
    );
    pass(store, ["insert", "-m", "mail.example.test"], "mail-pw\n");
    // The host Chromium starts inherits these: this store, and no soft token (only the card).
    process.env.PASSWORD_STORE_DIR = store;
    dataDir = tempDir("data");
    process.env.TESSERA_DATA_DIR = dataDir;
    env = await startAutofillSite({ host: true });
    ({ site } = env);
    ({ context } = env.browser);
    ext = await context.newPage();
    await ext.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
    // Tessera's keyring needs Alice's public key to encrypt what it saves.
    const imported = await request({ type: "keyring.import", text: gpg(["--armor", "--export", alice]) });
    assert.equal(imported.ok, true, JSON.stringify(imported));
  });

  after(async () => {
    await env?.close();
    delete process.env.PASSWORD_STORE_DIR;
    delete process.env.TESSERA_DATA_DIR;
    for (const dir of [store, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the store made by pass is listed, with the entries matching the tab first", async () => {
    const { target } = await openLogin(context, env.browser.worker, "https://console.example.test/classic");
    const r = await request({ type: "credentials.list", tabId: target.tabId });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.deepEqual(
      r.entries.map((e) => e.path).sort(),
      ["mail.example.test", "steps.example.test", "work/console.example.test"],
    );
    assert.equal(r.entries[0].path, "work/console.example.test");
    assert.equal(r.entries[0].match, "path_host");
    const card = testCard();
    assert.deepEqual(
      r.tokens.map((t) => [t.id.startsWith("card:"), t.label, t.pinNeeded]),
      [[true, `${card.cardholder} (${card.serial})`, true]],
      "the card is the token used, and a PIN will be asked",
    );
    assert.ok(!JSON.stringify(r).includes(CONSOLE_PW), "no secret in the listing");
  });

  test("fill best match: PIN prompt, then the classic form is filled and the server gets exactly the credentials", async () => {
    const { page, target } = await openLogin(context, env.browser.worker, "https://console.example.test/classic");
    const filling = request({ type: "credentials.fillBest", tabId: target.tabId });
    const pin = await waitForPinPage(context);
    const closed = pin.waitForEvent("close", { timeout: 20_000 });
    await pin.fill('[data-testid="pin-input"]', PIN);
    await pin.click('[data-testid="pin-submit"]');
    await closed;
    const r = await filling;
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.entry, "default:work/console.example.test");
    assert.deepEqual(r.frames[0].filled.sort(), ["password", "username"]);
    assert.equal(r.frames[0].submitted, false, "no autosubmit: true in this entry");
    assert.ok(!JSON.stringify(r).includes(CONSOLE_PW));
    // Not submitted by Tessera: the user clicks Sign in.
    await page.click('button[type="submit"]');
    await waitFor(() => at("classic", "console.example.test").length === 1, { what: "the classic login POST" });
    const got = at("classic", "console.example.test")[0].fields;
    assert.equal(got.login, "alice@example.test");
    assert.equal(got.password, CONSOLE_PW);
    await screenshot(page, "credentials-classic-filled");
  });

  test("origin binding: the https entry does not fill on http: nor on a lookalike host", async () => {
    for (const url of ["http://console.example.test/classic", "https://console.example.test.evil.test/classic"]) {
      const { page, target } = await openLogin(context, env.browser.worker, url);
      const r = await request({ type: "credentials.fill", tabId: target.tabId, store: "default", path: "work/console.example.test" });
      assert.equal(r.ok, false, `${url}: ${JSON.stringify(r)}`);
      assert.equal(r.code, "origin_refused", `${url}: ${JSON.stringify(r)}`);
      const best = await request({ type: "credentials.fillBest", tabId: target.tabId });
      assert.equal(best.ok, false, `${url}: ${JSON.stringify(best)}`);
      await new Promise((ok) => setTimeout(ok, 300));
      assert.deepEqual(await page.evaluate(() => [document.querySelector("#login").value, document.querySelector("#password").value]), ["", ""], url);
    }
    assert.equal(at("classic", "console.example.test.evil.test").length, 0);
  });

  test("autosubmit: one action logs in through user → password → TOTP pages; the code is oathtool's", async () => {
    const { page, target } = await openLogin(context, env.browser.worker, "https://steps.example.test/steps/user");
    const r = await request({ type: "credentials.fillBest", tabId: target.tabId });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.entry, "default:steps.example.test");
    await waitFor(() => at("steps", "steps.example.test").length === 1, { timeoutMs: 20_000, what: "the three-step login" });
    const got = at("steps", "steps.example.test")[0].fields;
    assert.equal(got.username, "alice@example.test");
    assert.equal(got.password, "steps-pw");
    // The code of the 30 s window of the submission, or the one before (a window edge in between).
    const now = Math.floor(Date.now() / 1000);
    const codes = [0, 30].map((back) =>
      execFileSync("oathtool", ["--totp", "-b", TOTP_SECRET, `--now=@${now - back}`], { encoding: "utf8" }).trim(),
    );
    assert.ok(codes.includes(got.otp), `TOTP ${got.otp} is one of oathtool's ${codes.join(", ")}`);
    await page.waitForSelector("#result", { timeout: 10_000 });
  });

  test("save: a submitted new login is offered, saved encrypted to the folder's .gpg-id, and `pass show` decrypts it", async () => {
    const { page, target } = await openLogin(context, env.browser.worker, "https://new.example.test/classic");
    await page.fill("#login", "bob@example.test");
    await page.fill("#password", "brand-new-pw");
    await page.click('button[type="submit"]');
    await waitFor(() => at("classic", "new.example.test").length === 1, { what: "the new login POST" });
    const offer = await waitFor(
      async () => {
        const r = await request({ type: "credentials.list", tabId: target.tabId });
        return r.ok ? r.offers.find((o) => o.origin === "https://new.example.test") : undefined;
      },
      { what: "a save offer for https://new.example.test" },
    );
    assert.equal(offer.username, "bob@example.test");
    assert.ok(!("password" in offer), "the offer shown to the popup has no password");
    const saved = await request({ type: "credentials.save", offerId: offer.id, store: "default", path: "new.example.test" });
    assert.equal(saved.ok, true, JSON.stringify(saved));
    // GnuPG with the card (PIN by loopback) opens what Tessera wrote.
    const shown = pass(store, ["show", "new.example.test"]);
    assert.equal(shown.split("\n")[0], "brand-new-pw");
    assert.match(shown, /^login: bob@example\.test$/m);
    assert.match(shown, /^url: https:\/\/new\.example\.test$/m);
    execFileSync("gpgconf", ["--homedir", gnupgHome(), "--kill", "scdaemon"]); // leave the card to the host
  });
});
