// The wasm core's OpenPGP exports, typed, with every thrown error turned into
// a HostError carrying the core's stable code (openpgp::Error::code). The
// keyring travels as its storage string; the core keeps no state.

import { HostError, errorMessage } from "./errors";
import type {
  Decrypted,
  DecryptionRequest,
  Encrypted,
  KeyInfo,
  KeyringImported,
  KeyringRemoved,
  Signed,
  SigningRequest,
} from "../shared/contracts/generated/core";

/** What the flows need from the core; tests pass a fake. The result types are generated from the core's Rust views. */
export interface PgpCore {
  keyringImport(stored: string, input: Uint8Array): KeyringImported;
  keyringRemove(stored: string, fingerprint: string): KeyringRemoved;
  keyringList(stored: string, own: string[]): KeyInfo[];
  /** `hidden`: fingerprints among `recipients` whose PKESKs name no key (Bcc). */
  encryptMessage(
    stored: string,
    recipients: string[],
    sender: string | undefined,
    data: Uint8Array,
    isPackets: boolean,
    hidden?: string[],
  ): Promise<Encrypted>;
  signPrepare(stored: string, signer: string, data: Uint8Array, mode: string): SigningRequest;
  signFinish(state: Uint8Array, signature: Uint8Array[]): Signed;
  decryptPrepare(stored: string, input: Uint8Array, tokenFingerprints: string[]): DecryptionRequest;
  decryptFinish(
    stored: string,
    input: Uint8Array,
    symmetricAlgorithm: number | undefined,
    sessionKey: Uint8Array,
  ): Promise<Decrypted>;
}

/**
 * The module's functions as core.ts hands them in: the same types (the
 * declarations in src/types/ use the generated ones), only their errors are
 * not yet HostErrors.
 */
export type RawPgpCore = PgpCore;

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
