// Typing into consoles (issue 16), per console engine, on the same real parts
// as tests/e2e/console-type.test.mjs: an xterm.js page on a pty, Debian's noVNC
// to TigerVNC, Shell In A Box; a pass entry on the virtual card; Chromium with
// the release host.
//  - click → last key: from the click on the popup's "Type password" (24
//    characters) to the last key event the console's page receives;
//  - click → prompt accepted: to the program on the far side having read the
//    line (its SHA-256 in the fixture's file). The bench presses Enter as soon
//    as the popup says "Typed" (a person would press it; the e2e tests do too).
//  - sustained rate: 2,000 characters typed in one go, checked to arrive exactly
//    (no key dropped or doubled), characters per second between the first and
//    the last key event.
// All clocks are epoch milliseconds (performance.timeOrigin + now()) of the
// browser and of node on one machine. Prints figures; asserts nothing but the
// exact arrival that makes a rate meaningful.
//   scripts/lib/with-virtual-card.sh node tests/bench/console-type.mjs HOST_BINARY
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";

process.env.TESSERA_HOST_BIN = resolve(process.argv[2] ?? "target/release/tessera-host");
const { CHROMIUM_ID, launchChromium, tempDir } = await import("../e2e/lib.mjs");
const { startConsoleServer } = await import("../e2e/fixtures/console/console-server.mjs");
const { startVncConsole } = await import("../e2e/fixtures/console/vnc-console.mjs");
const { startShellInABox } = await import("../e2e/fixtures/console/shellinabox-console.mjs");
const { ALL_ASCII, PIN, cardKeyFingerprint, gnupgHome, gpg, sha256 } = await import("../e2e/console-lib.mjs");

const RUNS = 20;
// 24 characters with shifted ones among them (VNC sends Shift for those).
const PASSWORD = "Tr0ub4dor&3-Horse!Staple";
const LONG = ALL_ASCII.repeat(22).slice(0, 2000);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

const home = gnupgHome();
const alice = cardKeyFingerprint();

// Every key event the page sees, in the capture phase of its window: the page's own clock of the last one.
const KEY_CLOCK_JS = `
window.__keys = { first: 0, last: 0, n: 0 };
for (const t of ["keydown", "keypress", "keyup", "beforeinput", "input"]) {
  window.addEventListener(t, () => { const k = window.__keys, at = performance.timeOrigin + performance.now(); if (k.first === 0) k.first = at; k.last = at; k.n++; }, true);
}`;

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms, min ${s[0].toFixed(0)} ms, max ${s.at(-1).toFixed(0)} ms`;
};

const dirs = [];
const closers = [];
try {
  const dataDir = tempDir("bench-console");
  const store = tempDir("bench-console-store");
  dirs.push(dataDir, store);
  const xterm = await startConsoleServer({ hashesFile: join(dataDir, "xterm") });
  closers.push(xterm);
  const vnc = await startVncConsole({ hashesFile: join(dataDir, "vnc"), readyFile: join(dataDir, "vnc-ready") });
  closers.push(vnc);
  const sib = await startShellInABox({ hashesFile: join(dataDir, "sib"), readyFile: join(dataDir, "sib-ready") });
  closers.push(sib);
  const kinds = [
    { kind: "xterm.js", server: xterm, url: `${xterm.origin}/xterm`, click: async (p) => p.click("#term"), prompts: () => xterm.transcript().split("Password: ").length - 1, settle: 0 },
    // getpass flushes input as it turns echo off: after a VNC or Shell In A Box prompt, let it reach its read.
    { kind: "noVNC", server: vnc, url: vnc.url, click: async (p) => p.click("canvas", { position: { x: 300, y: 200 } }), prompts: vnc.prompts, settle: 150 },
    { kind: "Shell In A Box", server: sib, url: sib.url, click: async (p) => p.click("#console"), prompts: sib.prompts, settle: 150 },
  ];
  const env = { ...process.env, GNUPGHOME: home, PASSWORD_STORE_DIR: store };
  execFileSync("pass", ["init", alice], { env, stdio: "pipe" });
  for (const k of kinds) {
    const name = k.kind.replace(/\W/g, "").toLowerCase();
    execFileSync("pass", ["insert", "-m", `${name}/pw`], { env, input: `${PASSWORD}\nurl: ${k.server.origin}\n`, stdio: ["pipe", "pipe", "pipe"] });
    execFileSync("pass", ["insert", "-m", `${name}/long`], { env, input: `${LONG}\nurl: ${k.server.origin}\n`, stdio: ["pipe", "pipe", "pipe"] });
    k.entry = name;
  }
  process.env.PASSWORD_STORE_DIR = store;
  process.env.TESSERA_DATA_DIR = dataDir;
  const browser = await launchChromium({ host: true });
  closers.unshift(browser);
  const { context } = browser;
  const ext = await context.newPage();
  await ext.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
  const imported = await ext.evaluate((text) => chrome.runtime.sendMessage({ type: "keyring.import", text }), gpg(["--armor", "--export", alice]));
  if (!imported.ok) throw new Error(`keyring.import: ${JSON.stringify(imported)}`);
  // The PIN window, answered once (the host caches the PIN).
  context.on("page", async (p) => {
    await p.waitForURL(/\/pin\/pin\.html/, { timeout: 30_000 }).catch(() => {});
    if (!p.url().includes("/pin/pin.html")) return;
    await p.waitForSelector('body[data-state="ready"]');
    await p.fill('[data-testid="pin-input"]', PIN);
    await p.click('[data-testid="pin-submit"]');
  });

  const build = /\/release\//.test(process.env.TESSERA_HOST_BIN) ? "release" : "debug";
  console.log(`console typing, ${build} host, virtual card, PIN cached, ${RUNS} runs of a ${PASSWORD.length}-character password:`);
  for (const k of kinds) {
    const page = await context.newPage();
    await page.addInitScript(KEY_CLOCK_JS);
    await page.goto(k.url);
    if (k.kind === "noVNC") await page.waitForFunction(() => (document.querySelector("canvas")?.width ?? 0) > 0, null, { timeout: 15_000 });
    for (let i = 0; i < 300 && k.prompts() < 1; i++) await sleep(50);
    await k.click(page);
    const tabId = await ext.evaluate(async (u) => {
      for (const t of await chrome.tabs.query({})) {
        const frames = (await chrome.webNavigation.getAllFrames({ tabId: t.id })) ?? [];
        if (frames.some((f) => f.frameId === 0 && f.url === u)) return t.id;
      }
      return undefined;
    }, k.url);
    let popup = null;

    /** Types `path`'s password, from the popup's button (or, before the popup knows the entry, as its button asks); after the far side read the line, returns the clocks. */
    const typeOnce = async (path, text) => {
      const n = k.server.hashes().length;
      for (let i = 0; i < 600 && k.prompts() < n + 1; i++) await sleep(10);
      await sleep(k.settle);
      await page.evaluate(() => Object.assign(window.__keys, { first: 0, last: 0, n: 0 }));
      let t0;
      if (popup === null) {
        t0 = now();
        const r = await ext.evaluate((m) => chrome.runtime.sendMessage(m), { type: "credentials.type", tabId, store: "default", path, what: "password" });
        if (!r.ok) throw new Error(`${k.kind}: ${JSON.stringify(r)}`);
      } else {
        const button = popup.locator(`[data-testid="cred-entry"][data-entry="default:${path}"] [data-testid="cred-type-password"]`);
        await button.waitFor();
        await popup.evaluate(() => (document.querySelector('[data-testid="cred-status"]').textContent = ""));
        t0 = await button.evaluate((b) => {
          const t = performance.timeOrigin + performance.now();
          b.click();
          return t;
        });
        await popup.waitForFunction(() => {
          const st = document.querySelector('[data-testid="cred-status"]');
          return st?.dataset.kind === "error" || /^Typed/.test(st?.textContent ?? "");
        }, null, { timeout: 120_000 });
        const status = await popup.textContent('[data-testid="cred-status"]');
        if (!/^Typed/.test(status)) throw new Error(`${k.kind}: ${status}`);
      }
      await page.keyboard.press("Enter");
      for (let i = 0; i < 5000 && k.server.hashes().length < n + 1; i++) await sleep(2);
      const accepted = now();
      if (k.server.hashes()[n] !== sha256(text)) throw new Error(`${k.kind}: the line read is not the password (a key dropped or doubled)`);
      const keys = await page.evaluate(() => ({ ...window.__keys }));
      return { t0, keys, accepted };
    };

    // Warm-up: each entry's first decryption (and the PIN, once); then the popup marks both as bound to the page.
    await typeOnce(`${k.entry}/pw`, PASSWORD);
    await typeOnce(`${k.entry}/long`, LONG);
    popup = await context.newPage();
    await popup.goto(`chrome-extension://${CHROMIUM_ID}/popup/popup.html?tab=${tabId}`);
    const toLastKey = [];
    const toAccepted = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await typeOnce(`${k.entry}/pw`, PASSWORD);
      toLastKey.push(r.keys.last - r.t0);
      toAccepted.push(r.accepted - r.t0);
    }
    const long = await typeOnce(`${k.entry}/long`, LONG);
    const rate = (LONG.length / (long.keys.last - long.keys.first)) * 1000;
    console.log(`  ${k.kind}: click → last key ${stat(toLastKey)}`);
    console.log(`  ${k.kind}: click → prompt accepted ${stat(toAccepted)}`);
    console.log(`  ${k.kind}: ${LONG.length} characters arrived exactly at ${rate.toFixed(0)} characters/s (first to last key event)`);
    await popup.close();
    await page.close();
  }
} finally {
  for (const c of closers) await c.close().catch(() => {});
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
