// decrypt(armored): core prepare (picks the PKESK for a key on a listed token)
// → token.decrypt_session_key (PIN prompt on pin_required) → core finish →
// plaintext and the signature status from the core's verification against
// the keyring. Plaintext is returned only to the extension page that asked.

import { fromBase64, toBase64 } from "../shared/base64";
import type { SignatureStatus } from "../shared/crypto-api";
import { readVerifications } from "../shared/signature-status";
import { HostError } from "./errors";
import { slotFingerprints, tokenWithKey, type FlowDeps } from "./flow-deps";
import { withPin } from "./pin-broker";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export interface Decryption {
  plaintext: string;
  signatures: SignatureStatus[];
}

export async function decrypt(deps: FlowDeps, armored: string): Promise<Decryption> {
  const out = await decryptBytes(deps, new TextEncoder().encode(armored));
  // fatal: false would hide a non-UTF-8 message as replacement characters; show it as is.
  const plaintext = new TextDecoder("utf-8").decode(out.data);
  out.data.fill(0);
  return { plaintext, signatures: out.signatures };
}

/**
 * The same flow on a binary or armored message (password-store entries are
 * binary); the caller zeroes `data` once it has used it.
 */
export async function decryptBytes(
  deps: FlowDeps,
  input: Uint8Array,
): Promise<{ data: Uint8Array; signatures: SignatureStatus[] }> {
  const [stored, tokens] = await Promise.all([deps.keyring.read(), deps.listTokens()]);
  const decryptionKeys = slotFingerprints(tokens, "decryption");
  if (decryptionKeys.length === 0) throw new HostError("no_token", "no token with a decryption key is connected");

  const req = deps.pgp.decryptPrepare(stored, input, decryptionKeys);
  const token = tokenWithKey(tokens, req.token_fingerprint, "decryption");
  if (token === undefined) throw new HostError("no_token", `no token holds key ${req.token_fingerprint}`);

  const params = { token: token.id, pkesk: toBase64(req.pkesk), recipient_key: toBase64(req.recipient_key) };
  const result = await withPin(deps.pins, token, "decrypt", () => deps.request("token.decrypt_session_key", params));
  if (!isObject(result) || typeof result["session_key"] !== "string") {
    throw new HostError("bad_reply", "token.decrypt_session_key returned no session key");
  }
  const sym = typeof result["symmetric_algorithm"] === "number" ? result["symmetric_algorithm"] : undefined;
  const sessionKey = fromBase64(result["session_key"]);
  try {
    const out = await deps.pgp.decryptFinish(stored, input, sym, sessionKey);
    return { data: out.data, signatures: readVerifications(out.verifications) };
  } finally {
    sessionKey.fill(0);
  }
}
