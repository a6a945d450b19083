// Turning what the browser says when a native port closes into a state the
// user can act on.

/** An error with a stable code: one of PROTOCOL.md's codes or a LocalErrorCode. */
export class HostError extends Error {
  readonly code: string;
  /** With `pin_incorrect` from a card: the user PIN tries left (PROTOCOL.md `retries_left`). */
  readonly retriesLeft: number | null;
  constructor(code: string, message: string, retriesLeft: number | null = null) {
    super(message);
    this.name = "HostError";
    this.code = code;
    this.retriesLeft = retriesLeft;
  }
}

export type DisconnectKind = "not_installed" | "disconnected";

// Chromium: "Specified native messaging host not found." (no manifest, or a
// manifest whose binary path does not exist) and "Access to the specified native
// messaging host is forbidden." (the manifest does not list this extension):
// both are fixed by running `tessera-host install`.
// Firefox: "No such native application org.tessera.host" (no manifest).
const NOT_INSTALLED_PATTERNS: readonly RegExp[] = [
  /native messaging host not found/i,
  /native messaging host is forbidden/i,
  /no such native application/i,
];

export function classifyDisconnect(message: string | undefined): DisconnectKind {
  if (message !== undefined && NOT_INSTALLED_PATTERNS.some((p) => p.test(message))) {
    return "not_installed";
  }
  return "disconnected";
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
