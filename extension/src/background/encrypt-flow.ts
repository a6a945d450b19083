// encrypt(text, recipients, sign?, hidden?): to the recipients plus the user's
// own key (so the sender can read it), optionally signed first (inline,
// one-pass) with the token's signature key through the two-phase signer and
// token.sign. `hidden` recipients (Bcc) get PKESKs that name no key, so the
// other readers cannot see from the message that it went to them.

import { fromBase64, toBase64 } from "../shared/base64";
import { HostError } from "./errors";
import { slotFingerprints, tokenWithKey, type FlowDeps } from "./flow-deps";
import { withPin } from "./pin-broker";
import type { HashAlgorithm } from "../shared/contracts/generated/protocol";

export interface Encryption {
  armored: string;
  recipientKeys: string[];
}

/** Hidden recipients a request may name: a mail's Bcc list, with room to spare. */
export const MAX_HIDDEN = 100;
/** A fingerprint's longest written form: 64 hex digits (v6), spaces between groups. */
const MAX_FINGERPRINT_CHARS = 100;

const normalize = (fpr: string) => fpr.replace(/\s+/g, "").toUpperCase();

/**
 * A page's or frame's `hidden` field, checked: absent is none; otherwise an
 * array of at most MAX_HIDDEN fingerprint strings, each one of `recipients`
 * (the core checks again, by certificate). Throws HostError("invalid_argument").
 */
export function readHidden(raw: unknown, recipients: string[]): string[] {
  if (raw === undefined) return [];
  const bad = (why: string) => new HostError("invalid_argument", `hidden recipients: ${why}`);
  if (!Array.isArray(raw)) throw bad("not a list");
  if (raw.length > MAX_HIDDEN) throw bad(`more than ${MAX_HIDDEN}`);
  const named = new Set(recipients.map(normalize));
  const out: string[] = [];
  for (const item of raw) {
    if (typeof item !== "string" || item.length === 0 || item.length > MAX_FINGERPRINT_CHARS) {
      throw bad("each must be a fingerprint");
    }
    if (!named.has(normalize(item))) throw bad(`${item} is not one of the recipients`);
    out.push(item);
  }
  return out;
}

export async function encrypt(
  deps: FlowDeps,
  text: string,
  recipients: string[],
  sign: boolean,
  hidden: string[] = [],
): Promise<Encryption> {
  if (recipients.length === 0) throw new HostError("no_recipients", "choose at least one recipient");
  const [stored, tokens] = await Promise.all([deps.keyring.read(), deps.listTokens()]);
  const keys = deps.pgp.keyringList(stored, slotFingerprints(tokens));
  const own = keys.filter((k) => k.own && k.can_encrypt);
  const sender = own[0]?.fingerprint;
  if (sender === undefined) {
    throw new HostError("no_own_key", "import your own public key (the one on your token) first");
  }
  const data = new TextEncoder().encode(text);
  try {
    if (!sign) {
      const out = await deps.pgp.encryptMessage(stored, recipients, sender, data, false, hidden);
      return { armored: out.armored, recipientKeys: out.recipient_keys };
    }
    // The signing key: a token's signature slot whose key is in the keyring.
    const signer = slotFingerprints(tokens, "signature").find((f) => own.some((k) => ownsKey(k, f)));
    const token = signer === undefined ? undefined : tokenWithKey(tokens, signer, "signature");
    if (signer === undefined || token === undefined) {
      throw new HostError("no_signing_token", "no connected token holds a signing key of your certificate");
    }
    // The signing state holds the literal data (the plaintext) while the
    // token signs, which may wait on a PIN prompt: it is wiped on every way
    // out (signed, cancelled, wrong PIN, card pulled), as is the signed message.
    const req = deps.pgp.signPrepare(stored, signer, data, "inline");
    let signed: { binary: Uint8Array } | null = null;
    try {
      // signPrepare names the hash as the protocol does (wasm-core sign::hash_name);
      // the core's encodeRequest refuses any other name before it is sent.
      const hashAlgorithm = req.hash_algorithm as HashAlgorithm;
      const params = { token: token.id, hash_algorithm: hashAlgorithm, digest: toBase64(req.digest) };
      const { signature } = await withPin(deps.pins, token, "sign", () => deps.request("token.sign", params), {
        kind: "sign_message",
        recipients: recipients.map((r) => addressOf(keys, r)),
      });
      signed = deps.pgp.signFinish(req.state, signature.map(fromBase64));
      const out = await deps.pgp.encryptMessage(stored, recipients, sender, signed.binary, true, hidden);
      return { armored: out.armored, recipientKeys: out.recipient_keys };
    } finally {
      req.state.fill(0);
      signed?.binary.fill(0);
    }
  } finally {
    data.fill(0);
  }
}

/** A recipient as the PIN prompt names it: the address of its key's first user ID, else what was given. */
function addressOf(keys: Array<{ fingerprint: string; user_ids: string[]; subkeys: Array<{ fingerprint: string }> }>, recipient: string): string {
  const key = keys.find((k) => ownsKey(k, recipient));
  const uid = key?.user_ids[0];
  if (uid === undefined) return recipient;
  return /<([^<>]+)>\s*$/.exec(uid)?.[1] ?? uid;
}

function ownsKey(key: { fingerprint: string; subkeys: Array<{ fingerprint: string }> }, fpr: string): boolean {
  const f = fpr.toUpperCase();
  return key.fingerprint.toUpperCase() === f || key.subkeys.some((s) => s.fingerprint.toUpperCase() === f);
}
