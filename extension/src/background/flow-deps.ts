// What the crypto flows (keyring, decrypt, encrypt) need, injected so that the
// flows run under node's test runner with fakes.

import type { KeyringStore } from "./keyring-store";
import type { PgpCore } from "./pgp";
import type { PinBroker } from "./pin-broker";
import type { TokenInfo } from "../shared/status";
import type { Method, Params, Result } from "../shared/contracts/generated/protocol";

export interface FlowDeps {
  pgp: PgpCore;
  keyring: Pick<KeyringStore, "read" | "update">;
  /** One request to tessera-host, typed by method; rejects with HostError. */
  request<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  /** token.list, fresh from the host. */
  listTokens(): Promise<TokenInfo[]>;
  pins: Pick<PinBroker, "requestPin">;
}

/** Every non-empty slot fingerprint of every token: what marks a key as the user's own. */
export function slotFingerprints(tokens: TokenInfo[], slot?: string): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    for (const s of t.slots) if (s.fingerprint !== null && (slot === undefined || s.slot === slot)) out.push(s.fingerprint);
  }
  return out;
}

/** The token whose `slot` holds this key fingerprint. */
export function tokenWithKey(tokens: TokenInfo[], fingerprint: string, slot?: string): TokenInfo | undefined {
  const want = fingerprint.replace(/\s+/g, "").toUpperCase();
  return tokens.find((t) =>
    t.slots.some((s) => s.fingerprint?.toUpperCase() === want && (slot === undefined || s.slot === slot)),
  );
}
