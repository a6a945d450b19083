// The wasm core's OpenPGP exports, typed, with every thrown error turned into
// a HostError carrying the core's stable code (openpgp::Error::code). The
// keyring travels as its storage string; the core keeps no state.

import { HostError, errorMessage } from "./errors";
import type { KeyInfo } from "../shared/contracts/page";

/** One token.decrypt_session_key to try (wasm-core decrypt::Candidate). */
export interface DecryptionCandidate {
  token_fingerprint: string;
  pkesk: Uint8Array;
  recipient_key: Uint8Array;
  /** The PKESK names no key (a hidden recipient): the token key is a guess, a failure means "not this one". */
  anonymous: boolean;
}

/** Phase 1 of decryption; the top-level fields are the first candidate. */
export interface DecryptionRequest {
  token_fingerprint: string;
  pkesk: Uint8Array;
  recipient_key: Uint8Array;
  container: string;
  /**
   * What to try, in order: the PKESKs naming a token key, else the anonymous
   * ones that fit a token key. Always set by the core; a request without it
   * (a test fake) is its top-level PKESK alone.
   */
  candidates?: DecryptionCandidate[];
}

export interface SigningRequest {
  hash_algorithm: string;
  digest: Uint8Array;
  key_fingerprint: string;
  state: Uint8Array;
}

/** What the flows need from the core; tests pass a fake. */
export interface PgpCore {
  keyringImport(stored: string, input: Uint8Array): { stored: string; imported: string[] };
  keyringRemove(stored: string, fingerprint: string): { stored: string; removed: boolean };
  keyringList(stored: string, own: string[]): KeyInfo[];
  /** `hidden`: fingerprints among `recipients` whose PKESKs name no key (Bcc). */
  encryptMessage(
    stored: string,
    recipients: string[],
    sender: string | undefined,
    data: Uint8Array,
    isPackets: boolean,
    hidden?: string[],
  ): Promise<{ armored: string; recipient_keys: string[] }>;
  signPrepare(stored: string, signer: string, data: Uint8Array, mode: string): SigningRequest;
  signFinish(state: Uint8Array, signature: Uint8Array[]): { binary: Uint8Array; armored: string };
  decryptPrepare(stored: string, input: Uint8Array, tokenFingerprints: string[]): DecryptionRequest;
  decryptFinish(
    stored: string,
    input: Uint8Array,
    symmetricAlgorithm: number | undefined,
    sessionKey: Uint8Array,
  ): Promise<{ data: Uint8Array; verifications: unknown }>;
}

/** The raw module functions (each returns `unknown`, or a promise of it). */
export type RawPgpCore = { [K in keyof PgpCore]: (...args: Parameters<PgpCore[K]>) => unknown };

/** A thrown core error → HostError(code); anything else → HostError("internal"). */
export function coreError(err: unknown): HostError {
  if (err instanceof HostError) return err;
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  return new HostError(typeof code === "string" && code !== "" ? code : "internal", errorMessage(err));
}

export function wrapPgpCore(raw: RawPgpCore): PgpCore {
  const wrapped: Record<string, unknown> = {};
  for (const name of Object.keys(raw) as Array<keyof RawPgpCore>) {
    const fn = raw[name] as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]) => {
      try {
        const out = fn(...args);
        // encryptMessage is async (its AES runs in WebCrypto): its rejections get codes too.
        return out instanceof Promise ? out.catch((err: unknown) => Promise.reject(coreError(err))) : out;
      } catch (err) {
        throw coreError(err);
      }
    };
  }
  return wrapped as unknown as PgpCore;
}
