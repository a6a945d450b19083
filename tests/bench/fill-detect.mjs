// Field detection time on the fixture site's 10,000-element page, in headless
// Chromium: the detection module (extension/src/content/autofill/detect.ts)
// bundled by esbuild and run in the page, 50 timed runs after one cold run.
// Prints figures; asserts nothing: a benchmark, not a test.
//   node tests/bench/fill-detect.mjs
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startFixtureServer } from "../e2e/fixtures/autofill/server.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { chromium } = createRequire(join(REPO, "tests", "package.json"))("playwright-core");
const esbuild = createRequire(join(REPO, "extension", "package.json"))("esbuild");
const RUNS = 50;

const bundle = (
  await esbuild.build({
    stdin: {
      contents: 'import { detectLoginFields, summarize } from "./detect"; globalThis.__tesseraDetect = () => summarize(detectLoginFields());',
      resolveDir: join(REPO, "extension", "src", "content", "autofill"),
      loader: "ts",
    },
    bundle: true,
    write: false,
    format: "iife",
    target: "chrome120",
    logLevel: "warning",
  })
).outputFiles[0].text;

const site = await startFixtureServer();
const profile = mkdtempSync(join(tmpdir(), "tessera-bench-fill-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.TESSERA_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update"],
});
try {
  const page = await context.newPage();
  await page.goto(`${site.url}/big`);
  await page.addScriptTag({ content: bundle });
  const r = await page.evaluate((runs) => {
    const elements = document.getElementsByTagName("*").length;
    const inputs = document.getElementsByTagName("input").length;
    // The page's own style and layout, which a loaded page has already paid
    // for before a content script at document_idle runs; timed apart.
    let t = performance.now();
    void document.body.getBoundingClientRect().height;
    const layout = performance.now() - t;
    t = performance.now();
    const summary = globalThis.__tesseraDetect();
    const cold = performance.now() - t;
    const samples = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      globalThis.__tesseraDetect();
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
    return { elements, inputs, summary, layout, cold, median: q(0.5), p95: q(0.95), max: samples.at(-1) };
  }, RUNS);
  const ms = (x) => `${x.toFixed(2)} ms`;
  console.log(`field detection, ${r.elements} elements (${r.inputs} inputs), found ${JSON.stringify(r.summary)}`);
  console.log(`  page style+layout before the first run ${ms(r.layout)}`);
  console.log(`  first run ${ms(r.cold)}; ${RUNS} runs: median ${ms(r.median)}, p95 ${ms(r.p95)}, max ${ms(r.max)}`);
} finally {
  await context.close();
  await site.close();
  rmSync(profile, { recursive: true, force: true });
}
