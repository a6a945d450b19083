// scripts/bench webmail: Tessera on the real Roundcube stack, headless Chromium,
// the real host (release build, argv[2]) and the virtual card (Bob's).
//   encrypt: Encrypt click in the editor frame → armor in Roundcube's textarea, 4 KiB text
//   decrypt: Decrypt click in the reader frame → plaintext shown, PIN cached by the host
//   the same two for a message with a 10 MiB attachment (PGP/MIME): armor in the body;
//   text and the attachment's download link in the reader
// Median of 20 runs each (after one warm-up). Runs under with-virtual-card.sh and
// with-webmail.sh (see scripts/bench). Not a test: prints figures, never fails on speed.

import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { testCard, waitFor } from "../e2e/lib.mjs";
import {
  ALICE_SOFT_PASSPHRASE,
  WEBMAIL_URL,
  clickCenter,
  enterPin,
  gpg,
  imapRaw,
  importKeys,
  launchProfile,
  login,
  makeAliceSoftToken,
  waitForFrame,
  writeTemp,
} from "../e2e/webmail/lib.mjs";

const RUNS = Number(process.env.TESSERA_BENCH_RUNS ?? 20);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, n=${xs.length})`;

const card = testCard();
const cardHome = process.env.TESSERA_TEST_GNUPGHOME;
const bobPublicKey = gpg(cardHome, ["--armor", "--export", card.primary_fingerprint]);
const alice = makeAliceSoftToken();
const aliceBrowser = await launchProfile("bench-alice", { TESSERA_DATA_DIR: alice.dataDir, PCSCLITE_CSOCK_NAME: "/nonexistent/pcscd.comm" });
const bobData = writeTemp("bench-bob", "none", "");
const bobBrowser = await launchProfile("bench-bob", { TESSERA_DATA_DIR: bobData.dir });
try {
  await importKeys(aliceBrowser.context, [alice.publicKey, bobPublicKey]);
  await importKeys(bobBrowser.context, [bobPublicKey, alice.publicKey]);
  const text = "Tessera benchmark line: 64 bytes of plain ASCII text to encrypt\n".repeat(64);
  if (Buffer.byteLength(text) !== 4096) throw new Error(`text is ${Buffer.byteLength(text)} bytes, not 4 KiB`);

  // --- encrypt: Alice, plain-text compose ---
  const page = await aliceBrowser.context.newPage();
  await login(page, "alice");
  const subject = `bench ${randomBytes(4).toString("hex")}`;
  const encryptMs = [];
  for (let run = 0; run <= RUNS; run++) {
    await page.goto(`${WEBMAIL_URL}?_task=mail&_action=compose`);
    await page.waitForLoadState("networkidle");
    await page.fill("#compose_to .recipient-input input", "bob@example.test");
    await page.fill("#compose-subject", subject);
    await clickCenter(page, page.locator('tessera-action[data-tessera-action="encrypt"]'));
    const editor = await waitForFrame(page, "editor");
    await editor.waitForSelector('body[data-state="ready"][data-visible="true"]');
    await editor.waitForSelector('[data-testid="recipient"][data-address="bob@example.test"][data-has-key="true"]');
    await editor.fill('[data-testid="editor-text"]', text);
    const t0 = performance.now();
    await editor.click('[data-testid="editor-encrypt"]');
    await page.waitForFunction(() => document.querySelector("textarea#composebody").value.startsWith("-----BEGIN PGP MESSAGE-----"), null, { polling: 2 });
    const ms = performance.now() - t0;
    if (run > 0) encryptMs.push(ms); // run 0 warms the worker and the core
    if (run === RUNS) {
      await page.click("button.btn.btn-primary.send");
      await page.waitForURL((u) => !u.toString().includes("_action=compose"), { timeout: 30_000 });
    }
  }
  console.log(`encrypt 4 KiB, Encrypt click → armor in Roundcube's body: ${fmt(encryptMs)}`);

  // --- decrypt: Bob, PIN cached after the first (unmeasured) decryption ---
  imapRaw("bob", "INBOX", subject, { wait: 20 });
  const bob = await bobBrowser.context.newPage();
  await login(bob, "bob");
  const decryptMs = [];
  for (let run = 0; run <= RUNS; run++) {
    await bob.goto(`${WEBMAIL_URL}?_task=mail&_mbox=INBOX`);
    await bob.waitForLoadState("networkidle");
    await bob.click(`#messagelist tr:has-text("${subject}") td.subject`);
    const reader = await waitFor(() => bob.frames().find((f) => f.url().includes("/frames/reader/") && !f.isDetached()), { what: "the reader" });
    await reader.waitForSelector('body[data-state="ready"][data-visible="true"]');
    for (const f of bob.frames()) if (f.url().startsWith(WEBMAIL_URL)) await f.evaluate(() => document.fonts.ready.then(() => true));
    const t0 = performance.now();
    await reader.click('[data-testid="reader-decrypt"]');
    if (run === 0) await enterPin(bobBrowser.context, process.env.TESSERA_TEST_USER_PIN);
    await reader.waitForSelector('body[data-state="decrypted"]', { timeout: 30_000 });
    const ms = performance.now() - t0;
    if (run > 0) decryptMs.push(ms);
  }
  console.log(`decrypt 4 KiB, Decrypt click → plaintext in the reader (PIN cached, virtual card): ${fmt(decryptMs)}`);

  // --- 10 MiB attachment: PGP/MIME through Roundcube's _pgpmime field ---
  const big = randomBytes(10 * 1024 * 1024);
  const bigSubject = `${subject} 10MiB`;
  const bigEncryptMs = [];
  for (let run = 0; run <= RUNS; run++) {
    await page.goto(`${WEBMAIL_URL}?_task=mail&_action=compose`);
    await page.waitForLoadState("networkidle");
    await page.fill("#compose_to .recipient-input input", "bob@example.test");
    await page.fill("#compose-subject", bigSubject);
    await clickCenter(page, page.locator('tessera-action[data-tessera-action="encrypt"]'));
    const editor = await waitForFrame(page, "editor");
    await editor.waitForSelector('body[data-state="ready"][data-visible="true"]');
    await editor.waitForSelector('[data-testid="recipient"][data-address="bob@example.test"][data-has-key="true"]');
    await editor.fill('[data-testid="editor-text"]', "A 10 MiB file.\n");
    await editor.setInputFiles('[data-testid="editor-attach"]', { name: "big.bin", mimeType: "application/octet-stream", buffer: big });
    await editor.waitForSelector('[data-testid="editor-attachment"][data-name="big.bin"]');
    const t0 = performance.now();
    await editor.click('[data-testid="editor-encrypt"]');
    await page.waitForFunction(() => document.querySelector('input[name="_pgpmime"]')?.value.startsWith("-----BEGIN PGP MESSAGE-----"), null, { polling: 10, timeout: 120_000 });
    const ms = performance.now() - t0;
    if (run > 0) bigEncryptMs.push(ms);
    if (run === RUNS) {
      await page.click("button.btn.btn-primary.send");
      await page.waitForURL((u) => !u.toString().includes("_action=compose"), { timeout: 120_000 });
    }
  }
  console.log(`encrypt 10 MiB attachment (PGP/MIME), Encrypt click → armor in Roundcube's _pgpmime field: ${fmt(bigEncryptMs)}`);

  imapRaw("bob", "INBOX", bigSubject, { wait: 60 });
  const bigDecryptMs = [];
  // Runs that had to ask the PIN (the host caches it 5 min; the encrypt runs take longer) are not counted.
  for (let run = 0; bigDecryptMs.length < RUNS; run++) {
    if (run > 3 * RUNS) throw new Error("too many runs needed a PIN");
    await bob.goto(`${WEBMAIL_URL}?_task=mail&_mbox=INBOX`);
    await bob.waitForLoadState("networkidle");
    await bob.click(`#messagelist tr:has-text("${bigSubject}") td.subject`);
    const reader = await waitFor(() => bob.frames().find((f) => f.url().includes("/frames/reader/") && !f.isDetached()), { what: "the reader", timeoutMs: 60_000 });
    await reader.waitForSelector('body[data-state="ready"][data-visible="true"]', { timeout: 60_000 });
    for (const f of bob.frames()) if (f.url().startsWith(WEBMAIL_URL)) await f.evaluate(() => document.fonts.ready.then(() => true));
    let askedPin = false;
    const t0 = performance.now();
    await reader.click('[data-testid="reader-decrypt"]');
    await waitFor(async () => {
      const pin = bobBrowser.context.pages().find((p) => p.url().includes("/pin/pin.html"));
      if (pin) {
        askedPin = true;
        await enterPin(bobBrowser.context, process.env.TESSERA_TEST_USER_PIN);
      }
      return (await reader.locator('[data-testid="reader-attachment"][data-name="big.bin"]').count()) === 1;
    }, { what: `run ${run}: the 10 MiB decryption`, timeoutMs: 120_000, intervalMs: 20 });
    const ms = performance.now() - t0;
    if (run > 0 && !askedPin) bigDecryptMs.push(ms);
  }
  console.log(`decrypt 10 MiB attachment, Decrypt click → text and download link in the reader (PIN cached): ${fmt(bigDecryptMs)}`);
} finally {
  await aliceBrowser.close();
  await bobBrowser.close();
}
