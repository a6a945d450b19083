// Web Key Directory (draft-koch-openpgp-webkey-service): where a mail
// address's key lives, and fetching it. The advanced method first
// (https://openpgpkey.<domain>/.well-known/openpgpkey/<domain>/hu/<hash>?l=<local>),
// then the direct one (https://<domain>/.well-known/openpgpkey/hu/<hash>?l=<local>),
// as GnuPG does. The hash is the SHA-1 of the local part with ASCII letters in
// lower case, in z-base-32. Hand-written: 40 lines, and no WKD library exists
// for a service worker.

import { HostError } from "../errors";

/** z-base-32 (RFC 6189 §5.1.6), the alphabet WKD names files with. */
const ZBASE32 = "ybndrfg8ejkmcpqxot1uwisza345h769";

export function zbase32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ZBASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ZBASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** Splits an address for WKD; null when it is not one (no @, spaces, an empty part, no dot in the domain). */
export function splitAddress(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf("@");
  if (at <= 0 || at === address.length - 1 || /[\s<>]/.test(address)) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(domain) || !domain.includes(".") || domain.startsWith(".") || domain.endsWith(".")) return null;
  return { local, domain };
}

export interface WkdUrls {
  hash: string;
  advanced: string;
  direct: string;
}

export async function wkdUrls(address: string): Promise<WkdUrls> {
  const parts = splitAddress(address);
  if (parts === null) throw new HostError("invalid_address", `\`${address}\` is not a mail address`);
  // Only ASCII letters are folded: what GnuPG hashes, so the same file is found.
  const folded = parts.local.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(folded)));
  const hash = zbase32(digest);
  const l = encodeURIComponent(parts.local);
  return {
    hash,
    advanced: `https://openpgpkey.${parts.domain}/.well-known/openpgpkey/${parts.domain}/hu/${hash}?l=${l}`,
    direct: `https://${parts.domain}/.well-known/openpgpkey/hu/${hash}?l=${l}`,
  };
}

/** Largest answer read: far above any real certificate, far below what could hurt the worker. */
export const MAX_KEY_BYTES = 1024 * 1024;

export type FetchOutcome = { ok: true; bytes: Uint8Array } | { ok: false; code: "not_found" | "unreachable" | "timeout" | "too_large" | "http_error"; detail: string };

/** One GET with a time limit and a size cap; never sends cookies or a referrer. */
export async function fetchKey(fetcher: typeof fetch, url: string, timeoutMs: number): Promise<FetchOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetcher(url, {
      signal: controller.signal,
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      redirect: "follow",
    });
    if (response.status === 404 || response.status === 410) return { ok: false, code: "not_found", detail: `${response.status} at ${url}` };
    if (!response.ok || response.body === null) return { ok: false, code: "http_error", detail: `HTTP ${response.status} at ${url}` };
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_KEY_BYTES) {
        await reader.cancel();
        return { ok: false, code: "too_large", detail: `more than ${MAX_KEY_BYTES} bytes at ${url}` };
      }
      chunks.push(value);
    }
    if (size === 0) return { ok: false, code: "not_found", detail: `an empty answer at ${url}` };
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
    return { ok: true, bytes };
  } catch (err) {
    if (controller.signal.aborted) return { ok: false, code: "timeout", detail: `no answer within ${Math.round(timeoutMs / 1000)} s from ${new URL(url).host}` };
    // A name that does not resolve, a refused connection, a bad certificate, or CORS: fetch tells them apart to nobody.
    return { ok: false, code: "unreachable", detail: `${new URL(url).host}: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    clearTimeout(timer);
  }
}
