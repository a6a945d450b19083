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
  /** Throws an Error when the reply does not follow the protocol. */
  export function decodeReply(json: string): unknown;
}
