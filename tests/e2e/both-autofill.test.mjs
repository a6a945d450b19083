// Autofill written once, run in Chromium and Firefox ESR (browsers/index.mjs): one click on
// the popup's "Fill best match" fills and submits fixture logins (classic, open shadow root,
// same-origin iframe, React, Vue, form-less, two steps in one page, split TOTP boxes) from a `pass` store
// GnuPG encrypted to the virtual card; the fixture server must receive exactly the stored
// values. Origin binding: the https entry is refused on http: and on a lookalike host; another
// site's frame in the entry's page is never filled, the entry's frame in another site's page
// only after the popup's confirmation. A login typed on a new site is offered and saved.
// Firefox reaches the *.test names through browsers/site-proxy.mjs. Real host, real wasm
// core, pcscd with the virtual card: run under scripts/lib/with-virtual-card.sh.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { launchWithSite, selectedBrowsers, tabIdOf } from "./browsers/index.mjs";
import { startFixtureServer } from "./fixtures/autofill/server.mjs";
import { requireBuilt, tempDir, testCard, waitFor } from "./lib.mjs";

const PIN = process.env.TESSERA_TEST_USER_PIN ?? "123456";
const USER = "alice@example.test";
const TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const T = { timeout: 90_000 };

/** Fixture page per entry host, and the password stored for it. */
const LOGINS = {
  "classic.example.test": { page: "/classic", password: "classic pw&=é🔑\"'<" },
  "shadow.example.test": { page: "/shadow", password: "shadow-pw-2" },
  "iframe.example.test": { page: "/iframe", password: "iframe-pw-3" },
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

/**
 * `pass show` decrypts on the card (PIN by gpg-agent's loopback). gpg's scdaemon, sharing the
 * card with the host, may miss it on a first try ("No secret key"); afterwards gpg-agent and
 * scdaemon are stopped so the host has the card to itself (as credentials.test.mjs does).
 */
function passShow(store, path) {
  const freeCard = () => execFileSync("gpgconf", ["--homedir", gnupgHome(), "--kill", "all"]);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return execFileSync("pass", ["show", path], {
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

for (const kind of selectedBrowsers()) {
  describe(`[${kind}] autofill: one click in the popup fills the fixture logins; origin binding`, () => {
    let site;
    let browser;
    let control; // the options page: an extension page to ask the browser for tab IDs and to send credentials.* requests
    let store;
    let dataDir;
    let pinPrompts = 0;
    const saved = { store: process.env.PASSWORD_STORE_DIR, data: process.env.TESSERA_DATA_DIR };
    const at = (endpoint, host) => site.received.filter((r) => r.endpoint === endpoint && r.host === host);

    before(async () => {
      requireBuilt({ host: true });
      const colons = execFileSync("gpg", ["--homedir", gnupgHome(), "--batch", "--with-colons", "--fingerprint", "--list-keys", testCard().decryption.fingerprint], {
        encoding: "utf8",
      });
      const alice = /^fpr:+([0-9A-F]{40,64}):/m.exec(colons)[1];
      store = tempDir(`both-autofill-store-${kind}`);
      pass(store, ["init", alice]);
      for (const [host, { password }] of Object.entries(LOGINS)) {
        pass(store, ["insert", "-m", `web/${host}`], `${password}\nlogin: ${USER}\nurl: https://${host}\nautosubmit: true\n`);
      }
      pass(store, ["insert", "-m", "web/otp.example.test"], `otp-pw\nurl: https://otp.example.test\nautosubmit: true\notpauth://totp/Otp:alice?secret=${TOTP_SECRET}&period=30&digits=6\n`);
      // The host the browser starts inherits these: this store and no soft token.
      process.env.PASSWORD_STORE_DIR = store;
      dataDir = tempDir(`both-autofill-data-${kind}`);
      process.env.TESSERA_DATA_DIR = dataDir;
      site = await startFixtureServer({ https: true });
      browser = await launchWithSite(kind, site, { host: true });
      control = await browser.openExtensionPage("options/options.html");
      // Tessera reads which card key opens the store from its keyring: Alice's public key goes in first.
      const armored = execFileSync("gpg", ["--homedir", gnupgHome(), "--batch", "--armor", "--export", alice], { encoding: "utf8" });
      const imported = await control.evaluate((text) => chrome.runtime.sendMessage({ type: "keyring.import", text }), armored);
      assert.equal(imported.ok, true, JSON.stringify(imported));
    }, T);

    after(async () => {
      await browser?.close();
      await site?.close();
      for (const [k, v] of [["PASSWORD_STORE_DIR", saved.store], ["TESSERA_DATA_DIR", saved.data]]) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      for (const dir of [store, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
    }, T);

    /** Opens the popup for the tab on `url`, clicks "Fill best match", answers the PIN window if it comes. */
    async function clickFillBest(url, entry, arrived) {
      const tabId = await tabIdOf(control, url);
      const popup = await browser.openExtensionPage(`popup/popup.html?tab=${tabId}`);
      await popup.waitFor('[data-testid="cred-entry"]');
      assert.equal(await popup.attr('[data-testid="cred-entry"]', "data-entry"), `default:${entry}`, "the best match is listed first");
      await popup.click('[data-testid="cred-fill-best"]');
      await pinUnlessArrived(popup, arrived);
      return popup;
    }

    /** The first fill asks for the PIN; later ones (PIN cached by the host) go straight to the page. */
    async function pinUnlessArrived(popup, arrived) {
      const pin = await waitFor(
        async () => (arrived() ? "arrived" : await browser.waitForExtensionPage("/pin/pin.html", { timeoutMs: 0 }).catch(() => null)),
        { timeoutMs: 30_000, intervalMs: 200, what: `the login POST or the PIN window (popup: ${await popup.text('[data-testid="cred-status"]')})` },
      );
      if (pin !== "arrived") {
        pinPrompts++;
        await pin.waitFor('body[data-state="ready"]');
        await pin.fill('[data-testid="pin-input"]', PIN);
        await pin.click('[data-testid="pin-submit"]');
        await pin.waitForClose({ timeoutMs: 30_000 });
      }
    }

    async function oneClick(host, endpoint, wantFields) {
      const url = `https://${host}${LOGINS[host].page}`;
      const page = await browser.newPage(url);
      const popup = await clickFillBest(url, `web/${host}`, () => at(endpoint, host).length > 0);
      try {
        await waitFor(() => at(endpoint, host).length > 0, { timeoutMs: 30_000, what: `the ${endpoint} POST on ${host}` }).catch(async (e) => {
          throw new Error(`${e.message}; the popup says: ${await popup.text('[data-testid="cred-status"]')}`);
        });
        assert.equal(at(endpoint, host).length, 1, "submitted once");
        assert.deepEqual(at(endpoint, host)[0].fields, wantFields);
      } finally {
        await popup.close();
        await page.close();
      }
    }

    test(`[${kind}] classic form (decoys left alone)`, T, async () => {
      const { password } = LOGINS["classic.example.test"];
      await oneClick("classic.example.test", "classic", { csrf: "csrf-123", login: USER, website: "", password, old: "" });
    });

    test(`[${kind}] form inside an open shadow root`, T, async () => {
      await oneClick("shadow.example.test", "shadow", { email: USER, pw: LOGINS["shadow.example.test"].password });
    });

    test(`[${kind}] login in a same-origin iframe`, T, async () => {
      await oneClick("iframe.example.test", "iframe", { user: USER, pass: LOGINS["iframe.example.test"].password });
    });

    test(`[${kind}] React-controlled form: the component's submit handler gets the values`, T, async () => {
      await oneClick("react.example.test", "react", { username: USER, password: LOGINS["react.example.test"].password });
    });

    test(`[${kind}] Vue v-model form: the component's data gets the values`, T, async () => {
      await oneClick("vue.example.test", "vue", { username: USER, password: LOGINS["vue.example.test"].password });
    });

    test(`[${kind}] form-less login`, T, async () => {
      await oneClick("formless.example.test", "formless", { username: USER, password: LOGINS["formless.example.test"].password });
    });

    test(`[${kind}] two steps in one page: username, then the password step that appears`, T, async () => {
      await oneClick("spa.example.test", "spa-steps", { username: USER, password: LOGINS["spa.example.test"].password });
    });

    test(`[${kind}] split OTP boxes get the TOTP oathtool computes`, T, async () => {
      await waitFor(() => Date.now() % 30_000 < 20_000, { timeoutMs: 15_000, what: "a fresh TOTP window" });
      const start = Math.floor(Date.now() / 1000);
      const url = "https://otp.example.test/split-otp";
      const page = await browser.newPage(url);
      const popup = await clickFillBest(url, "web/otp.example.test", () => at("split-otp", "otp.example.test").length > 0);
      try {
        await waitFor(() => at("split-otp", "otp.example.test").length > 0, { timeoutMs: 30_000, what: "the split OTP POST" });
        const codes = [start, Math.floor(Date.now() / 1000)].map((now) =>
          execFileSync("oathtool", ["--totp", "-b", TOTP_SECRET, `--now=@${now}`], { encoding: "utf8" }).trim(),
        );
        const got = at("split-otp", "otp.example.test")[0].fields.otp;
        assert.ok(codes.includes(got), `${got} is one of oathtool's ${codes}`);
      } finally {
        await popup.close();
        await page.close();
      }
    });

    test(`[${kind}] origin binding: the https entry is refused on http: and on a lookalike host; nothing is filled`, T, async () => {
      for (const url of ["http://classic.example.test/classic", "https://classic.example.test.evil.test/classic"]) {
        const page = await browser.newPage(url);
        try {
          const tabId = await tabIdOf(control, url);
          const r = await control.evaluate(
            (tabId) => chrome.runtime.sendMessage({ type: "credentials.fill", tabId, store: "default", path: "web/classic.example.test" }),
            tabId,
          );
          assert.equal(r.ok, false, `${url}: ${JSON.stringify(r)}`);
          assert.equal(r.code, "origin_refused", `${url}: ${JSON.stringify(r)}`);
          await new Promise((ok) => setTimeout(ok, 300));
          assert.deepEqual(await page.evaluate(() => [document.querySelector("#login").value, document.querySelector("#password").value]), ["", ""], url);
        } finally {
          await page.close();
        }
      }
      assert.equal(at("classic", "classic.example.test.evil.test").length, 0);
    });

    test(`[${kind}] cross-origin iframes: another site's frame in the entry's page never; the entry's frame in another site's page only after the popup's confirmation`, T, async () => {
      const evilFrame = "https://login.evil.test/frame/login";
      const evilUrl = `https://classic.example.test/cross-origin?frame=${encodeURIComponent(evilFrame)}`;
      const evil = await browser.newPage(evilUrl);
      try {
        await evil.frameEvaluate(evilFrame, () => document.readyState);
        const refused = await control.evaluate(
          (tabId) => chrome.runtime.sendMessage({ type: "credentials.fill", tabId, store: "default", path: "web/classic.example.test" }),
          await tabIdOf(control, evilUrl),
        );
        assert.equal(refused.ok, false, JSON.stringify(refused));
        assert.notEqual(refused.code, "needs_confirmation", "no confirmation is even offered");
        assert.equal(await evil.frameEvaluate(evilFrame, () => document.querySelector("[name=pass]").value), "");
      } finally {
        await evil.close();
      }

      const frameUrl = "https://iframe.example.test/frame/login";
      const url = `https://portal.evil.test/cross-origin?frame=${encodeURIComponent(frameUrl)}`;
      const page = await browser.newPage(url);
      const popup = await browser.openExtensionPage(`popup/popup.html?tab=${await tabIdOf(control, url)}`);
      try {
        await page.frameEvaluate(frameUrl, () => document.readyState);
        const before = at("iframe", "iframe.example.test").length;
        await popup.click('[data-testid="cred-entry"][data-entry="default:web/iframe.example.test"] [data-testid="cred-fill"]');
        await popup.waitFor('[data-testid="cred-confirm"]', { visible: true });
        assert.match(await popup.text('[data-testid="cred-confirm-text"]'), /https:\/\/iframe\.example\.test/);
        assert.deepEqual(await page.frameEvaluate(frameUrl, () => [document.querySelector("[name=user]").value, document.querySelector("[name=pass]").value]), ["", ""], "nothing filled before the confirmation");
        await popup.screenshot(`${kind}-both-autofill-confirm`);
        await popup.click('[data-testid="cred-confirm-fill"]');
        const arrived = () => at("iframe", "iframe.example.test").length > before;
        await pinUnlessArrived(popup, arrived);
        await waitFor(arrived, { what: "the confirmed frame's login POST" });
        assert.deepEqual(at("iframe", "iframe.example.test").at(-1).fields, { user: USER, pass: LOGINS["iframe.example.test"].password });
      } finally {
        await popup.close();
        await page.close();
      }
    });

    test(`[${kind}] save: a login typed and submitted on a new site is offered (no password in the offer), saved, and pass show decrypts it`, T, async () => {
      const url = "https://new.example.test/classic";
      const page = await browser.newPage(url);
      try {
        const tabId = await tabIdOf(control, url);
        // The content script runs at document_idle; give it a moment after the load.
        await new Promise((r) => setTimeout(r, 500));
        await page.fill("#login", "bob@example.test");
        await page.fill("#password", "brand-new-pw");
        await page.click('button[type="submit"]');
        await waitFor(() => at("classic", "new.example.test").length === 1, { what: "the new login POST" });
        const request = (message) => control.evaluate((m) => chrome.runtime.sendMessage(m), message);
        const offer = await waitFor(
          async () => {
            const r = await request({ type: "credentials.list", tabId });
            return r.ok ? r.offers.find((o) => o.origin === "https://new.example.test") : undefined;
          },
          { what: "a save offer for https://new.example.test" },
        );
        assert.equal(offer.username, "bob@example.test");
        assert.ok(!("password" in offer), "the offer shown to the popup has no password");
        const saved = await request({ type: "credentials.save", offerId: offer.id, store: "default", path: `new-${kind}.example.test` });
        assert.equal(saved.ok, true, JSON.stringify(saved));
        const shown = passShow(store, `new-${kind}.example.test`);
        assert.equal(shown.split("\n")[0], "brand-new-pw");
        assert.match(shown, /^login: bob@example\.test$/m);
        assert.match(shown, /^url: https:\/\/new\.example\.test$/m);
      } finally {
        await page.close();
      }
    });

    test(`[${kind}] the card's PIN was asked once, for the first fill`, T, () => {
      assert.equal(pinPrompts, 1);
    });
  });
}
