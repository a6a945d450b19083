// Helpers of the webmail end-to-end tests: two Chromium profiles (Alice, Bob)
// on the real Roundcube stack (tests/webmail/with-webmail.sh), the real host,
// and the virtual card under scripts/lib/with-virtual-card.sh. See README.md
// next to this file for who holds which key.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CHROMIUM_BIN, CHROMIUM_ID, HOST_BIN, REPO, chromium, installHost, tempDir, waitFor } from "../lib.mjs";

export const EXT = resolve(process.env.TESSERA_EXTENSION_CHROMIUM ?? join(REPO, "extension", "dist", "chromium"));
export const WEBMAIL_URL = process.env.TESSERA_WEBMAIL_URL ?? "";
export const ALICE_SOFT_PASSPHRASE = "alice-soft-token-pass";
const IMAP_RAW = join(REPO, "tests", "webmail", "imap_raw.py");

export function requireStack() {
  const missing = [];
  if (!WEBMAIL_URL) missing.push("TESSERA_WEBMAIL_URL is not set: run tests/e2e/webmail/run.sh");
  if (!process.env.TESSERA_TEST_CARD_JSON) missing.push("TESSERA_TEST_CARD_JSON is not set: run tests/e2e/webmail/run.sh");
  if (!existsSync(join(EXT, "manifest.json"))) missing.push(`no built extension in ${EXT}`);
  if (!existsSync(HOST_BIN)) missing.push(`no host at ${HOST_BIN}: cargo build -p tessera-host`);
  if (missing.length > 0) throw new Error(missing.join("\n"));
}

export function gpg(home, args, input) {
  return execFileSync("gpg", ["--homedir", home, "--batch", "--no-tty", ...args], {
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Alice's soft token (the host's own key file) and her public key, exported by GnuPG. */
export function makeAliceSoftToken() {
  const dataDir = tempDir("alice-data");
  execFileSync(HOST_BIN, ["soft-token", "init", "--user-id", "Alice Example <alice@example.test>"], {
    env: { ...process.env, TESSERA_DATA_DIR: dataDir },
    input: `${ALICE_SOFT_PASSPHRASE}\n`,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const home = tempDir("alice-gpg");
  const opts = ["--pinentry-mode", "loopback", "--passphrase", ALICE_SOFT_PASSPHRASE];
  gpg(home, [...opts, "--import", join(dataDir, "soft-token.asc")]);
  const publicKey = gpg(home, ["--armor", "--export", "alice@example.test"]);
  execFileSync("gpgconf", ["--homedir", home, "--kill", "all"]);
  rmSync(home, { recursive: true, force: true });
  return { dataDir, publicKey };
}

/**
 * Chromium with the extension; `env` reaches the host (Chromium passes its
 * environment on): TESSERA_DATA_DIR picks the soft token, PCSCLITE_CSOCK_NAME
 * pointing nowhere hides the card from Alice's host.
 */
export async function launchProfile(name, env) {
  const userDataDir = tempDir(`chromium-${name}`);
  installHost("chromium", join(userDataDir, "NativeMessagingHosts"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_BIN,
    headless: true,
    locale: "en-US",
    env: { ...process.env, LANGUAGE: "en_US", ...env },
    viewport: { width: 1280, height: 1000 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", `--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`],
  });
  let [worker] = context.serviceWorkers();
  if (!worker) worker = await context.waitForEvent("serviceworker", { timeout: 15_000 });
  return {
    context,
    worker,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Imports public keys through the options page (an extension page, like a user pasting them). */
export async function importKeys(context, armoredKeys) {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${CHROMIUM_ID}/options/options.html`);
  for (const key of armoredKeys) {
    await page.fill('[data-testid="import-text"]', key);
    await page.click('[data-testid="import-submit"]');
    await page.waitForSelector('[data-testid="import-result"][data-ok="true"]', { timeout: 20_000 });
  }
  await page.close();
}

export async function login(page, user) {
  await page.goto(WEBMAIL_URL);
  await page.fill("#rcmloginuser", user);
  await page.fill("#rcmloginpwd", `${user}-pw`);
  await page.click("#rcmloginsubmit");
  await page.waitForURL(/_task=mail/, { timeout: 20_000 });
  await page.waitForLoadState("networkidle");
}

/** A real (trusted) mouse click in the middle of an element, even one in a closed shadow root's host. */
export async function clickCenter(page, locator) {
  const box = await waitFor(async () => await locator.boundingBox(), { what: "a visible element to click" });
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

export function frameOf(page, kind) {
  return page.frames().find((f) => f.url().startsWith(`chrome-extension://${CHROMIUM_ID}/frames/${kind}/`)) ?? null;
}

export async function waitForFrame(page, kind) {
  return waitFor(() => frameOf(page, kind), { what: `the ${kind} frame`, timeoutMs: 20_000 });
}

export async function waitForPinPage(context, timeoutMs = 20_000) {
  const existing = context.pages().find((p) => p.url().includes("/pin/pin.html"));
  const page = existing ?? (await context.waitForEvent("page", { predicate: (p) => p.url().includes("/pin/pin.html"), timeout: timeoutMs }));
  await page.waitForSelector('body[data-state="ready"]', { timeout: timeoutMs });
  return page;
}

/** What the open PIN window says: which token kind it asks for, and for what. */
export async function readPinPrompt(context) {
  const p = await waitForPinPage(context);
  return {
    backend: await p.getAttribute("body", "data-backend"),
    title: await p.textContent('[data-testid="pin-title"]'),
    label: await p.textContent('[data-testid="pin-label"]'),
    purpose: await p.textContent('[data-testid="pin-purpose"]'),
    inputMode: await p.getAttribute('[data-testid="pin-input"]', "inputmode"),
    cardShown: await p.isVisible('[data-testid="pin-token-card"]'),
  };
}

export async function enterPin(context, pin) {
  const pinPage = await waitForPinPage(context);
  const purpose = await pinPage.textContent('[data-testid="pin-purpose"]');
  await pinPage.fill('[data-testid="pin-input"]', pin);
  await pinPage.click('[data-testid="pin-submit"]');
  await waitFor(() => pinPage.isClosed(), { what: "the PIN window to close" });
  return purpose;
}

/** Raw messages of a folder over IMAP (tests/webmail/imap_raw.py), "" when none. */
export function imapRaw(user, folder, subject, { wait = 0 } = {}) {
  const args = [IMAP_RAW, user, folder, "--subject", subject];
  if (wait > 0) args.push("--wait", String(wait));
  try {
    return execFileSync("/usr/bin/python3", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
  } catch (err) {
    if (err.status === 1) return "";
    throw err;
  }
}

/** Files under `dir` whose bytes contain `needle` (the whole webmail state: DB, sessions, mail, spool, logs). */
export function filesContaining(dir, needle) {
  const hits = [];
  const bytes = Buffer.from(needle, "utf8");
  const walk = (d) => {
    for (const entry of readdirSync(d)) {
      const path = join(d, entry);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue; // a socket or file gone meanwhile
      }
      if (st.isDirectory()) walk(path);
      else if (st.isFile() && readFileSync(path).includes(bytes)) hits.push(path);
    }
  };
  walk(dir);
  return hits;
}

/** The first armored OpenPGP message in a raw mail source (format=flowed leaves armor lines alone). */
export function armoredIn(raw) {
  const m = /-----BEGIN PGP MESSAGE-----\r?\n[\s\S]*?-----END PGP MESSAGE-----/.exec(raw);
  return m ? m[0].replace(/\r\n/g, "\n") + "\n" : null;
}

export function writeTemp(prefix, name, content) {
  const dir = tempDir(prefix);
  const path = join(dir, name);
  writeFileSync(path, content);
  return { dir, path };
}

/** The decoded text parts of a raw message (Python's email package undoes quoted-printable and base64). */
export function textParts(raw) {
  const script = `
import email, json, sys
from email import policy
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
out = []
for part in msg.walk():
    if part.get_content_maintype() == "text":
        out.append({"type": part.get_content_type(), "text": part.get_content()})
print(json.dumps(out))
`;
  // imap_raw.py puts "==== UID n ====" before each message: parse the first message only.
  const first = raw.replace(/^==== UID \d+ ====\r?\n/, "").split(/\r?\n==== UID \d+ ====\r?\n/)[0];
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script], { input: first, encoding: "utf8" }));
}

/** The MIME structure of a raw message (first one of imap_raw.py's output) or entity: type, parts, payloads in base64. */
export function mimeTree(raw) {
  const script = `
import base64, email, json, sys
from email import policy
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
parts = []
for part in msg.walk():
    if part.is_multipart():
        continue
    payload = part.get_payload(decode=True) or b""
    parts.append({"type": part.get_content_type(), "filename": part.get_filename(), "base64": base64.b64encode(payload).decode()})
print(json.dumps({"type": msg.get_content_type(), "protocol": msg.get_param("protocol"), "parts": parts}))
`;
  const input = typeof raw === "string" ? raw.replace(/^==== UID \d+ ====\r?\n/, "").split(/\r?\n==== UID \d+ ====\r?\n/)[0] : raw;
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script], { input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }));
}

/** Serves fixed pages on loopback: `pages` maps a path to its HTML. Returns { origin, close }. */
export async function servePages(pages) {
  const { createServer } = await import("node:http");
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const body = pages[path];
    res.writeHead(body === undefined ? 404 : 200, { "content-type": "text/html; charset=utf-8" });
    res.end(body ?? "not found");
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** Enables the generic webmail module on these origins, as the options page does. */
export async function enableSites(browser, origins) {
  await browser.worker.evaluate((list) => chrome.storage.local.set({ webmailSites: list }), origins);
}

/** A real click on the reader's Decrypt, the card's PIN if the host asks for it, and the plaintext shown. */
export async function decryptInReader(context, reader, pin) {
  await reader.click('[data-testid="reader-decrypt"]');
  await waitFor(async () => {
    if (context.pages().some((p) => p.url().includes("/pin/pin.html"))) await enterPin(context, pin);
    const state = await reader.getAttribute("body", "data-state");
    if (state === "ready" && !(await reader.isHidden('[data-testid="reader-error"]'))) {
      throw new Error(`the reader refused: ${await reader.getAttribute('[data-testid="reader-error"]', "data-reason")} ${await reader.textContent('[data-testid="reader-error"]')}`);
    }
    return state === "decrypted";
  }, { what: "the reader to decrypt", timeoutMs: 30_000 });
  return reader.textContent('[data-testid="reader-plaintext"]');
}

/**
 * Every message of a folder over IMAP, those flagged \Deleted but not yet expunged included
 * (SEARCH ALL on a read-only SELECT): [{ uid, flags, raw }]. For webmails that delete a
 * replaced draft by flagging it (Horde), where imapRaw's subject search is not enough proof.
 */
export function imapAll(user, folder) {
  const script = `
import base64, imaplib, json, os, re, sys
user, folder = sys.argv[1], sys.argv[2]
pw = dict(p.split(":", 1) for p in os.environ["TESSERA_WEBMAIL_USERS"].split())[user]
imap = imaplib.IMAP4(os.environ.get("TESSERA_IMAP_HOST", "127.0.0.1"), int(os.environ["TESSERA_IMAP_PORT"]), timeout=30)
imap.login(user, pw)
typ, data = imap.select('"%s"' % folder, readonly=True)
if typ != "OK":
    raise SystemExit("cannot select %s: %r" % (folder, data))
out = []
typ, data = imap.uid("SEARCH", None, "ALL")
for uid in data[0].split():
    typ, parts = imap.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
    meta = b"".join(p[0] if isinstance(p, tuple) else p for p in parts)
    raw = b"".join(p[1] for p in parts if isinstance(p, tuple))
    flags = re.search(rb"FLAGS \\(([^)]*)\\)", meta)
    out.append({"uid": int(uid), "flags": flags.group(1).decode().split() if flags else [], "raw": base64.b64encode(raw).decode()})
imap.logout()
print(json.dumps(out))
`;
  const got = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, user, folder], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }));
  return got.map((m) => ({ ...m, raw: Buffer.from(m.raw, "base64").toString("utf8") }));
}
