// decrypt(armored): core prepare (picks the PKESK for a key on a listed token)
// → token.decrypt_session_key (PIN prompt on pin_required) → core finish →
// plaintext and the signature status from the core's verification against
// the keyring. Plaintext is returned only to the extension page that asked.
//
// Hidden recipients (Bcc): when no PKESK names one of the user's keys, the
// core lists the anonymous PKESKs that fit a token key as candidates, and
// they are tried in order, one card operation each, until one opens. The
// same loop as wasm-core's decrypt::decrypt_with.

import { fromBase64, toBase64 } from "../shared/base64";
import type { PinAction, SignatureStatus } from "../shared/contracts/page";
import { readVerifications } from "./signature-status";
import { HostError } from "./errors";
import { slotFingerprints, tokenWithKey, type FlowDeps } from "./flow-deps";
import { withPin } from "./pin-broker";
import type { DecryptionCandidate } from "../shared/contracts/generated/core";
import type { Result } from "../shared/contracts/generated/protocol";

/**
 * The host's answers to token.decrypt_session_key when the token ran and its
 * key did not open the PKESK: a card's own refusal (RSA padding) or the
 * host's unwrap failure (checksum, AES key unwrap) are card_error, the soft
 * token's is soft_token_error; invalid_params if a PKESK does not fit the key
 * at all (the core already leaves those out). With an anonymous PKESK that
 * only means "not this one". Anything else (pin_*, a token gone or
 * card_removed mid-operation, a timeout) ends the decryption: a PIN is never
 * sent again by this loop.
 */
const NOT_OPENED = new Set(["card_error", "soft_token_error", "invalid_params"]);

/**
 * The core's answers to decryptFinish for a session key that does not open
 * the data: a wrong key that passed the session key's two-octet checksum.
 */
const WRONG_SESSION_KEY = new Set(["bad_session_key", "integrity_failure"]);

/** Every anonymous candidate failed: the core's `decrypt::none_opened` sentence. */
function noneOpened(candidates: DecryptionCandidate[], last: string): HostError {
  const keys = [...new Set(candidates.map((c) => c.token_fingerprint))];
  const pkesks = new Set(candidates.map((c) => toBase64(c.pkesk))).size;
  const tail = last === "" ? "" : ` (last: ${last})`;
  return new HostError(
    "not_for_us",
    `the message is not encrypted to any of your keys; it is for anonymous recipients only: ` +
      `${pkesks} tried with your key(s) ${keys.join(", ")}, none opened${tail}`,
  );
}

export interface Decryption {
  plaintext: string;
  signatures: SignatureStatus[];
}

/** `action`: what the PIN prompt, if one opens, says it is for. */
export async function decrypt(deps: FlowDeps, armored: string, action: PinAction | null = null): Promise<Decryption> {
  const out = await decryptBytes(deps, new TextEncoder().encode(armored), action);
  // fatal: false would hide a non-UTF-8 message as replacement characters; show it as is.
  const plaintext = new TextDecoder("utf-8").decode(out.data);
  out.data.fill(0);
  return { plaintext, signatures: out.signatures };
}

/** Key IDs of v4 (last 16 hex digits) and v6 (first 16) fingerprints. */
function keyIds(fingerprint: string): string[] {
  const f = fingerprint.toUpperCase();
  return [f.slice(-16), f.slice(0, 16)];
}

/**
 * decryptPrepare, with "not for us" made precise: the core needs the
 * recipient's public key in the keyring to use a token's key, so a message
 * for the token's own key, while the user's certificate was never imported,
 * would be reported as for someone else. Say what to do instead.
 */
function prepareOrExplain(deps: FlowDeps, stored: string, input: Uint8Array, decryptionKeys: string[]) {
  try {
    return deps.pgp.decryptPrepare(stored, input, decryptionKeys);
  } catch (err) {
    if (err instanceof HostError && err.code === "not_for_us") {
      const mine = decryptionKeys.flatMap(keyIds).find((id) => err.message.toUpperCase().includes(id));
      if (mine !== undefined) {
        throw new HostError(
          "no_own_key",
          `the message is for your token's key ${mine}, but your own public key is not in the keyring: import it (options page, Your key)`,
        );
      }
    }
    throw err;
  }
}

/**
 * The same flow on a binary or armored message (password-store entries are
 * binary); the caller zeroes `data` once it has used it.
 */
export async function decryptBytes(
  deps: FlowDeps,
  input: Uint8Array,
  action: PinAction | null = null,
): Promise<{ data: Uint8Array; signatures: SignatureStatus[] }> {
  const [stored, tokens] = await Promise.all([deps.keyring.read(), deps.listTokens()]);
  const decryptionKeys = slotFingerprints(tokens, "decryption");
  if (decryptionKeys.length === 0) throw new HostError("no_token", "no token with a decryption key is connected");

  // Never empty (the core says so); the first is the top-level PKESK.
  const { candidates } = prepareOrExplain(deps, stored, input, decryptionKeys);
  // A session key that unwrapped but did not open the data: almost surely the
  // right key on a damaged message, reported as such if nothing else opens.
  let dataError: HostError | undefined;
  let lastFailure = "";
  for (const c of candidates) {
    const token = tokenWithKey(tokens, c.token_fingerprint, "decryption");
    if (token === undefined) throw new HostError("no_token", `no token holds key ${c.token_fingerprint}`);

    const params = { token: token.id, pkesk: toBase64(c.pkesk), recipient_key: toBase64(c.recipient_key) };
    let result: Result<"token.decrypt_session_key">;
    try {
      // The PIN is asked at most once per token: the host caches it after
      // the first candidate's prompt, so later tries run without one.
      result = await withPin(deps.pins, token, "decrypt", () => deps.request("token.decrypt_session_key", params), action);
    } catch (err) {
      if (c.anonymous && err instanceof HostError && NOT_OPENED.has(err.code)) {
        lastFailure = `${err.code}: ${err.message}`;
        continue;
      }
      throw err;
    }
    const sym = result.symmetric_algorithm ?? undefined;
    const sessionKey = fromBase64(result.session_key);
    try {
      const out = await deps.pgp.decryptFinish(stored, input, sym, sessionKey);
      return { data: out.data, signatures: readVerifications(out.verifications) };
    } catch (err) {
      if (c.anonymous && err instanceof HostError && WRONG_SESSION_KEY.has(err.code)) {
        dataError ??= err;
        continue;
      }
      throw err;
    } finally {
      sessionKey.fill(0);
    }
  }
  throw dataError ?? noneOpened(candidates, lastFailure);
}
