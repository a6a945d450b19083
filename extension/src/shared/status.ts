// The status the service worker publishes to extension pages (popup, later the
// options page). Plain data: no functions, nothing secret.

export type HostState = "connecting" | "connected" | "disconnected" | "not_installed";

export interface SlotInfo {
  slot: string;
  algorithm: string | null;
  /** Upper-case hex, or null when the slot is empty. */
  fingerprint: string | null;
}

export interface PinRetries {
  user: number;
  reset: number;
  admin: number;
}

export interface TokenInfo {
  id: string;
  backend: string;
  reader: string | null;
  serial: string;
  cardholder: string | null;
  manufacturer: string | null;
  slots: SlotInfo[];
  pinRetries: PinRetries | null;
  /** The host holds a verified PIN for this token (operations will not ask). */
  pinCached: boolean;
}

export interface Problem {
  backend: string;
  code: string;
  message: string;
}

export interface HostStatus {
  state: HostState;
  hostVersion: string | null;
  coreVersion: string | null;
  tokens: TokenInfo[];
  problems: Problem[];
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
