// Reads the `result` of `token.list`. The wasm core has already checked the
// envelope against the Rust protocol types; this narrows the JSON to what the
// UI shows and never trusts a field's type.

import type { PinRetries, Problem, SlotInfo, TokenInfo } from "./status";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

function readSlot(v: unknown): SlotInfo | null {
  if (!isObject(v)) return null;
  const slot = str(v["slot"]);
  if (slot === null) return null;
  return { slot, algorithm: str(v["algorithm"]), fingerprint: str(v["fingerprint"]) };
}

function readPinRetries(v: unknown): PinRetries | null {
  if (!isObject(v)) return null;
  return { user: num(v["user"]), reset: num(v["reset"]), admin: num(v["admin"]) };
}

function readToken(v: unknown): TokenInfo | null {
  if (!isObject(v)) return null;
  const id = str(v["id"]);
  const backend = str(v["backend"]);
  if (id === null || backend === null) return null;
  const slots = Array.isArray(v["slots"]) ? v["slots"].map(readSlot).filter((s) => s !== null) : [];
  return {
    id,
    backend,
    reader: str(v["reader"]),
    serial: str(v["serial"]) ?? "",
    cardholder: str(v["cardholder"]),
    manufacturer: str(v["manufacturer"]),
    slots,
    pinRetries: readPinRetries(v["pin_retries"]),
    pinCached: v["pin_cached"] === true,
  };
}

function readProblem(v: unknown): Problem | null {
  if (!isObject(v)) return null;
  return {
    backend: str(v["backend"]) ?? "",
    code: str(v["code"]) ?? "",
    message: str(v["message"]) ?? "",
  };
}

export function readTokenList(result: unknown): { tokens: TokenInfo[]; problems: Problem[] } {
  if (!isObject(result)) return { tokens: [], problems: [] };
  const tokens = Array.isArray(result["tokens"])
    ? result["tokens"].map(readToken).filter((t) => t !== null)
    : [];
  const problems = Array.isArray(result["problems"])
    ? result["problems"].map(readProblem).filter((p) => p !== null)
    : [];
  return { tokens, problems };
}

export function readHostVersion(result: unknown): string | null {
  return isObject(result) ? str(result["host_version"]) : null;
}
