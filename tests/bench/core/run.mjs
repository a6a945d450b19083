// scripts/bench core: Tessera's wasm core against OpenPGP.js v6 in headless
// Chromium. Prints times, the ratio OpenPGP.js ÷ Tessera (above 1: Tessera is
// faster), wasm sizes and cold start. Two sets of rows: random data each engine
// encrypts and decrypts (a Curve25519 key from OpenPGP.js), and messages made
// by gpg with its defaults (ZLIB-compressed) and with -z 0, to a Curve25519 and
// an RSA-3072 key made by gpg here, decrypted by both engines with gpg's
// exported secret key (the private-key step also timed alone, and Tessera also
// with the browser's DecompressionStream instead of its own inflate). A benchmark, not a
// test: it never fails on speed, only when an engine errors or the plaintexts
// differ. Needs gpg on PATH.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as openpgp from "openpgp";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "../../..");
const BENCH_PKG = join(REPO, "target", "wasm-bench-pkg");
const PROD_WASM = join(REPO, "wasm-core", "pkg", "tessera_core_bg.wasm");
// The extension's two other modules (scripts/lib/wasm.sh builds all three), for the size row.
const CREDENTIALS_WASM = join(REPO, "wasm-core", "pkg-credentials", "tessera_credentials_bg.wasm");
const PROTOCOL_WASM = join(REPO, "wasm-core", "pkg-protocol", "tessera_protocol_bg.wasm");
const OPENPGP_DIST = join(HERE, "node_modules", "openpgp", "dist");
const { chromium } = createRequire(join(REPO, "tests", "package.json"))("playwright-core");

const { privateKey } = await openpgp.generateKey({
  type: "ecc", curve: "curve25519Legacy", userIDs: [{ name: "Cold", email: "cold@example.test" }], format: "armored",
});

// Messages as GnuPG writes them: keys made by gpg in a throwaway GNUPGHOME
// (batch, no passphrase), `gpg --encrypt --armor -r` with gpg's defaults, and
// the secret keys exported for both engines. The plaintext is text (real mail
// is), the same bytes for every key.
const gnupgHome = mkdtempSync(join(tmpdir(), "tessera-bench-gpg-"));
const gpg = (args, input) =>
  execFileSync("gpg", ["--homedir", gnupgHome, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "", ...args],
    { input, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 1 << 30 });
const GPG_KEYS = [
  // future-default: ed25519 primary, cv25519 encryption subkey; default: RSA-3072 and an RSA-3072 subkey.
  { name: "cv25519", uid: "Bench Curve <curve@example.test>", algo: "future-default" },
  { name: "rsa3072", uid: "Bench RSA <rsa@example.test>", algo: "default" },
];
const GPG_SIZES = [["4 KiB", 4 * 1024], ["1 MiB", 1024 * 1024], ["16 MiB", 16 * 1024 * 1024]];
// [variant, extra gpg arguments]: gpg's defaults (compressed), and the same
// without compression, as a control for what compression costs each engine.
const GPG_VARIANTS = [["default", []], ["-z 0", ["--compress-algo", "none"]]];

// Mail-like text: words from a small vocabulary, lines under 72 columns, a
// fixed seed so every run inflates the same data.
function mailText(size) {
  const words = ("the of and to in is that for it as with was on be at by this had not are but from or have an they " +
    "which one you were her all she there would their we him been has when who will more no if out so said what up its " +
    "about into than them can only other new some could time these two may then do first any my now such like our over " +
    "meeting invoice attached please regards thanks project report budget schedule review draft contract").split(" ");
  const out = Buffer.alloc(size);
  let seed = 0x2545f491, at = 0, line = 0;
  while (at < size) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const w = words[(seed >>> 8) % words.length];
    const sep = line + w.length + 1 > 72 ? "\n" : " ";
    line = sep === "\n" ? 0 : line + w.length + 1;
    at += out.write(sep + w, at, "latin1");
  }
  return out;
}

// What gpg's defaults are, read back from a message by gpg itself:
// the symmetric cipher, the container, compression and the literal data's mode.
function describe(message) {
  const run = spawnSync("gpg", ["--homedir", gnupgHome, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "",
    "--show-session-key", "--list-packets"], { input: message, maxBuffer: 1 << 30 });
  const out = run.stdout.toString(), err = run.stderr.toString();
  const CIPHERS = { 7: "AES-128", 8: "AES-192", 9: "AES-256" };
  const cipher = err.match(/session key: '(\d+):/)?.[1];
  const container = /encrypted data packet:[^#]*mdc_method: 2/.test(out) ? "SEIPDv1 (MDC)" : out.match(/tag=(\d+)[^\n]*\n:(encrypted|aead)[^\n]*/)?.[0] ?? "?";
  const compressed = out.match(/compressed packet: algo=(\d)/)?.[1];
  const mode = out.match(/literal data packet:\n\s*mode (\w)/)?.[1];
  return `${CIPHERS[cipher] ?? `cipher ${cipher}`}, ${container}, ` +
    `${compressed ? `compressed (algorithm ${compressed}${{ 1: " ZIP", 2: " ZLIB", 3: " BZip2" }[compressed] ?? ""})` : "not compressed"}, ` +
    `literal mode '${mode}'`;
}

const gpgFiles = new Map();
const gpgInfo = [];
for (const key of GPG_KEYS) {
  gpg(["--quick-gen-key", key.uid, key.algo, "default", "never"]);
  gpgFiles.set(`/gpg/${key.name}.key.asc`, gpg(["--armor", "--export-secret-keys", key.uid]));
}
for (const [label, size] of GPG_SIZES) {
  const plain = mailText(size);
  const id = label.replace(" ", "");
  gpgFiles.set(`/gpg/${id}.txt`, plain);
  const input = join(gnupgHome, `${id}.txt`);
  writeFileSync(input, plain);
  for (const key of GPG_KEYS) {
    for (const [variant, extra] of GPG_VARIANTS) {
      const message = gpg(["--trust-model", "always", "--encrypt", "--armor", ...extra, "-r", key.uid, "-o", "-", input]);
      gpgFiles.set(`/gpg/${id}.${key.name}.${variant === "default" ? "z" : "n"}.asc`, message);
      if (label === "1 MiB") gpgInfo.push(`${key.name} ${variant}: ${describe(message)}`);
    }
  }
}
const gpgVersion = execFileSync("gpg", ["--version"]).toString().split("\n")[0];

const TYPES = { ".html": "text/html", ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm" };
const roots = [["/tessera/", BENCH_PKG], ["/openpgp/", OPENPGP_DIST], ["/", HERE]];
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (path === "/key.asc") return res.end(privateKey);
  if (gpgFiles.has(path)) return res.end(gpgFiles.get(path));
  for (const [prefix, dir] of roots) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(dir)) break;
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      return res.end(body);
    } catch {
      break;
    }
  }
  res.writeHead(404).end();
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;

const profile = mkdtempSync(join(tmpdir(), "tessera-bench-core-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
const fmt = (ms) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1)).padStart(8) + " ms";
try {
  const page = await browser.newPage();
  await page.goto(`${base}/index.html`);
  const result = await page.evaluate(() => window.benchResult);
  if (result.error) throw new Error(result.error);
  console.log("size      op        OpenPGP.js     Tessera   ratio (OpenPGP.js ÷ Tessera; target >= 1.5)");
  for (const row of result.rows) {
    for (const op of ["encrypt", "decrypt"]) {
      const { openpgpjs, tessera } = row[op];
      console.log(`${row.size.padEnd(9)} ${op.padEnd(8)} ${fmt(openpgpjs)} ${fmt(tessera)}   ${(openpgpjs / tessera).toFixed(2)}x`);
    }
  }
  const ratio = (t) => `${(t.openpgpjs / t.tessera).toFixed(2)}x`;
  console.log(`\nmessages by ${gpgVersion}, \`gpg --encrypt --armor -r\` (mail-like text, the same for every key):`);
  for (const line of gpgInfo) console.log(`  ${line}`);
  console.log("key      size      message        decrypt: OpenPGP.js     Tessera  ratio  | without the private-key step: OpenPGP.js     Tessera  ratio" +
    "  | Tessera, browser's inflate  ratio");
  for (const row of result.gpg.rows) {
    console.log(`${row.key.padEnd(8)} ${row.size.padEnd(9)} ${row.variant.padEnd(14)} ${fmt(row.total.openpgpjs)} ${fmt(row.total.tessera)}  ${ratio(row.total).padStart(5)}  | ` +
      `${" ".repeat(29)}${fmt(row.rest.openpgpjs)} ${fmt(row.rest.tessera)}  ${ratio(row.rest).padStart(5)}  | ` +
      `${" ".repeat(15)}${fmt(row.browserInflate.tessera)}  ${ratio(row.browserInflate).padStart(5)}`);
  }
  for (const [key, t] of Object.entries(result.gpg.privateKeyStep)) {
    console.log(`private-key step (opening the PKESK; the card's in real use), ${key}: OpenPGP.js ${fmt(t.openpgpjs).trim()}, Tessera ${fmt(t.tessera).trim()}, ${ratio(t)}`);
  }
  const cold = {};
  for (const engine of ["tessera", "openpgpjs"]) {
    const samples = [];
    for (let i = 0; i < 5; i++) {
      const p = await browser.newPage();
      // A fresh cache each time: a cold start fetches and compiles everything.
      await p.route("**/*", (route) => route.continue({ headers: { ...route.request().headers(), "cache-control": "no-cache" } }));
      await p.goto(`${base}/cold.html?engine=${engine}&n=${i}`);
      samples.push(await p.waitForFunction(() => window.coldResult).then((h) => h.jsonValue()));
      await p.close();
    }
    samples.sort((a, b) => a - b);
    cold[engine] = samples[2];
  }
  console.log(`cold start (fresh page: load engine, parse key, first 4 KiB encrypt), median of 5: ` +
    `Tessera ${cold.tessera.toFixed(1)} ms, OpenPGP.js ${cold.openpgpjs.toFixed(1)} ms`);
  const size = (file) => {
    if (!existsSync(file)) return "not built (scripts/lib/wasm.sh build)";
    const raw = statSync(file).size;
    return `${(raw / 1024).toFixed(0)} KiB raw, ${(gzipSync(readFileSync(file), { level: 9 }).length / 1024).toFixed(0)} KiB gzip`;
  };
  console.log(`size: extension's OpenPGP core ${size(PROD_WASM)} (target <= 300 KB gzip); credentials module ${size(CREDENTIALS_WASM)} ` +
    `(target <= 120 KB gzip); host protocol module ${size(PROTOCOL_WASM)}; benchmark wasm ${size(join(BENCH_PKG, "tessera_core_bg.wasm"))}; ` +
    `openpgp.min.mjs ${size(join(OPENPGP_DIST, "openpgp.min.mjs"))}`);
} finally {
  await browser.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
  spawnSync("gpgconf", ["--homedir", gnupgHome, "--kill", "gpg-agent"]);
  rmSync(gnupgHome, { recursive: true, force: true });
}
