// scripts/bench webmail (second part): the generic module on the editor zoo
// (tests/e2e/fixtures/editors: real CKEditor 4 and 5, TinyMCE, Quill, Tiptap,
// a contenteditable and a textarea), headless Chromium, the real host (release
// build) and the virtual card (Bob's key). Per editor:
//   offer:   page load → "Encrypt with Tessera" shown, and editor ready → offer shown
//   encrypt: Encrypt click in Tessera's editor → armor in the page editor's own
//            serialization (4 KiB text; the write goes through the editor's paste path)
// Median of TESSERA_BENCH_RUNS (default 10) runs after one warm-up. Not a test:
// prints figures, never fails on speed.

import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, testCard } from "../e2e/lib.mjs";
import { clickCenter, enableSites, gpg, importKeys, launchProfile, waitForFrame, writeTemp } from "../e2e/webmail/lib.mjs";

const RUNS = Number(process.env.TESSERA_BENCH_RUNS ?? 10);
const ZOO = join(REPO, "tests", "e2e", "fixtures", "editors");
const EDITORS = JSON.parse(readFileSync(join(ZOO, "dist", "pages.json"), "utf8"));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, n=${xs.length})`;

// Timestamps taken in the page (its own clock): when the editor said it was
// ready, and when Tessera's offer appeared.
const WATCH_OFFER = () => {
  window.__bench = { offer: null, ready: null };
  new MutationObserver(() => {
    if (window.__bench.offer === null && document.querySelector("tessera-action")) window.__bench.offer = performance.now();
  }).observe(document, { childList: true, subtree: true });
  const poll = setInterval(() => {
    if (window.zoo?.ready) {
      clearInterval(poll);
      window.zoo.ready.then(() => (window.__bench.ready = performance.now()));
    }
  }, 1);
};

const card = testCard();
const cardHome = process.env.TESSERA_TEST_GNUPGHOME;
const { serveZoo } = await import(join(ZOO, "serve.mjs"));
const zoo = await serveZoo();
const data = writeTemp("bench-zoo", "none", "");
const browser = await launchProfile("bench-zoo", { TESSERA_DATA_DIR: data.dir });
try {
  await importKeys(browser.context, [gpg(cardHome, ["--armor", "--export", card.primary_fingerprint])]);
  await enableSites(browser, [new URL(zoo.url).origin]);
  await browser.context.addInitScript(WATCH_OFFER);
  const text = "Tessera benchmark line: 64 bytes of plain ASCII text to encrypt\n".repeat(64);
  const rows = [];
  for (const name of EDITORS) {
    const fromLoad = [];
    const fromReady = [];
    const encrypt = [];
    const page = await browser.context.newPage();
    for (let run = 0; run <= RUNS; run++) {
      await page.goto(`${zoo.url}${name}.html`);
      await page.waitForFunction(() => window.__bench.offer !== null && window.__bench.ready !== null, null, { polling: 5, timeout: 20_000 });
      const t = await page.evaluate(() => window.__bench);
      await page.fill("#to", "bob@example.test");
      await clickCenter(page, page.locator('tessera-action[data-tessera-action="encrypt"]'));
      const editor = await waitForFrame(page, "editor");
      await editor.waitForSelector('body[data-state="ready"][data-visible="true"]');
      await editor.waitForSelector('[data-testid="recipient"][data-address="bob@example.test"][data-has-key="true"]');
      await editor.fill('[data-testid="editor-text"]', text);
      const t0 = performance.now();
      await editor.click('[data-testid="editor-encrypt"]');
      await page.waitForFunction(() => window.zoo.serialize().includes("-----END PGP MESSAGE-----"), null, { polling: 2, timeout: 30_000 });
      const ms = performance.now() - t0;
      if (run === 0) continue; // warms the worker, the core and the page's caches
      fromLoad.push(t.offer);
      fromReady.push(Math.max(0, t.offer - t.ready));
      encrypt.push(ms);
    }
    await page.close();
    rows.push({ name, fromLoad, fromReady, encrypt });
  }
  console.log(`zoo (${RUNS} runs each after a warm-up; the offer is shown after the editor is ready, so "after ready" is Tessera's own delay)`);
  for (const r of rows) {
    console.log(`  ${r.name.padEnd(16)} offer after page load: ${fmt(r.fromLoad)}`);
    console.log(`  ${"".padEnd(16)} offer after editor ready: ${fmt(r.fromReady)}`);
    console.log(`  ${"".padEnd(16)} encrypt 4 KiB, click → armor in the editor's serialization: ${fmt(r.encrypt)}`);
  }
} finally {
  await browser.close();
  await zoo.close();
}
