// Opens Chromium with the built extension for scripts/demo.
//   node demo-browser.mjs --profile DIR --url URL [--headless --screenshot FILE]
// Headed: leaves the browser open until it is closed. Headless: opens the popup
// page, waits until it shows a token (or a clear state), and saves a screenshot.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const EXT = join(REPO, "extension", "dist", "chromium");
// The ID the build's manifest key gives the extension (manifest/extension-id.json).
const EXTENSION_ID = JSON.parse(readFileSync(join(REPO, "manifest", "extension-id.json"), "utf8")).chromium.id;
const { chromium } = createRequire(join(REPO, "tests", "package.json"))("playwright-core");

const { values } = parseArgs({
  options: {
    profile: { type: "string" },
    url: { type: "string" },
    headless: { type: "boolean", default: false },
    screenshot: { type: "string" },
  },
});
if (!values.profile || !values.url) throw new Error("--profile and --url are required");

const context = await chromium.launchPersistentContext(values.profile, {
  executablePath: process.env.TESSERA_CHROMIUM ?? "/usr/bin/chromium",
  headless: values.headless,
  viewport: values.headless ? { width: 420, height: 640 } : null,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--disable-extensions-except=${EXT}`,
    `--load-extension=${EXT}`,
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
await page.goto(values.url);

if (values.headless) {
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${EXTENSION_ID}/popup/popup.html`);
  // Settled: a token is listed, or the popup says why none can be (not installed, problems).
  await popup.waitForFunction(
    () => {
      const state = document.querySelector('[data-testid="status-state"]')?.getAttribute("data-state");
      const tokens = document.querySelectorAll('[data-testid="token"]').length;
      return tokens > 0 || state === "not_installed" || state === "disconnected";
    },
    null,
    { timeout: 20_000 },
  );
  await popup.screenshot({ path: values.screenshot, fullPage: true });
  const summary = await popup.evaluate(() => ({
    state: document.querySelector('[data-testid="status-state"]')?.getAttribute("data-state"),
    host: document.querySelector('[data-testid="host-version"]')?.textContent,
    core: document.querySelector('[data-testid="core-version"]')?.textContent,
    tokens: [...document.querySelectorAll('[data-testid="token"]')].map((t) => t.getAttribute("data-token-id")),
  }));
  console.log(JSON.stringify(summary));
  await context.close();
} else {
  await new Promise((done) => context.on("close", done));
}
