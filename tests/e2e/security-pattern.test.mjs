// The security pattern's seed (issue 17): kept in the extension origin's
// IndexedDB, which only extension pages and frames reach, and nowhere in
// chrome.storage.local, which the extension's content scripts (and so a
// compromised renderer that runs them) can read. A seed an older version left
// in chrome.storage.local is kept (the person knows its pattern), moved, and
// deleted there. The options page, the PIN window and the webmail frames draw
// the same pattern; "change" replaces it everywhere.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_ID, launchChromium, requireBuilt } from "./lib.mjs";

const LEGACY = "0123456789abcdef0123456789abcdef";
const base = `chrome-extension://${CHROMIUM_ID}`;

describe("security pattern: the seed only extension pages can read", () => {
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
            const get = r.result.transaction("seed").objectStore("seed").get("seed");
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
