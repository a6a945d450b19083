// The popup's entry form: the password generator (uniform choices from the
// browser's generator only) and the background's edit flow (store.init for the
// own key, new entries, edits written at the version they were opened at).
// Host, OpenPGP and the credentials core are fakes here; tests/e2e/entry-form.test.mjs
// runs the same path with the real host, core, card and `pass`.

import assert from "node:assert/strict";
import { test } from "node:test";
import { HostError } from "../src/background/errors";
import type { FlowDeps } from "../src/background/flow-deps";
import type { PgpCore } from "../src/background/pgp";
import type { CredCore, EntryEdit, ParsedEntry } from "../src/background/credentials/core";
import { EDIT_TTL_MS, EditSessions, initStore, openForEdit, saveEntry, type EditDeps } from "../src/background/credentials/edit-flow";
import { EntryIndex } from "../src/background/credentials/entry-index";
import { handleCredentialsRequest, type PopupApiDeps } from "../src/background/credentials/popup-api";
import {
  CLASSES,
  WORDS,
  generatePassphrase,
  generatePassword,
  passphraseBits,
  passwordBits,
  randomBelow,
  type RandomFill,
} from "../src/popup/password-generator";
import { fromBase64, toBase64 } from "../src/shared/base64";
import type { KeyInfo } from "../src/shared/contracts/page";
import type { TokenInfo } from "../src/shared/status";
import { typedRequest } from "./fake-request";

// --- generator ---

/** Hands out the given 32-bit values in turn. */
function scripted(values: number[]): RandomFill & { used: number } {
  const f = Object.assign(
    (buf: Uint32Array<ArrayBuffer>) => {
      for (let i = 0; i < buf.length; i++) {
        const v = values[f.used++];
        if (v === undefined) throw new Error("script ran out");
        buf[i] = v;
      }
    },
    { used: 0 },
  );
  return f;
}

const nodeRandom: RandomFill = (buf) => {
  crypto.getRandomValues(buf);
};

test("randomBelow rejects the values that would bias the modulo", () => {
  // n = 3: 2^32 % 3 = 1, so only 2^32 - 1 is above the last full multiple.
  const r = scripted([2 ** 32 - 1, 2 ** 32 - 2, 5]);
  assert.equal(randomBelow(3, r), (2 ** 32 - 2) % 3);
  assert.equal(r.used, 2, "the biased value was drawn again");
  // n = 10: values from 4294967290 are rejected.
  const r10 = scripted([4294967290, 4294967295, 4294967289]);
  assert.equal(randomBelow(10, r10), 9);
  assert.equal(r10.used, 3);
  assert.equal(randomBelow(1, scripted([123])), 0);
  assert.throws(() => randomBelow(0, nodeRandom), RangeError);
  assert.throws(() => randomBelow(2 ** 32 + 1, nodeRandom), RangeError);
});

test("passwords: the length, only the chosen classes, each of them at least once", () => {
  for (let i = 0; i < 200; i++) {
    const p = generatePassword({ length: 12, classes: ["lower", "digits", "symbols"] }, nodeRandom);
    assert.equal(p.length, 12);
    for (const ch of p) assert.ok((CLASSES.lower + CLASSES.digits + CLASSES.symbols).includes(ch), p);
    assert.ok([...p].some((c) => CLASSES.lower.includes(c)) && [...p].some((c) => CLASSES.digits.includes(c)));
    assert.ok([...p].some((c) => CLASSES.symbols.includes(c)), p);
  }
  // All four classes in 8 characters: a draw that misses one is redone whole.
  const p = generatePassword({ length: 8, classes: ["lower", "upper", "digits", "symbols"] }, nodeRandom);
  assert.equal(p.length, 8);
  // Roughly uniform: every digit turns up over many draws.
  const seen = new Set(generatePassword({ length: 128, classes: ["digits"] }, nodeRandom));
  assert.equal(seen.size, 10);
  assert.throws(() => generatePassword({ length: 20, classes: [] }, nodeRandom), RangeError);
  assert.throws(() => generatePassword({ length: 7, classes: ["lower"] }, nodeRandom), RangeError);
  assert.throws(() => generatePassword({ length: 129, classes: ["lower"] }, nodeRandom), RangeError);
  assert.equal(passwordBits({ length: 20, classes: ["lower", "upper", "digits"] }), Math.floor(20 * Math.log2(62)));
});

test("passphrases: words of the bundled list, joined by dashes", () => {
  assert.equal(new Set(WORDS).size, WORDS.length, "distinct words");
  assert.ok(WORDS.length >= 700 && WORDS.every((w) => /^[a-z]{2,8}$/.test(w)));
  const p = generatePassphrase(6, nodeRandom);
  const words = p.split("-");
  assert.equal(words.length, 6);
  for (const w of words) assert.ok(WORDS.includes(w), w);
  assert.equal(generatePassphrase(4, scripted([0, 1, 2, 3])), WORDS.slice(0, 4).join("-"));
  assert.throws(() => generatePassphrase(3, nodeRandom), RangeError);
  assert.ok(passphraseBits(6) >= 57);
});

// --- edit flow ---

const OWN = "AAAABBBBCCCCDDDDEEEEFFFF0000111122223333";
const DEC = "1A2B3C4D5E6F708192A3B4C5D6E7F80912345678";

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

function key(fpr: string, own: boolean): KeyInfo {
  return {
    fingerprint: fpr,
    user_ids: ["Alice <alice@example.test>"],
    algorithm: "ed25519",
    created: 0,
    expires: null,
    validity: "valid",
    validity_detail: null,
    own,
    can_encrypt: true,
    can_sign: true,
    subkeys: [],
  };
}

/** "Ciphertext" is `ENC(<fprs>):<text>`; files live in a Map. */
class World {
  files = new Map<string, string>();
  gpgId: string[] = [OWN];
  calls: Array<[string, Record<string, unknown>]> = [];
  edits: EntryEdit[] = [];
  keys: KeyInfo[] = [key(OWN, true)];
  sha = (t: string) => `sha-${t.length}-${[...t].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7)}`;
  index = new EntryIndex(null);
  sessions = new EditSessions();
  clock = { now: 1_000 };

  async request(method: string, params: Record<string, unknown>): Promise<unknown> {
    this.calls.push([method, params]);
    const id = `${String(params["store"])}:${String(params["path"])}`;
    switch (method) {
      case "store.init":
        return { created: true, path: "/home/alice/.password-store", recipients_file: ".gpg-id" };
      case "store.read": {
        const f = this.files.get(id);
        if (f === undefined) throw new HostError("entry_not_found", id);
        return { ciphertext: toBase64(new TextEncoder().encode(f)), recipients: this.gpgId, recipients_file: ".gpg-id", sha256: this.sha(f) };
      }
      case "store.recipients":
        return { recipients: this.gpgId, recipients_file: ".gpg-id" };
      case "store.write": {
        const cur = this.files.get(id);
        if ((cur === undefined ? null : this.sha(cur)) !== (params["expect_previous"] ?? null)) throw new HostError("store_conflict", "changed");
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

  pgp(): PgpCore {
    return {
      keyringImport: () => assert.fail("unused"),
      keyringRemove: () => assert.fail("unused"),
      keyringList: () => this.keys,
      encryptMessage: async (_s, recipients, _sender, data) => ({
        armored: `ENC(${recipients.join(",")}):${new TextDecoder().decode(data)}`,
        container: "seipd_v1",
        recipient_keys: recipients,
      }),
      signPrepare: () => assert.fail("unused"),
      signFinish: () => assert.fail("unused"),
      decryptPrepare: () => {
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

  flows(): FlowDeps {
    return {
      pgp: this.pgp(),
      keyring: { read: async () => "stored", update: async () => assert.fail("unused") },
      request: typedRequest((m, p) => this.request(m, p)),
      listTokens: async () => [token],
      pins: { requestPin: async () => assert.fail("no PIN here") },
    };
  }

  /** As the core for the lines it knows: `login:`, `url:`, `autosubmit:`, otpauth lines. */
  cred(): CredCore {
    const parse = (text: string): ParsedEntry => {
      const [password = "", ...rest] = text.split("\n");
      const field = (k: string) => rest.find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2) ?? null;
      return {
        password,
        login: field("login"),
        url: field("url"),
        autosubmit: field("autosubmit") === "true",
        allowSubdomains: field("allow_subdomains") === "true",
        otpUris: rest.filter((l) => l.startsWith("otpauth://")),
        fields: [],
      };
    };
    const edit = (text: string, e: EntryEdit): string => {
      this.edits.push(e);
      const lines = (text === "" ? "\n" : text).split("\n");
      if (e.password !== undefined) lines[0] = e.password;
      const set = (k: string, v: string | undefined) => {
        if (v === undefined) return;
        const i = lines.findIndex((l, n) => n > 0 && l.startsWith(`${k}: `));
        if (v === "") {
          if (i > 0) lines.splice(i, 1);
        } else if (i > 0) lines[i] = `${k}: ${v}`;
        else lines.splice(lines.length - 1, 0, `${k}: ${v}`);
      };
      set("login", e.login);
      set("url", e.url);
      if (e.otp !== undefined && !e.otp.startsWith("otpauth://") && !/^[A-Z2-7]+$/.test(e.otp)) throw new Error("the otpauth `secret` is not base32");
      set("autosubmit", e.autosubmit === undefined ? undefined : String(e.autosubmit));
      return lines.join("\n");
    };
    return {
      parseEntry: parse,
      editEntry: edit,
      otpCode: () => assert.fail("unused"),
      replaceOtpUri: () => assert.fail("unused"),
      mayFill: () => assert.fail("unused"),
      rank: () => [],
      entryUrl: () => null,
    };
  }

  deps(): EditDeps {
    return { flows: async () => this.flows(), cred: async () => this.cred(), index: this.index, edits: this.sessions, now: () => this.clock.now };
  }
}

const form = (over: Partial<{ password: string; login: string; url: string; otp: string; autosubmit: boolean }> = {}) => ({
  password: "Gen3rated!pw",
  login: "alice@example.test",
  url: "http://127.0.0.1:8080",
  otp: "",
  autosubmit: false,
  ...over,
});

test("initStore asks store.init for the keyring's own key", async () => {
  const w = new World();
  w.keys = [key("B".repeat(40), false), key(OWN, true)];
  assert.deepEqual(await initStore(w.flows(), "default"), { store: "default", path: "/home/alice/.password-store", created: true });
  assert.deepEqual(w.calls, [["store.init", { store: "default", recipients: [OWN] }]]);
  w.keys = [key("B".repeat(40), false)];
  await assert.rejects(initStore(w.flows(), "default"), (e: HostError) => e.code === "no_own_key");
});

test("a new entry is written once, never over an existing one, and indexed by its url", async () => {
  const w = new World();
  const ref = { store: "default", path: "127.0.0.1" };
  assert.equal(await saveEntry(w.deps(), ref, form(), null), "default:127.0.0.1");
  assert.equal(w.files.get("default:127.0.0.1"), `ENC(${OWN}):Gen3rated!pw\nlogin: alice@example.test\nurl: http://127.0.0.1:8080\n`);
  assert.deepEqual(w.edits[0], { password: "Gen3rated!pw", login: "alice@example.test", url: "http://127.0.0.1:8080" });
  const write = w.calls.find(([m]) => m === "store.write");
  assert.equal(write?.[1]["expect_previous"], null);
  assert.deepEqual(w.index.get("default:127.0.0.1"), { url: "http://127.0.0.1:8080", allowSubdomains: false });
  await assert.rejects(saveEntry(w.deps(), ref, form(), null), (e: HostError) => e.code === "store_conflict");
  for (const bad of [form({ password: "" }), form({ password: "a\nb" }), form({ login: "x\ny" }), form({ url: "javascript:alert(1)" })]) {
    await assert.rejects(saveEntry(w.deps(), { store: "default", path: "other" }, bad, null), (e: HostError) => e.code === "bad_request");
  }
  await assert.rejects(saveEntry(w.deps(), { store: "default", path: "otp" }, form({ otp: "not base32!" }), null), (e: HostError) => e.code === "otp_invalid");
});

test("an edit sends the core only what changed and writes at the version it was opened at", async () => {
  const w = new World();
  const ref = { store: "default", path: "work/site" };
  const original = "old-pw\nlogin: alice\nRecovery: 1234\nurl: https://site.example.test\n";
  w.files.set("default:work/site", `ENC(${OWN}):${original}`);
  const opened = await openForEdit(w.deps(), ref);
  assert.deepEqual(opened.form, { password: "old-pw", login: "alice", url: "https://site.example.test", otp: "", autosubmit: false });
  assert.equal(opened.previous, w.sha(`ENC(${OWN}):${original}`));
  const reads = w.calls.filter(([m]) => m === "store.read").length;
  await saveEntry(w.deps(), ref, { ...opened.form, password: "new-pw", autosubmit: true }, opened.previous);
  assert.equal(w.calls.filter(([m]) => m === "store.read").length, reads, "no second decryption");
  assert.deepEqual(w.edits.at(-1), { password: "new-pw", autosubmit: true });
  assert.equal(w.files.get("default:work/site"), `ENC(${OWN}):new-pw\nlogin: alice\nRecovery: 1234\nurl: https://site.example.test\nautosubmit: true\n`);
  const write = w.calls.filter(([m]) => m === "store.write").at(-1);
  assert.equal(write?.[1]["expect_previous"], opened.previous);

  // The worker forgot the opened text (restart, expiry): the save opens it again at the same version.
  const second = await openForEdit(w.deps(), ref);
  w.clock.now += EDIT_TTL_MS + 1;
  await saveEntry(w.deps(), ref, { ...second.form, login: "" }, second.previous);
  assert.equal(w.files.get("default:work/site"), `ENC(${OWN}):new-pw\nRecovery: 1234\nurl: https://site.example.test\nautosubmit: true\n`);
  // Changed by someone else since it was opened: refused, nothing written.
  const third = await openForEdit(w.deps(), ref);
  w.files.set("default:work/site", `ENC(${OWN}):changed-by-pass\n`);
  await assert.rejects(saveEntry(w.deps(), ref, third.form, third.previous), (e: HostError) => e.code === "store_conflict");
  assert.equal(w.files.get("default:work/site"), `ENC(${OWN}):changed-by-pass\n`);
});

test("the popup's requests reach the edit flow; only openForEdit's reply carries the password", async () => {
  const w = new World();
  w.files.set("default:site", `ENC(${OWN}):pw1\nurl: https://site.example.test\n`);
  const deps = { flows: async () => w.flows(), cred: async () => w.cred(), index: w.index, now: () => w.clock.now } as unknown as PopupApiDeps;
  const opened = (await handleCredentialsRequest(deps, { type: "credentials.openForEdit", store: "default", path: "site" })) as Record<string, unknown>;
  assert.equal(opened["ok"], true, JSON.stringify(opened));
  assert.equal((opened["form"] as { password: string }).password, "pw1");
  const saved = await handleCredentialsRequest(deps, {
    type: "credentials.saveEntry",
    store: "default",
    path: "site",
    previous: opened["previous"],
    password: "pw2",
    login: " bob ",
    url: "https://site.example.test",
    otp: "",
    autosubmit: false,
  });
  assert.deepEqual(saved, { ok: true, written: "default:site" });
  assert.ok(!JSON.stringify(saved).includes("pw2"));
  assert.equal(w.files.get("default:site"), `ENC(${OWN}):pw2\nurl: https://site.example.test\nlogin: bob\n`);
  const init = await handleCredentialsRequest(deps, { type: "credentials.initStore" });
  assert.deepEqual(init, { ok: true, initialized: { store: "default", path: "/home/alice/.password-store", created: true } });
  const bad = await handleCredentialsRequest(deps, { type: "credentials.saveEntry", store: "default", path: "x", previous: null, password: "p" });
  assert.equal((bad as { code: string }).code, "bad_request");
});
