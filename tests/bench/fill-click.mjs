// Click-to-filled: from the click on the popup's "fill best match" to the
// password being in the classic fixture's input, with the PIN cached, 50 runs,
// once with the soft token and once with the virtual card. Each run goes the
// whole way: background → host decrypts the pass entry's session key on the
// token → wasm core → content script. Both clocks are the browser's
// (performance.timeOrigin + now() in the popup and in the page).
// Prints figures; asserts nothing: a benchmark, not a test.
//   scripts/lib/with-virtual-card.sh node tests/bench/fill-click.mjs HOST_BINARY
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";

process.env.TESSERA_HOST_BIN = resolve(process.argv[2] ?? "target/release/tessera-host");
const { CHROMIUM_ID, HOST_BIN, tempDir, testCard } = await import("../e2e/lib.mjs");
const { openLogin, startAutofillSite } = await import("../e2e/autofill-lib.mjs");

const RUNS = 50;
const SOFT_PASSPHRASE = "bench-soft-passphrase";
const CARD_PIN = process.env.TESSERA_TEST_USER_PIN ?? "123456";

const gpg = (home, args, input) =>
  execFileSync("gpg", ["--homedir", home, "--batch", "--no-tty", ...args], { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
const primaryFpr = (home, which) => /^fpr:+([0-9A-F]{40,64}):/m.exec(gpg(home, ["--with-colons", "--fingerprint", "--list-keys", which]))[1];

/** A pass store with one entry for https://bench.example.test, encrypted to `fpr` by GnuPG in `home`. */
function makeStore(home, fpr) {
  const store = tempDir("bench-store");
  const env = { ...process.env, GNUPGHOME: home, PASSWORD_STORE_DIR: store, PASSWORD_STORE_GPG_OPTS: "--trust-model always" };
  execFileSync("pass", ["init", fpr], { env, stdio: "pipe" });
  execFileSync("pass", ["insert", "-m", "bench.example.test"], {
    env,
    input: "bench-password\nlogin: bench@example.test\nurl: https://bench.example.test\n",
    stdio: ["pipe", "pipe", "pipe"],
  });
  return store;
}

async function measure(label, { store, dataDir, publicKey, pin }) {
  process.env.PASSWORD_STORE_DIR = store;
  process.env.TESSERA_DATA_DIR = dataDir;
  const env = await startAutofillSite({ host: true });
  try {
    const { context, worker } = env.browser;
    const options = await context.newPage();
    await options.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
    const imported = await options.evaluate((text) => chrome.runtime.sendMessage({ type: "keyring.import", text }), publicKey);
    if (!imported.ok) throw new Error(`keyring.import: ${JSON.stringify(imported)}`);
    await options.close();

    const { page, target } = await openLogin(context, worker, "https://bench.example.test/classic");
    await page.evaluate(() => {
      const pw = document.querySelector("#password");
      pw.addEventListener("input", () => {
        if (pw.value !== "") globalThis.__filledAt ??= performance.timeOrigin + performance.now();
      });
    });
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${CHROMIUM_ID}/popup/popup.html?tab=${target.tabId}`);
    await popup.waitForSelector('[data-testid="cred-entry"]');
    const click = () => popup.evaluate(() => {
      const t = performance.timeOrigin + performance.now();
      document.querySelector('[data-testid="cred-fill-best"]').click();
      return t;
    });
    const filledAt = async () => {
      for (let i = 0; i < 600; i++) {
        const t = await page.evaluate(() => globalThis.__filledAt);
        if (t !== undefined) return t;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`${label}: not filled within 3 s; popup: ${await popup.textContent('[data-testid="cred-status"]')}`);
    };
    const reset = () => page.evaluate(() => {
      delete globalThis.__filledAt;
      for (const input of document.querySelectorAll("#login, #password")) input.value = "";
    });

    // Warm-up: the PIN prompt, answered once; the host caches it.
    const pinPage = context.waitForEvent("page", { predicate: (p) => p.url().includes("/pin/pin.html"), timeout: 30_000 });
    await click();
    const prompt = await pinPage;
    await prompt.waitForSelector('body[data-state="ready"]');
    const closed = prompt.waitForEvent("close");
    await prompt.fill('[data-testid="pin-input"]', pin);
    await prompt.click('[data-testid="pin-submit"]');
    await closed;
    await filledAt();
    await reset();

    const samples = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = await click();
      samples.push((await filledAt()) - t0);
      await reset();
    }
    samples.sort((a, b) => a - b);
    const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
    console.log(`click-to-filled, ${label}, PIN cached, ${RUNS} runs: median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, min ${samples[0].toFixed(1)} ms, max ${samples.at(-1).toFixed(1)} ms`);
  } finally {
    await env.close();
  }
}

const cleanup = [];
try {
  // Soft token: a fresh key in a throwaway data dir; GnuPG gets its public half to run `pass init`.
  const softData = tempDir("bench-soft");
  const softHome = tempDir("bench-soft-gpg");
  cleanup.push(softData, softHome);
  execFileSync(HOST_BIN, ["soft-token", "init", "--user-id", "Bench <bench@example.test>"], {
    env: { ...process.env, TESSERA_DATA_DIR: softData },
    input: `${SOFT_PASSPHRASE}\n`,
    stdio: ["pipe", "pipe", "pipe"],
  });
  gpg(softHome, ["--import", join(softData, "soft-token.asc")]);
  const softFpr = primaryFpr(softHome, "bench@example.test");
  const softStore = makeStore(softHome, softFpr);
  cleanup.push(softStore);
  await measure("soft token", { store: softStore, dataDir: softData, publicKey: gpg(softHome, ["--armor", "--export", softFpr]), pin: SOFT_PASSPHRASE });

  // The virtual card (scripts/lib/with-virtual-card.sh): Alice's key in TESSERA_TEST_GNUPGHOME.
  const cardHome = process.env.TESSERA_TEST_GNUPGHOME;
  if (!cardHome) throw new Error("run under scripts/lib/with-virtual-card.sh");
  const alice = primaryFpr(cardHome, testCard().decryption.fingerprint);
  const cardStore = makeStore(cardHome, alice);
  const cardData = tempDir("bench-card");
  cleanup.push(cardStore, cardData);
  await measure(`virtual card ${testCard().serial}`, { store: cardStore, dataDir: cardData, publicKey: gpg(cardHome, ["--armor", "--export", alice]), pin: CARD_PIN });
} finally {
  for (const dir of cleanup) {
    execFileSync("gpgconf", ["--homedir", dir, "--kill", "all"], { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  }
}
