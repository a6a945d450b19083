import assert from "node:assert/strict";
import { test } from "node:test";
import { HostError } from "../src/background/errors";
import type { FlowDeps } from "../src/background/flow-deps";
import type { PgpCore } from "../src/background/pgp";
import { contentSender, handleContentMessage, type ContentApiDeps } from "../src/background/credentials/content-api";
import type { CredCore, FillDecision, ParsedEntry, Ranked } from "../src/background/credentials/core";
import { fillEntry, type FrameInfo } from "../src/background/credentials/fill-flow";
import { handleCredentialsRequest, isCredentialsPage } from "../src/background/credentials/popup-api";
import { resolveRecipients } from "../src/background/credentials/recipients";
import { OFFER_TTL_MS, SESSION_TTL_MS, SaveOffers, TabSessions } from "../src/background/credentials/sessions";
import { importShared } from "../src/background/credentials/share-flow";
import { EntryIndex, type IndexStorage } from "../src/background/credentials/entry-index";
import { fromBase64, toBase64 } from "../src/shared/base64";
import type { KeyInfo } from "../src/shared/contracts/page";
import type { TokenInfo } from "../src/shared/status";
import { typedRequest } from "./fake-request";
import { typeBest, typeEntry } from "../src/background/credentials/type-flow";
import { untypable } from "../src/shared/contracts/console";
import { usKey } from "../src/content/console/adapters";

const DEC = "1A2B3C4D5E6F708192A3B4C5D6E7F80912345678";
const ALICE = "AAAABBBBCCCCDDDDEEEEFFFF0000111122223333";
const BOB = "BBBB0000111122223333444455556666777788889";

const token: TokenInfo = {
  id: "card:1",
  backend: "card",
  reader: "r",
  serial: "00000001",
  cardholder: "Alice",
  manufacturer: null,
  slots: [{ slot: "decryption", algorithm: "cv25519", fingerprint: DEC }],
  aid: null,
  pin_retries: { user: 3, reset: 0, admin: 3 },
  pin_cached: true,
};

function key(fpr: string, uid: string, sub?: string): KeyInfo {
  return {
    fingerprint: fpr,
    user_ids: [uid],
    algorithm: "ed25519",
    created: 0,
    expires: null,
    validity: "valid",
    validity_detail: null,
    own: false,
    can_encrypt: true,
    can_sign: true,
    subkeys: sub === undefined ? [] : [{ fingerprint: sub, algorithm: "cv25519", created: 0, expires: null, usage: "E", validity: "valid", validity_detail: null }],
  };
}
const KEYS = [key(ALICE, "Alice <alice@example.test>", DEC), key(BOB, "Bob <bob@example.test>")];

// --- fakes: "ciphertext" is `ENC(<fprs>):<text>`; the host keeps files in a Map ---

const enc = (fprs: string[], text: string) => `ENC(${fprs.join(",")}):${text}`;

function fakePgp(): PgpCore {
  return {
    keyringImport: () => assert.fail("unused"),
    keyringRemove: () => assert.fail("unused"),
    keyringList: () => KEYS,
    encryptMessage: async (_s, recipients, sender, data) => ({
      armored: enc([...recipients, ...(sender === undefined ? [] : [sender])], new TextDecoder().decode(data)),
      container: "seipd_v1",
      recipient_keys: recipients,
    }),
    signPrepare: () => assert.fail("unused"),
    signFinish: () => assert.fail("unused"),
    decryptPrepare: (_s, input) => {
      if (!new TextDecoder().decode(input).startsWith("ENC(")) throw new HostError("malformed", "not a message");
      const pkesk = { matched: 0, token_fingerprint: DEC, pkesk: new Uint8Array([1]), recipient_key: new Uint8Array([2]) };
      return { ...pkesk, recipients: [], container: "seipd_v1", candidates: [{ ...pkesk, anonymous: false }] };
    },
    decryptFinish: async (_s, input) => ({
      data: new TextEncoder().encode(new TextDecoder().decode(input).replace(/^ENC\([^)]*\):/, "")),
      verifications: [],
      container: "seipd_v1",
    }),
  };
}

class FakeHost {
  files = new Map<string, string>(); // "store:path" -> ciphertext text
  gpgId = ["alice@example.test"];
  writes: Array<Record<string, unknown>> = [];
  conflictOnce = false;
  sha = (t: string) => `sha-${t.length}-${[...t].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7)}`;

  calls: string[] = [];

  async request(method: string, params: Record<string, unknown>): Promise<unknown> {
    this.calls.push(method);
    const id = `${String(params["store"])}:${String(params["path"])}`;
    switch (method) {
      case "store.list":
        return {
          stores: [{ name: "default", path: "/s" }],
          entries: [...this.files.keys()].map((k) => ({ store: "default", path: k.slice(8), recipients_file: ".gpg-id" })),
          problems: [{ store: "team", code: "store_not_found", message: "store `team`: /t does not exist" }],
        };
      case "store.read": {
        const f = this.files.get(id);
        if (f === undefined) throw new HostError("entry_not_found", id);
        return { ciphertext: toBase64(new TextEncoder().encode(f)), recipients: this.gpgId, recipients_file: ".gpg-id", sha256: this.sha(f) };
      }
      case "store.recipients":
        return { recipients: this.gpgId, recipients_file: ".gpg-id" };
      case "store.write": {
        this.writes.push(params);
        const cur = this.files.get(id);
        if (this.conflictOnce) {
          this.conflictOnce = false;
          throw new HostError("store_conflict", "changed");
        }
        const expect = params["expect_previous"] ?? null;
        if ((cur === undefined ? null : this.sha(cur)) !== expect) throw new HostError("store_conflict", "changed");
        const text = new TextDecoder().decode(fromBase64(String(params["ciphertext"])));
        this.files.set(id, text);
        return { written: true, sha256: this.sha(text) };
      }
      case "token.decrypt_session_key":
        return { session_key: toBase64(new Uint8Array([9, 9])), symmetric_algorithm: 9 };
      default:
        throw new HostError("unknown_method", method);
    }
  }
}

/** Enough of the wasm core's logic for the flows: origins compared exactly. */
function fakeCred(): CredCore {
  const parse = (text: string): ParsedEntry => {
    const [password = "", ...rest] = text.split("\n");
    const field = (k: string) => rest.find((l) => l.startsWith(`${k}:`))?.slice(k.length + 1).trim() ?? null;
    return {
      password,
      login: field("login"),
      url: field("url"),
      autosubmit: field("autosubmit") === "true",
      allowSubdomains: false,
      otpUris: rest.filter((l) => l.startsWith("otpauth://")),
      fields: rest.filter((l) => /^[a-z_-]+:\s/i.test(l)).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()] as [string, string]),
    };
  };
  return {
    parseEntry: parse,
    editEntry: (text, e) => [e.password ?? parse(text).password, `login: ${e.login ?? ""}`, `url: ${e.url ?? ""}`].join("\n"),
    otpCode: (uri) => {
      const counter = /counter=(\d+)/.exec(uri)?.[1];
      if (counter === undefined) return { code: "123456", secondsLeft: 10, nextCounter: null, nextUri: null };
      const n = Number(counter);
      return { code: `hotp${n}`, secondsLeft: null, nextCounter: n + 1, nextUri: uri.replace(/counter=\d+/, `counter=${n + 1}`) };
    },
    replaceOtpUri: (text, _i, uri) => text.replace(/otpauth:\/\/\S+/, uri),
    mayFill(entry, _sub, frameUrl, topUrl): FillDecision {
      const o = (u: string) => new URL(u).origin;
      // As the core: the frame must be the entry's; a different top page needs confirmation.
      if (o(frameUrl) !== o(entry)) return { decision: "refuse", reason: `${o(frameUrl)} is not ${o(entry)}` };
      if (o(topUrl) === o(frameUrl)) return { decision: "fill", reason: null };
      return { decision: "needs_confirmation", reason: "the login frame is inside another site's page" };
    },
    // As the core: a site from the url line or a host in the name; marked only when it would fill.
    entryUrl: fakeEntryUrl,
    rank: (cands, tabUrl) =>
      cands.flatMap((c, index): Ranked[] => {
        const site = fakeEntryUrl(c.path, c.url ?? null);
        if (site === null) return [];
        const [s, p] = [new URL(site), new URL(tabUrl)];
        if (s.hostname !== p.hostname) return [];
        const match = c.url === undefined ? ("path_host" as const) : ("url_exact" as const);
        if (s.origin === p.origin) return [{ index, match, refusal: null, site: s.origin }];
        return [{ index, match: null, refusal: s.protocol !== p.protocol ? ("scheme" as const) : ("port" as const), site: s.origin }];
      }),
  };
}

function fakeEntryUrl(path: string, url: string | null): string | null {
  if (url !== null && url.trim() !== "") return url.trim();
  const name = path.split("/").reverse().find((c) => /^[a-z0-9.-]+\.[a-z0-9-]+(:\d+)?$/i.test(c));
  return name === undefined ? null : `https://${name}`;
}

interface World {
  host: FakeHost;
  deps: ContentApiDeps;
  frames: FrameInfo[];
  sent: Array<{ frameId: number; message: Record<string, unknown> }>;
  fields: Map<number, Record<string, unknown>>;
  clock: { now: number };
}

function world(): World {
  const host = new FakeHost();
  const clock = { now: 1_000_000 };
  const frames: FrameInfo[] = [{ frameId: 0, parentFrameId: -1, url: "https://console.example.test/login" }];
  const sent: World["sent"] = [];
  const fields = new Map<number, Record<string, unknown>>([
    [0, { username: true, password: true, otp: false, otpDigits: null, submittable: true }],
  ]);
  const flows: FlowDeps = {
    pgp: fakePgp(),
    keyring: { read: async () => "ring", update: () => assert.fail("unused") },
    request: typedRequest((m, p) => host.request(m, p)),
    listTokens: async () => [token],
    pins: { requestPin: async () => undefined },
  };
  const cred = fakeCred();
  let n = 0;
  const deps: ContentApiDeps = {
    flows: async () => flows,
    cred: async () => cred,
    frames: async () => frames,
    async sendToFrame(_tab, frameId, message) {
      const m = message as Record<string, unknown>;
      sent.push({ frameId, message: m });
      if (m["type"] === "autofill.probe") return { ok: true, fields: fields.get(frameId) };
      const filled = (["username", "password", "otp"] as const).filter((k) => typeof m[k] === "string");
      return { ok: true, filled, submitted: m["submit"] === true };
    },
    sessions: new TabSessions(),
    index: new EntryIndex(null),
    offers: new SaveOffers(() => `offer-${++n}`),
    now: () => clock.now,
  };
  return { host, deps, frames, sent, fields, clock };
}

const fills = (w: World) => w.sent.filter((s) => s.message["type"] === "autofill.fill");

// --- sender checks ---

test("content sender: only our extension, a real tab and frame, an http(s) page", () => {
  const ok = { id: "ext", tab: { id: 4 } as chrome.tabs.Tab, frameId: 0, url: "https://a.example.test/x" };
  assert.deepEqual(contentSender(ok, "ext"), { tabId: 4, frameId: 0, url: "https://a.example.test/x", origin: "https://a.example.test" });
  assert.equal(contentSender({ ...ok, id: "other" }, "ext"), null);
  assert.equal(contentSender({ id: "ext", frameId: 0, url: ok.url }, "ext"), null, "no tab");
  assert.equal(contentSender({ ...ok, frameId: undefined as unknown as number }, "ext"), null, "no frame");
  assert.equal(contentSender({ ...ok, url: "chrome-extension://ext/popup/popup.html" }, "ext"), null);
  assert.equal(contentSender({ ...ok, url: "file:///etc/passwd" }, "ext"), null);
  assert.equal(contentSender({ ...ok, url: "not a url" }, "ext"), null);
  assert.equal(contentSender(undefined, "ext"), null);
});

// --- origin binding and filling ---

test("fills username and password into the matching page, with the frame's browser-reported origin", async () => {
  const w = world();
  w.host.files.set("default:work/console.example.test", enc([DEC], "s3cret\nlogin: alice\nurl: https://console.example.test"));
  const r = await fillEntry(w.deps, 7, { store: "default", path: "work/console.example.test" });
  assert.equal(r.ok, true);
  const [fill] = fills(w);
  assert.deepEqual(fill?.message, {
    type: "autofill.fill",
    expectedOrigin: "https://console.example.test",
    username: "alice",
    password: "s3cret",
    submit: false,
  });
  assert.ok(!JSON.stringify(r).includes("s3cret"), "the reply to the popup carries no secret");
});

test("refuses a page of another origin (http:, lookalike host) and sends nothing", async () => {
  for (const url of ["http://console.example.test/login", "https://console.example.test.evil.test/login"]) {
    const w = world();
    w.frames[0]!.url = url;
    w.host.files.set("default:c", enc([DEC], "pw\nurl: https://console.example.test"));
    await assert.rejects(fillEntry(w.deps, 1, { store: "default", path: "c" }), (e: HostError) => e.code === "origin_refused");
    assert.equal(fills(w).length, 0, url);
  }
});

test("the entry's login frame inside another site's page needs the popup's confirmation of that very frame", async () => {
  const w = world();
  w.frames[0]!.url = "https://portal.other.test/";
  w.fields.set(0, { username: false, password: false, otp: false, otpDigits: null, submittable: false });
  w.frames.push({ frameId: 5, parentFrameId: 0, url: "https://console.example.test/frame" });
  w.fields.set(5, { username: true, password: true, otp: false, otpDigits: null, submittable: true });
  w.host.files.set("default:c", enc([DEC], "pw\nlogin: a\nurl: https://console.example.test"));
  const first = await fillEntry(w.deps, 1, { store: "default", path: "c" });
  assert.equal(first.ok, false);
  assert.equal(!first.ok && first.code, "needs_confirmation");
  assert.deepEqual(!first.ok && first.frames.map((f) => f.frameId), [5]);
  assert.equal(fills(w).length, 0);
  const second = await fillEntry(w.deps, 1, { store: "default", path: "c" }, 5);
  assert.equal(second.ok, true);
  assert.equal(fills(w)[0]?.frameId, 5);
  assert.equal(fills(w)[0]?.message["expectedOrigin"], "https://console.example.test");
  // A frame of another site than the entry's, inside the entry's own page: never, confirmed or not.
  const v = world();
  v.fields.set(0, { username: false, password: false, otp: false, otpDigits: null, submittable: false });
  v.frames.push({ frameId: 6, parentFrameId: 0, url: "https://login.evil.test/frame" });
  v.fields.set(6, { username: true, password: true, otp: false, otpDigits: null, submittable: true });
  v.host.files.set("default:c", enc([DEC], "pw\nlogin: a\nurl: https://console.example.test"));
  await assert.rejects(fillEntry(v.deps, 1, { store: "default", path: "c" }, 6), (e: HostError) => e.code === "no_fields");
  assert.equal(fills(v).length, 0);
});

test("an entry known not to fill the page is refused before any decryption (no PIN asked)", async () => {
  const v = world();
  v.frames[0]!.url = "http://console.example.test:9090/login";
  v.host.files.set("default:console.example.test:9090", enc([DEC], "pw\nlogin: a"));
  const ref = { store: "default", path: "console.example.test:9090" };
  // Unknown yet: it is decrypted, then refused (its name means https).
  await assert.rejects(fillEntry(v.deps, 1, ref), (e: HostError) => e.code === "origin_refused");
  const decrypted = v.host.calls.filter((c) => c === "store.read").length;
  assert.equal(decrypted, 1);
  // Known now: refused with the same reason, and nothing is read or decrypted.
  await assert.rejects(fillEntry(v.deps, 1, ref), (e: HostError) => e.code === "origin_refused" && e.message.includes("does not fill on http://console.example.test:9090"));
  assert.equal(v.host.calls.filter((c) => c === "store.read").length, decrypted, "no second read");
  assert.equal(fills(v).length, 0);
});

test("the entry index survives a restart and never holds a secret", async () => {
  const stored: Record<string, unknown> = {};
  const storage: IndexStorage = {
    get: async (key) => (key in stored ? { [key]: structuredClone(stored[key]) } : {}),
    set: async (items) => void Object.assign(stored, structuredClone(items)),
  };
  const v = world();
  v.deps.index = new EntryIndex(storage);
  v.frames[0]!.url = "http://127.0.0.1:8080/login";
  v.host.files.set("default:roundcube", enc([DEC], "s3cret-pw\nlogin: bob\nurl: http://127.0.0.1:8080\notpauth://totp/x?secret=JBSWY3DPEHPK3PXP"));
  await fillEntry(v.deps, 1, { store: "default", path: "roundcube" });
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(stored, { entryIndex: { "default:roundcube": { url: "http://127.0.0.1:8080", allowSubdomains: false } } });
  const text = JSON.stringify(stored);
  for (const secret of ["s3cret-pw", "bob", "JBSWY3DPEHPK3PXP"]) assert.ok(!text.includes(secret), secret);
  // A new service worker (a browser restart) ranks the entry by its url before any decryption.
  const after = world();
  after.deps.index = new EntryIndex(storage);
  after.frames[0]!.url = "http://127.0.0.1:8080/login";
  after.host.files.set("default:roundcube", v.host.files.get("default:roundcube")!);
  const listed = await handleCredentialsRequest(after.deps, { type: "credentials.list", tabId: 1 });
  assert.ok(listed.ok && "entries" in listed && listed.entries[0]?.match === "url_exact");
  // A corrupt stored value is ignored, not fatal.
  const broken = new EntryIndex({ get: async () => ({ entryIndex: { "d:x": { url: 5 }, "d:y": "nope" } }), set: async () => {} });
  await broken.load();
  assert.equal(broken.get("d:x"), undefined);
});

// --- OTP ---

test("HOTP: the counter is written back with expect_previous before the code is filled; a conflict re-reads once", async () => {
  const w = world();
  w.fields.set(0, { username: false, password: false, otp: true, otpDigits: 6, submittable: true });
  const text = "pw\nurl: https://console.example.test\notpauth://hotp/x?secret=AAAA&counter=4";
  w.host.files.set("default:c", enc([DEC], text));
  const before = w.host.sha(enc([DEC], text));
  await fillEntry(w.deps, 1, { store: "default", path: "c" });
  assert.equal(w.host.writes.length, 1);
  assert.equal(w.host.writes[0]?.["expect_previous"], before);
  assert.match(w.host.files.get("default:c") ?? "", /counter=5/);
  assert.match(w.host.files.get("default:c") ?? "", /^ENC\(AAAABBBBCCCCDDDDEEEEFFFF0000111122223333\)/, "re-encrypted to the .gpg-id recipient");
  assert.equal(fills(w)[0]?.message["otp"], "hotp4");

  w.host.conflictOnce = true;
  w.sent.length = 0;
  await fillEntry(w.deps, 1, { store: "default", path: "c" });
  assert.equal(w.host.writes.length, 3, "a failed write, then one after re-reading");
  assert.match(w.host.files.get("default:c") ?? "", /counter=6/);
  assert.equal(fills(w)[0]?.message["otp"], "hotp5");
});

test("TOTP is computed in the background and nothing is written", async () => {
  const w = world();
  w.fields.set(0, { username: true, password: true, otp: true, otpDigits: null, submittable: true });
  w.host.files.set("default:c", enc([DEC], "pw\nlogin: a\nautosubmit: true\nurl: https://console.example.test\notpauth://totp/x?secret=AAAA"));
  await fillEntry(w.deps, 1, { store: "default", path: "c" });
  assert.equal(w.host.writes.length, 0);
  assert.equal(fills(w)[0]?.message["otp"], "123456");
  assert.equal(fills(w)[0]?.message["submit"], true);
});

// --- multi-step ---

test("multi-step: the next page of the same origin gets the next field once; other origins and expired sessions get nothing", async () => {
  const w = world();
  w.fields.set(0, { username: true, password: false, otp: false, otpDigits: null, submittable: true });
  w.host.files.set("default:c", enc([DEC], "pw\nlogin: a\nautosubmit: true\nurl: https://console.example.test\notpauth://totp/x?secret=A"));
  await fillEntry(w.deps, 3, { store: "default", path: "c" });
  assert.deepEqual(fills(w)[0]?.message, { type: "autofill.fill", expectedOrigin: "https://console.example.test", username: "a", submit: true });

  const from = { tabId: 3, frameId: 0, url: "https://console.example.test/login", origin: "https://console.example.test" };
  const usernameOnly = { type: "autofill.fieldsFound", fields: { username: true, password: false, otp: false, otpDigits: null, submittable: true } };
  assert.deepEqual(await handleContentMessage(w.deps, from, usernameOnly), { fill: null }, "a re-report of the filled step");

  w.frames[0]!.url = "https://console.example.test/password";
  const pw = { type: "autofill.fieldsFound", fields: { username: false, password: true, otp: false, otpDigits: null, submittable: true } };
  const step2 = (await handleContentMessage(w.deps, { ...from, url: w.frames[0]!.url }, pw)) as { fill: Record<string, unknown> | null };
  assert.equal(step2.fill?.["password"], "pw");
  assert.equal(step2.fill?.["submit"], true);
  assert.deepEqual(await handleContentMessage(w.deps, { ...from, url: w.frames[0]!.url }, pw), { fill: null }, "not twice");

  // sender.url that the browser does not confirm for that frame: nothing.
  const otp = { type: "autofill.fieldsFound", fields: { username: false, password: false, otp: true, otpDigits: 6, submittable: true } };
  assert.deepEqual(await handleContentMessage(w.deps, { ...from, url: "https://evil.test/" }, otp), { fill: null });
  w.frames[0]!.url = "https://evil.test/otp";
  assert.deepEqual(await handleContentMessage(w.deps, { ...from, url: "https://evil.test/otp" }, otp), { fill: null });

  w.frames[0]!.url = "https://console.example.test/otp";
  const step3 = (await handleContentMessage(w.deps, { ...from, url: w.frames[0]!.url }, otp)) as { fill: Record<string, unknown> | null };
  assert.equal(step3.fill?.["otp"], "123456");
  assert.equal(step3.fill?.["password"], undefined);

  // A new login after expiry: nothing armed.
  await fillEntry(w.deps, 3, { store: "default", path: "c" }).catch(() => undefined);
  w.clock.now += SESSION_TTL_MS + 1;
  assert.deepEqual(await handleContentMessage(w.deps, { ...from, url: w.frames[0]!.url }, pw), { fill: null });
});

test("fieldsFound with malformed fields is ignored", async () => {
  const w = world();
  const from = { tabId: 3, frameId: 0, url: "https://console.example.test/", origin: "https://console.example.test" };
  assert.deepEqual(await handleContentMessage(w.deps, from, { type: "autofill.fieldsFound", fields: { username: "yes" } }), { fill: null });
});

// --- save offers ---

test("save offers: held in memory without showing the password, one per tab, expire, and saved encrypted to .gpg-id", async () => {
  const w = world();
  const from = { tabId: 9, frameId: 0, url: "https://new.example.test/login", origin: "https://new.example.test" };
  await handleContentMessage(w.deps, from, { type: "autofill.loginSubmitted", username: "bob", password: "first" });
  await handleContentMessage(w.deps, from, { type: "autofill.loginSubmitted", username: "bob", password: "hunter2" });
  assert.deepEqual(await handleContentMessage(w.deps, from, { type: "autofill.loginSubmitted", username: "bob", password: 5 }), { ok: false });
  const listed = await handleCredentialsRequest(w.deps, { type: "credentials.list", tabId: 9 });
  assert.ok(listed.ok && "offers" in listed);
  assert.deepEqual(listed.offers, [{ id: "offer-2", tabId: 9, origin: "https://new.example.test", username: "bob" }]);
  assert.ok(!JSON.stringify(listed).includes("hunter2"));
  assert.deepEqual(listed.problems.map((p) => p.code), ["store_not_found"], "an unreadable store is reported, the others listed");

  const saved = await handleCredentialsRequest(w.deps, { type: "credentials.save", offerId: "offer-2", store: "default", path: "new.example.test" });
  assert.deepEqual(saved, { ok: true, written: "default:new.example.test" });
  assert.equal(w.host.files.get("default:new.example.test"), enc([ALICE], "hunter2\nlogin: bob\nurl: https://new.example.test"));
  assert.equal(w.host.writes[0]?.["expect_previous"], null);
  const again = await handleCredentialsRequest(w.deps, { type: "credentials.save", offerId: "offer-2", store: "default", path: "x" });
  assert.equal(!again.ok && again.code, "offer_gone");

  await handleContentMessage(w.deps, from, { type: "autofill.loginSubmitted", username: "c", password: "d" });
  w.clock.now += OFFER_TTL_MS + 1;
  assert.deepEqual(w.deps.offers.list(w.clock.now), []);
});

test("no save offer for a login Tessera just filled", async () => {
  const w = world();
  w.host.files.set("default:c", enc([DEC], "pw\nlogin: a\nurl: https://console.example.test\npin: 4711"));
  await fillEntry(w.deps, 2, { store: "default", path: "c" });
  const from = { tabId: 2, frameId: 0, url: "https://console.example.test/login", origin: "https://console.example.test" };
  await handleContentMessage(w.deps, from, { type: "autofill.loginSubmitted", username: "a", password: "pw" });
  assert.deepEqual(w.deps.offers.list(w.clock.now), []);
  const kept = w.deps.sessions.get(2, w.clock.now);
  assert.equal(kept?.complete, true);
  assert.equal(kept?.entry.text, "", "a finished login keeps no secret in memory");
  assert.equal(kept?.entry.parsed.password, "");
  assert.deepEqual(kept?.entry.parsed.fields, [], "nor any other field of the entry");
});

// --- recipients, share, import ---

test(".gpg-id lines resolve by fingerprint, key id or address; a missing one is named", () => {
  assert.deepEqual(resolveRecipients(KEYS, [ALICE], ".gpg-id"), [ALICE]);
  assert.deepEqual(resolveRecipients(KEYS, [`0x${DEC.slice(-16)}`, "bob@example.test"], ".gpg-id"), [ALICE, BOB]);
  assert.throws(
    () => resolveRecipients(KEYS, ["carol@example.test", ALICE], "team/.gpg-id"),
    (e: HostError) => e.code === "recipient_missing" && e.message.includes("carol@example.test") && e.message.includes("team/.gpg-id"),
  );
  assert.throws(() => resolveRecipients(KEYS, [], null), (e: HostError) => e.code === "no_recipients");
});

test("share: an armored message to the colleague only; a copy into a folder goes to that folder's .gpg-id", async () => {
  const w = world();
  w.host.files.set("default:c", enc([DEC], "pw\nlogin: a"));
  const r = await handleCredentialsRequest(w.deps, { type: "credentials.share", store: "default", path: "c", recipient: BOB });
  assert.ok(r.ok && "armored" in r);
  assert.equal(r.armored, enc([BOB], "pw\nlogin: a"));
  const bad = await handleCredentialsRequest(w.deps, { type: "credentials.share", store: "default", path: "c", recipient: "FFFF" });
  assert.equal(!bad.ok && bad.code, "recipient_missing");

  w.host.gpgId = ["alice@example.test", "bob@example.test"];
  const copy = await handleCredentialsRequest(w.deps, {
    type: "credentials.shareToFolder", store: "default", path: "c", targetStore: "default", targetPath: "team/c",
  });
  assert.ok(copy.ok);
  assert.equal(w.host.files.get("default:team/c"), enc([ALICE, BOB], "pw\nlogin: a"));
});

test("import: a shared armored entry is decrypted with the token and stored for the folder; bad input loses nothing", async () => {
  const w = world();
  const flows = await w.deps.flows();
  const cred = await w.deps.cred();
  await assert.rejects(importShared(flows, cred, "hello", { store: "default", path: "x" }), (e: HostError) => e.code === "not_a_message");
  w.host.files.set("default:y", "old");
  const armored = enc([ALICE], "pw2\nlogin: z\n-----BEGIN PGP MESSAGE-----");
  await assert.rejects(importShared(flows, cred, armored, { store: "default", path: "y" }), (e: HostError) => e.code === "store_conflict");
  assert.equal(w.host.files.get("default:y"), "old", "an existing entry is not replaced");
  await importShared(flows, cred, armored, { store: "default", path: "z" });
  assert.equal(w.host.files.get("default:z"), enc([ALICE], "pw2\nlogin: z\n-----BEGIN PGP MESSAGE-----"));
});

test("fill-best picks the entry ranked for the tab; none ranked is no_match", async () => {
  const w = world();
  w.host.files.set("default:other.test", enc([DEC], "x\nurl: https://other.test"));
  const none = await handleCredentialsRequest(w.deps, { type: "credentials.fillBest", tabId: 1 });
  assert.equal(!none.ok && none.code, "no_match");
  w.host.files.set("default:work/console.example.test", enc([DEC], "pw\nlogin: a"));
  const r = await handleCredentialsRequest(w.deps, { type: "credentials.fillBest", tabId: 1 });
  assert.ok(r.ok && "entry" in r && r.entry === "default:work/console.example.test");
  const bad = await handleCredentialsRequest(w.deps, { type: "credentials.fill", tabId: "1", store: "default", path: "c" });
  assert.equal(!bad.ok && bad.code, "bad_request");
});

test("an entry opened once ranks by its url: on an IP host, where path names cannot match", async () => {
  const w = world();
  w.frames[0]!.url = "http://127.0.0.1:8080/login";
  w.host.files.set("default:roundcube", enc([DEC], "pw\nlogin: bob\nurl: http://127.0.0.1:8080"));
  const before = await handleCredentialsRequest(w.deps, { type: "credentials.list", tabId: 1 });
  assert.ok(before.ok && "entries" in before && before.entries[0]?.match === null);
  await fillEntry(w.deps, 1, { store: "default", path: "roundcube" });
  assert.deepEqual(w.deps.index.get("default:roundcube"), { url: "http://127.0.0.1:8080", allowSubdomains: false });
  const after = await handleCredentialsRequest(w.deps, { type: "credentials.list", tabId: 1 });
  assert.ok(after.ok && "entries" in after && after.entries[0]?.match === "url_exact");
});

test("an entry for a token key whose certificate is not in the keyring: told to import it", async () => {
  const w = world();
  const flows = await w.deps.flows();
  flows.pgp.decryptPrepare = () => {
    throw new HostError("not_for_us", "the message is not encrypted to any of your keys");
  };
  flows.pgp.keyringList = () => [];
  w.host.files.set("default:c", enc([DEC], "pw\nurl: https://console.example.test"));
  await assert.rejects(
    fillEntry(w.deps, 1, { store: "default", path: "c" }),
    (e: HostError) => e.code === "no_own_key" && e.message.includes("default:c"),
  );
  assert.equal(fills(w).length, 0);
});

test("expired sessions and offers are dropped from memory even for tabs nobody asks about again", () => {
  const sessions = new TabSessions();
  const entry = { ref: { store: "d", path: "p" }, text: "pw", parsed: { password: "pw", login: null, url: null, autosubmit: false, allowSubdomains: false, otpUris: [], fields: [] }, sha256: "s", recipients: [], recipientsFile: null };
  sessions.start(1, entry, "https://a.test", null, 0);
  sessions.start(2, entry, "https://b.test", null, SESSION_TTL_MS + 1);
  const inside = (sessions as unknown as { byTab: Map<number, unknown> }).byTab;
  assert.deepEqual([...inside.keys()], [2], "tab 1's session (and its entry text) is gone");
  const offers = new SaveOffers(() => String(Math.random()));
  offers.add(1, "https://a.test", "u", "p", 0);
  offers.add(2, "https://b.test", "u", "p", OFFER_TTL_MS + 1);
  assert.deepEqual(offers.list(OFFER_TTL_MS + 1).map((o) => o.tabId), [2]);
});

test("an unreadable entry is reported by name and left as it is; an entry without url fills nowhere", async () => {
  const w = world();
  w.host.files.set("default:broken.example.test", "garbage that is not a message");
  await assert.rejects(
    fillEntry(w.deps, 1, { store: "default", path: "broken.example.test" }),
    (e: HostError) => e.code === "malformed" && e.message.includes("default:broken.example.test"),
  );
  const flows = await w.deps.flows();
  flows.pgp.decryptFinish = async () => ({ data: new Uint8Array([0xff, 0xfe, 0x00]), verifications: [], container: "seipd_v1" });
  w.host.files.set("default:binary.example.test", enc([DEC], "x"));
  await assert.rejects(
    fillEntry(w.deps, 1, { store: "default", path: "binary.example.test" }),
    (e: HostError) => e.code === "entry_unreadable" && e.message.includes("default:binary.example.test"),
  );
  assert.equal(w.host.writes.length, 0, "nothing rewritten");
  assert.equal(w.host.files.get("default:broken.example.test"), "garbage that is not a message");
  assert.equal(fills(w).length, 0);

  const v = world();
  v.host.files.set("default:bank", enc([DEC], "pw\nlogin: a"));
  await assert.rejects(fillEntry(v.deps, 1, { store: "default", path: "bank" }), (e: HostError) => e.code === "no_url" && e.message.includes("default:bank"));
  const listed = await handleCredentialsRequest(v.deps, { type: "credentials.list", tabId: 1 });
  assert.ok(listed.ok && "entries" in listed && listed.entries.some((e) => e.path === "bank"), "still listed");
});

test("a page that asks to save a huge or empty password is not held", async () => {
  const w = world();
  const from = { tabId: 5, frameId: 0, url: "https://a.example.test/", origin: "https://a.example.test" };
  assert.deepEqual(await handleContentMessage(w.deps, from, { type: "autofill.loginSubmitted", username: "u", password: "x".repeat(5000) }), { ok: false });
  assert.deepEqual(await handleContentMessage(w.deps, from, { type: "autofill.loginSubmitted", username: "u", password: "" }), { ok: false });
  assert.deepEqual(await handleContentMessage(w.deps, from, { type: "autofill.other" }), { ok: false });
  assert.deepEqual(w.deps.offers.list(w.clock.now), []);
});

test("credentials requests are taken from the popup and the options page only, not from the webmail frames", () => {
  const base = "chrome-extension://abc/";
  assert.equal(isCredentialsPage(`${base}popup/popup.html`, base), true);
  assert.equal(isCredentialsPage(`${base}popup/popup.html?tab=12`, base), true);
  assert.equal(isCredentialsPage(`${base}options/options.html`, base), true);
  assert.equal(isCredentialsPage(`${base}frames/editor/editor.html?s=1`, base), false);
  assert.equal(isCredentialsPage(`${base}popup/popup.html.evil`, base), false);
  assert.equal(isCredentialsPage("chrome-extension://other/popup/popup.html", base), false);
  assert.equal(isCredentialsPage(undefined, base), false);
});

test("a broken otpauth URI is an error naming the entry, and nothing is filled or written", async () => {
  const w = world();
  w.fields.set(0, { username: true, password: true, otp: true, otpDigits: null, submittable: true });
  w.host.files.set("default:c", enc([DEC], "pw\nlogin: a\nurl: https://console.example.test\notpauth://totp/x?secret=***"));
  const cred = await w.deps.cred();
  cred.otpCode = () => {
    throw new Error("the secret is not base32");
  };
  await assert.rejects(
    fillEntry(w.deps, 1, { store: "default", path: "c" }),
    (e: HostError) => e.code === "otp_invalid" && e.message.includes("default:c") && e.message.includes("base32"),
  );
  assert.equal(fills(w).length, 0);
  assert.equal(w.host.writes.length, 0);
});

// --- typing into consoles (type-flow.ts) ---

/** A world whose frame 0 reports a console of `kind` (null: none focused) and types whatever it is sent. */
function consoleWorld(kind: "xterm" | "novnc" | null): World {
  const w = world();
  const base = w.deps.sendToFrame;
  w.deps.sendToFrame = async (tab, frameId, message) => {
    const m = message as Record<string, unknown>;
    if (m["type"] === "console.probe") {
      w.sent.push({ frameId, message: m });
      return { ok: true, kind, at: kind === null ? 0 : 5, reason: null };
    }
    if (m["type"] === "console.type") {
      w.sent.push({ frameId, message: m });
      return { ok: true, typed: [...String(m["text"])].length };
    }
    return base(tab, frameId, message);
  };
  return w;
}
const typed = (w: World) => w.sent.filter((s) => s.message["type"] === "console.type");

test("type: the password goes as text to the frame with the console, for the origin decided; the reply holds a count", async () => {
  const w = consoleWorld("xterm");
  w.host.files.set("default:work/console.example.test", enc([DEC], "s3cret pw\nlogin: alice\nurl: https://console.example.test"));
  const r = await typeEntry(w.deps, 7, { store: "default", path: "work/console.example.test" }, "password");
  assert.deepEqual(r, { ok: true, entry: "default:work/console.example.test", kind: "xterm", frameId: 0, typed: 9 });
  assert.deepEqual(typed(w)[0]?.message, { type: "console.type", expectedOrigin: "https://console.example.test", kind: "xterm", text: "s3cret pw" });
  await typeEntry(w.deps, 7, { store: "default", path: "work/console.example.test" }, "username_tab_password_enter");
  assert.equal(typed(w)[1]?.message["text"], "alice\ts3cret pw\r");
});

test("type: refused before decryption when no console is focused; refused for another origin; nothing sent", async () => {
  const none = consoleWorld(null);
  none.host.files.set("default:work/console.example.test", enc([DEC], "pw\nurl: https://console.example.test"));
  await assert.rejects(typeEntry(none.deps, 7, { store: "default", path: "work/console.example.test" }, "password"), (e: unknown) => e instanceof HostError && e.code === "no_console");
  assert.equal(none.host.calls.filter((c) => c === "store.read").length, 0, "no entry opened");
  const other = consoleWorld("xterm");
  other.host.files.set("default:other.example.test", enc([DEC], "pw\nurl: https://other.example.test"));
  await assert.rejects(typeEntry(other.deps, 7, { store: "default", path: "other.example.test" }, "password"), (e: unknown) => e instanceof HostError && e.code === "origin_refused");
  assert.equal(typed(other).length, 0);
});

test("type: a VNC console refuses a non-ASCII password before anything is sent, and the reason never shows the character", async () => {
  const w = consoleWorld("novnc");
  w.host.files.set("default:work/console.example.test", enc([DEC], "pässword\nurl: https://console.example.test"));
  await assert.rejects(typeEntry(w.deps, 7, { store: "default", path: "work/console.example.test" }, "password"), (e: unknown) => {
    assert.ok(e instanceof HostError && e.code === "not_typable");
    assert.match(e.message, /printable ASCII/);
    assert.ok(!e.message.includes("ä"));
    return true;
  });
  assert.equal(typed(w).length, 0);
  // An xterm.js terminal takes it (UTF-8 through the pty).
  const t = consoleWorld("xterm");
  t.host.files.set("default:work/console.example.test", enc([DEC], "pässword\nurl: https://console.example.test"));
  assert.equal((await typeEntry(t.deps, 7, { store: "default", path: "work/console.example.test" }, "password")).typed, 8);
});

test("type: US keys for every printable ASCII character; what a console kind cannot type", () => {
  for (let c = 0x20; c < 0x7f; c++) assert.notEqual(usKey(String.fromCharCode(c)), null, `key for ${String.fromCharCode(c)}`);
  assert.deepEqual(usKey("A"), { key: "A", code: "KeyA", shift: true });
  assert.deepEqual(usKey("("), { key: "(", code: "Digit9", shift: true });
  assert.deepEqual(usKey('"'), { key: '"', code: "Quote", shift: true });
  assert.deepEqual(usKey("\r"), { key: "Enter", code: "Enter", shift: false });
  assert.equal(usKey("é"), null);
  assert.equal(untypable("novnc", "abc\tdef\r"), null);
  assert.equal(untypable("novnc", "abcé"), "é");
  assert.equal(untypable("xterm", "abcé🔑"), null);
  assert.equal(untypable("xterm", "a\u0003"), "\u0003");
  assert.equal(untypable("shellinabox", "pä\t🔑"), "🔑", "Shell In A Box: one UTF-16 unit per key event");
});

test("type: the shortcut types the best match's password; a page no entry is bound to is refused before decryption", async () => {
  const w = consoleWorld("xterm");
  w.host.files.set("default:work/console.example.test", enc([DEC], "s3cret\nurl: https://console.example.test"));
  const r = await typeBest({ ...w.deps, offers: new SaveOffers(() => "x") }, 7);
  assert.equal(r.entry, "default:work/console.example.test");
  assert.equal(typed(w)[0]?.message["text"], "s3cret");
  const none = consoleWorld("xterm");
  none.frames[0]!.url = "https://elsewhere.example.test/";
  none.host.files.set("default:work/console.example.test", enc([DEC], "s3cret\nurl: https://console.example.test"));
  await assert.rejects(typeBest({ ...none.deps, offers: new SaveOffers(() => "x") }, 7), (e: unknown) => e instanceof HostError && e.code === "no_match");
  assert.equal(none.host.calls.filter((c) => c === "store.read").length, 0);
});
