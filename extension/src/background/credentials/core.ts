// The credentials wasm module (pass entries, OTP, origin binding), loaded on
// the first autofill use so that the service worker's start does not pay for
// it (its public suffix table; URLs it has the worker's own `URL` parse).
// Typed here; tests pass a fake CredCore.

import { HostError, errorMessage } from "../errors";
import { loadOnce } from "../load-once";
import type {
  EntryEdit,
  FillDecision,
  OtpCode,
  ParsedEntry,
  RankCandidate,
  Ranked,
} from "../../shared/contracts/generated/core";

// What the module takes and returns: generated from the core's Rust views
// (wasm-core/src/views/credentials.rs), re-exported for the flows.
export type {
  EntryEdit,
  FillDecision,
  OtpCode,
  ParsedEntry,
  RankCandidate,
  RankMatch,
  Ranked,
} from "../../shared/contracts/generated/core";

export interface CredCore {
  parseEntry(text: string): ParsedEntry;
  editEntry(text: string, edit: EntryEdit): string;
  otpCode(uri: string, unixSeconds: number): OtpCode;
  replaceOtpUri(text: string, index: number, uri: string): string;
  mayFill(entryUrl: string, allowSubdomains: boolean, frameUrl: string, topUrl: string): FillDecision;
  rank(candidates: RankCandidate[], tabUrl: string): Ranked[];
  /** The site an entry fills: its url line, else the host named in its path; null: nowhere. */
  entryUrl(path: string, url: string | null): string | null;
}

/** Core errors (plain Error) become HostError with a stable code. */
function wrap<A extends unknown[], R>(code: string, fn: (...a: A) => R): (...a: A) => R {
  return (...a: A) => {
    try {
      return fn(...a);
    } catch (err) {
      throw err instanceof HostError ? err : new HostError(code, errorMessage(err));
    }
  };
}

/** Loads the module once (load-once.ts). */
export const loadCredCore: (wasmUrl: string) => Promise<CredCore> = loadOnce("the credentials module", async (wasmUrl: string) => {
  const m = await import("tessera-credentials");
  await m.default({ module_or_path: wasmUrl });
  return {
    parseEntry: wrap("entry_unreadable", m.credentialsParseEntry),
    editEntry: wrap("entry_unreadable", m.credentialsEditEntry),
    otpCode: wrap("otp_invalid", m.credentialsOtpCode),
    replaceOtpUri: wrap("otp_invalid", m.credentialsReplaceOtpUri),
    mayFill: wrap("origin_refused", m.credentialsMayFill),
    rank: wrap("internal", m.credentialsRank),
    entryUrl: wrap("internal", (path: string, url: string | null) => m.credentialsEntryUrl(path, url) ?? null),
  } satisfies CredCore;
});
