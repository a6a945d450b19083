import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { decrypt } from "../src/background/decrypt-flow";
import { encrypt } from "../src/background/encrypt-flow";
import { HostError } from "../src/background/errors";
import type { FlowDeps } from "../src/background/flow-deps";
import { importKeys, listKeys, removeKey } from "../src/background/keyring-flow";
import { KeyringStore } from "../src/background/keyring-store";
import { handlePageRequest } from "../src/background/page-api";
import { coreError, wrapPgpCore, type PgpCore, type RawPgpCore } from "../src/background/pgp";
import { PinBroker, type PinBrokerDeps } from "../src/background/pin-broker";
import { splitArmor } from "../src/background/armor-split";
import { fromBase64, toBase64 } from "../src/shared/base64";
import type { KeyInfo, PageRequest } from "../src/shared/contracts/page";
import { readVerifications } from "../src/background/signature-status";
import type { TokenInfo } from "../src/shared/status";
import { typedRequest } from "./fake-request";

const SIG = "0F1D3A8E9A3C4E7B5B1C2D3E4F5061728394A5B6";
const DEC = "1A2B3C4D5E6F708192A3B4C5D6E7F80912345678";
const PRIMARY = "AAAABBBBCCCCDDDDEEEEFFFF0000111122223333";

const card: TokenInfo = {
  id: "card:D276",
  backend: "card",
  reader: "Virtual PCD 00 00",
  serial: "00000001",
  cardholder: "Alice Example",
  manufacturer: null,
  slots: [
    { slot: "signature", algorithm: "ed25519", fingerprint: SIG },
    { slot: "decryption", algorithm: "cv25519", fingerprint: DEC },
    { slot: "authentication", algorithm: null, fingerprint: null },
  ],
  aid: null,
  pin_retries: { user: 3, reset: 0, admin: 3 },
  pin_cached: false,
};

const alice: KeyInfo = {
  fingerprint: PRIMARY,
  user_ids: ["Alice Example <alice@example.test>"],
  algorithm: "ed25519",
  created: 0,
  expires: null,
  validity: "valid",
  validity_detail: null,
  own: true,
  can_encrypt: true,
  can_sign: true,
  subkeys: [
    { fingerprint: SIG, algorithm: "ed25519", created: 0, expires: null, usage: "S", validity: "valid", validity_detail: null },
    { fingerprint: DEC, algorithm: "cv25519", created: 0, expires: null, usage: "E", validity: "valid", validity_detail: null },
  ],
};

class MemoryStorage {
  data: Record<string, unknown> = {};
  async get(key: string) {
    return key in this.data ? { [key]: this.data[key] } : {};
  }
  async set(items: Record<string, unknown>) {
    Object.assign(this.data, items);
  }
}

/** A fake core keeping "stored" as fingerprints joined by commas. */
function fakeCore(overrides: Partial<PgpCore> = {}): PgpCore & { calls: string[] } {
  const calls: string[] = [];
  const core: PgpCore = {
    keyringImport(stored, input) {
      calls.push("keyringImport");
      const text = new TextDecoder().decode(input);
      if (text.includes("PRIVATE")) {
        throw Object.assign(new Error("the input holds a secret key (X); only public keys may be stored"), {
          code: "secret_key_refused",
        });
      }
      const fpr = /FPR:(\w+)/.exec(text)?.[1];
      if (fpr === undefined) throw Object.assign(new Error("no certificate found in the input"), { code: "no_certificate" });
      const set = new Set(stored === "" ? [] : stored.split(","));
      set.add(fpr);
      return { stored: [...set].join(","), imported: [fpr] };
    },
    keyringRemove(stored, fpr) {
      const list = stored === "" ? [] : stored.split(",");
      const next = list.filter((f) => f !== fpr);
      return { stored: next.join(","), removed: next.length !== list.length };
    },
    keyringList(stored, own) {
      calls.push(`keyringList:${own.join("+")}`);
      return stored === ""
        ? []
        : stored.split(",").map((f) => ({ ...alice, fingerprint: f, own: f === PRIMARY && own.includes(DEC) }));
    },
    async encryptMessage(_stored, recipients, sender, data, isPackets) {
      calls.push(`encrypt:${recipients.join("+")}:${sender}:${isPackets}:${new TextDecoder().decode(data)}`);
      return { armored: "-----BEGIN PGP MESSAGE-----", container: "seipd_v1", recipient_keys: [DEC] };
    },
    signPrepare(_stored, signer, _data, mode) {
      calls.push(`signPrepare:${signer}:${mode}`);
      return { hash_algorithm: "SHA256", digest: new Uint8Array(32).fill(7), key_fingerprint: signer, state: new Uint8Array([1]) };
    },
    signFinish(_state, sig) {
      calls.push(`signFinish:${sig.length}`);
      return { binary: new TextEncoder().encode("SIGNED"), armored: "" };
    },
    decryptPrepare(_stored, _input, fprs) {
      calls.push(`decryptPrepare:${fprs.join("+")}`);
      const pkesk = { matched: 0, token_fingerprint: DEC, pkesk: new Uint8Array([1, 2]), recipient_key: new Uint8Array([3]) };
      return { ...pkesk, recipients: [], container: "seipd_v1", candidates: [{ ...pkesk, anonymous: false }] };
    },
    async decryptFinish(_stored, _input, sym, key) {
      calls.push(`decryptFinish:${sym}:${toBase64(key)}`);
      return { data: new TextEncoder().encode("hello marker"), verifications: [{ status: "unsigned" }], container: "seipd_v1" };
    },
    ...overrides,
  };
  return Object.assign(wrapPgpCore(core satisfies RawPgpCore), { calls });
}

function deps(opts: { pinCached?: boolean; pgp?: PgpCore; tokens?: TokenInfo[] } = {}) {
  const sent: Array<{ method: string; params: Record<string, unknown> }> = [];
  let cached = opts.pinCached ?? false;
  let prompts = 0;
  const storage = new MemoryStorage();
  storage.data["keyring"] = PRIMARY;
  const d: FlowDeps = {
    pgp: opts.pgp ?? fakeCore(),
    keyring: new KeyringStore(storage),
    listTokens: async () => opts.tokens ?? [card],
    request: typedRequest(async (method, params) => {
      sent.push({ method, params });
      if (!cached) throw new HostError("pin_required", "no PIN cached");
      if (method === "token.decrypt_session_key") return { symmetric_algorithm: 9, session_key: toBase64(new Uint8Array(32).fill(5)) };
      if (method === "token.sign") return { signature: [toBase64(new Uint8Array([1])), toBase64(new Uint8Array([2]))] };
      throw new Error(`unexpected ${method}`);
    }),
    pins: {
      requestPin: async () => {
        prompts += 1;
        cached = true;
      },
    },
  };
  return { d, sent, storage, prompts: () => prompts };
}

test("decrypt: prepare with the tokens' decryption keys → decrypt_session_key → PIN once → finish", async () => {
  const pgp = fakeCore();
  const { d, sent, prompts } = deps({ pgp });
  const out = await decrypt(d, "-----BEGIN PGP MESSAGE-----");
  assert.equal(out.plaintext, "hello marker");
  assert.deepEqual(out.signatures, [{ status: "unsigned" }]);
  assert.equal(prompts(), 1);
  assert.deepEqual(
    sent.map((s) => s.method),
    ["token.decrypt_session_key", "token.decrypt_session_key"],
  );
  assert.deepEqual(sent[0]?.params, { token: "card:D276", pkesk: toBase64(new Uint8Array([1, 2])), recipient_key: "Aw==" });
  assert.deepEqual(pgp.calls.filter((c) => c.startsWith("decrypt")), [
    `decryptPrepare:${DEC}`,
    `decryptFinish:9:${toBase64(new Uint8Array(32).fill(5))}`,
  ]);
});

test("decrypt: no PIN prompt when the host has the PIN cached", async () => {
  const { d, sent, prompts } = deps({ pinCached: true });
  await decrypt(d, "x");
  assert.equal(prompts(), 0);
  assert.equal(sent.length, 1);
});

test("decrypt: core errors keep their code; no token is no_token", async () => {
  const pgp = fakeCore({
    decryptPrepare() {
      throw Object.assign(new Error("the message is not encrypted to any of your keys; it is for 1234"), { code: "not_for_us" });
    },
  });
  await assert.rejects(decrypt(deps({ pgp }).d, "x"), (e: unknown) => e instanceof HostError && e.code === "not_for_us");
  await assert.rejects(decrypt(deps({ tokens: [] }).d, "x"), (e: unknown) => e instanceof HostError && e.code === "no_token");
});

test("decrypt: a message for the token's own key while the user's certificate is not in the keyring says to import it", async () => {
  const forCard = fakeCore({
    decryptPrepare() {
      throw Object.assign(new Error(`the message is not encrypted to any of your keys; it is for ${DEC.slice(-16)}`), { code: "not_for_us" });
    },
  });
  await assert.rejects(
    decrypt(deps({ pgp: forCard }).d, "x"),
    (e: unknown) => e instanceof HostError && e.code === "no_own_key" && e.message.includes(DEC.slice(-16)),
  );
  // For someone else's key it stays not_for_us.
  const forOther = fakeCore({
    decryptPrepare() {
      throw Object.assign(new Error("the message is not encrypted to any of your keys; it is for 0123456789ABCDEF"), { code: "not_for_us" });
    },
  });
  await assert.rejects(decrypt(deps({ pgp: forOther }).d, "x"), (e: unknown) => e instanceof HostError && e.code === "not_for_us");
});

test("encrypt: to the recipients plus the user's own key, unsigned", async () => {
  const pgp = fakeCore();
  const { d, sent } = deps({ pgp });
  const out = await encrypt(d, "secret", ["BOB"], false);
  assert.equal(out.armored, "-----BEGIN PGP MESSAGE-----");
  assert.equal(sent.length, 0, "no token operation to encrypt");
  assert.ok(pgp.calls.includes(`encrypt:BOB:${PRIMARY}:false:secret`));
});

test("encrypt + sign: signPrepare with the signature slot → token.sign after the PIN → signFinish → encrypt packets", async () => {
  const pgp = fakeCore();
  const { d, sent, prompts } = deps({ pgp });
  await encrypt(d, "secret", ["BOB"], true);
  assert.equal(prompts(), 1);
  assert.deepEqual(sent[1], {
    method: "token.sign",
    params: { token: "card:D276", hash_algorithm: "SHA256", digest: toBase64(new Uint8Array(32).fill(7)) },
  });
  assert.deepEqual(
    pgp.calls.filter((c) => /^(sign|encrypt)/.test(c)),
    [`signPrepare:${SIG}:inline`, "signFinish:2", `encrypt:BOB:${PRIMARY}:true:SIGNED`],
  );
});

test("encrypt + sign: the signing state (it holds the plaintext) and the signed message are wiped, signed or not", async () => {
  const handed: Uint8Array[] = [];
  const core = (failSign: boolean) =>
    fakeCore({
      signPrepare: (_stored, signer) => {
        const state = new TextEncoder().encode("literal data: secret");
        handed.push(state);
        return { hash_algorithm: "SHA256", digest: new Uint8Array(32).fill(7), key_fingerprint: signer, state };
      },
      signFinish: () => {
        if (failSign) throw Object.assign(new Error("the token's signature does not verify"), { code: "bad_token_signature" });
        const binary = new TextEncoder().encode("SIGNED secret");
        handed.push(binary);
        return { binary, armored: "" };
      },
    });
  await encrypt(deps({ pgp: core(false) }).d, "secret", ["BOB"], true);
  await assert.rejects(encrypt(deps({ pgp: core(true) }).d, "secret", ["BOB"], true), (e: unknown) => e instanceof HostError);
  // The token refuses (e.g. a wrong PIN or a card pulled): the state is wiped all the same.
  const refusing = deps({ pgp: core(false), pinCached: true });
  refusing.d.request = typedRequest(async () => {
    throw new HostError("card_removed", "the card was removed");
  });
  await assert.rejects(encrypt(refusing.d, "secret", ["BOB"], true), (e: unknown) => e instanceof HostError && e.code === "card_removed");
  assert.equal(handed.length, 4, "three states and one signed message were handed out");
  for (const bytes of handed) assert.ok(bytes.every((b) => b === 0), "wiped");
});

test("encrypt: without the user's own key in the keyring it refuses (the sender could not read it)", async () => {
  const { d, storage } = deps();
  storage.data["keyring"] = "BOB";
  await assert.rejects(encrypt(d, "x", ["BOB"], false), (e: unknown) => e instanceof HostError && e.code === "no_own_key");
  await assert.rejects(encrypt(d, "x", [], false), (e: unknown) => e instanceof HostError && e.code === "no_recipients");
});

test("keyring: import many blocks, one result each; a secret key is refused alone; list marks own keys; remove", async () => {
  const { d, storage } = deps();
  storage.data["keyring"] = "";
  const block = (body: string, kind = "PUBLIC KEY BLOCK") => `-----BEGIN PGP ${kind}-----\n${body}\n-----END PGP ${kind}-----`;
  const text = [block(`FPR:${PRIMARY}`), block("FPR:SECRET", "PRIVATE KEY BLOCK"), "junk", block("FPR:BOB")].join("\n");
  const results = await importKeys(d, { text });
  assert.deepEqual(results, [
    { ok: true, label: "#1", fingerprints: [PRIMARY] },
    {
      ok: false,
      label: "#2",
      code: "secret_key_refused",
      message: "the input holds a secret key (X); only public keys may be stored",
    },
    { ok: true, label: "#3", fingerprints: ["BOB"] },
  ]);
  assert.equal(storage.data["keyring"], `${PRIMARY},BOB`);
  const listed = await listKeys(d);
  assert.deepEqual(
    listed.map((k) => [k.fingerprint, k.own]),
    [
      [PRIMARY, true],
      ["BOB", false],
    ],
  );
  assert.equal(await removeKey(d, "BOB"), true);
  assert.equal(storage.data["keyring"], PRIMARY);
  assert.equal(await removeKey(d, "BOB"), false);
});

test("keyring store: concurrent updates do not lose each other", async () => {
  const storage = new MemoryStorage();
  const store = new KeyringStore(storage);
  await Promise.all(
    ["A", "B", "C"].map((f) => store.update((s) => ({ stored: s === "" ? f : `${s},${f}`, value: null }))),
  );
  assert.equal(storage.data["keyring"], "A,B,C");
  await assert.rejects(store.update(() => {
    throw new Error("boom");
  }));
  assert.equal(await store.read(), "A,B,C", "a failed change stores nothing");
});

test("splitArmor: blocks in order; plain text is one item; empty is none", () => {
  const a = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n-----END PGP PUBLIC KEY BLOCK-----";
  assert.deepEqual(splitArmor(`hi\n${a}\n\n${a}`).length, 2);
  assert.deepEqual(splitArmor("garbage"), [{ kind: "", text: "garbage" }]);
  assert.deepEqual(splitArmor("  "), []);
});

test("base64 round trip", () => {
  const bytes = new Uint8Array(70000).map((_, i) => i % 251);
  assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
});

test("signature status: valid / bad / unknown signer / unsigned", () => {
  assert.deepEqual(readVerifications([]), [{ status: "unsigned" }]);
  assert.deepEqual(readVerifications([{ status: "unsigned" }]), [{ status: "unsigned" }]);
  assert.deepEqual(
    readVerifications([
      { status: "valid", signer_fingerprint: "AB", key_fingerprint: "CD", user_id: "Alice", created: 1, signed_as: "binary" },
      { status: "bad", signer_fingerprint: "AB", reason: "made after the signing key expired on 2025-03-01" },
      { status: "unknown_signer", issuer: "1234" },
      { status: "unsigned" },
    ]),
    [
      { status: "valid", signer: "AB", userId: "Alice" },
      { status: "bad", signer: "AB", reason: "made after the signing key expired on 2025-03-01" },
      { status: "unknown_signer", issuer: "1234" },
    ],
  );
});

test("error mapping: core errors keep their code, others are internal", () => {
  assert.equal(coreError(Object.assign(new Error("m"), { code: "key_expired" })).code, "key_expired");
  assert.equal(coreError(new Error("plain")).code, "internal");
  assert.equal(coreError("string").code, "internal");
  const host = new HostError("pin_incorrect", "wrong", 2);
  assert.equal(coreError(host), host);
  assert.equal(host.retriesLeft, 2);
});

test("error mapping: a rejected core promise (encryptMessage) keeps its code too", async () => {
  const raw = {
    encryptMessage: async () => {
      throw Object.assign(new Error("expired on 2025-03-01"), { code: "key_expired" });
    },
  };
  const core = wrapPgpCore(raw as unknown as RawPgpCore);
  await assert.rejects(core.encryptMessage("", ["AB"], undefined, new Uint8Array(1), false), (err: unknown) => {
    assert.ok(err instanceof HostError);
    assert.equal(err.code, "key_expired");
    return true;
  });
});

// Every code the core (wasm-core/src/openpgp/error.rs), the host (PROTOCOL.md's
// PIN and key codes) or the extension's flows can produce has a message in English and French.
const CODES = [
  ...["malformed", "truncated", "too_large", "no_certificate", "secret_key_refused", "key_expired", "key_revoked"],
  ...["no_encryption_subkey", "no_signing_key", "bad_binding_signature", "key_not_found", "no_recipients"],
  ...["unsupported", "not_encrypted", "not_for_us", "unauthenticated_encryption", "integrity_failure"],
  ...["bad_session_key", "bad_token_signature", "bad_signing_state", "invalid_argument", "internal"],
  ...["pin_incorrect", "pin_blocked", "pin_required", "wrong_key", "unsupported_algorithm", "token_not_found", "card_error"],
  ...["pin_cancelled", "pin_prompt_failed", "pin_prompt_gone", "pin_busy", "pin_empty", "no_token", "no_own_key"],
  ...["no_signing_token", "timeout", "disconnected", "bad_reply"],
];

test("every error code has an English and a French message, and French is not English", () => {
  const load = (lang: string) =>
    JSON.parse(readFileSync(new URL(`../../static/_locales/${lang}/messages.json`, import.meta.url), "utf8")) as Record<
      string,
      { message: string }
    >;
  const en = load("en");
  const fr = load("fr");
  for (const code of CODES) {
    assert.ok(en[`error_${code}`], `en lacks error_${code}`);
    assert.ok(fr[`error_${code}`], `fr lacks error_${code}`);
  }
  assert.deepEqual(Object.keys(en).sort(), Object.keys(fr).sort(), "same keys in both catalogues");
  const same = Object.keys(en).filter((k) => en[k]?.message === fr[k]?.message && !["extName"].includes(k));
  assert.deepEqual(same, [], "untranslated strings");
  // Chromium's placeholders: as many $n in French as in English.
  for (const k of Object.keys(en)) {
    const n = (s: string | undefined) => (s?.match(/\$\d/g) ?? []).sort().join();
    assert.equal(n(fr[k]?.message), n(en[k]?.message), `placeholders of ${k}`);
  }
});

// Hidden recipients (Bcc): encryption passes them to the core; decryption
// tries the core's anonymous candidates in order, one token operation each.

test("encrypt: hidden recipients go to the core with the recipients", async () => {
  const seen: Array<string[] | undefined> = [];
  const pgp = fakeCore({
    async encryptMessage(_stored, _recipients, _sender, _data, _isPackets, hidden) {
      seen.push(hidden);
      return { armored: "-----BEGIN PGP MESSAGE-----", container: "seipd_v1", recipient_keys: [DEC] };
    },
  });
  const { d } = deps({ pgp, pinCached: true });
  await encrypt(d, "secret", ["BOB", "CAROL"], false, ["CAROL"]);
  await encrypt(d, "secret", ["BOB"], true, ["BOB"]);
  await encrypt(d, "secret", ["BOB"], false);
  assert.deepEqual(seen, [["CAROL"], ["BOB"], []]);
});

test("page request encrypt: hidden is checked (strings, among the recipients, bounded) before the core", async () => {
  const seen: Array<string[] | undefined> = [];
  const pgp = fakeCore({
    async encryptMessage(_stored, _recipients, _sender, _data, _isPackets, hidden) {
      seen.push(hidden);
      return { armored: "ARMORED", container: "seipd_v1", recipient_keys: [DEC] };
    },
  });
  const { d } = deps({ pgp });
  const api = { flows: async () => d, broker: new PinBroker({} as PinBrokerDeps), pattern: { get: async () => "", replace: async () => "" }, tokensChanged: () => {}, discovery: { fetch, keyserver: async () => "", setKeyserver: async () => {} } };
  const request = (extra: Record<string, unknown>) =>
    handlePageRequest(api, { type: "encrypt", text: "t", recipients: ["BOB", "CAROL"], sign: false, ...extra } as PageRequest);

  assert.deepEqual(await request({ hidden: ["carol"] }), { ok: true, armored: "ARMORED", recipientKeys: [DEC] });
  assert.deepEqual(await request({}), { ok: true, armored: "ARMORED", recipientKeys: [DEC] });
  assert.deepEqual(seen, [["carol"], []], "a fingerprint matches whatever its case");
  for (const hidden of [["DAVE"], "CAROL", [7], [""], ["C".repeat(101)], Array.from({ length: 101 }, () => "BOB")]) {
    const reply = await request({ hidden });
    assert.equal(reply.ok, false, JSON.stringify(hidden));
    assert.equal((reply as { code: string }).code, "invalid_argument");
  }
  assert.equal(seen.length, 2, "nothing invalid reached the core");
});

const anonymousCandidates = (...pkesks: number[]) => ({
  recipients: [],
  matched: 0,
  token_fingerprint: DEC,
  pkesk: new Uint8Array([pkesks[0] ?? 0]),
  recipient_key: new Uint8Array([3]),
  container: "seipd_v1",
  candidates: pkesks.map((p, i) => ({
    matched: i,
    token_fingerprint: DEC,
    pkesk: new Uint8Array([p]),
    recipient_key: new Uint8Array([3]),
    anonymous: true,
  })),
});

/** A host whose decryption key opens only the PKESK `[opens]`; the others fail as a card does. */
function hostOpening(opens: number | null, opts: { pinCached?: boolean; pgp: PgpCore; cancelPin?: boolean }) {
  const base = deps({ pgp: opts.pgp });
  let cached = opts.pinCached ?? false;
  const tried: number[] = [];
  base.d.request = typedRequest(async (method, params) => {
    base.sent.push({ method, params });
    if (!cached) throw new HostError("pin_required", "no PIN cached");
    const pkesk = fromBase64(String(params["pkesk"]))[0] ?? -1;
    tried.push(pkesk);
    if (pkesk !== opens) {
      throw new HostError("card_error", "the card deciphered, but the session key did not unwrap: checksum");
    }
    return { symmetric_algorithm: 9, session_key: toBase64(new Uint8Array(32).fill(5)) };
  });
  let prompts = 0;
  base.d.pins = {
    requestPin: async () => {
      prompts += 1;
      if (opts.cancelPin === true) throw new HostError("pin_cancelled", "PIN entry was cancelled");
      cached = true;
    },
  };
  return { ...base, tried, prompts: () => prompts };
}

test("decrypt: anonymous candidates are tried in order until one opens; the PIN is asked once", async () => {
  const pgp = fakeCore({ decryptPrepare: () => anonymousCandidates(1, 2, 3) });
  const h = hostOpening(2, { pgp });
  const out = await decrypt(h.d, "x");
  assert.equal(out.plaintext, "hello marker");
  assert.equal(h.prompts(), 1);
  assert.deepEqual(h.tried, [1, 2], "stops at the one that opens; the third is never tried");
  assert.equal(h.sent.length, 3, "one pin_required, then one card operation per try");
});

test("decrypt: a cancelled PIN ends the tries at once (no PIN is ever sent again)", async () => {
  const pgp = fakeCore({ decryptPrepare: () => anonymousCandidates(1, 2) });
  const h = hostOpening(2, { pgp, cancelPin: true });
  await assert.rejects(decrypt(h.d, "x"), (e: unknown) => e instanceof HostError && e.code === "pin_cancelled");
  assert.equal(h.prompts(), 1);
  assert.deepEqual(h.tried, []);
  assert.equal(h.sent.length, 1);
});

test("decrypt: a wrong PIN or a vanished token on an anonymous candidate is not a reason to try the next", async () => {
  for (const code of ["pin_incorrect", "pin_blocked", "token_not_found", "timeout"]) {
    const pgp = fakeCore({ decryptPrepare: () => anonymousCandidates(1, 2) });
    const { d, sent } = deps({ pgp, pinCached: true });
    d.request = typedRequest(async (method, params) => {
      sent.push({ method, params });
      throw new HostError(code, code);
    });
    await assert.rejects(decrypt(d, "x"), (e: unknown) => e instanceof HostError && e.code === code);
    assert.equal(sent.length, 1, code);
  }
});

test("decrypt: when no anonymous candidate opens, not_for_us says what was tried", async () => {
  const pgp = fakeCore({ decryptPrepare: () => anonymousCandidates(1, 2) });
  const h = hostOpening(null, { pgp, pinCached: true });
  await assert.rejects(decrypt(h.d, "x"), (e: unknown) => {
    assert.ok(e instanceof HostError);
    assert.equal(e.code, "not_for_us");
    assert.match(e.message, new RegExp(`anonymous recipients only: 2 tried with your key\\(s\\) ${DEC}, none opened \\(last: card_error: `));
    return true;
  });
  assert.deepEqual(h.tried, [1, 2]);
});

test("decrypt: a named PKESK gets one try; its failure is the error", async () => {
  const pgp = fakeCore({
    decryptPrepare: () => ({
      ...anonymousCandidates(1, 2),
      candidates: [1, 2].map((p, i) => ({ matched: i, token_fingerprint: DEC, pkesk: new Uint8Array([p]), recipient_key: new Uint8Array([3]), anonymous: false })),
    }),
  });
  const h = hostOpening(2, { pgp, pinCached: true });
  await assert.rejects(decrypt(h.d, "x"), (e: unknown) => e instanceof HostError && e.code === "card_error");
  assert.deepEqual(h.tried, [1]);
});

test("decrypt: a session key that unwraps but does not open the data moves on; if none opens, that error is kept", async () => {
  let finishes = 0;
  const pgp = fakeCore({
    decryptPrepare: () => anonymousCandidates(1, 2),
    async decryptFinish() {
      finishes += 1;
      throw Object.assign(new Error("the message was modified or damaged: quick check failed"), { code: "integrity_failure" });
    },
  });
  const h = hostOpening(1, { pgp, pinCached: true });
  await assert.rejects(decrypt(h.d, "x"), (e: unknown) => e instanceof HostError && e.code === "integrity_failure");
  assert.deepEqual(h.tried, [1, 2]);
  assert.equal(finishes, 1);
});
