// Publishing the user's own key in a Web Key Directory: the files an
// administrator serves and where. For each address in the certificate's user
// IDs: the key file (the certificate in binary, as WKD serves it) named by the
// address's hash, and the (empty) `policy` file, under both the advanced and
// the direct method's paths. The extension cannot write a directory tree; the
// options page offers the two files and shows the paths.

import type { WkdLayout } from "../../shared/contracts/page";
import { fromBase64, toBase64 } from "../../shared/base64";
import { HostError } from "../errors";
import { slotFingerprints, type FlowDeps } from "../flow-deps";
import { addressOf } from "./discovery-flow";
import { splitAddress, wkdUrls } from "./wkd";

/** The binary packets of an armored public key block (headers and checksum dropped). */
export function dearmorPublicKey(armored: string): Uint8Array {
  const lines = armored.replace(/\r/g, "").split("\n").map((l) => l.trim());
  const begin = lines.indexOf("-----BEGIN PGP PUBLIC KEY BLOCK-----");
  const end = lines.indexOf("-----END PGP PUBLIC KEY BLOCK-----");
  if (begin < 0 || end < begin) throw new HostError("no_certificate", "not an armored public key block");
  let i = begin + 1;
  while (i < end && /^[A-Za-z][A-Za-z0-9-]*: /.test(lines[i] ?? "")) i++;
  const body = lines.slice(i, end).filter((l) => l !== "" && !/^=[A-Za-z0-9+/]{4}$/.test(l));
  return fromBase64(body.join(""));
}

/** One key of the keyring, armored: the user's own (a key of theirs is on one of their tokens). */
export async function ownKeyArmored(deps: Pick<FlowDeps, "pgp" | "keyring" | "listTokens">, fingerprint: string): Promise<string> {
  let stored = await deps.keyring.read();
  const own = slotFingerprints(await deps.listTokens());
  const keys = deps.pgp.keyringList(stored, own);
  const want = keys.find((k) => k.fingerprint.toUpperCase() === fingerprint.toUpperCase());
  if (want === undefined) throw new HostError("key_not_found", `no key ${fingerprint} in the keyring`);
  // Publishing is for the user's own key: another person's key is theirs to publish.
  if (!want.own) throw new HostError("not_own_key", "only your own key (one on your token) is published from here");
  for (const k of keys) if (k !== want) stored = deps.pgp.keyringRemove(stored, k.fingerprint).stored;
  return stored;
}

export async function wkdLayout(deps: Pick<FlowDeps, "pgp">, armored: string): Promise<WkdLayout> {
  const binary = dearmorPublicKey(armored);
  // Parsed and checked by the core as any key is; its user IDs give the addresses.
  const stored = deps.pgp.keyringImport("", binary).stored;
  const [cert] = deps.pgp.keyringList(stored, []);
  if (cert === undefined) throw new HostError("no_certificate", "no certificate to publish");
  const entries: WkdLayout["entries"] = [];
  for (const uid of cert.user_ids) {
    const address = addressOf(uid);
    const parts = address === null ? null : splitAddress(address);
    if (address === null || parts === null) continue;
    const { hash } = await wkdUrls(address);
    const d = parts.domain;
    entries.push({
      address,
      hash,
      advancedKey: `https://openpgpkey.${d}/.well-known/openpgpkey/${d}/hu/${hash}`,
      advancedPolicy: `https://openpgpkey.${d}/.well-known/openpgpkey/${d}/policy`,
      directKey: `https://${d}/.well-known/openpgpkey/hu/${hash}`,
      directPolicy: `https://${d}/.well-known/openpgpkey/policy`,
    });
  }
  if (entries.length === 0) throw new HostError("no_address", "the key has no user ID with a mail address: there is nothing to publish under");
  return { fingerprint: cert.fingerprint, binaryBase64: toBase64(binary), entries };
}
