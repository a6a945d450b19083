// The API of the wasm core's JS glue (wasm-bindgen `--target web`), produced by
// `scripts/lib/wasm.sh build` into wasm-core/pkg/. build.mjs aliases the module
// name "tessera-core" to wasm-core/pkg/tessera_core.js, so the typecheck does
// not depend on the pkg having been built.
declare module "tessera-core" {
  export default function init(
    moduleOrPath?: { module_or_path: RequestInfo | URL | Response | BufferSource | WebAssembly.Module },
  ): Promise<unknown>;
}

// The OpenPGP exports (wasm-core/src/bindings_openpgp.rs). Errors are thrown as
// Error with a string `code` (the core's stable error code). Bytes are Uint8Array.
// Their results are the types generated from the Rust views (wasm-core/src/views/,
// see generated/core.ts), so they cannot drift from what the core sends.
declare module "tessera-core" {
  type KeyringImported = import("../shared/contracts/generated/core").KeyringImported;
  type KeyringRemoved = import("../shared/contracts/generated/core").KeyringRemoved;
  type KeyInfo = import("../shared/contracts/generated/core").KeyInfo;
  type Encrypted = import("../shared/contracts/generated/core").Encrypted;
  type SigningRequest = import("../shared/contracts/generated/core").SigningRequest;
  type Signed = import("../shared/contracts/generated/core").Signed;
  type DecryptionRequest = import("../shared/contracts/generated/core").DecryptionRequest;
  type Decrypted = import("../shared/contracts/generated/core").Decrypted;
  type Verified = import("../shared/contracts/generated/core").Verified;

  export function keyringImport(stored: string, input: Uint8Array): KeyringImported;
  export function keyringRemove(stored: string, fingerprint: string): KeyringRemoved;
  /** `own`: slot fingerprints from token.list. */
  export function keyringList(stored: string, own: string[]): KeyInfo[];
  export function encryptMessage(
    stored: string,
    recipients: string[],
    sender: string | undefined,
    data: Uint8Array,
    isPackets: boolean,
    hidden?: string[],
  ): Promise<Encrypted>;
  /** `mode`: detached, inline or cleartext. */
  export function signPrepare(stored: string, signer: string, data: Uint8Array, mode: string): SigningRequest;
  export function signFinish(state: Uint8Array, signature: Uint8Array[]): Signed;
  export function decryptPrepare(stored: string, input: Uint8Array, tokenFingerprints: string[]): DecryptionRequest;
  export function decryptFinish(
    stored: string,
    input: Uint8Array,
    symmetricAlgorithm: number | undefined,
    sessionKey: Uint8Array,
  ): Promise<Decrypted>;
  export function verifyInline(stored: string, input: Uint8Array): Verified;
}
