// Shared helpers for the browser end-to-end tests: real browsers, the built
// extension, the real tessera-host and (under with-virtual-card.sh) a real pcscd
// with a virtual OpenPGP card. Nothing here fakes the host or the core.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const EXT_DIR = join(REPO, "extension");
// TESSERA_EXTENSION_*: a private build (TESSERA_DIST_DIR=… node build.mjs), so a run does not use the dist/ others rebuild.
export const EXT_CHROMIUM = resolve(process.env.TESSERA_EXTENSION_CHROMIUM ?? join(EXT_DIR, "dist", "chromium"));
export const EXT_FIREFOX = resolve(process.env.TESSERA_EXTENSION_FIREFOX ?? join(EXT_DIR, "dist", "firefox"));
export const HOST_BIN = resolve(process.env.TESSERA_HOST_BIN ?? join(REPO, "target", "debug", "tessera-host"));
export const CHROMIUM_BIN = process.env.TESSERA_CHROMIUM ?? "/usr/bin/chromium";
export const FIREFOX_BIN = process.env.TESSERA_FIREFOX ?? "/usr/bin/firefox-esr";
// The extension's IDs as its build sets them (manifest/extension-id.json is their one copy).
const EXTENSION_ID = JSON.parse(readFileSync(join(REPO, "manifest", "extension-id.json"), "utf8"));
export const CHROMIUM_ID = EXTENSION_ID.chromium.id;
export const GECKO_ID = EXTENSION_ID.firefox.id;
export const HOST_NAME = "org.tessera.host";

// The tests reuse the extension's node_modules (one package.json, one lock file).
// Browser drivers are test tooling (tests/package.json), never the extension's packages.
const requireFromTests = createRequire(join(REPO, "tests", "package.json"));
export const { chromium } = requireFromTests("playwright-core");
export const puppeteer = requireFromTests("puppeteer-core");

/** Fails early, with the command that fixes it, when a part is missing. */
export function requireBuilt({ host = true } = {}) {
  const missing = [];
  if (!existsSync(join(EXT_CHROMIUM, "manifest.json")) || !existsSync(join(EXT_FIREFOX, "manifest.json"))) {
    missing.push("the extension is not built: (cd extension && npm ci && npm run build)");
  }
  if (host && !existsSync(HOST_BIN)) missing.push(`no host binary at ${HOST_BIN}: cargo build -p tessera-host`);
  if (missing.length > 0) throw new Error(missing.join("\n"));
}

/** The card GnuPG read back after provisioning (scripts/lib/with-virtual-card.sh). */
export function testCard() {
  const path = process.env.TESSERA_TEST_CARD_JSON;
  if (!path) {
    throw new Error("TESSERA_TEST_CARD_JSON is not set: run under scripts/lib/with-virtual-card.sh node --test tests/e2e/");
  }
  return JSON.parse(readFileSync(path, "utf8"));
}

/** A crate's version from its Cargo.toml, following `version.workspace = true`. */
export function cargoVersion(crateDir) {
  const toml = readFileSync(join(REPO, crateDir, "Cargo.toml"), "utf8");
  const pkg = toml.split(/^\[/m).find((s) => s.startsWith("package]")) ?? "";
  const own = /^version\s*=\s*"([^"]+)"/m.exec(pkg);
  if (own) return own[1];
  const root = readFileSync(join(REPO, "Cargo.toml"), "utf8");
  const ws = root.split(/^\[/m).find((s) => s.startsWith("workspace.package]")) ?? "";
  const v = /^version\s*=\s*"([^"]+)"/m.exec(ws);
  if (!v) throw new Error(`no version for ${crateDir}`);
  return v[1];
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `tessera-e2e-${prefix}-`));
}

/** Registers the real host for one browser profile with `tessera-host install`. */
export function installHost(browser, manifestDir) {
  execFileSync(HOST_BIN, ["install", "--browser", browser, "--manifest-dir", manifestDir], { stdio: "pipe" });
  const manifestPath = join(manifestDir, `${HOST_NAME}.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  return { manifestPath, manifest };
}

/**
 * Starts Chromium with the built extension in a fresh profile. With `host`, the
 * host is registered in <profile>/NativeMessagingHosts (Chromium reads it there
 * when --user-data-dir is given). `args` adds Chromium switches (e.g.
 * --host-resolver-rules for the autofill fixtures' names).
 */
/**
 * `userDataDir`: a profile to start again (a browser restart); a new one by default.
 * `extensionDir`: another build of the extension (same key, so the same id), e.g. one with a broken module.
 */
export async function launchChromium({ host, locale = "en-US", args = [], env = {}, userDataDir = tempDir("chromium"), extensionDir = EXT_CHROMIUM }) {
  if (host) installHost("chromium", join(userDataDir, "NativeMessagingHosts"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_BIN,
    headless: true,
    locale,
    env: { ...process.env, LANGUAGE: locale.replace("-", "_"), ...env },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...args,
    ],
  });
  let [worker] = context.serviceWorkers();
  if (!worker) worker = await context.waitForEvent("serviceworker", { timeout: 15_000 });
  return {
    context,
    userDataDir,
    worker,
    /** `keep`: leave the profile for a restart (the caller removes it later). */
    async close({ keep = false } = {}) {
      await context.close().catch(() => {});
      if (!keep) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function openPopup(context) {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${CHROMIUM_ID}/popup/popup.html`);
  return page;
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "");
  } catch {
    return null;
  }
}

function parentPid(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return 0;
  }
}

function exePath(pid) {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return null;
  }
}

/**
 * PIDs of tessera-host processes started by one browser: the binary is the one
 * from the manifest, and `marker` (the profile dir or the throwaway HOME) is in
 * its own arguments (Firefox passes the manifest path) or in an ancestor's
 * (Chromium's --user-data-dir). Only those are ever killed.
 */
export function hostPidsUnder(marker, hostBin = HOST_BIN) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const exe = exePath(pid);
    const argv = cmdline(pid);
    if (argv === null) continue;
    // argv[1] covers a host that is a script run through its interpreter.
    const isHost = exe === hostBin || argv[0] === hostBin || argv[1] === hostBin;
    if (!isHost) continue;
    // Firefox passes the manifest path (under the throwaway HOME) to the host.
    if (argv.some((arg) => arg.includes(marker))) {
      pids.push(pid);
      continue;
    }
    for (let p = parentPid(pid), depth = 0; p > 1 && depth < 6; p = parentPid(p), depth++) {
      const a = cmdline(p);
      if (a !== null && a.some((arg) => arg.includes(marker))) {
        pids.push(pid);
        break;
      }
    }
  }
  return pids;
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor(fn, { timeoutMs = 15_000, intervalMs = 100, what = "condition" } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The popup's tokens as a person reads them (text of the page). */
export async function readTokens(page) {
  return page.$$eval('[data-testid="token"]', (items) =>
    items.map((item) => ({
      id: item.getAttribute("data-token-id"),
      backend: item.querySelector('[data-testid="token-backend"]')?.textContent ?? null,
      serial: item.querySelector('[data-testid="token-serial"]')?.textContent ?? null,
      cardholder: item.querySelector('[data-testid="token-cardholder"]')?.textContent ?? null,
      reader: item.querySelector('[data-testid="token-reader"]')?.textContent ?? null,
      slots: Object.fromEntries(
        [...item.querySelectorAll('[data-testid="slot"]')].map((s) => [
          s.getAttribute("data-slot"),
          {
            algorithm: s.querySelector('[data-testid="slot-algorithm"]')?.textContent ?? null,
            fingerprint: s.querySelector('[data-testid="slot-fingerprint"]')?.textContent ?? null,
          },
        ]),
      ),
    })),
  );
}

/** English strings, to compare what the popup shows with the catalogue. */
export function englishMessage(key, lang = "en") {
  const messages = JSON.parse(readFileSync(join(EXT_DIR, `static/_locales/${lang}/messages.json`), "utf8"));
  return messages[key].message;
}

/** Saves a screenshot under tests/e2e/artifacts/ (gitignored) for a person to look at. */
export async function screenshot(page, name) {
  const dir = join(REPO, "tests", "e2e", "artifacts");
  execFileSync("mkdir", ["-p", dir]);
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true }).catch(() => {});
}
