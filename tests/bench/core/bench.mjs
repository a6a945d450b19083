// Runs in one headless Chromium page: Tessera's core (wasm, benchmark build)
// against OpenPGP.js v6, same keys, parsed once outside the loops: random data
// (run()) and gpg's messages (gpgRows(), served by run.mjs under /gpg/).
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

// Like median(), for several functions at once, one sample of each in turn:
// on a shared machine, load that comes and goes falls on all of them alike.
async function medians(runs, fns, batch) {
  for (const fn of fns) await fn();
  const times = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      for (let j = 0; j < batch; j++) await fn();
      times[k].push((performance.now() - t0) / batch);
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
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

// Messages made by gpg with its defaults (run.mjs serves them under /gpg/):
// each engine decrypts with gpg's exported secret key. Timed three ways: the
// whole decryption; the private-key step alone (opening the PKESK: the card
// does it in real use, so it is not the core's); and everything else, given
// the session key. The message is parsed outside the private-key step's loop.
const GPG_KEYS = ["cv25519", "rsa3072"];
const GPG_VARIANTS = [["z", "gpg defaults"], ["n", "-z 0"]];

async function gpgRows() {
  const fetchBytes = async (path) => new Uint8Array(await (await fetch(path)).arrayBuffer());
  const rows = [];
  const privateKeyStep = {};
  for (const keyName of GPG_KEYS) {
    const armoredKey = new TextDecoder().decode(await fetchBytes(`/gpg/${keyName}.key.asc`));
    const tessera = new BenchEngine(armoredKey);
    const pgpPrivate = await openpgp.readPrivateKey({ armoredKey });
    for (const [label, , runs, batch] of SIZES) {
      const id = label.replace(" ", "");
      const plain = await fetchBytes(`/gpg/${id}.txt`);
      for (const [variant, variantLabel] of GPG_VARIANTS) {
        const bytes = await fetchBytes(`/gpg/${id}.${keyName}.${variant}.asc`);
        const armoredMessage = new TextDecoder().decode(bytes);
        const parsed = await openpgp.readMessage({ armoredMessage });
        const [jsKey] = await openpgp.decryptSessionKeys({ message: parsed, decryptionKeys: pgpPrivate });
        const tsKey = tessera.unwrapSessionKey(bytes);

        const jsDecrypt = async () =>
          openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage }), decryptionKeys: pgpPrivate, format: "binary" });
        const jsRest = async () =>
          openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage }), sessionKeys: jsKey, format: "binary" });
        const tsDecrypt = () => tessera.decrypt(bytes);
        const tsRest = () => tessera.decryptWithSessionKey(bytes, tsKey);
        // The same with the browser's DecompressionStream instead of the core's
        // inflate (zlib-rs in wasm): only the benchmark build has it.
        const tsRestBrowser = () => tessera.decryptWithSessionKeyBrowserInflate(bytes, tsKey);
        for (const [name, fn] of [["OpenPGP.js", jsDecrypt], ["OpenPGP.js (session key)", jsRest],
          ["Tessera", tsDecrypt], ["Tessera (session key)", tsRest], ["Tessera (browser inflate)", tsRestBrowser]]) {
          const out = await fn();
          if (!same(out.data ?? out, plain)) throw new Error(`${name}: wrong plaintext for the gpg message ${id} ${keyName} ${variantLabel}`);
        }
        const [jsTotal, tsTotal] = await medians(runs, [jsDecrypt, tsDecrypt], batch);
        const [jsR, tsR, tsB] = await medians(runs, [jsRest, tsRest, tsRestBrowser], batch);
        rows.push({
          key: keyName, size: label, variant: variantLabel,
          total: { openpgpjs: jsTotal, tessera: tsTotal },
          rest: { openpgpjs: jsR, tessera: tsR },
          browserInflate: { openpgpjs: jsR, tessera: tsB },
        });
        if (label === "4 KiB" && variant === "z") {
          const pkBatch = keyName === "rsa3072" ? 4 : 20;
          // OpenPGP.js's decryptSessionKeys opens a parsed message once: one
          // parsed copy per call, parsed before the loop.
          const pool = [];
          for (let i = 0; i < (11 + 1) * pkBatch; i++) pool.push(await openpgp.readMessage({ armoredMessage }));
          const [js, ts] = await medians(11, [
            () => openpgp.decryptSessionKeys({ message: pool.pop(), decryptionKeys: pgpPrivate }),
            async () => tessera.unwrapSessionKey(bytes),
          ], pkBatch);
          privateKeyStep[keyName] = { openpgpjs: js, tessera: ts };
        }
      }
    }
    tessera.free();
  }
  return { rows, privateKeyStep };
}

window.benchResult = (async () => ({ rows: await run(), gpg: await gpgRows() }))()
  .catch((e) => ({ error: String(e && e.stack || e) }));
