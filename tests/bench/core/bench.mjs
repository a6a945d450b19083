// Runs in one headless Chromium page: Tessera's core (wasm, benchmark build)
// against OpenPGP.js v6, same Curve25519 key, keys parsed once outside the loops.
// Results go to window.benchResult; scripts/bench core prints them.
import init, { BenchEngine } from "/tessera/tessera_core.js";
import * as openpgp from "/openpgp/openpgp.min.mjs";

const SIZES = [
  ["4 KiB", 4 * 1024, 40],
  ["1 MiB", 1024 * 1024, 8],
  ["16 MiB", 16 * 1024 * 1024, 3],
];

function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

async function median(runs, fn) {
  await fn(); // warm-up: JIT, lazy tables
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function same(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function run() {
  await init();
  const { privateKey } = await openpgp.generateKey({
    type: "ecc", curve: "curve25519Legacy", userIDs: [{ name: "Bench", email: "bench@example.test" }], format: "armored",
  });
  // Parsed once, outside every timed loop.
  const tessera = new BenchEngine(privateKey);
  const pgpPrivate = await openpgp.readPrivateKey({ armoredKey: privateKey });
  const pgpPublic = pgpPrivate.toPublic();

  const rows = [];
  for (const [label, size, runs] of SIZES) {
    const data = randomBytes(size);
    const jsEncrypt = async () =>
      openpgp.encrypt({ message: await openpgp.createMessage({ binary: data }), encryptionKeys: pgpPublic, format: "armored" });
    const tsEncrypt = async () => tessera.encrypt(data);
    const jsMessage = await jsEncrypt();
    const tsMessage = await tessera.encrypt(data);

    // Cross-check before timing: each engine opens the other's message.
    const enc = new TextEncoder();
    const viaTessera = tessera.decrypt(enc.encode(jsMessage));
    const { data: viaJs } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: tsMessage }), decryptionKeys: pgpPrivate, format: "binary",
    });
    if (!same(viaTessera, data) || !same(viaJs, data)) throw new Error(`cross-decryption mismatch at ${label}`);

    const jsMessageBytes = enc.encode(jsMessage);
    const jsDecrypt = async () =>
      openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: jsMessage }), decryptionKeys: pgpPrivate, format: "binary" });
    const tsDecrypt = async () => tessera.decrypt(jsMessageBytes);

    rows.push({
      size: label,
      encrypt: { openpgpjs: await median(runs, jsEncrypt), tessera: await median(runs, tsEncrypt) },
      decrypt: { openpgpjs: await median(runs, jsDecrypt), tessera: await median(runs, tsDecrypt) },
      containers: {
        openpgpjs: jsMessage.length > 0 ? "as OpenPGP.js chose" : "",
        tessera_armored_bytes: tsMessage.length, openpgpjs_armored_bytes: jsMessage.length,
      },
    });
  }
  return rows;
}

window.benchResult = run().then((rows) => ({ rows }), (e) => ({ error: String(e && e.stack || e) }));
