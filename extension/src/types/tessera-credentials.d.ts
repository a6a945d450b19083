// The API of the second wasm module, tessera_credentials (wasm-core built with
// only the `credentials` feature; wasm-core/src/bindings_credentials.rs), into
// wasm-core/pkg-credentials/ by scripts/lib/wasm.sh. build.mjs aliases
// "tessera-credentials" to its JS glue. Errors are thrown as Error. What they take
// and return are the types generated from the Rust views
// (wasm-core/src/views/credentials.rs, see generated/core.ts).
declare module "tessera-credentials" {
  type ParsedEntry = import("../shared/contracts/generated/core").ParsedEntry;
  type EntryEdit = import("../shared/contracts/generated/core").EntryEdit;
  type OtpCode = import("../shared/contracts/generated/core").OtpCode;
  type FillDecision = import("../shared/contracts/generated/core").FillDecision;
  type RankCandidate = import("../shared/contracts/generated/core").RankCandidate;
  type Ranked = import("../shared/contracts/generated/core").Ranked;

  export default function init(
    moduleOrPath?: { module_or_path: RequestInfo | URL | Response | BufferSource | WebAssembly.Module },
  ): Promise<unknown>;
  export function credentialsParseEntry(text: string): ParsedEntry;
  export function credentialsEditEntry(text: string, edit: EntryEdit): string;
  export function credentialsOtpCode(uri: string, unixSeconds: number): OtpCode;
  export function credentialsReplaceOtpUri(text: string, index: number, uri: string): string;
  export function credentialsMayFill(entryUrl: string, allowSubdomains: boolean, frameUrl: string, topUrl: string): FillDecision;
  export function credentialsRank(candidates: RankCandidate[], tabUrl: string): Ranked[];
  export function credentialsEntryUrl(path: string, url: string | null): string | undefined;
}
