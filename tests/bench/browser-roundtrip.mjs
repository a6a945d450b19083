// Native-messaging round trip measured inside Chromium's service worker, over a
// persistent connectNative port to the real tessera-host (what the extension
// uses). Prints figures; asserts nothing: a benchmark, not a test.
//   node browser-roundtrip.mjs HOST_BINARY
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const EXT = join(REPO, "extension", "dist", "chromium");
const { chromium } = createRequire(join(REPO, "tests", "package.json"))("playwright-core");
const host = resolve(process.argv[2]);

const profile = mkdtempSync(join(tmpdir(), "tessera-bench-"));
execFileSync(host, ["install", "--browser", "chromium", "--manifest-dir", join(profile, "NativeMessagingHosts")]);
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", `--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`],
});
try {
  let [worker] = context.serviceWorkers();
  if (!worker) worker = await context.waitForEvent("serviceworker");
  const result = await worker.evaluate(async () => {
    const port = chrome.runtime.connectNative("org.tessera.host");
    const waiting = new Map();
    port.onMessage.addListener((m) => waiting.get(m.id)?.(m));
    const call = (id) => new Promise((done) => { waiting.set(id, done); port.postMessage({ id, method: "hello" }); });
    const t0 = performance.now();
    await call(0);
    const spawn = performance.now() - t0;
    for (let i = 1; i <= 50; i++) await call(i); // warm-up
    const samples = [];
    for (let i = 100; i < 1100; i++) {
      const s = performance.now();
      await call(i);
      samples.push(performance.now() - s);
    }
    port.disconnect();
    samples.sort((a, b) => a - b);
    return { spawn, p50: samples[499], p99: samples[989] };
  });
  console.log(`Chromium connectNative spawn-to-first-reply: ${result.spawn.toFixed(1)} ms`);
  console.log(`Chromium native round trip, persistent port (1000 hello): p50 ${result.p50.toFixed(3)} ms, p99 ${result.p99.toFixed(3)} ms  [target p50 <= 0.5 ms]`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
