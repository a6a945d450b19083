// The credentials wasm module (pass entries, OTP, origin binding), loaded on
// the first autofill use so that the service worker's start does not pay for
// its URL/IDNA/public-suffix code. Typed here; tests pass a fake CredCore.

import { HostError, errorMessage } from "../errors";

export interface ParsedEntry {
  password: string;
  login: string | null;
  url: string | null;
  autosubmit: boolean;
  allowSubdomains: boolean;
  otpUris: string[];
}

export interface OtpCode {
  code: string;
  secondsLeft: number | null;
  nextCounter: number | null;
  /** HOTP: the otpauth URI with the next counter, to write back. */
  nextUri: string | null;
}

export type FillDecision = { decision: "fill" | "needs_confirmation" | "refuse"; reason: string | null };

/** `path_unverified`: never opened here, named for the page's host over https on an http page; its url: line decides. */
export type RankMatch = "url_exact" | "url_domain" | "path_host" | "path_domain" | "path_unverified";

export interface RankCandidate {
  path: string;
  url?: string;
  allowSubdomains?: boolean;
  /** The entry was opened or written here: `url` is what it holds (absent: it has none). */
  urlKnown?: boolean;
}

/** One entry of a tab's ranking: it fills (`match`), or names the page's host but would be refused (`refusal`). */
export interface Ranked {
  index: number;
  match: RankMatch | null;
  /** `scheme`: the page is http: and the entry's site https:; `port`: another port. */
  refusal: "scheme" | "port" | null;
  /** The origin the entry fills. */
  site: string;
}

export interface CredCore {
  parseEntry(text: string): ParsedEntry;
  editEntry(text: string, edit: { password?: string; login?: string; url?: string }): string;
  otpCode(uri: string, unixSeconds: number): OtpCode;
  replaceOtpUri(text: string, index: number, uri: string): string;
  mayFill(entryUrl: string, allowSubdomains: boolean, frameUrl: string, topUrl: string): FillDecision;
  rank(candidates: RankCandidate[], tabUrl: string): Ranked[];
  /** The site an entry fills: its url line, else the host named in its path; null: nowhere. */
  entryUrl(path: string, url: string | null): string | null;
}

/** Core errors (plain Error) become HostError with a stable code. */
function wrap<A extends unknown[], R>(code: string, fn: (...a: A) => unknown): (...a: A) => R {
  return (...a: A) => {
    try {
      return fn(...a) as R;
    } catch (err) {
      throw err instanceof HostError ? err : new HostError(code, errorMessage(err));
    }
  };
}

let loading: Promise<CredCore> | null = null;

/** Loads the module once; a failed load is retried on the next call. */
export function loadCredCore(wasmUrl: string): Promise<CredCore> {
  loading ??= (async () => {
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
  })().catch((err: unknown) => {
    loading = null;
    throw new HostError("core_unavailable", `the credentials module did not load: ${errorMessage(err)}`);
  });
  return loading;
}
