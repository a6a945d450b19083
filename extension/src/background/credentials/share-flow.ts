// Sharing an entry without showing its secret: re-encrypted (decrypted with
// the user's token first) either to one colleague's certificate as an armored
// message, or into a folder whose `.gpg-id` names them. Importing does the
// reverse: decrypt a shared message with the token and store it encrypted to
// the target folder's recipients. The plaintext never leaves the background.

import { HostError } from "../errors";
import type { FlowDeps } from "../flow-deps";
import { decryptBytes } from "../decrypt-flow";
import type { CredCore } from "./core";
import { folderRecipients, openEntry, refLabel, writeEntry, type EntryRef } from "./store-flow";

/** An armored OpenPGP message of the entry for `recipient` (a fingerprint from the keyring). */
export async function shareArmored(flows: FlowDeps, cred: CredCore, ref: EntryRef, recipient: string): Promise<string> {
  const stored = await flows.keyring.read();
  const key = flows.pgp.keyringList(stored, []).find((k) => k.fingerprint.toUpperCase() === recipient.toUpperCase());
  if (key === undefined) throw new HostError("recipient_missing", `no key ${recipient} in Tessera's keyring`);
  if (!key.can_encrypt) throw new HostError("recipient_unusable", `key ${recipient} cannot encrypt (${key.validity})`);
  const entry = await openEntry(flows, cred, ref);
  const data = new TextEncoder().encode(entry.text);
  try {
    return (await flows.pgp.encryptMessage(stored, [key.fingerprint], undefined, data, false)).armored;
  } finally {
    data.fill(0);
  }
}

/** A copy of `ref` at `target` (a new entry), encrypted to the target folder's `.gpg-id`. */
export async function shareToFolder(
  flows: FlowDeps,
  cred: CredCore,
  ref: EntryRef,
  target: EntryRef,
): Promise<{ recipients: string[]; recipientsFile: string | null }> {
  const rcpt = await folderRecipients(flows, target);
  const entry = await openEntry(flows, cred, ref);
  await writeEntry(flows, target, entry.text, null, rcpt);
  return rcpt;
}

/** Decrypts a shared armored entry with the token and stores it at `target` (new entry). */
export async function importShared(flows: FlowDeps, cred: CredCore, armored: string, target: EntryRef): Promise<void> {
  if (!armored.includes("-----BEGIN PGP MESSAGE-----")) {
    throw new HostError("not_a_message", "paste the whole armored message, from -----BEGIN PGP MESSAGE----- to its END line");
  }
  const out = await decryptBytes(flows, new TextEncoder().encode(armored.trim()));
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(out.data);
  } catch {
    throw new HostError("entry_unreadable", "the shared message is not a text entry");
  } finally {
    out.data.fill(0);
  }
  if (cred.parseEntry(text).password === "") {
    throw new HostError("entry_unreadable", "the shared message has no password on its first line: not a pass entry");
  }
  try {
    await writeEntry(flows, target, text, null);
  } catch (err) {
    if (err instanceof HostError && err.code === "store_conflict") {
      throw new HostError("store_conflict", `${refLabel(target)} already exists: choose another name`);
    }
    throw err;
  }
}
