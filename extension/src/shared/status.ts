// The status the service worker publishes to extension pages (popup, later the
// options page). Plain data: no functions, nothing secret.

import type { BackendProblem, TokenInfo } from "./contracts/generated/protocol";

// The host's token.list shapes are the generated Rust protocol types: one
// definition, with the wire's field names (snake_case) end to end.
export type { BackendProblem as Problem, PinRetries, TokenInfo } from "./contracts/generated/protocol";

export type HostState = "connecting" | "connected" | "disconnected" | "not_installed";

export interface HostStatus {
  state: HostState;
  hostVersion: string | null;
  coreVersion: string | null;
  tokens: TokenInfo[];
  problems: BackendProblem[];
  /** A code from PROTOCOL.md or one of LocalErrorCode, for localized text. */
  lastErrorCode: string | null;
  /** English detail, shown under the localized text. */
  lastError: string | null;
}

/** Error codes the extension itself produces (the host's are in PROTOCOL.md). */
export type LocalErrorCode =
  | "timeout"
  | "disconnected"
  | "not_installed"
  | "bad_request"
  | "bad_reply"
  | "core_unavailable";

export function initialStatus(): HostStatus {
  return {
    state: "connecting",
    hostVersion: null,
    coreVersion: null,
    tokens: [],
    problems: [],
    lastErrorCode: null,
    lastError: null,
  };
}

/** Messages on the "tessera-status" runtime port. */
export const STATUS_PORT_NAME = "tessera-status";

export type PageToBackground = { type: "refresh" };
export type BackgroundToPage = { type: "status"; status: HostStatus };
