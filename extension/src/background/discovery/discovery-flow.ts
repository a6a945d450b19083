// Finding a recipient's key: WKD first, then the keyserver the user chose (if
// any). What comes back is checked as a pasted key is (the core's import:
// binding signatures, expiry, revocation) in a keyring of its own, and only
// certificates with a User ID holding the address are kept: a server cannot
// slip in a key for another address (CVE-2019-9150 class). Nothing enters the
// user's keyring until they confirm (`importFound`): the finding is kept here,
// so what is imported is exactly what was shown.

import type { FoundKeys, KeyInfo } from "../../shared/contracts/page";
import { HostError } from "../errors";
import type { FlowDeps } from "../flow-deps";
import { importKeys } from "../keyring-flow";
import { keyserverUrl } from "./keyserver";
import { fetchKey, type FetchOutcome, wkdUrls } from "./wkd";

export interface DiscoveryDeps extends Pick<FlowDeps, "pgp" | "keyring"> {
  fetch: typeof fetch;
  /** The keyserver URL the user set, or "" (off). */
  keyserver(): Promise<string>;
  newId(): string;
  /** Per request; a lookup makes at most three. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 8_000;
/** Findings kept for confirmation, oldest dropped first. */
const MAX_KEPT = 16;
const kept = new Map<string, { address: string; stored: string }>();

/** The address in a User ID ("Name <a@b>" or a bare address), lower-cased; null without one. */
export function addressOf(userId: string): string | null {
  const m = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(userId) ?? /^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(userId);
  return m?.[1]?.toLowerCase() ?? null;
}

function holdsAddress(key: KeyInfo, address: string): boolean {
  const want = address.toLowerCase();
  return key.user_ids.some((u) => addressOf(u) === want);
}

function sourceError(what: string, r: Extract<FetchOutcome, { ok: false }>): string {
  return `${what}: ${r.detail}`;
}

/** Looks `address` up; the keys found are kept for `importFound`, never imported here. */
export async function findKeys(deps: DiscoveryDeps, address: string): Promise<FoundKeys> {
  const trimmed = address.trim();
  const urls = await wkdUrls(trimmed);
  const timeout = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tried: string[] = [];
  const sources: Array<{ source: FoundKeys["source"]; url: string }> = [
    { source: "wkd_advanced", url: urls.advanced },
    { source: "wkd_direct", url: urls.direct },
  ];
  const server = (await deps.keyserver()).trim();
  if (server !== "") sources.push({ source: "keyserver", url: keyserverUrl(server, trimmed) });

  const codes: string[] = [];
  let mismatch: string[] | null = null;
  for (const { source, url } of sources) {
    const r = await fetchKey(deps.fetch, url, timeout);
    if (!r.ok) {
      codes.push(r.code);
      tried.push(sourceError(source, r));
      continue;
    }
    // A keyring of its own: the core checks the certificates as it checks a pasted one.
    let stored: string;
    try {
      stored = deps.pgp.keyringImport("", r.bytes).stored;
    } catch (err) {
      tried.push(`${source}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const all = deps.pgp.keyringList(stored, []);
    const matching = all.filter((k) => holdsAddress(k, trimmed));
    for (const k of all) if (!matching.includes(k)) stored = deps.pgp.keyringRemove(stored, k.fingerprint).stored;
    if (matching.length === 0) {
      mismatch = all.flatMap((k) => k.user_ids);
      tried.push(`${source}: no key for ${trimmed} (the key found is for ${mismatch.join(", ") || "no address"})`);
      continue;
    }
    const id = deps.newId();
    kept.set(id, { address: trimmed, stored });
    while (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as string);
    return { id, address: trimmed, source, url, keys: matching };
  }
  if (mismatch !== null) {
    throw new HostError("key_address_mismatch", `a key was found for ${trimmed}, but none of its user IDs holds this address (${mismatch.join(", ")}): refused`);
  }
  // A server that hangs is named as such, unless another source said plainly there is no key.
  if (codes.includes("timeout") && !codes.includes("not_found")) {
    throw new HostError("lookup_timeout", `no key server answered in time for ${trimmed} (${tried.join("; ")})`);
  }
  throw new HostError("lookup_not_found", `no key found for ${trimmed} (${tried.join("; ")})`);
}

/** Imports what `findKeys` showed under `id`, through the same checks as a pasted key. */
export async function importFound(deps: Pick<FlowDeps, "pgp" | "keyring">, id: string): Promise<string[]> {
  const found = kept.get(id);
  if (found === undefined) throw new HostError("lookup_gone", "this lookup is no longer available: look the address up again");
  kept.delete(id);
  const results = await importKeys(deps, { text: found.stored });
  const failed = results.find((r) => !r.ok);
  if (failed !== undefined && !failed.ok) throw new HostError(failed.code, failed.message);
  return results.flatMap((r) => (r.ok ? r.fingerprints : []));
}
