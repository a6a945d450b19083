// Key discovery: WKD addresses as GnuPG computes them (the draft's own
// example), the advanced method before the direct one, a key for another
// address refused, nothing imported before `importFound`, a size cap and a
// time limit on what a server sends. The real servers and gpg are in
// tests/e2e/wkd.test.mjs; here the network is a fake fetch.
import assert from "node:assert/strict";
import { test } from "node:test";
import { addressOf, findKeys, importFound, type DiscoveryDeps } from "../src/background/discovery/discovery-flow";
import { keyserverUrl } from "../src/background/discovery/keyserver";
import { fetchKey, MAX_KEY_BYTES, splitAddress, wkdUrls, zbase32 } from "../src/background/discovery/wkd";
import { HostError } from "../src/background/errors";
import type { KeyInfo } from "../src/shared/contracts/page";

test("WKD URLs: the draft's example, advanced and direct", async () => {
  const u = await wkdUrls("Joe.Doe@Example.ORG");
  assert.equal(u.hash, "iy9q119eutrkn8s1mk4r39qejnbu3n5q");
  assert.equal(u.advanced, "https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe");
  assert.equal(u.direct, "https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe");
  assert.equal(zbase32(new Uint8Array([0xff])), "9h");
  for (const bad of ["", "joe", "joe@", "@example.org", "joe@localhost", "a b@example.org", "joe@exa_mple.org"]) {
    assert.equal(splitAddress(bad), null, bad);
  }
  await assert.rejects(wkdUrls("not an address"), (e: unknown) => e instanceof HostError && e.code === "invalid_address");
});

test("keyserver URLs: VKS by default, HKP for /pks/lookup, https only", () => {
  assert.equal(keyserverUrl("https://keys.openpgp.org", "a+b@example.org"), "https://keys.openpgp.org/vks/v1/by-email/a%2Bb%40example.org");
  assert.equal(keyserverUrl("https://hkp.example.net/pks/lookup", "a@example.org"), "https://hkp.example.net/pks/lookup?op=get&options=mr&search=a%40example.org");
  for (const bad of ["http://keys.openpgp.org", "keys.openpgp.org", "https://user:pw@keys.example.org"]) {
    assert.throws(() => keyserverUrl(bad, "a@example.org"), (e: unknown) => e instanceof HostError && e.code === "invalid_keyserver", bad);
  }
});

test("addresses in user IDs", () => {
  assert.equal(addressOf("Bob Example <Bob@Example.test>"), "bob@example.test");
  assert.equal(addressOf("bob@example.test"), "bob@example.test");
  assert.equal(addressOf("Bob Example"), null);
});

const key = (fingerprint: string, uid: string): KeyInfo =>
  ({ fingerprint, user_ids: [uid], algorithm: "ed25519", created: 0, expires: null, validity: "valid", validity_detail: null, own: false, can_encrypt: true, can_sign: true }) as KeyInfo;

/** A core whose "certificates" are lines `FPR uid`; the stored keyring is those lines. */
function fakePgp() {
  const parse = (text: string) => text.split("\n").filter(Boolean).map((l) => { const [f, ...u] = l.split(" "); return key(f ?? "", u.join(" ")); });
  const ser = (keys: KeyInfo[]) => keys.map((k) => `${k.fingerprint} ${k.user_ids[0]}`).join("\n");
  return {
    keyringImport(stored: string, input: Uint8Array) {
      const incoming = parse(new TextDecoder().decode(input));
      if (incoming.length === 0) throw new HostError("no_certificate", "no certificate found in the input");
      const all = parse(stored).filter((k) => !incoming.some((i) => i.fingerprint === k.fingerprint)).concat(incoming);
      return { stored: ser(all), imported: incoming.map((k) => k.fingerprint) };
    },
    keyringList: (stored: string) => parse(stored),
    keyringRemove: (stored: string, fpr: string) => ({ stored: ser(parse(stored).filter((k) => k.fingerprint !== fpr)), removed: true }),
  };
}

function deps(answers: Record<string, number | string>, keyserver = "") {
  const asked: string[] = [];
  let stored = "";
  const d = {
    pgp: fakePgp(),
    keyring: {
      read: async () => stored,
      update: async <T>(change: (s: string) => { stored: string; value: T }) => {
        const r = change(stored);
        stored = r.stored;
        return r.value;
      },
    },
    fetch: (async (url: string) => {
      asked.push(url);
      const host = new URL(url).host;
      const a = answers[host];
      if (a === undefined) throw new TypeError("Failed to fetch");
      if (typeof a === "number") return new Response(null, { status: a });
      return new Response(a, { status: 200 });
    }) as unknown as typeof fetch,
    keyserver: async () => keyserver,
    newId: () => "id1",
  } as unknown as DiscoveryDeps;
  return { d, asked, keyring: () => stored };
}

test("advanced first, then direct; only the address's key is kept; nothing is imported before the user confirms", async () => {
  const { d, asked, keyring } = deps({ "openpgpkey.example.test": 404, "example.test": "AAA Bob <bob@example.test>\nBBB Mallory <mallory@evil.test>" });
  const found = await findKeys(d, "bob@example.test");
  assert.equal(found.source, "wkd_direct");
  assert.deepEqual(found.keys.map((k) => k.fingerprint), ["AAA"]);
  assert.deepEqual(asked.map((u) => new URL(u).host), ["openpgpkey.example.test", "example.test"]);
  assert.equal(keyring(), "", "nothing in the keyring yet");
  assert.deepEqual(await importFound(d, found.id), ["AAA"]);
  assert.equal(keyring(), "AAA Bob <bob@example.test>", "the other address's key never entered");
  await assert.rejects(importFound(d, found.id), (e: unknown) => e instanceof HostError && e.code === "lookup_gone");
});

test("a key without the address is refused; no server, no key; the keyserver is asked only when set", async () => {
  const wrong = deps({ "openpgpkey.example.test": "CCC Carol <carol@example.test>" });
  await assert.rejects(findKeys(wrong.d, "bob@example.test"), (e: unknown) => e instanceof HostError && e.code === "key_address_mismatch");
  const none = deps({ "openpgpkey.example.test": 404, "example.test": 404 });
  await assert.rejects(findKeys(none.d, "bob@example.test"), (e: unknown) => e instanceof HostError && e.code === "lookup_not_found");
  assert.equal(none.asked.length, 2, "no keyserver asked: off by default");
  const ks = deps({ "keys.example.net": "DDD Bob <bob@example.test>" }, "https://keys.example.net");
  const found = await findKeys(ks.d, "bob@example.test");
  assert.equal(found.source, "keyserver");
  assert.equal(ks.asked[2], "https://keys.example.net/vks/v1/by-email/bob%40example.test");
});

test("fetchKey: a size cap and a time limit", async () => {
  const big = (async () => new Response(new Uint8Array(MAX_KEY_BYTES + 1), { status: 200 })) as unknown as typeof fetch;
  const r = await fetchKey(big, "https://example.test/k", 1000);
  assert.equal(r.ok ? "ok" : r.code, "too_large");
  const hang = ((_u: string, init: RequestInit) =>
    new Promise((_ok, fail) => init.signal?.addEventListener("abort", () => fail(new DOMException("aborted", "AbortError"))))) as unknown as typeof fetch;
  const started = Date.now();
  const t = await fetchKey(hang, "https://example.test/k", 200);
  assert.equal(t.ok ? "ok" : t.code, "timeout");
  assert.ok(Date.now() - started < 2_000, "it gave up");
});
