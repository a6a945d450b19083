// encrypt(text, recipients, sign?): to the recipients plus the user's own key
// (so the sender can read it), optionally signed first (inline, one-pass) with
// the token's signature key through the two-phase signer and token.sign.

import { fromBase64, toBase64 } from "../shared/base64";
import { HostError } from "./errors";
import { slotFingerprints, tokenWithKey, type FlowDeps } from "./flow-deps";
import { withPin } from "./pin-broker";

export interface Encryption {
  armored: string;
  recipientKeys: string[];
}

export async function encrypt(
  deps: FlowDeps,
  text: string,
  recipients: string[],
  sign: boolean,
): Promise<Encryption> {
  if (recipients.length === 0) throw new HostError("no_recipients", "choose at least one recipient");
  const [stored, tokens] = await Promise.all([deps.keyring.read(), deps.listTokens()]);
  const own = deps.pgp.keyringList(stored, slotFingerprints(tokens)).filter((k) => k.own && k.can_encrypt);
  const sender = own[0]?.fingerprint;
  if (sender === undefined) {
    throw new HostError("no_own_key", "import your own public key (the one on your token) first");
  }
  const data = new TextEncoder().encode(text);
  try {
    if (!sign) {
      const out = await deps.pgp.encryptMessage(stored, recipients, sender, data, false);
      return { armored: out.armored, recipientKeys: out.recipient_keys };
    }
    // The signing key: a token's signature slot whose key is in the keyring.
    const signer = slotFingerprints(tokens, "signature").find((f) => own.some((k) => ownsKey(k, f)));
    const token = signer === undefined ? undefined : tokenWithKey(tokens, signer, "signature");
    if (signer === undefined || token === undefined) {
      throw new HostError("no_signing_token", "no connected token holds a signing key of your certificate");
    }
    const req = deps.pgp.signPrepare(stored, signer, data, "inline");
    const params = { token: token.id, hash_algorithm: req.hash_algorithm, digest: toBase64(req.digest) };
    const result = await withPin(deps.pins, token, "sign", () => deps.request("token.sign", params));
    const mpis = (result as { signature?: unknown } | null)?.signature;
    if (!Array.isArray(mpis) || !mpis.every((m) => typeof m === "string")) {
      throw new HostError("bad_reply", "token.sign returned no signature");
    }
    const signed = deps.pgp.signFinish(req.state, (mpis as string[]).map(fromBase64));
    const out = await deps.pgp.encryptMessage(stored, recipients, sender, signed.binary, true);
    signed.binary.fill(0);
    return { armored: out.armored, recipientKeys: out.recipient_keys };
  } finally {
    data.fill(0);
  }
}

function ownsKey(key: { fingerprint: string; subkeys: Array<{ fingerprint: string }> }, fpr: string): boolean {
  const f = fpr.toUpperCase();
  return key.fingerprint.toUpperCase() === f || key.subkeys.some((s) => s.fingerprint.toUpperCase() === f);
}
