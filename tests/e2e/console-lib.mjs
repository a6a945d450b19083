// Shared by the console-typing tests (console-type.test.mjs: Chromium, 50 rounds;
// both-console.test.mjs: Chromium and Firefox ESR): the secret (every printable ASCII
// character and a space), gpg and pass on the virtual card's GnuPG home, the four consoles
// (xterm.js on a pty, the password-then-code login, Shell In A Box, noVNC) and the pass
// store whose entries are bound to them.

import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { startConsoleServer } from "./fixtures/console/console-server.mjs";
import { startShellInABox } from "./fixtures/console/shellinabox-console.mjs";
import { startVncConsole } from "./fixtures/console/vnc-console.mjs";
import { testCard } from "./lib.mjs";

export const PIN = process.env.TESSERA_TEST_USER_PIN ?? "123456";
export const TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
// Every printable ASCII character, and the space among them.
export const ALL_ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join("");

export const sha256 = (s) => createHash("sha256").update(s, "utf8").digest("hex");

export function gnupgHome() {
  const home = process.env.TESSERA_TEST_GNUPGHOME;
  if (!home) throw new Error("TESSERA_TEST_GNUPGHOME is not set: run under scripts/lib/with-virtual-card.sh");
  return home;
}

export const gpg = (args, input) =>
  execFileSync("gpg", ["--homedir", gnupgHome(), "--batch", "--no-tty", ...args], { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });

export function pass(store, args, input = "") {
  return execFileSync("pass", args, {
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, GNUPGHOME: gnupgHome(), PASSWORD_STORE_DIR: store },
  });
}

/** The fingerprint of the card's GnuPG key (Alice), whose decryption subkey the card holds. */
export function cardKeyFingerprint() {
  const colons = gpg(["--with-colons", "--fingerprint", "--list-keys", testCard().decryption.fingerprint]);
  return /^fpr:+([0-9A-F]{40,64}):/m.exec(colons)[1];
}

/**
 * Starts the consoles, each recording into `dataDir`: `server` (xterm.js on a pty running
 * reader.py), `login` (reader.py --then-code: a password, then a TOTP code, verdicts in
 * `dataDir/login-verdicts`), `sib` (Shell In A Box) and `vnc` (noVNC to Xvnc). `close()` stops them.
 */
export async function startConsoles(dataDir) {
  const c = {};
  c.close = async () => {
    for (const k of ["server", "login", "vnc", "sib"]) await c[k]?.close();
  };
  try {
    c.server = await startConsoleServer({ hashesFile: join(dataDir, "hashes") });
    c.login = await startConsoleServer({
      hashesFile: join(dataDir, "login-hashes"),
      readerArgs: ["--then-code", TOTP_SECRET, "--verdicts", join(dataDir, "login-verdicts")],
    });
    c.sib = await startShellInABox({ hashesFile: join(dataDir, "sib-hashes"), readyFile: join(dataDir, "sib-ready") });
    c.vnc = await startVncConsole({ hashesFile: join(dataDir, "vnc-hashes"), readyFile: join(dataDir, "vnc-ready") });
  } catch (err) {
    await c.close();
    throw err;
  }
  return c;
}

/** A pass store for the card's key `fpr` with the entries the console tests type from, bound to `consoles`' origins. */
export function fillConsoleStore(store, fpr, { server, login, vnc, sib }) {
  pass(store, ["init", fpr]);
  pass(
    store,
    ["insert", "-m", "consoles/term"],
    `${ALL_ASCII}\nlogin: root\nurl: ${server.origin}\notpauth://totp/Console:root?secret=${TOTP_SECRET}&issuer=Console\n`,
  );
  pass(
    store,
    ["insert", "-m", "consoles/login"],
    `${ALL_ASCII}\nlogin: root\nurl: ${login.origin}\notpauth://totp/Console:root?secret=${TOTP_SECRET}&issuer=Console\n`,
  );
  pass(store, ["insert", "-m", "consoles/other"], `other-pw\nurl: http://127.0.0.1:${server.port === 65535 ? 1 : server.port + 1}\n`);
  pass(store, ["insert", "-m", "consoles/accent"], `pässword\nurl: ${server.origin}\n`);
  pass(store, ["insert", "-m", "consoles/vnc"], `${ALL_ASCII}\nlogin: root\nurl: ${vnc.origin}\n`);
  pass(store, ["insert", "-m", "consoles/sib"], `${ALL_ASCII}\nlogin: root\nurl: ${sib.origin}\n`);
  pass(store, ["insert", "-m", "consoles/sib-accent"], `pässword\nurl: ${sib.origin}\n`);
  pass(store, ["insert", "-m", "consoles/vnc-long"], `${"abcdefghij".repeat(200)}\nurl: ${vnc.origin}\n`);
  pass(store, ["insert", "-m", "consoles/vnc-accent"], `pässword\nurl: ${vnc.origin}\n`);
}
