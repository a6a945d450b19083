// Credentials end to end: a password store made by the real `pass` with
// GnuPG, encrypted to the key on the virtual card, listed and filled by
// Tessera in Chromium (real host, real pcscd + card, the autofill fixture
// site on 127.0.0.1 under *.test names); a three-step login with TOTP filled
// and submitted by one action (the code equal to oathtool's); origin binding
// (http:, lookalike host); an entry Tessera saves from a submitted form opens
// with `pass show`. The fill is triggered the way background/credentials/
// README.md documents for tests: `credentials.*` messages from an extension page.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_ID, englishMessage, requireBuilt, screenshot, tempDir, testCard, waitFor } from "./lib.mjs";
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

// Stops gpg-agent and scdaemon, so the host has the card to itself and the
// next gpg starts both afresh. Killing scdaemon alone leaves the agent
// answering "Broken pipe" for seconds, which gpg reports as "No secret key"
// (scripts/lib/with-virtual-card.sh saw the same); a fresh agent starts in
// milliseconds.
function freeCard() {
  execFileSync("gpgconf", ["--homedir", gnupgHome(), "--kill", "all"]);
}

function pass(store, args, input = "") {
  if (args[0] !== "show") return passOnce(store, args, input);
  // `pass show` decrypts on the card. gpg's scdaemon, sharing the card with
  // the host, may miss it on a first try ("No secret key"); and whatever
  // happens, the card is left to the host afterwards.
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return passOnce(store, args, input);
      } catch (err) {
        if (attempt === 3) throw err;
        freeCard();
        execFileSync("sleep", ["1"]);
      }
    }
  } finally {
    freeCard();
  }
}

function passOnce(store, args, input) {
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
  let secondStore;
  let alice;
  let carolHome;
  let carolKey;
  let carol;

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
    pass(
      store,
      ["insert", "-m", "hotp.example.test"],
      `hotp-pw\nurl: https://hotp.example.test\nautosubmit: true\notpauth://hotp/H:alice?secret=${TOTP_SECRET}&counter=5\n`,
    );
    // A colleague, Carol, with her own GnuPG home; her public key goes into Tessera's keyring.
    carolHome = tempDir("carol-gpg");
    execFileSync("gpg", ["--homedir", carolHome, "--batch", "--passphrase", "", "--quick-gen-key", "Carol <carol@example.test>", "future-default", "default", "never"], { stdio: "pipe" });
    carolKey = execFileSync("gpg", ["--homedir", carolHome, "--batch", "--armor", "--export", "carol@example.test"], { encoding: "utf8" });
    carol = /^fpr:+([0-9A-F]{40,64}):/m.exec(execFileSync("gpg", ["--homedir", carolHome, "--with-colons", "--fingerprint", "--list-keys"], { encoding: "utf8" }))[1];
    // Carol knows Alice's public key; a team folder names both (as `pass init -p team` would write it).
    execFileSync("gpg", ["--homedir", carolHome, "--batch", "--import"], { input: gpg(["--armor", "--export", alice]), stdio: "pipe" });
    mkdirSync(join(store, "team"));
    writeFileSync(join(store, "team", ".gpg-id"), `${alice}\n${carol}\n`);
    // The host Chromium starts inherits these: this store, and no soft token (only the card).
    process.env.PASSWORD_STORE_DIR = store;
    // Several stores: a second one made by pass, and one whose folder is missing (reported, not fatal).
    secondStore = tempDir("pass-second");
    pass(secondStore, ["init", alice]);
    pass(secondStore, ["insert", "-m", "ops/intranet.example.test"], "ops-pw\nlogin: ops\n");
    process.env.TESSERA_STORES = `second=${secondStore}:gone=${secondStore}-missing`;
    dataDir = tempDir("data");
    process.env.TESSERA_DATA_DIR = dataDir;
    env = await startAutofillSite({ host: true });
    ({ site } = env);
    // A console on an IP address and port, named as admins name them: `IP:port/user`.
    pass(store, ["insert", "-m", `127.0.0.1:${site.https}/admin`], "ip-pw\nlogin: admin\n");
    ({ context } = env.browser);
    ext = await context.newPage();
    await ext.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
    // Tessera's keyring needs Alice's public key to encrypt what it saves.
    for (const text of [gpg(["--armor", "--export", alice]), carolKey]) {
      const imported = await request({ type: "keyring.import", text });
      assert.equal(imported.ok, true, JSON.stringify(imported));
    }
  });

  after(async () => {
    await env?.close();
    delete process.env.PASSWORD_STORE_DIR;
    delete process.env.TESSERA_DATA_DIR;
    delete process.env.TESSERA_STORES;
    if (secondStore) rmSync(secondStore, { recursive: true, force: true });
    if (carolHome) execFileSync("gpgconf", ["--homedir", carolHome, "--kill", "all"]);
    for (const dir of [store, dataDir, carolHome]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the store made by pass is listed, with the entries matching the tab first", async () => {
    const { target } = await openLogin(context, env.browser.worker, "https://console.example.test/classic");
    const r = await request({ type: "credentials.list", tabId: target.tabId });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.deepEqual(
      r.entries.map((e) => `${e.store}:${e.path}`).sort(),
      [
        `default:127.0.0.1:${site.https}/admin`,
        "default:hotp.example.test",
        "default:mail.example.test",
        "default:steps.example.test",
        "default:work/console.example.test",
        "second:ops/intranet.example.test",
      ],
    );
    assert.equal(r.entries[0].path, "work/console.example.test");
    assert.equal(r.entries[0].match, "path_host");
    assert.deepEqual(r.entries.filter((e) => e.match !== null).length, 1, "only the entry named for the tab's host matches");
    assert.deepEqual(r.problems.map((p) => [p.store, p.code]), [["gone", "store_not_found"]]);
    const card = testCard();
    assert.deepEqual(
      r.tokens.map((t) => [t.id.startsWith("card:"), t.label, t.pinNeeded]),
      [[true, `${card.cardholder} (${card.serial})`, true]],
      "the card is the token used, and a PIN will be asked",
    );
    assert.ok(!JSON.stringify(r).includes(CONSOLE_PW), "no secret in the listing");
  });

  /** Counts the PIN windows that open while `fn` runs. */
  async function pinWindowsDuring(fn) {
    const pins = new Set();
    const onPage = (p) => {
      if (p.url().includes("/pin/pin.html")) pins.add(p);
      p.once("load", () => {
        if (p.url().includes("/pin/pin.html")) pins.add(p);
      });
    };
    context.on("page", onPage);
    try {
      const result = await fn();
      await new Promise((ok) => setTimeout(ok, 500));
      return { result, opened: pins.size };
    } finally {
      context.off("page", onPage);
    }
  }

  test("honest matching: only what fills is marked; a page nothing fills says why and asks no PIN; an entry never opened is a possibility on http:", async () => {
    const ipEntry = `127.0.0.1:${site.https}/admin`;
    // The IP console's entry names the https port: on the http port nothing fills.
    const http = await openLogin(context, env.browser.worker, `http://127.0.0.1:${site.http}/classic`);
    const listed = await request({ type: "credentials.list", tabId: http.target.tabId });
    assert.equal(listed.ok, true, JSON.stringify(listed));
    assert.equal(listed.entries.filter((e) => e.match !== null).length, 0, JSON.stringify(listed.entries));
    const near = listed.entries.find((e) => e.path === ipEntry);
    assert.deepEqual([near.refusal, near.site], ["scheme", `https://127.0.0.1:${site.https}`]);
    const { result: best, opened } = await pinWindowsDuring(() => request({ type: "credentials.fillBest", tabId: http.target.tabId }));
    assert.equal(best.ok, false);
    assert.equal(best.code, "no_match");
    assert.equal(best.message, `no entry fills http://127.0.0.1:${site.http} (${ipEntry} fills https://127.0.0.1:${site.https} only)`);
    assert.equal(opened, 0, "no PIN window for a page nothing fills");
    // The popup says so before any click.
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${CHROMIUM_ID}/popup/popup.html?tab=${http.target.tabId}`);
    await popup.waitForSelector('[data-testid="cred-near-miss"][data-refusal="scheme"]');
    assert.equal(await popup.isVisible('[data-testid="cred-no-match"]'), true);
    assert.equal(await popup.textContent('[data-testid="cred-no-match"]'), englishMessage("credNoMatch").replace("$ORIGIN$", `http://127.0.0.1:${site.http}`));
    assert.equal(await popup.isDisabled('[data-testid="cred-fill-best"]'), true);
    await popup.close();
    // On its own origin it is marked, first, before any decryption.
    const https = await openLogin(context, env.browser.worker, `https://127.0.0.1:${site.https}/classic`);
    const there = await request({ type: "credentials.list", tabId: https.target.tabId });
    assert.deepEqual([there.entries[0].path, there.entries[0].match], [ipEntry, "path_host"]);
    // mail.example.test was never opened: its name means https, but a url: http:// line could bind it
    // to this http page. A possibility ("may fill"), never marked as a match.
    const mail = await openLogin(context, env.browser.worker, "http://mail.example.test/classic");
    const maybe = await request({ type: "credentials.list", tabId: mail.target.tabId });
    assert.deepEqual(
      maybe.entries.filter((e) => e.match !== null).map((e) => [e.path, e.match]),
      [["mail.example.test", "path_unverified"]],
    );
    for (const p of context.pages()) if (p !== ext) await p.close();
  });

  test("fill best match: PIN prompt, then the classic form is filled and the server gets exactly the credentials", async () => {
    const { page, target } = await openLogin(context, env.browser.worker, "https://console.example.test/classic");
    const filling = request({ type: "credentials.fillBest", tabId: target.tabId });
    const pin = await waitForPinPage(context);
    // The card's PIN, for this fill on this site.
    assert.equal(await pin.textContent('[data-testid="pin-purpose"]'), "Fill login for console.example.test");
    assert.equal(await pin.textContent('[data-testid="pin-title"]'), "Enter your PIN");
    assert.equal(await pin.getAttribute('[data-testid="pin-input"]', "inputmode"), "numeric");
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
  });
  test("cross-origin iframes: another site's frame in the entry's page never; the entry's frame in another site's page only after the popup's confirmation", async () => {
    const evilFrame = "https://login.evil.test/frame/login";
    const evil = await openLogin(context, env.browser.worker, `https://console.example.test/cross-origin?frame=${encodeURIComponent(evilFrame)}`, {
      frameUrl: evilFrame,
    });
    const refused = await request({ type: "credentials.fill", tabId: evil.target.tabId, store: "default", path: "work/console.example.test" });
    assert.equal(refused.ok, false, JSON.stringify(refused));
    assert.notEqual(refused.code, "needs_confirmation", "no confirmation is even offered");
    const evilValues = await evil.page.frames().find((f) => f.url() === evilFrame).evaluate(() => document.querySelector("[name=pass]").value);
    assert.equal(evilValues, "");

    const frameUrl = "https://console.example.test/frame/login";
    const { page, target } = await openLogin(
      context,
      env.browser.worker,
      `https://portal.evil.test/cross-origin?frame=${encodeURIComponent(frameUrl)}`,
      { frameUrl },
    );
    const frame = () => page.frames().find((f) => f.url() === frameUrl);
    const values = () => frame().evaluate(() => [document.querySelector("[name=user]").value, document.querySelector("[name=pass]").value]);
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${CHROMIUM_ID}/popup/popup.html?tab=${target.tabId}`);
    const row = await popup.waitForSelector('[data-testid="cred-entry"][data-entry="default:work/console.example.test"]');
    await (await row.$('[data-testid="cred-fill"]')).click();
    await popup.waitForSelector('[data-testid="cred-confirm"]:not([hidden])');
    assert.match(await popup.textContent('[data-testid="cred-confirm-text"]'), /https:\/\/console\.example\.test/);
    assert.deepEqual(await values(), ["", ""], "nothing filled before the confirmation");
    await screenshot(popup, "credentials-popup-confirm");
    await popup.click('[data-testid="cred-confirm-fill"]');
    await waitFor(async () => (await values())[1] !== "", { what: "the confirmed frame filled" });
    assert.deepEqual(await values(), ["alice@example.test", CONSOLE_PW]);
    assert.equal(at("iframe", "console.example.test").length, 0, "not submitted (no autosubmit)");
    await popup.close();
  });

  test("HOTP: the code is oathtool's for the stored counter, filled into split boxes and submitted; the counter is written back", async () => {
    const { target } = await openLogin(context, env.browser.worker, "https://hotp.example.test/split-otp");
    const r = await request({ type: "credentials.fillBest", tabId: target.tabId });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.deepEqual(r.frames[0].filled, ["otp"]);
    await waitFor(() => at("split-otp", "hotp.example.test").length === 1, { what: "the split OTP POST" });
    const want = execFileSync("oathtool", ["--hotp", "-b", TOTP_SECRET, "-c", "5"], { encoding: "utf8" }).trim();
    assert.equal(at("split-otp", "hotp.example.test")[0].fields.otp, want);
    const shown = pass(store, ["show", "hotp.example.test"]);
    assert.match(shown, /^otpauth:\/\/hotp\/H:alice\?secret=[A-Z2-7]+&counter=6$/m, shown.replace(/^.*\n/, "(password line hidden)\n"));
    assert.equal(shown.split("\n")[0], "hotp-pw", "the rest of the entry is kept");
  });

  test("share: an armored message only Carol opens, and a copy into the team folder encrypted to its .gpg-id", async () => {
    const r = await request({ type: "credentials.share", store: "default", path: "work/console.example.test", recipient: carol });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.match(r.armored, /^-----BEGIN PGP MESSAGE-----/);
    assert.ok(!r.armored.includes(CONSOLE_PW));
    const opened = execFileSync("gpg", ["--homedir", carolHome, "--batch", "--decrypt"], { input: r.armored, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    assert.equal(opened, `${CONSOLE_PW}\nlogin: alice@example.test\nurl: https://console.example.test\n`);

    const copy = await request({
      type: "credentials.shareToFolder", store: "default", path: "work/console.example.test", targetStore: "default", targetPath: "team/console.example.test",
    });
    assert.equal(copy.ok, true, JSON.stringify(copy));
    assert.deepEqual(copy.recipients, [alice, carol]);
    const file = `${store}/team/console.example.test.gpg`;
    const forCarol = execFileSync("gpg", ["--homedir", carolHome, "--batch", "--decrypt", file], { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    assert.equal(forCarol.split("\n")[0], CONSOLE_PW);
    // Addressed to exactly the folder's two people: Alice's card subkey and Carol's subkey.
    // (That GnuPG opens what Tessera encrypts to the card is shown by the save, HOTP and import tests.)
    const empty = tempDir("gpg-empty");
    const packets = spawnSync("gpg", ["--homedir", empty, "--batch", "--list-packets", file], { encoding: "utf8" }).stdout;
    rmSync(empty, { recursive: true, force: true });
    const keyids = [...packets.matchAll(/:pubkey enc packet: version \d+, algo \d+, keyid ([0-9A-F]{16})/g)].map((m) => m[1]).sort();
    const carolSub = /^sub:[^\n]*\nfpr:+([0-9A-F]+):/m.exec(execFileSync("gpg", ["--homedir", carolHome, "--with-colons", "--fingerprint", "--list-keys"], { encoding: "utf8" }))[1];
    assert.deepEqual(keyids, [testCard().decryption.fingerprint.slice(-16), carolSub.slice(-16)].sort(), packets);
  });

  test("import: an entry Carol encrypted to Alice is stored re-encrypted for the folder; a bad paste stores nothing", async () => {
    const text = "imported-pw\nlogin: alice\nurl: https://shared.example.test\n";
    const armored = execFileSync("gpg", ["--homedir", carolHome, "--batch", "--trust-model", "always", "--armor", "--encrypt", "-r", alice], {
      input: text,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });
    assert.match(armored, /BEGIN PGP MESSAGE/);
    const bad = await request({ type: "credentials.import", armored: "not a message", store: "default", path: "shared/bad" });
    assert.equal(bad.code, "not_a_message", JSON.stringify(bad));
    const r = await request({ type: "credentials.import", armored, store: "default", path: "shared/shared.example.test" });
    assert.equal(r.ok, true, JSON.stringify(r));
    // Stored for the root .gpg-id (Alice's card subkey only), and it reads back whole:
    // Tessera opens it with the card and shares it to Carol, whose gpg gets the exact text.
    const empty = tempDir("gpg-empty");
    const packets = spawnSync("gpg", ["--homedir", empty, "--batch", "--list-packets", join(store, "shared", "shared.example.test.gpg")], {
      encoding: "utf8",
    }).stdout;
    rmSync(empty, { recursive: true, force: true });
    const keyids = [...packets.matchAll(/:pubkey enc packet: version \d+, algo \d+, keyid ([0-9A-F]{16})/g)].map((m) => m[1]);
    assert.deepEqual(keyids, [testCard().decryption.fingerprint.slice(-16)], packets);
    const back = await request({ type: "credentials.share", store: "default", path: "shared/shared.example.test", recipient: carol });
    assert.equal(back.ok, true, JSON.stringify(back));
    const forCarol = execFileSync("gpg", ["--homedir", carolHome, "--batch", "--decrypt"], { input: back.armored, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    assert.equal(forCarol, text);
    const again = await request({ type: "credentials.import", armored, store: "default", path: "shared/shared.example.test" });
    assert.equal(again.code, "store_conflict", "an existing entry is never replaced by an import");
  });

  test("the popup's own controls: a save offer saved with its Save button, an entry shared with Carol from Share…", async () => {
    const { page, target } = await openLogin(context, env.browser.worker, "https://popup.example.test/classic");
    await page.fill("#login", "dora@example.test");
    await page.fill("#password", "dora-pw");
    await page.click('button[type="submit"]');
    await waitFor(() => at("classic", "popup.example.test").length === 1, { what: "the POST" });
    const popup = await context.newPage();
    await waitFor(
      async () => {
        await popup.goto(`chrome-extension://${CHROMIUM_ID}/popup/popup.html?tab=${target.tabId}`);
        return popup.waitForSelector('[data-testid="cred-offer"]', { timeout: 1_000 }).catch(() => null);
      },
      { what: "the save offer in the popup" },
    );
    const offerText = await popup.textContent('[data-testid="cred-offer"]');
    assert.match(offerText, /dora@example\.test/);
    assert.ok(!offerText.includes("dora-pw") && !(await popup.content()).includes("dora-pw"), "the password is nowhere in the popup");
    assert.equal(await popup.inputValue('[data-testid="cred-offer-path"]'), "popup.example.test");
    await popup.fill('[data-testid="cred-offer-path"]', "web/popup.example.test");
    await popup.click('[data-testid="cred-save"]');
    await popup.waitForSelector('[data-testid="cred-entry"][data-entry="default:web/popup.example.test"]');
    assert.match(await popup.textContent('[data-testid="cred-status"]'), /default:web\/popup\.example\.test/);

    const row = await popup.$('[data-testid="cred-entry"][data-entry="default:web/popup.example.test"]');
    await (await row.$('[data-testid="cred-share-open"]')).click();
    await popup.waitForSelector(`[data-testid="cred-share-recipient"] option[value="${carol}"]`, { state: "attached" });
    await popup.selectOption('[data-testid="cred-share-recipient"]', carol);
    await popup.click('[data-testid="cred-share-armored"]');
    await popup.waitForSelector('[data-testid="cred-share-output"]:not([hidden])');
    const armored = await popup.inputValue('[data-testid="cred-share-output"]');
    assert.match(armored, /^-----BEGIN PGP MESSAGE-----/);
    assert.ok(!(await popup.content()).includes("dora-pw"), "shared without showing the secret");
    const opened = execFileSync("gpg", ["--homedir", carolHome, "--batch", "--decrypt"], { input: armored, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    assert.equal(opened.split("\n")[0], "dora-pw");
    await screenshot(popup, "credentials-popup-share");
    await popup.close();
  });

  test("after a browser restart: entries known by their url: are still suggested, the IP console fills, and a known mismatch asks no PIN", async () => {
    const browser = await env.restart();
    ({ context } = browser);
    ext = await context.newPage();
    await ext.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
    const listedBefore = await (async () => {
      const { target } = await openLogin(context, browser.worker, "https://console.example.test/classic");
      return request({ type: "credentials.list", tabId: target.tabId });
    })();
    const consoleEntry = listedBefore.entries.find((e) => e.path === "work/console.example.test");
    assert.equal(consoleEntry.match, "url_exact", "known by its url: line across the restart");
    // A new host process: the PIN is not cached. A known mismatch is refused before any decryption.
    const http = await openLogin(context, browser.worker, "http://console.example.test/classic");
    const { result: refused, opened } = await pinWindowsDuring(() =>
      request({ type: "credentials.fill", tabId: http.target.tabId, store: "default", path: "work/console.example.test" }),
    );
    assert.equal(refused.ok, false);
    assert.equal(refused.code, "origin_refused");
    assert.match(refused.message, /does not fill on http:\/\/console\.example\.test/);
    assert.ok(!/Some\(|None/.test(refused.message), refused.message);
    assert.equal(opened, 0, "no PIN window for an entry known not to fill the page");
    // The IP console fills from its name (PIN asked once), then the index knows it.
    const ip = await openLogin(context, browser.worker, `https://127.0.0.1:${site.https}/classic`);
    const filling = request({ type: "credentials.fillBest", tabId: ip.target.tabId });
    const pin = await waitForPinPage(context);
    await pin.fill('[data-testid="pin-input"]', PIN);
    await pin.click('[data-testid="pin-submit"]');
    const filled = await filling;
    assert.equal(filled.ok, true, JSON.stringify(filled));
    assert.equal(filled.entry, `default:127.0.0.1:${site.https}/admin`);
    assert.deepEqual(await ip.page.evaluate(() => [document.querySelector("#login").value, document.querySelector("#password").value]), ["admin", "ip-pw"]);
  });

  test("the clipboard was never touched by any fixture page", () => {
    assert.deepEqual(site.clipboard, []);
  });
});
