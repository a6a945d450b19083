// Key discovery and publishing against a real HTTPS Web Key Directory (nginx on loopback,
// a throwaway CA trusted by the browser's certificate database; fixtures/wkd/wkd-server.mjs),
// with keys made by GnuPG: found by the advanced method, found by the direct method when
// the openpgpkey subdomain does not exist, not found, a key whose user IDs do not hold the
// address (refused, nothing imported), an expired key refreshed to its new version, a server
// that hangs (a clear timeout). Then the user's own key published: the files and paths the
// options page gives, served by the same nginx, are found by `gpg --locate-keys
// --auto-key-locate clear,wkd`. Nothing enters the keyring before the user's click.
// Chromium (the CA in its NSS database) and Firefox ESR (the CA installed by an enterprise
// policy); the names resolve through /etc/hosts of the test's mount namespace.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { launchBrowser, selectedBrowsers } from "./browsers/index.mjs";
import { chromiumHomeTrusting, firefoxPolicyTrusting, mapNames, startWkdServer, trustForDirmngr } from "./fixtures/wkd/wkd-server.mjs";
import { requireBuilt, tempDir, waitFor } from "./lib.mjs";

const NAMES = ["openpgpkey.example.test", "example.test", "direct.test", "hang.test", "openpgpkey.hang.test", "openpgpkey.example.org", "keys.example.test"];

function gpgIn(home, args, input) {
  return execFileSync("gpg", ["--homedir", home, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "", ...args], {
    input,
    encoding: input === undefined ? "buffer" : "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** A GnuPG home with one key for `uid`; `faked`: made at that time (seconds), expiring `expire` later. */
function makeKey(uid, { expire = "2y", faked } = {}) {
  const home = tempDir("wkd-gpg");
  const time = faked === undefined ? [] : ["--faked-system-time", `${faked}!`];
  gpgIn(home, [...time, "--quick-gen-key", uid, "future-default", "default", expire]);
  const colons = gpgIn(home, ["--with-colons", "--list-keys"]).toString();
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(colons)[1];
  // gpg's own WKD hash (the judge of ours): the line "hash@domain" under the user ID.
  const listing = gpgIn(home, ["--with-wkd-hash", "--list-keys"]).toString();
  const hash = /^\s+([ybndrfg8ejkmcpqxot1uwisza345h769]{32})@/m.exec(listing)[1];
  return { home, fingerprint, hash, export: () => gpgIn(home, ["--export", fingerprint]) };
}

for (const kind of selectedBrowsers()) describe(`[${kind}] key discovery by WKD and publishing, against nginx with a throwaway CA`, () => {
  let server;
  let unmapNames;
  let unTrust;
  let unPolicy;
  let browser;
  let options;
  let bob;
  let carol;
  let dave;

  before(async () => {
    requireBuilt();
    server = await startWkdServer(NAMES);
    unmapNames = mapNames([
      ["127.0.0.1", "openpgpkey.example.test"],
      ["127.0.0.1", "example.test"],
      ["127.0.0.1", "direct.test"],
      ["127.0.0.2", "hang.test"],
      ["127.0.0.2", "openpgpkey.hang.test"],
      // The card's user (Alice, alice@example.org) publishes there by the advanced method.
      ["127.0.0.1", "openpgpkey.example.org"],
      ["127.0.0.1", "keys.example.test"],
    ]);
    unTrust = trustForDirmngr(server.ca);

    bob = makeKey("Bob Example <bob@example.test>");
    server.put("openpgpkey.example.test", `/.well-known/openpgpkey/example.test/hu/${bob.hash}`, bob.export());
    carol = makeKey("Carol Example <carol@direct.test>");
    server.put("direct.test", `/.well-known/openpgpkey/hu/${carol.hash}`, carol.export());
    // Served under mallory@example.test's hash, but its user ID is for another address.
    const mallory = makeKey("Mallory <mallory@evil.test>");
    const malloryHash = makeKey("x <mallory@example.test>").hash;
    server.put("openpgpkey.example.test", `/.well-known/openpgpkey/example.test/hu/${malloryHash}`, mallory.export());
    // Dave's key made ten days ago, valid for one: expired now.
    dave = makeKey("Dave Example <dave@example.test>", { expire: "1d", faked: Math.floor(Date.now() / 1000) - 10 * 86_400 });

    if (kind === "chromium") {
      browser = await launchBrowser(kind, { host: true, env: { HOME: chromiumHomeTrusting(server.ca) } });
    } else {
      unPolicy = firefoxPolicyTrusting(server.ca);
      browser = await launchBrowser(kind, { host: true });
    }
    options = await browser.openExtensionPage("options/options.html");
    await options.waitFor('[data-testid="find-form"]');
  });

  after(async () => {
    await options?.close();
    await browser?.close();
    await server?.close();
    unPolicy?.();
    unTrust?.();
    unmapNames?.();
  });

  async function find(address) {
    await options.fill('[data-testid="find-address"]', address);
    await options.click('[data-testid="find-submit"]');
    await waitFor(async () => (await options.count('[data-testid="find-found"], [data-testid="find-error"]')) > 0, {
      what: `the lookup of ${address}`,
      timeoutMs: 40_000,
    });
  }

  /**
   * Clicks an element of the key list. The options page lists the keys again when the
   * background's status changes (own keys depend on the tokens), which replaces the element
   * under a click in flight ("Node is detached from document", seen once in Firefox): click
   * the new one then.
   */
  async function clickInKeyList(selector) {
    await waitFor(
      async () => {
        try {
          await options.click(selector);
          return true;
        } catch (err) {
          if (/detached|not attached|stale/i.test(String(err?.message))) return false;
          throw err;
        }
      },
      { what: `a click on ${selector}` },
    );
  }

  const keyringHas = async (fpr) => (await options.count(`[data-testid="key"][data-fingerprint="${fpr}"]`)) > 0;

  test(`[${kind}] found by the advanced method; shown with its fingerprint; imported only on the user's click`, async () => {
    await find("bob@example.test");
    assert.equal(await options.attr('[data-testid="find-found"]', "data-source"), "wkd_advanced");
    assert.equal(await options.attr('[data-testid="find-key"]', "data-fingerprint"), bob.fingerprint);
    assert.deepEqual(await options.texts('[data-testid="find-userid"]'), ["Bob Example <bob@example.test>"]);
    assert.equal(await keyringHas(bob.fingerprint), false, "not in the keyring before the click");
    await options.click('[data-testid="find-import"]');
    await options.waitFor('[data-testid="find-imported"]');
    await options.waitFor(`[data-testid="key"][data-fingerprint="${bob.fingerprint}"]`);
    assert.match(server.accessLog(), new RegExp(`GET /\\.well-known/openpgpkey/example\\.test/hu/${bob.hash}\\?l=bob `));
  });

  test(`[${kind}] found by the direct method when the openpgpkey subdomain does not exist`, async () => {
    await find("carol@direct.test");
    assert.equal(await options.attr('[data-testid="find-found"]', "data-source"), "wkd_direct");
    assert.equal(await options.attr('[data-testid="find-key"]', "data-fingerprint"), carol.fingerprint);
  });

  test(`[${kind}] not found; and a key whose user IDs do not hold the address is refused, nothing imported`, async () => {
    await find("nobody@example.test");
    assert.equal(await options.attr('[data-testid="find-error"]', "data-code"), "lookup_not_found");
    await find("mallory@example.test");
    assert.equal(await options.attr('[data-testid="find-error"]', "data-code"), "key_address_mismatch");
    assert.match(await options.text('[data-testid="find-error"]'), /mallory@evil\.test/);
    assert.equal(await options.count('[data-testid="find-import"]'), 0, "nothing offered");
  });

  test(`[${kind}] an expired key is refreshed to the version its owner published`, async () => {
    await options.fill('[data-testid="import-text"]', gpgIn(dave.home, ["--armor", "--export", dave.fingerprint]).toString());
    await options.click('[data-testid="import-submit"]');
    const item = `[data-testid="key"][data-fingerprint="${dave.fingerprint}"]`;
    await options.waitFor(`${item}[data-validity="expired"]`);
    // The owner extends the key and publishes the new version.
    gpgIn(dave.home, ["--quick-set-expire", dave.fingerprint, "2y"]);
    gpgIn(dave.home, ["--quick-set-expire", dave.fingerprint, "2y", "*"]);
    server.put("openpgpkey.example.test", `/.well-known/openpgpkey/example.test/hu/${dave.hash}`, dave.export());
    await clickInKeyList(`${item} [data-testid="key-refresh"]`);
    await options.waitFor('[data-testid="find-found"]', { timeoutMs: 30_000 });
    assert.equal(await options.attr('[data-testid="find-key"]', "data-validity"), "valid");
    await options.click('[data-testid="find-import"]');
    await options.waitFor(`${item}[data-validity="valid"]`);
  });

  test(`[${kind}] a keyserver, off by default, asked after WKD once the user sets one (VKS)`, async () => {
    const frank = makeKey("Frank Example <frank@nowkd.test>");
    // nginx serves the VKS path as a file (it decodes %40 to @ in the path it looks up).
    server.put("keys.example.test", "/vks/v1/by-email/frank@nowkd.test", frank.export());
    await find("frank@nowkd.test");
    assert.equal(await options.attr('[data-testid="find-error"]', "data-code"), "lookup_not_found", "no keyserver asked by default");
    assert.doesNotMatch(server.accessLog(), /\/vks\//, "the keyserver never heard of the address");
    await options.fill('[data-testid="keyserver-input"]', "http://keys.example.test");
    await options.click('[data-testid="keyserver-save"]');
    await waitFor(async () => ((await options.text('[data-testid="keyserver-status"]')) ?? "") !== "", { what: "the keyserver's status" });
    assert.equal(await options.attr('[data-testid="keyserver-status"]', "class"), "error", "http:// is refused");
    await options.fill('[data-testid="keyserver-input"]', "https://keys.example.test");
    await options.click('[data-testid="keyserver-save"]');
    await waitFor(async () => (await options.attr('[data-testid="keyserver-status"]', "class")) === "", { what: "the keyserver saved" });
    await find("frank@nowkd.test");
    assert.equal(await options.attr('[data-testid="find-found"]', "data-source"), "keyserver");
    assert.equal(await options.attr('[data-testid="find-key"]', "data-fingerprint"), frank.fingerprint);
    // Off again: the next lookups ask WKD only.
    await options.fill('[data-testid="keyserver-input"]', "");
    await options.click('[data-testid="keyserver-save"]');
    await options.waitFor('[data-testid="keyserver-status"]:not(.error)');
  });

  test(`[${kind}] a server that hangs: a clear timeout, in bounded time`, async () => {
    const started = Date.now();
    await find("erin@hang.test");
    assert.equal(await options.attr('[data-testid="find-error"]', "data-code"), "lookup_timeout");
    assert.match(await options.text('[data-testid="find-error"]'), /no answer within 8 s/);
    assert.ok(Date.now() - started < 35_000, `gave up after ${Date.now() - started} ms`);
  });

  test(`[${kind}] publishing: the user's own key's WKD files, at the paths shown, are found by gpg --locate-keys`, async () => {
    // The card's key (Alice's certificate from the card-bound GnuPG home) is the user's own.
    const alice = execFileSync("gpg", ["--homedir", process.env.TESSERA_TEST_GNUPGHOME, "--batch", "--armor", "--export"], { encoding: "utf8" });
    await options.fill('[data-testid="import-text"]', alice);
    await options.click('[data-testid="import-submit"]');
    const own = '[data-testid="key"][data-own="true"]';
    await options.waitFor(own);
    const fingerprint = await options.attr(own, "data-fingerprint");
    await clickInKeyList(`${own} [data-testid="wkd-show"]`);
    // A re-listing may also replace the shown entry: show it again until it is read.
    const read = (sel) =>
      options.evaluate((sel) => {
        const e = document.querySelector(sel);
        if (e === null) return null;
        const text = (id) => e.querySelector(`[data-testid="${id}"]`).textContent;
        const file = e.querySelector('[data-testid="wkd-key-file"]');
        return { address: e.dataset.address, key: text("wkd-advanced-key"), policy: text("wkd-advanced-policy"), href: file.href, name: file.getAttribute("download") };
      }, sel);
    const shown = await waitFor(
      async () => {
        const got = await read(`${own} [data-testid="wkd-entry"]`);
        if (got === null) await clickInKeyList(`${own} [data-testid="wkd-show"]`);
        return got;
      },
      { what: "the WKD entry of the own key", timeoutMs: 20_000 },
    );
    assert.equal(shown.address, "alice@example.org");
    // The key file the page offers (its Blob), put where the page says.
    const bytes = await options.evaluate(async (href) => [...new Uint8Array(await (await fetch(href)).arrayBuffer())], shown.href);
    const keyUrl = new URL(shown.key);
    const policyUrl = new URL(shown.policy);
    assert.equal(keyUrl.pathname.split("/").at(-1), shown.name, "the file name is the last part of the path");
    server.put(keyUrl.host, keyUrl.pathname, Buffer.from(bytes));
    server.put(policyUrl.host, policyUrl.pathname, "");

    const home = tempDir("wkd-locate");
    writeFileSync(join(home, "dirmngr.conf"), "standard-resolver\n");
    try {
      const out = execFileSync("gpg", ["--homedir", home, "--batch", "--with-colons", "--auto-key-locate", "clear,wkd", "--locate-keys", shown.address], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      assert.match(out, new RegExp(`^fpr:+${fingerprint}:`, "m"), out);
    } finally {
      execFileSync("gpgconf", ["--homedir", home, "--kill", "all"]);
    }
  });
});
