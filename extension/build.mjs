#!/usr/bin/env node
// Builds the extension for each browser:
//   node build.mjs            → dist/chromium/ and dist/firefox/ (needs wasm-core/pkg)
//   node build.mjs --tests    → build/tests/*.test.js for `node --test` (no wasm needed)
// The wasm core comes from `scripts/lib/wasm.sh build` (wasm-core/pkg/), or from
// the directory in TESSERA_CORE_PKG.

import * as esbuild from "esbuild";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const pkg = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));

// The IDs and the key that fixes the Chromium ID live in manifest/extension-id.json, read by
// the test helpers and demo too; extension/test/extension-id.test.ts ties them to the protocol's
// constants (the host's allowed origins).
const EXTENSION_ID = JSON.parse(readFileSync(join(repo, "manifest", "extension-id.json"), "utf8"));
export const CHROMIUM_ID = EXTENSION_ID.chromium.id;
export const GECKO_ID = EXTENSION_ID.firefox.id;
const CHROMIUM_KEY = EXTENSION_ID.chromium.key;

// frame-ancestors allows web pages only because the webmail frames (frames/*) sit in
// them; pages can frame nothing that is not in web_accessible_resources anyway.
const CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors http: https:";
// Webmail: a content script that only sees ciphertext, and the editor / reader frames it places.
// about:blank / srcdoc frames too: webmails show received HTML mail in such frames, sandboxed
// ones (opaque origin) included, which only match_origin_as_fallback reaches (Chromium; Firefox
// matches about:blank frames by their parent through match_about_blank). The editors those frames
// hold are taken over by the parent frame's copy (content/webmail/editables.ts says why).
const WEBMAIL_CONTENT_SCRIPT = {
  matches: ["http://*/*", "https://*/*"],
  js: ["content/webmail.js"],
  all_frames: true,
  match_about_blank: true,
  run_at: "document_idle",
};
const WEBMAIL_FRAMES = { resources: ["frames/editor/*", "frames/reader/*", "frames/frame.css", "pages/theme.css"], matches: ["http://*/*", "https://*/*"] };
const ICON_SIZES = [16, 32, 48, 128];

function manifest(browser) {
  const icons = Object.fromEntries(ICON_SIZES.map((s) => [String(s), `icons/icon-${s}.png`]));
  const common = {
    manifest_version: 3,
    name: "__MSG_extName__",
    description: "__MSG_extDescription__",
    version: pkg.version,
    default_locale: "en",
    // webNavigation: every frame's URL from the browser (autofill's origin check);
    // activeTab: the fill-best-match command and the popup act on the current tab.
    // contextMenus: "Tessera: type into this console" (background/credentials/type-menu.ts).
    permissions: ["nativeMessaging", "storage", "webNavigation", "activeTab", "contextMenus"],
    commands: {
      "fill-best-match": { suggested_key: { default: "Alt+Shift+L" }, description: "__MSG_commandFillBest__" },
      // Consoles without a login form (web terminals, VNC): the best match's password as keystrokes.
      "type-password": { suggested_key: { default: "Alt+Shift+K" }, description: "__MSG_commandTypePassword__" },
    },
    icons,
    action: { default_popup: "popup/popup.html", default_title: "__MSG_actionTitle__", default_icon: icons },
    // Keyring, and the Decrypt / Encrypt boxes; a tab so that the PIN window can sit beside it.
    options_ui: { page: "options/options.html", open_in_tab: true },
    content_security_policy: { extension_pages: CSP },
    // Autofill's field detection and filling, in every frame: a login in an
    // iframe is detected by that frame's own copy (see content/autofill/).
    content_scripts: [
      {
        matches: ["<all_urls>"],
        js: ["content/autofill.js"],
        all_frames: true,
        match_about_blank: true,
        run_at: "document_idle",
      },
      browser === "chromium" ? { ...WEBMAIL_CONTENT_SCRIPT, match_origin_as_fallback: true } : WEBMAIL_CONTENT_SCRIPT,
    ],
    web_accessible_resources: [WEBMAIL_FRAMES],
  };
  if (browser === "chromium") {
    return {
      ...common,
      key: CHROMIUM_KEY,
      minimum_chrome_version: "120",
      background: { service_worker: "background/service-worker.js" },
    };
  }
  return {
    ...common,
    background: { scripts: ["background/service-worker.js"] },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        // 142 is the first version that reads data_collection_permissions.
        strict_min_version: "142.0",
        data_collection_permissions: { required: ["none"] },
      },
    },
  };
}

// --- icons: a 2×2 mosaic of tiles, drawn here so no binary is committed ---

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function iconPng(size) {
  const colors = [
    [0x1d, 0x4e, 0x89],
    [0x2a, 0x9d, 0x8f],
    [0xe9, 0xc4, 0x6a],
    [0xe7, 0x6f, 0x51],
  ];
  const gap = Math.max(1, Math.round(size / 16));
  const half = size / 2;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let x = 0; x < size; x++) {
      const inGap = Math.abs(x + 0.5 - half) < gap / 2 + 0.01 || Math.abs(y + 0.5 - half) < gap / 2 + 0.01;
      const tile = (y < half ? 0 : 2) + (x < half ? 0 : 1);
      const [r, g, b] = colors[tile];
      row.set([r, g, b, inGap ? 0 : 255], 1 + x * 4);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// --- builds ---

function corePkgDir() {
  return resolve(process.env.TESSERA_CORE_PKG ?? join(repo, "wasm-core", "pkg"));
}

function credentialsPkgDir() {
  return resolve(process.env.TESSERA_CREDENTIALS_PKG ?? join(repo, "wasm-core", "pkg-credentials"));
}

function protocolPkgDir() {
  return resolve(process.env.TESSERA_PROTOCOL_PKG ?? join(repo, "wasm-core", "pkg-protocol"));
}

/**
 * The wasm modules scripts/lib/wasm.sh builds: the name the sources import, its pkg dir, its
 * file stem, and what it is (for the error when it is missing). The service worker loads the
 * OpenPGP module when a flow first needs it, the credentials one on the first autofill use,
 * the host protocol one at its start.
 */
function wasmModules(coreDir) {
  return [
    { name: "tessera-core", dir: coreDir, stem: "tessera_core", what: "the wasm core" },
    { name: "tessera-credentials", dir: credentialsPkgDir(), stem: "tessera_credentials", what: "the credentials wasm module" },
    { name: "tessera-protocol", dir: protocolPkgDir(), stem: "tessera_protocol", what: "the host protocol wasm module" },
  ];
}

async function buildBrowser(browser, coreDir) {
  // TESSERA_DIST_DIR: a private output folder, so a test run does not rebuild the dist/ others use.
  const out = join(resolve(process.env.TESSERA_DIST_DIR ?? join(here, "dist")), browser);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: {
      "background/service-worker": join(here, "src/background/service-worker.ts"),
      "popup/popup": join(here, "src/popup/popup.ts"),
      "options/options": join(here, "src/options/options.ts"),
      "pin/pin": join(here, "src/pin/pin.ts"),
      "content/webmail": join(here, "src/content/webmail/main.ts"),
      "frames/editor/editor": join(here, "src/frames/editor/editor.ts"),
      "frames/reader/reader": join(here, "src/frames/reader/reader.ts"),
      "content/autofill": join(here, "src/content/autofill/autofill.ts"),
    },
    outdir: out,
    bundle: true,
    format: "iife", // classic scripts: a Chromium service worker and Firefox background scripts both load them
    target: ["chrome120", "firefox128"],
    alias: Object.fromEntries(wasmModules(coreDir).map((m) => [m.name, join(m.dir, `${m.stem}.js`)])),
    // The glue only uses import.meta.url to find the .wasm when no path is given; we always give one.
    define: { "import.meta.url": '"about:invalid"' },
    legalComments: "none",
    logLevel: "warning",
  });
  mkdirSync(join(out, "wasm"));
  for (const m of wasmModules(coreDir)) cpSync(join(m.dir, `${m.stem}_bg.wasm`), join(out, "wasm", `${m.stem}_bg.wasm`));
  for (const page of ["popup", "options", "pin"]) {
    for (const ext of ["html", "css"]) cpSync(join(here, "src", page, `${page}.${ext}`), join(out, page, `${page}.${ext}`));
  }
  for (const frame of ["editor", "reader"]) cpSync(join(here, "src/frames", frame, `${frame}.html`), join(out, "frames", frame, `${frame}.html`));
  cpSync(join(here, "src/frames/frame.css"), join(out, "frames/frame.css"));
  // The shared design tokens and base components, linked by every page and frame before its own CSS.
  cpSync(join(here, "src/pages/theme.css"), join(out, "pages/theme.css"));
  cpSync(join(here, "static"), out, { recursive: true });
  mkdirSync(join(out, "icons"));
  for (const s of ICON_SIZES) writeFileSync(join(out, "icons", `icon-${s}.png`), iconPng(s));
  writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest(browser), null, 2) + "\n");
  console.log(`built ${out}`);
}

async function buildTests() {
  const out = join(here, "build", "tests");
  rmSync(out, { recursive: true, force: true });
  const tests = readdirSync(join(here, "test")).filter((f) => f.endsWith(".test.ts"));
  await esbuild.build({
    entryPoints: tests.map((f) => join(here, "test", f)),
    outdir: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
  console.log(`built ${tests.length} test file(s) into ${out}`);
}

if (process.argv.includes("--tests")) {
  await buildTests();
} else {
  const coreDir = corePkgDir();
  for (const m of wasmModules(coreDir)) {
    if (!existsSync(join(m.dir, `${m.stem}.js`)) || !existsSync(join(m.dir, `${m.stem}_bg.wasm`))) {
      console.error(
        `tessera: ${m.what} is not built (no ${m.stem}.js / ${m.stem}_bg.wasm in ${m.dir}).\n` +
          "Run `scripts/lib/wasm.sh build` from the repository root first.",
      );
      process.exit(1);
    }
  }
  for (const browser of ["chromium", "firefox"]) await buildBrowser(browser, coreDir);
}
