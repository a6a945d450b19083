// Opens Chromium with the built extension on the demo's two jobs: one-click
// login to an internal console (login, password, TOTP) and writing encrypted
// mail in a webmail (Roundcube on loopback). Run by scripts/demo inside
// tests/webmail/with-webmail.sh (which sets TESSERA_WEBMAIL_URL).
//
//   node demo-browser.mjs --profile DIR --state DIR --host BIN --passphrase P [--headless --shots DIR]
//
// First it seeds, once, the demo password store (PASSWORD_STORE_DIR=STATE/password-store):
// the token's own certificate goes into Tessera's keyring, and one entry for
// the console is encrypted to it by the extension itself (no GnuPG).
// Headed: a "what to try" page, and the browser stays open until closed.
// Headless: performs the walk and saves four screenshots, each taken once the
// page's DOM shows what it should; prints a JSON summary with their paths.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { CONSOLE_HOST, startDemoConsole } from "./demo-console.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const EXT = join(REPO, "extension", "dist", "chromium");
// The ID the build's manifest key gives the extension (manifest/extension-id.json).
const EXTENSION_ID = JSON.parse(readFileSync(join(REPO, "manifest", "extension-id.json"), "utf8")).chromium.id;
const { chromium } = createRequire(join(REPO, "tests", "package.json"))("playwright-core");

const { values } = parseArgs({
  options: {
    profile: { type: "string" },
    state: { type: "string" },
    host: { type: "string" },
    passphrase: { type: "string" },
    headless: { type: "boolean", default: false },
    shots: { type: "string" },
  },
});
for (const k of ["profile", "state", "host", "passphrase"]) if (!values[k]) throw new Error(`--${k} is required`);
const WEBMAIL_URL = process.env.TESSERA_WEBMAIL_URL;
if (!WEBMAIL_URL) throw new Error("TESSERA_WEBMAIL_URL is not set: run this through tests/webmail/with-webmail.sh (scripts/demo does)");

// The demo console's account. The password and TOTP secret exist only in the
// demo store (encrypted) and in this local demo server.
const DEMO = { login: "demo-admin", password: "Tr0ub4dor&3-demo-console", totpSecret: "JBSWY3DPEHPK3PXPJBSWY3DP" };
const STORE = join(values.state, "password-store");
const ENTRY = CONSOLE_HOST; // its name is its site: https://console.demo.test
const MAIL_TO = "demo@example.test";

const say = (m) => console.error(`demo: ${m}`);

function ownCertificate() {
  // The token's public certificate, exported by the helper (soft token or card).
  return execFileSync(values.host, ["export-cert"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

async function extensionPage(context) {
  const p = await context.newPage();
  await p.goto(`chrome-extension://${EXTENSION_ID}/options/options.html`);
  return p;
}

const request = (page, message) => page.evaluate((m) => chrome.runtime.sendMessage(m), message);

/** The own key in Tessera's keyring (imported once), and the demo entry in the demo store (written once). */
async function seed(context) {
  const ext = await extensionPage(context);
  try {
    let keys = (await request(ext, { type: "keyring.list" })).keys ?? [];
    if (!keys.some((k) => k.own && k.can_encrypt)) {
      const imported = await request(ext, { type: "keyring.import", text: ownCertificate() });
      if (!imported.ok) throw new Error(`importing the token's certificate: ${imported.message}`);
      keys = (await request(ext, { type: "keyring.list" })).keys ?? [];
    }
    const own = keys.find((k) => k.own && k.can_encrypt);
    if (own === undefined) throw new Error("the token's certificate is not in Tessera's keyring");
    const file = join(STORE, `${ENTRY}.gpg`);
    if (existsSync(file)) return own.fingerprint;
    const text = `${DEMO.password}\nlogin: ${DEMO.login}\nautosubmit: true\notpauth://totp/Demo%20console:${DEMO.login}?secret=${DEMO.totpSecret}&issuer=Demo%20console\n`;
    const r = await request(ext, { type: "encrypt", text, recipients: [own.fingerprint], sign: false });
    if (!r.ok) throw new Error(`encrypting the demo entry: ${r.message}`);
    mkdirSync(STORE, { recursive: true, mode: 0o700 });
    writeFileSync(join(STORE, ".gpg-id"), `${own.fingerprint}\n`);
    writeFileSync(file, r.armored, { mode: 0o600 });
    say(`seeded the demo store ${STORE} with ${ENTRY} (encrypted to ${own.fingerprint})`);
    return own.fingerprint;
  } finally {
    await ext.close();
  }
}

/**
 * The tab id of the page whose content script reported login fields at `url`
 * (the browser's own sender.tab; the extension has no "tabs" permission to
 * query tabs by URL). Listens beside the background's handler, answers nothing.
 */
async function watchFieldReports(worker) {
  await worker.evaluate(() => {
    globalThis.__demoReports = [];
    chrome.runtime.onMessage.addListener((message, sender) => {
      if (message?.type === "autofill.fieldsFound") globalThis.__demoReports.push({ tabId: sender.tab?.id, url: sender.url });
      return false;
    });
  });
}

async function tabIdOf(worker, url) {
  for (let i = 0; i < 100; i++) {
    const seen = await worker.evaluate(() => globalThis.__demoReports);
    const hit = seen.find((r) => r.url?.startsWith(url));
    if (hit?.tabId !== undefined) return hit.tabId;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`Tessera saw no login form on ${url}`);
}

async function answerPassphrase(context) {
  const pin = await context.waitForEvent("page", { predicate: (p) => p.url().includes("/pin/pin.html"), timeout: 30_000 });
  await pin.waitForSelector('body[data-state="ready"]');
  const closed = pin.waitForEvent("close", { timeout: 30_000 });
  await pin.fill('[data-testid="pin-input"]', values.passphrase);
  await pin.click('[data-testid="pin-submit"]');
  await closed;
}

async function walk(context, worker) {
  mkdirSync(values.shots, { recursive: true });
  const shot = (name) => join(values.shots, name);
  const shots = {};

  // 1. The popup on the console's login page: the demo entry is marked as matching.
  await watchFieldReports(worker);
  const consolePage = await context.newPage();
  await consolePage.goto(`https://${CONSOLE_HOST}/`);
  await consolePage.waitForSelector("#password");
  const tabId = await tabIdOf(worker, `https://${CONSOLE_HOST}/`);
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 420, height: 640 });
  await popup.goto(`chrome-extension://${EXTENSION_ID}/popup/popup.html?tab=${tabId}`);
  await popup
    .waitForSelector(`[data-testid="cred-entry"][data-entry="default:${ENTRY}"] [data-testid="cred-match"]`, { timeout: 20_000 })
    .catch(async () => {
      const listed = await request(popup, { type: "credentials.list", tabId });
      throw new Error(`the popup does not mark ${ENTRY} as matching: ${JSON.stringify(listed)}`);
    });
  await popup.screenshot({ path: (shots.popup = shot("1-popup-on-console.png")), fullPage: true });

  // 2. One click: the passphrase once, then user, password and the TOTP code go in, no clipboard.
  const asked = answerPassphrase(context);
  await popup.click('[data-testid="cred-fill-best"]');
  await asked;
  await consolePage.waitForSelector("#signed-in", { timeout: 30_000 });
  await consolePage.screenshot({ path: (shots.console = shot("2-console-signed-in.png")) });
  await popup.close();

  // 3. The webmail's compose: Tessera's editor replaces Roundcube's, the text typed there.
  const mail = await context.newPage();
  await mail.setViewportSize({ width: 1200, height: 800 });
  await mail.goto(WEBMAIL_URL);
  await mail.fill("#rcmloginuser", "alice");
  await mail.fill("#rcmloginpwd", "alice-pw");
  await mail.click("#rcmloginsubmit");
  await mail.waitForURL(/_task=mail/, { timeout: 20_000 });
  await mail.goto(`${WEBMAIL_URL}?_task=mail&_action=compose`);
  await mail.waitForLoadState("networkidle");
  await mail.fill("#compose_to .recipient-input input", MAIL_TO);
  await mail.fill("#compose-subject", "The new database password");
  const action = mail.locator('tessera-action[data-tessera-action="encrypt"]');
  const box = await action.boundingBox({ timeout: 20_000 });
  await mail.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const editor = await (async () => {
    for (let i = 0; i < 200; i++) {
      const f = mail.frames().find((fr) => fr.url().startsWith(`chrome-extension://${EXTENSION_ID}/frames/editor/`));
      if (f) return f;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error("Tessera's editor did not open in the compose page");
  })();
  await editor.waitForSelector('body[data-state="ready"][data-visible="true"]', { timeout: 20_000 });
  await editor.waitForSelector(`[data-testid="recipient"][data-address="${MAIL_TO}"][data-has-key="true"]`, { timeout: 20_000 });
  const secret = "The new database password is only in this encrypted mail.";
  await editor.locator('[data-testid="editor-text"]').pressSequentially(secret, { delay: 5 });
  await mail.screenshot({ path: (shots.editor = shot("3-webmail-tessera-editor.png")) });

  // 4. Encrypt: only ciphertext enters Roundcube's compose body.
  await editor.click('[data-testid="editor-encrypt"]');
  await mail.waitForFunction(
    (plain) => {
      const body = document.querySelector("textarea#composebody");
      return body !== null && body.value.startsWith("-----BEGIN PGP MESSAGE-----") && !body.value.includes(plain);
    },
    secret,
    { timeout: 30_000 },
  );
  await mail.locator("textarea#composebody").scrollIntoViewIfNeeded();
  await mail.screenshot({ path: (shots.ciphertext = shot("4-webmail-ciphertext-in-compose.png")) });
  return shots;
}

function whatToTry(consolePort) {
  const file = join(values.state, "what-to-try.html");
  const html = readFileSync(join(REPO, "scripts", "demo-page", "index.html"), "utf8")
    .replaceAll("{{CONSOLE}}", `https://${CONSOLE_HOST}/`)
    .replaceAll("{{WEBMAIL}}", WEBMAIL_URL)
    .replaceAll("{{MAIL_TO}}", MAIL_TO)
    .replaceAll("{{PORT}}", String(consolePort));
  writeFileSync(file, html);
  return pathToFileURL(file).href;
}

const consoleServer = await startDemoConsole({ stateDir: values.state, ...DEMO });
// The helper Chromium starts reads the demo store, not your own ~/.password-store.
process.env.PASSWORD_STORE_DIR = STORE;
const context = await chromium.launchPersistentContext(values.profile, {
  executablePath: process.env.TESSERA_CHROMIUM ?? "/usr/bin/chromium",
  headless: values.headless,
  viewport: values.headless ? { width: 1200, height: 800 } : null,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--host-resolver-rules=MAP ${CONSOLE_HOST}:443 127.0.0.1:${consoleServer.port}`,
    // Trusts the demo console's own certificate, and no other untrusted one.
    `--ignore-certificate-errors-spki-list=${consoleServer.spki}`,
    `--disable-extensions-except=${EXT}`,
    `--load-extension=${EXT}`,
  ],
});
try {
  let [worker] = context.serviceWorkers();
  worker ??= await context.waitForEvent("serviceworker", { timeout: 15_000 });
  await seed(context);
  if (values.headless) {
    const shots = await walk(context, worker);
    console.log(JSON.stringify({ ok: true, screenshots: shots }));
  } else {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(whatToTry(consoleServer.port));
    await new Promise((done) => context.on("close", done));
  }
} finally {
  await context.close().catch(() => {});
  await consoleServer.close();
}
