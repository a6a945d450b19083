// What the extension keeps out of its content scripts' reach (issue 17):
// chrome.storage.local is readable and writable by every content script, so
// by a compromised renderer that runs them. The security pattern's seed and
// the keyring live in the extension origin's IndexedDB instead, which only
// extension pages, frames and the worker reach. Values an older version left
// in chrome.storage.local are kept (the person knows their pattern; their
// keys stay), moved, and deleted there. The options page, the PIN window and
// the webmail frames draw the same pattern; "change" replaces it everywhere.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_ID, launchChromium, requireBuilt, tempDir, waitFor } from "./lib.mjs";

const LEGACY = "0123456789abcdef0123456789abcdef";
const base = `chrome-extension://${CHROMIUM_ID}`;

describe("security pattern: the seed only extension pages can read", { timeout: 120_000 }, () => {
  let browser;

  before(async () => {
    requireBuilt({ host: false });
    browser = await launchChromium({ host: false });
    // As an older version left it, before any page drew the pattern.
    await browser.worker.evaluate((seed) => chrome.storage.local.set({ securityPattern: seed }), LEGACY);
  });

  after(async () => {
    await browser?.close();
  });

  const open = async (path) => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/${path}`);
    await page.waitForFunction(() => (document.querySelector('[data-testid="security-pattern"]')?.style.background ?? "") !== "");
    return page;
  };
  const drawn = (page) => page.$eval('[data-testid="security-pattern"]', (e) => e.style.background);
  const idbSeed = (page) =>
    page.evaluate(
      () =>
        new Promise((ok, fail) => {
          const r = indexedDB.open("tessera-pattern");
          r.onerror = () => fail(r.error);
          r.onsuccess = () => {
            const get = r.result.transaction("kv").objectStore("kv").get("seed");
            get.onsuccess = () => {
              ok(get.result);
              r.result.close();
            };
          };
        }),
    );
  // Everything a content script could read of the extension's storage.
  const readableByContent = () => browser.worker.evaluate(async () => JSON.stringify(await chrome.storage.local.get(null)));

  test("an older version's seed is kept, moved to IndexedDB and deleted from chrome.storage.local", async () => {
    const options = await open("options/options.html");
    assert.equal(await idbSeed(options), LEGACY, "the person keeps the pattern they know");
    assert.ok(!(await readableByContent()).includes(LEGACY), "nothing in chrome.storage.local holds the seed");
    await options.close();
  });

  test("every Tessera page and frame draws the same pattern; change replaces it everywhere, still out of chrome.storage.local", async () => {
    const options = await open("options/options.html");
    const pin = await open("pin/pin.html?prompt=pattern-test");
    const editor = await open("frames/editor/editor.html");
    const first = await drawn(options);
    assert.equal(await drawn(pin), first);
    assert.equal(await drawn(editor), first);

    await options.click('[data-testid="security-pattern-change"]');
    await options.waitForFunction((old) => document.querySelector('[data-testid="security-pattern"]').style.background !== old, first);
    const seed = await idbSeed(options);
    assert.match(seed, /^[0-9a-f]{32}$/);
    assert.notEqual(seed, LEGACY);
    const reader = await open("frames/reader/reader.html");
    assert.equal(await drawn(reader), await drawn(options), "a frame opened after the change draws the new pattern");
    assert.notEqual(await drawn(reader), first);
    assert.ok(!(await readableByContent()).includes(seed), "the new seed is not in chrome.storage.local either");
    for (const p of [options, pin, editor, reader]) await p.close();
  });
});

/** A fresh public key made by GnuPG: its fingerprint and armor. */
function gpgKey(uid) {
  const home = tempDir("storage-gpg");
  try {
    const gpg = (args) => execFileSync("gpg", ["--homedir", home, "--batch", "--no-tty", ...args], { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    gpg(["--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign,cert", "never"]);
    const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(gpg(["--with-colons", "--fingerprint", "--list-keys", uid]))[1];
    return { fingerprint, armored: gpg(["--armor", "--export", uid]) };
  } finally {
    execFileSync("gpgconf", ["--homedir", home, "--kill", "all"], { stdio: "ignore" });
    rmSync(home, { recursive: true, force: true });
  }
}

describe("keyring: kept where content scripts cannot write it", { timeout: 120_000 }, () => {
  let browser;
  let options;
  const carol = gpgKey("Carol <carol@example.test>");
  const dave = gpgKey("Dave <dave@example.test>");
  const request = (m) => options.evaluate((msg) => chrome.runtime.sendMessage(msg), m);
  const legacyKeyring = () => browser.worker.evaluate(async () => (await chrome.storage.local.get("keyring")).keyring ?? null);

  before(async () => {
    requireBuilt({ host: false });
    // As an older version left the profile: the keyring string in chrome.storage.local and
    // nothing of this version's storage. Then the browser starts again with this version.
    const first = await launchChromium({ host: false });
    // This version's worker looks for leftovers at its start: let it finish, then undo it.
    const marks = () =>
      first.worker.evaluate(
        () =>
          new Promise((ok) => {
            const r = indexedDB.open("tessera-worker", 1);
            r.onupgradeneeded = () => r.result.createObjectStore("kv");
            r.onsuccess = () => {
              const keys = r.result.transaction("kv").objectStore("kv").getAllKeys();
              keys.onsuccess = () => {
                ok(keys.result);
                r.result.close();
              };
            };
          }),
      );
    await waitFor(async () => (await marks()).includes("moved:keyring") && (await marks()).includes("moved:entryIndex"), { what: "the first start's look for leftovers" });
    const deleted = await first.worker.evaluate(async (k) => {
      await chrome.storage.local.set({ keyring: k });
      return new Promise((done) => {
        const req = indexedDB.deleteDatabase("tessera-worker");
        req.onsuccess = () => done("deleted");
        req.onerror = () => done("error");
        req.onblocked = () => done("blocked by an open connection");
      });
    }, carol.armored);
    assert.equal(deleted, "deleted");
    await first.close({ keep: true });
    browser = await launchChromium({ host: false, userDataDir: first.userDataDir });
    options = await browser.context.newPage();
    await options.goto(`${base}/options/options.html`);
  });

  after(async () => {
    await browser?.close();
  });

  test("an older version's keyring is kept and leaves chrome.storage.local; imports never go there", async () => {
    const listed = await request({ type: "keyring.list" });
    assert.equal(listed.ok, true, JSON.stringify(listed));
    assert.deepEqual(listed.keys.map((k) => k.fingerprint), [carol.fingerprint], "the person's keys stay");
    // The worker moves it at its first start; the list may be answered from the new place a moment before the old is cleared.
    await waitFor(async () => (await legacyKeyring()) === null, { timeoutMs: 5000, what: "the keyring to leave chrome.storage.local" });
    const imported = await request({ type: "keyring.import", text: dave.armored });
    assert.equal(imported.ok, true, JSON.stringify(imported));
    assert.equal(await legacyKeyring(), null, "an import is not written where content scripts can read it");
    // A keyring planted in chrome.storage.local (what a compromised renderer can write) is not read.
    await browser.worker.evaluate((k) => chrome.storage.local.set({ keyring: k }), carol.armored);
    const again = await request({ type: "keyring.list" });
    assert.deepEqual(again.keys.map((k) => k.fingerprint).sort(), [carol.fingerprint, dave.fingerprint].sort());
    await browser.worker.evaluate(() => chrome.storage.local.remove("keyring"));
    const removed = await request({ type: "keyring.remove", fingerprint: carol.fingerprint });
    assert.equal(removed.ok, true, JSON.stringify(removed));
    await browser.worker.evaluate((k) => chrome.storage.local.set({ keyring: k }), carol.armored);
    const after = await request({ type: "keyring.list" });
    assert.deepEqual(after.keys.map((k) => k.fingerprint), [dave.fingerprint], "a planted keyring does not bring a removed key back");
  });
});
