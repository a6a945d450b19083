// The failure reply every request handler sends when its work throws: the
// HostError's stable code (PROTOCOL.md or a local code), otherwise `internal`.

import { HostError, errorMessage } from "./errors";

export interface Failure {
  ok: false;
  code: string;
  message: string;
}

export function failure(err: unknown): Failure {
  return { ok: false, code: err instanceof HostError ? err.code : "internal", message: errorMessage(err) };
}
