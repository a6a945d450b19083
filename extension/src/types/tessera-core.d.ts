// The API of the wasm core's JS glue (wasm-bindgen `--target web`), produced by
// `scripts/lib/wasm.sh build` into wasm-core/pkg/. build.mjs aliases the module
// name "tessera-core" to wasm-core/pkg/tessera_core.js, so the typecheck does
// not depend on the pkg having been built. Keep in step with wasm-core/src/bindings.rs.
declare module "tessera-core" {
  export default function init(
    moduleOrPath?: { module_or_path: RequestInfo | URL | Response | BufferSource | WebAssembly.Module },
  ): Promise<unknown>;
  export function coreVersion(): string;
  /** Throws an Error when the host would reject the request. */
  export function encodeRequest(id: number, method: string, paramsJson: string): string;
  /**
   * Checks a reply to a request of `method` (undefined: no request known for its
   * id, then only an error reply is accepted). Throws an Error when the reply
   * does not follow the protocol or its result is not `method`'s result type.
   */
  export function decodeReply(json: string, method?: string | null): unknown;
}

// The OpenPGP exports (wasm-core/src/bindings_openpgp.rs). Errors are thrown as
// Error with a string `code` (the core's stable error code). Bytes are Uint8Array.
declare module "tessera-core" {
  export function keyringImport(stored: string, input: Uint8Array): unknown;
  export function keyringRemove(stored: string, fingerprint: string): unknown;
  export function keyringList(stored: string, own: string[]): unknown;
  export function encryptMessage(
    stored: string,
    recipients: string[],
    sender: string | undefined,
    data: Uint8Array,
    isPackets: boolean,
    hidden?: string[],
  ): Promise<unknown>;
  export function signPrepare(stored: string, signer: string, data: Uint8Array, mode: string): unknown;
  export function signFinish(state: Uint8Array, signature: Uint8Array[]): unknown;
  export function decryptPrepare(stored: string, input: Uint8Array, tokenFingerprints: string[]): unknown;
  export function decryptFinish(
    stored: string,
    input: Uint8Array,
    symmetricAlgorithm: number | undefined,
    sessionKey: Uint8Array,
  ): Promise<unknown>;
  export function verifyInline(stored: string, input: Uint8Array): unknown;
}
