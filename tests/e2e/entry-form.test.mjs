// First use without GnuPG, end to end in Chromium with the real host, core
// and virtual card: a fresh profile and no password store; the popup offers
// "Create my password store" (store.init for the key Tessera's keyring marks as
// the user's own), then its form adds an entry (generated password, url: the
// tab's origin); `pass show` with GnuPG and the card reads it; one click in the
// popup fills the fixture console's login with it. Then the entry is edited in
// the form (decrypted with the PIN) and a line the form does not show survives.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_ID, requireBuilt, screenshot, tempDir, testCard, waitFor } from "./lib.mjs";
import { openLogin, startAutofillSite } from "./autofill-lib.mjs";

const PIN = process.env.TESSERA_TEST_USER_PIN ?? "123456";

function gnupgHome() {
  const home = process.env.TESSERA_TEST_GNUPGHOME;
  if (!home) throw new Error("TESSERA_TEST_GNUPGHOME is not set: run under scripts/lib/with-virtual-card.sh");
  return home;
}

const gpg = (args) => execFileSync("gpg", ["--homedir", gnupgHome(), "--batch", "--no-tty", ...args], { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });

/** Leaves the card to the host: gpg-agent and scdaemon stopped (credentials.test.mjs says why). */
const freeCard = () => execFileSync("gpgconf", ["--homedir", gnupgHome(), "--kill", "all"]);

/** `pass` with GnuPG on the card (PIN by loopback); retried as credentials.test.mjs does. */
function passShow(store, name) {
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return execFileSync("pass", ["show", name], {
          encoding: "utf8",
          stdio: ["pipe", "pipe", "pipe"],
          env: {
            ...process.env,
            GNUPGHOME: gnupgHome(),
            PASSWORD_STORE_DIR: store,
            PASSWORD_STORE_GPG_OPTS: `--pinentry-mode loopback --passphrase ${PIN} --trust-model always`,
          },
        });
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

async function enterPin(context) {
  const page =
    context.pages().find((p) => p.url().includes("/pin/pin.html")) ??
    (await context.waitForEvent("page", { predicate: (p) => p.url().includes("/pin/pin.html"), timeout: 30_000 }));
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
  const closed = page.waitForEvent("close", { timeout: 20_000 });
  await page.fill('[data-testid="pin-input"]', PIN);
  await page.click('[data-testid="pin-submit"]');
  await closed;
}

describe("entry form: no store → create it in the popup → add an entry → pass show → one-click fill", () => {
  let env;
  let site;
  let context;
  let popup;
  let home;
  let store;
  let dataDir;
  let alice;
  let password;

  const at = (endpoint, host) => site.received.filter((r) => r.endpoint === endpoint && r.host === host);
  const statusText = () => popup.textContent('[data-testid="cred-status"]');

  before(async () => {
    requireBuilt({ host: true });
    const colons = gpg(["--with-colons", "--fingerprint", "--list-keys", testCard().decryption.fingerprint]);
    alice = /^fpr:+([0-9A-F]{40,64}):/m.exec(colons)[1];
    home = tempDir("entry-form");
    store = join(home, "no-store-yet");
    process.env.PASSWORD_STORE_DIR = store;
    process.env.TESSERA_STORES = ""; // only the default store, whatever ~/.config says
    dataDir = tempDir("data");
    process.env.TESSERA_DATA_DIR = dataDir;
    env = await startAutofillSite({ host: true });
    ({ site } = env);
    ({ context } = env.browser);
    // The user's own public key in Tessera's keyring (what the options page imports).
    const opts = await context.newPage();
    await opts.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
    const imported = await opts.evaluate((text) => chrome.runtime.sendMessage({ type: "keyring.import", text }), gpg(["--armor", "--export", alice]));
    assert.equal(imported.ok, true, JSON.stringify(imported));
    await opts.close();
  });

  after(async () => {
    await env?.close();
    delete process.env.PASSWORD_STORE_DIR;
    delete process.env.TESSERA_STORES;
    delete process.env.TESSERA_DATA_DIR;
    for (const dir of [home, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("create the store, add an entry with a generated password, pass shows it, one click fills it", async () => {
    const { page, target } = await openLogin(context, env.browser.worker, "https://console.example.test/classic");
    popup = await context.newPage();
    await popup.goto(`chrome-extension://${CHROMIUM_ID}/popup/popup.html?tab=${target.tabId}`);

    // No store: the popup offers to create it.
    await popup.waitForSelector('[data-testid="cred-store-setup"]:not([hidden])', { timeout: 15_000 });
    assert.equal(existsSync(store), false);
    await popup.click('[data-testid="cred-init-store"]');
    await waitFor(async () => (await statusText()).includes("Password store created"), { what: "the store-created status" });
    assert.equal(readFileSync(join(store, ".gpg-id"), "utf8"), `${alice}\n`);
    assert.equal(await popup.isHidden('[data-testid="cred-store-setup"]'), true);

    // The form: name and url from the tab, a generated password.
    await popup.click('[data-testid="cred-new"]');
    await popup.waitForSelector('[data-testid="cred-editor"]:not([hidden])');
    assert.equal(await popup.inputValue('[data-testid="cred-form-path"]'), "console.example.test");
    assert.equal(await popup.inputValue('[data-testid="cred-form-url"]'), "https://console.example.test");
    assert.equal(await popup.getAttribute('[data-testid="cred-form-password"]', "type"), "password");
    await popup.fill('[data-testid="cred-form-login"]', "alice@example.test");
    await popup.click('[data-testid="cred-form-generate"]');
    password = await popup.inputValue('[data-testid="cred-form-password"]');
    assert.equal(password.length, 20);
    assert.match(password, /[a-z]/);
    assert.match(password, /[A-Z]/);
    assert.match(password, /[0-9]/);
    // Shown only on request, and nowhere but in its input.
    await popup.click('[data-testid="cred-form-show"]');
    assert.equal(await popup.getAttribute('[data-testid="cred-form-password"]', "type"), "text");
    assert.ok(!(await popup.evaluate(() => document.body.innerText)).includes(password));
    await screenshot(popup, "entry-form-new");
    await popup.click('[data-testid="cred-form-save"]');
    await waitFor(async () => (await statusText()) === "Saved as default:console.example.test.", { what: "the saved status" });
    assert.equal(await popup.isHidden('[data-testid="cred-editor"]'), true);
    assert.equal(await popup.inputValue('[data-testid="cred-form-password"]'), "", "the input is emptied");
    assert.ok(!(await popup.content()).includes(password));

    // GnuPG with the card reads what Tessera wrote.
    const shown = passShow(store, "console.example.test");
    assert.equal(shown, `${password}\nlogin: alice@example.test\nurl: https://console.example.test\n`);

    // One click in the popup fills the console's login.
    const row = '[data-testid="cred-entry"][data-entry="default:console.example.test"]';
    await popup.waitForSelector(`${row} [data-testid="cred-match"]`, { timeout: 15_000 });
    await popup.click(`${row} [data-testid="cred-fill"]`);
    await enterPin(context);
    await waitFor(async () => (await statusText()).startsWith("Filled"), { timeoutMs: 20_000, what: "the filled status" });
    await page.click('button[type="submit"]');
    await waitFor(() => at("classic", "console.example.test").length === 1, { what: "the classic login POST" });
    const got = at("classic", "console.example.test")[0].fields;
    assert.equal(got.login, "alice@example.test");
    assert.equal(got.password, password);
  });

  test("edit in the form: the PIN-cached decryption fills it, lines it does not show are kept", async () => {
    // A line the form does not know, added by the user with pass (GnuPG on the card).
    execFileSync("pass", ["insert", "-m", "-f", "console.example.test"], {
      input: `${password}\nlogin: alice@example.test\nurl: https://console.example.test\nRecovery codes: 1111 2222\n`,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, GNUPGHOME: gnupgHome(), PASSWORD_STORE_DIR: store },
    });
    freeCard();
    await popup.reload();
    const row = '[data-testid="cred-entry"][data-entry="default:console.example.test"]';
    await popup.waitForSelector(row, { timeout: 15_000 });
    await popup.click(`${row} [data-testid="cred-edit"]`);
    await popup.waitForSelector('[data-testid="cred-editor"]:not([hidden])', { timeout: 30_000 });
    assert.equal(await popup.inputValue('[data-testid="cred-form-password"]'), password);
    assert.equal(await popup.inputValue('[data-testid="cred-form-login"]'), "alice@example.test");
    await popup.fill('[data-testid="cred-form-otp"]', "JBSWY3DPEHPK3PXP");
    await popup.check('[data-testid="cred-form-autosubmit"]');
    await popup.click('[data-testid="cred-form-save"]');
    await waitFor(async () => (await statusText()) === "Saved as default:console.example.test.", { what: "the saved edit" });
    const shown = passShow(store, "console.example.test");
    assert.equal(
      shown,
      `${password}\nlogin: alice@example.test\nurl: https://console.example.test\nRecovery codes: 1111 2222\n` +
        "otpauth://totp/console.example.test?secret=JBSWY3DPEHPK3PXP\nautosubmit: true\n",
    );
  });
});
