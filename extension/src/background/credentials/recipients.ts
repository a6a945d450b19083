// `.gpg-id` lines → certificates in the keyring. `pass` accepts fingerprints,
// long or short key ids (with or without 0x) and e-mail addresses / user ids;
// gpg resolves them from its keyring, we from Tessera's. A line that names no
// certificate (or several, for an address) is reported by name: encrypting to
// fewer people than the folder says would silently lock them out.

import type { KeyInfo } from "../../shared/contracts/page";
import { HostError } from "../errors";

const HEX = /^[0-9A-F]+$/;

function keyMatches(key: KeyInfo, id: string): boolean {
  const fprs = [key.fingerprint, ...key.subkeys.map((s) => s.fingerprint)].map((f) => f.toUpperCase());
  return fprs.some((f) => f === id || f.endsWith(id));
}

/** The primary fingerprint of the one certificate `line` names, or null. */
export function resolveRecipient(keys: KeyInfo[], line: string): string | null {
  const trimmed = line.trim();
  const hex = trimmed.replace(/^0x/i, "").replace(/\s+/g, "").toUpperCase();
  if (HEX.test(hex) && [8, 16, 32, 40, 64].includes(hex.length)) {
    const found = keys.filter((k) => keyMatches(k, hex));
    return found.length === 1 ? found[0]!.fingerprint : null;
  }
  // An address, as gpg matches it: `<addr>` inside a user id, else a substring.
  const needle = trimmed.replace(/^<|>$/g, "").toLowerCase();
  if (needle === "") return null;
  const found = keys.filter((k) => k.user_ids.some((u) => u.toLowerCase().includes(needle)));
  return found.length === 1 ? found[0]!.fingerprint : null;
}

/**
 * Every `.gpg-id` line resolved, or HostError("recipient_missing") naming the
 * lines without a usable certificate and the file they come from.
 */
export function resolveRecipients(keys: KeyInfo[], lines: string[], recipientsFile: string | null): string[] {
  if (lines.length === 0) {
    throw new HostError(
      "no_recipients",
      `no .gpg-id names the recipients of this folder${recipientsFile === null ? "" : ` (${recipientsFile} is empty)`}: run \`pass init\` for it`,
    );
  }
  const out: string[] = [];
  const missing: string[] = [];
  for (const line of lines) {
    const fpr = resolveRecipient(keys, line);
    const key = fpr === null ? undefined : keys.find((k) => k.fingerprint === fpr);
    if (key === undefined || !key.can_encrypt) missing.push(line);
    else if (!out.includes(key.fingerprint)) out.push(key.fingerprint);
  }
  if (missing.length > 0) {
    throw new HostError(
      "recipient_missing",
      `no usable public key in Tessera's keyring for ${missing.map((m) => `\`${m}\``).join(", ")} ` +
        `(named in ${recipientsFile ?? ".gpg-id"}): import it on the options page`,
    );
  }
  return out;
}
