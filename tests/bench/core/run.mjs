// scripts/bench core: Tessera's wasm core against OpenPGP.js v6 in headless
// Chromium. Prints times, the ratio OpenPGP.js ÷ Tessera (above 1: Tessera is
// faster), wasm sizes and cold start. A benchmark, not a test: it never fails
// on speed, only when an engine errors or the two disagree on plaintext.
import { readFileSync, statSync } from "node:fs";
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
const OPENPGP_DIST = join(HERE, "node_modules", "openpgp", "dist");
const { chromium } = createRequire(join(REPO, "extension", "package.json"))("playwright-core");

const { privateKey } = await openpgp.generateKey({
  type: "ecc", curve: "curve25519Legacy", userIDs: [{ name: "Cold", email: "cold@example.test" }], format: "armored",
});

const TYPES = { ".html": "text/html", ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm" };
const roots = [["/tessera/", BENCH_PKG], ["/openpgp/", OPENPGP_DIST], ["/", HERE]];
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (path === "/key.asc") return res.end(privateKey);
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
    const raw = statSync(file).size;
    return `${(raw / 1024).toFixed(0)} KiB raw, ${(gzipSync(readFileSync(file), { level: 9 }).length / 1024).toFixed(0)} KiB gzip`;
  };
  console.log(`size: extension wasm ${size(PROD_WASM)} (target <= 300 KB gzip); benchmark wasm ${size(join(BENCH_PKG, "tessera_core_bg.wasm"))}; ` +
    `openpgp.min.mjs ${size(join(OPENPGP_DIST, "openpgp.min.mjs"))}`);
} finally {
  await browser.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
