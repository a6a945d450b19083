// One click fills and submits every fixture login, through the whole path:
// the popup's "fill best match" button → background (store on the virtual
// card through the real host, origin binding in the wasm core) → the content
// script in the right frame → the fixture server, which must receive exactly
// the stored credentials. The store is made by the real `pass` with GnuPG,
// encrypted to the card's key; every entry says `autosubmit: true`.
// Run under scripts/lib/with-virtual-card.sh.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_ID, requireBuilt, tempDir, testCard, waitFor } from "./lib.mjs";
import { openLogin, seenMessages, startAutofillSite } from "./autofill-lib.mjs";

const PIN = process.env.TESSERA_TEST_USER_PIN ?? "123456";
const USER = "alice@example.test";
const TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const T = { timeout: 90_000 };

/** Fixture page per entry host, and the password stored for it. */
const LOGINS = {
  "classic.example.test": { page: "/classic", password: "classic pw&=é🔑\"'<" },
  "shadow.example.test": { page: "/shadow", password: "shadow-pw-2" },
  "iframe.example.test": { page: "/iframe", frame: "/frame/login", password: "iframe-pw-3" },
  "react.example.test": { page: "/react", password: "react pw ✓ 4" },
  "vue.example.test": { page: "/vue", password: "vue pw ✓ 7" },
  "formless.example.test": { page: "/formless", password: "formless-pw-5" },
  "spa.example.test": { page: "/spa-steps", password: "spa-pw-6" },
};

function gnupgHome() {
  const home = process.env.TESSERA_TEST_GNUPGHOME;
  if (!home) throw new Error("TESSERA_TEST_GNUPGHOME is not set: run under scripts/lib/with-virtual-card.sh");
  return home;
}

function pass(store, args, input) {
  return execFileSync("pass", args, {
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, GNUPGHOME: gnupgHome(), PASSWORD_STORE_DIR: store, PASSWORD_STORE_GPG_OPTS: "--trust-model always" },
  });
}

describe("autofill: one click in the popup fills and submits each fixture login", () => {
  let env;
  let site;
  let context;
  let store;
  let dataDir;

  let pinPrompts = 0;
  const at = (endpoint, host) => site.received.filter((r) => r.endpoint === endpoint && r.host === host);

  before(async () => {
    requireBuilt({ host: true });
    const colons = execFileSync("gpg", ["--homedir", gnupgHome(), "--batch", "--with-colons", "--fingerprint", "--list-keys", testCard().decryption.fingerprint], {
      encoding: "utf8",
    });
    const alice = /^fpr:+([0-9A-F]{40,64}):/m.exec(colons)[1];
    store = tempDir("autofill-store");
    pass(store, ["init", alice]);
    for (const [host, { password }] of Object.entries(LOGINS)) {
      pass(store, ["insert", "-m", `web/${host}`], `${password}\nlogin: ${USER}\nurl: https://${host}\nautosubmit: true\n`);
    }
    pass(store, ["insert", "-m", "web/otp.example.test"], `otp-pw\nurl: https://otp.example.test\nautosubmit: true\notpauth://totp/Otp:alice?secret=${TOTP_SECRET}&period=30&digits=6\n`);
    // The host that Chromium starts inherits these: this store and no soft token.
    process.env.PASSWORD_STORE_DIR = store;
    dataDir = tempDir("autofill-data");
    process.env.TESSERA_DATA_DIR = dataDir;
    env = await startAutofillSite({ host: true });
    ({ site } = env);
    ({ context } = env.browser);
    // Tessera reads which card key opens the store from its keyring: Alice's public key goes in first.
    const options = await context.newPage();
    await options.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
    const armored = execFileSync("gpg", ["--homedir", gnupgHome(), "--batch", "--armor", "--export", alice], { encoding: "utf8" });
    const imported = await options.evaluate((text) => chrome.runtime.sendMessage({ type: "keyring.import", text }), armored);
    assert.equal(imported.ok, true, JSON.stringify(imported));
    await options.close();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: site.url });
    const plain = await context.newPage();
    await plain.goto(`${site.url}/_plain`);
    await plain.evaluate(() => navigator.clipboard.writeText("autofill-fill-sentinel"));
    await plain.close();
  });

  after(async () => {
    await env?.close();
    delete process.env.PASSWORD_STORE_DIR;
    delete process.env.TESSERA_DATA_DIR;
    for (const dir of [store, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the popup for `tabId` and clicks "fill best match"; answers the PIN prompt when it comes. */
  async function clickFillBest(tabId, entry, arrived) {
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${CHROMIUM_ID}/popup/popup.html?tab=${tabId}`);
    // The best match is listed first, and it is the entry for this site.
    const first = await popup.waitForSelector('[data-testid="cred-entry"]');
    assert.equal(await first.getAttribute("data-entry"), `default:${entry}`);
    const pinPage = context.waitForEvent("page", { predicate: (p) => p.url().includes("/pin/pin.html"), timeout: 30_000 }).catch(() => null);
    await popup.click('[data-testid="cred-fill-best"]');
    // The first fill asks for the PIN; later ones (PIN cached by the host) go straight to the page.
    const pin = await Promise.race([pinPage, waitFor(arrived, { timeoutMs: 30_000, what: "the login POST" }).then(() => null, () => null)]);
    if (pin !== null) {
      pinPrompts++;
      await pin.waitForSelector('body[data-state="ready"]');
      const closed = pin.waitForEvent("close", { timeout: 30_000 });
      await pin.fill('[data-testid="pin-input"]', PIN);
      await pin.click('[data-testid="pin-submit"]');
      await closed;
    }
    return popup;
  }

  async function oneClick(host, endpoint, wantFields, { frame } = {}) {
    const { page: pagePath, frame: framePath } = LOGINS[host] ?? { page: "/split-otp" };
    const url = `https://${host}${pagePath}`;
    const frameUrl = framePath ? `https://${host}${framePath}` : url;
    const mark = (await seenMessages(env.browser.worker)).length;
    const { page, target } = await openLogin(context, env.browser.worker, url, { frameUrl });
    const popup = await clickFillBest(target.tabId, `web/${host}`, () => at(endpoint, host).length > 0);
    await waitFor(() => at(endpoint, host).length > 0, { timeoutMs: 30_000, what: `the ${endpoint} POST on ${host}` }).catch(
      async (e) => {
        throw new Error(`${e.message}; the popup says: ${await popup.textContent('[data-testid="cred-status"]')}`);
      },
    );
    assert.equal(at(endpoint, host).length, 1, "submitted once");
    assert.deepEqual(at(endpoint, host)[0].fields, wantFields);
    const result = frame ? page.frameLocator("iframe").locator("#result") : page.locator("#result");
    await result.waitFor();
    const saveReports = (await seenMessages(env.browser.worker)).slice(mark).filter((m) => m.type === "autofill.loginSubmitted");
    assert.deepEqual(saveReports, [], "Tessera's own submit is not reported for saving");
    // The popup refreshed after the fill: the PIN it asked for is now held by the helper.
    await waitFor(async () => /PIN already entered/.test((await popup.textContent('[data-testid="cred-token"]')) ?? ""), {
      what: "the popup's token line to say the PIN is entered",
    });
    await popup.close();
    await page.close();
  }

  test("classic form (decoys left alone)", T, async () => {
    const { password } = LOGINS["classic.example.test"];
    await oneClick("classic.example.test", "classic", { csrf: "csrf-123", login: USER, website: "", password, old: "" });
  });

  test("form inside an open shadow root", T, async () => {
    await oneClick("shadow.example.test", "shadow", { email: USER, pw: LOGINS["shadow.example.test"].password });
  });

  test("login in a same-origin iframe", T, async () => {
    await oneClick("iframe.example.test", "iframe", { user: USER, pass: LOGINS["iframe.example.test"].password }, { frame: true });
  });

  test("React-controlled form: the component's submit handler gets the values", T, async () => {
    await oneClick("react.example.test", "react", { username: USER, password: LOGINS["react.example.test"].password });
  });

  test("Vue v-model form: the component's data gets the values", T, async () => {
    await oneClick("vue.example.test", "vue", { username: USER, password: LOGINS["vue.example.test"].password });
  });

  test("form-less login", T, async () => {
    await oneClick("formless.example.test", "formless", { username: USER, password: LOGINS["formless.example.test"].password });
  });

  test("two steps in one page: the username is sent with Next, the password step that appears is filled and signed in", T, async () => {
    await oneClick("spa.example.test", "spa-steps", { username: USER, password: LOGINS["spa.example.test"].password });
  });

  test("split OTP boxes get the TOTP oathtool computes, one digit each", T, async () => {
    await waitFor(() => Date.now() % 30_000 < 20_000, { timeoutMs: 15_000, what: "a fresh TOTP window" });
    const start = Math.floor(Date.now() / 1000);
    const { page, target } = await openLogin(context, env.browser.worker, "https://otp.example.test/split-otp");
    const popup = await clickFillBest(target.tabId, "web/otp.example.test", () => at("split-otp", "otp.example.test").length > 0);
    await waitFor(() => at("split-otp", "otp.example.test").length > 0, { timeoutMs: 30_000, what: "the split OTP POST" });
    const codes = [start, Math.floor(Date.now() / 1000)].map((now) =>
      execFileSync("oathtool", ["--totp", "-b", TOTP_SECRET, `--now=@${now}`], { encoding: "utf8" }).trim(),
    );
    assert.ok(codes.includes(at("split-otp", "otp.example.test")[0].fields.otp), `${JSON.stringify(at("split-otp", "otp.example.test"))} vs ${codes}`);
    await page.waitForSelector("#result");
    await popup.close();
    await page.close();
  });

  test("the card's PIN was asked once, for the first fill", T, () => {
    assert.equal(pinPrompts, 1);
  });

  test("no page saw a clipboard call, and the clipboard still holds the sentinel", T, async () => {
    assert.deepEqual(site.clipboard, []);
    const plain = await context.newPage();
    await plain.goto(`${site.url}/_plain`);
    assert.equal(await plain.evaluate(() => navigator.clipboard.readText()), "autofill-fill-sentinel");
    await plain.close();
  });
});
