// The API of the second wasm module, tessera_credentials (wasm-core built with
// only the `credentials` feature; wasm-core/src/bindings_credentials.rs), into
// wasm-core/pkg-credentials/ by scripts/lib/wasm.sh. build.mjs aliases
// "tessera-credentials" to its JS glue. Errors are thrown as Error.
declare module "tessera-credentials" {
  export default function init(
    moduleOrPath?: { module_or_path: RequestInfo | URL | Response | BufferSource | WebAssembly.Module },
  ): Promise<unknown>;
  export function credentialsParseEntry(text: string): unknown;
  export function credentialsEditEntry(text: string, edit: unknown): string;
  export function credentialsOtpCode(uri: string, unixSeconds: number): unknown;
  export function credentialsReplaceOtpUri(text: string, index: number, uri: string): string;
  export function credentialsMayFill(entryUrl: string, allowSubdomains: boolean, frameUrl: string, topUrl: string): unknown;
  export function credentialsRank(candidates: unknown, tabUrl: string): unknown;
  export function credentialsEntryUrl(path: string, url: string | null): string | undefined;
}
