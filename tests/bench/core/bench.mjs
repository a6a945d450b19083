// Runs in one headless Chromium page: Tessera's core (wasm, benchmark build)
// against OpenPGP.js v6, same Curve25519 key, keys parsed once outside the loops.
// Results go to window.benchResult; scripts/bench core prints them.
import init, { BenchEngine } from "/tessera/tessera_core.js";
import * as openpgp from "/openpgp/openpgp.min.mjs";

// [label, bytes, samples, operations per sample]. A page's performance.now()
// is coarsened to 0.1 ms, as long as a whole 4 KiB operation: small sizes are
// timed in batches and the per-operation time is the batch's median ÷ batch.
const SIZES = [
  ["4 KiB", 4 * 1024, 21, 20],
  ["1 MiB", 1024 * 1024, 8, 1],
  ["16 MiB", 16 * 1024 * 1024, 3, 1],
];

function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

async function median(runs, fn, batch) {
  await fn(); // warm-up: JIT, lazy tables
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    for (let j = 0; j < batch; j++) await fn();
    times.push((performance.now() - t0) / batch);
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
  for (const [label, size, runs, batch] of SIZES) {
    const data = randomBytes(size);
    const jsEncrypt = async () =>
      openpgp.encrypt({ message: await openpgp.createMessage({ binary: data }), encryptionKeys: pgpPublic, format: "armored" });
    const tsEncrypt = async () => tessera.encrypt(data);
    const jsMessage = await jsEncrypt();
    const tsMessage = await tessera.encrypt(data);

    // Cross-check before timing: each engine opens the other's message.
    const enc = new TextEncoder();
    const viaTessera = await tessera.decrypt(enc.encode(jsMessage));
    const { data: viaJs } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: tsMessage }), decryptionKeys: pgpPrivate, format: "binary",
    });
    if (!same(viaTessera, data) || !same(viaJs, data)) throw new Error(`cross-decryption mismatch at ${label}`);

    const jsMessageBytes = enc.encode(jsMessage);
    const jsDecrypt = async () =>
      openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: jsMessage }), decryptionKeys: pgpPrivate, format: "binary" });
    const tsDecrypt = () => tessera.decrypt(jsMessageBytes);

    rows.push({
      size: label,
      encrypt: { openpgpjs: await median(runs, jsEncrypt, batch), tessera: await median(runs, tsEncrypt, batch) },
      decrypt: { openpgpjs: await median(runs, jsDecrypt, batch), tessera: await median(runs, tsDecrypt, batch) },
      containers: {
        openpgpjs: jsMessage.length > 0 ? "as OpenPGP.js chose" : "",
        tessera_armored_bytes: tsMessage.length, openpgpjs_armored_bytes: jsMessage.length,
      },
    });
  }
  return rows;
}

window.benchResult = run().then((rows) => ({ rows }), (e) => ({ error: String(e && e.stack || e) }));
