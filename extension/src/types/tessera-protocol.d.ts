// The API of the host protocol module, tessera_protocol (wasm-core built with
// only the `host-protocol` feature; wasm-core/src/bindings.rs), into
// wasm-core/pkg-protocol/ by scripts/lib/wasm.sh. build.mjs aliases
// "tessera-protocol" to its JS glue. Keep in step with wasm-core/src/bindings.rs.
declare module "tessera-protocol" {
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
