// Password-store entries through tessera-host: list (names only), open (read →
// decrypt with the token, PIN through the PinBroker → parse), and write a new
// version encrypted to the folder's `.gpg-id` recipients with the host's
// `expect_previous` check. The host only moves ciphertext.

import type { PinAction } from "../../shared/contracts/page";
import { fromBase64, toBase64 } from "../../shared/base64";
import { decryptBytes } from "../decrypt-flow";
import { HostError } from "../errors";
import { slotFingerprints, type FlowDeps } from "../flow-deps";
import type { CredCore, ParsedEntry } from "./core";
import { resolveRecipients } from "./recipients";
import type { StoreInfo, StoreProblem } from "../../shared/contracts/generated/protocol";

export type { StoreProblem } from "../../shared/contracts/generated/protocol";

export interface EntryRef {
  store: string;
  path: string;
}

export interface ListedEntry extends EntryRef {
  recipientsFile: string | null;
}

export interface Listing {
  stores: StoreInfo[];
  entries: ListedEntry[];
  problems: StoreProblem[];
}

export interface OpenedEntry {
  ref: EntryRef;
  /** The decrypted text. Secret: kept only as long as a fill needs it. */
  text: string;
  parsed: ParsedEntry;
  sha256: string;
  recipients: string[];
  recipientsFile: string | null;
}

export const refLabel = (ref: EntryRef): string => `${ref.store}:${ref.path}`;

// Results below are typed by method and were checked by the wasm core against
// the Rust types (tessera-protocol) before they reach this file.

export async function listEntries(flows: Pick<FlowDeps, "request">): Promise<Listing> {
  const { stores, entries, problems } = await flows.request("store.list", {});
  return {
    stores,
    entries: entries.map((e) => ({ store: e.store, path: e.path, recipientsFile: e.recipients_file })),
    problems,
  };
}

/** Read → decrypt (token) → parse. Errors name the entry; nothing is written. */
/** `action`: what a PIN prompt says it is for (default: opening this entry). */
export async function openEntry(flows: FlowDeps, cred: CredCore, ref: EntryRef, action?: PinAction): Promise<OpenedEntry> {
  const r = await flows.request("store.read", { store: ref.store, path: ref.path });
  let data: Uint8Array;
  try {
    data = (await decryptBytes(flows, fromBase64(r.ciphertext), action ?? { kind: "open_entry", entry: refLabel(ref) })).data;
  } catch (err) {
    if (err instanceof HostError && ["pin_cancelled", "pin_blocked", "no_token"].includes(err.code)) throw err;
    // The core finds the token's key through its certificate in the keyring.
    if (err instanceof HostError && err.code === "not_for_us" && !(await hasOwnKey(flows))) {
      throw new HostError(
        "no_own_key",
        `entry ${refLabel(ref)} cannot be decrypted: import your own public key (the one on your token) on the options page first`,
      );
    }
    const code = err instanceof HostError ? err.code : "internal";
    throw new HostError(code, `entry ${refLabel(ref)} cannot be decrypted: ${(err as Error).message}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw new HostError("entry_unreadable", `entry ${refLabel(ref)} is not UTF-8 text`);
  } finally {
    data.fill(0);
  }
  return {
    ref,
    text,
    parsed: cred.parseEntry(text),
    sha256: r.sha256,
    recipients: r.recipients,
    recipientsFile: r.recipients_file,
  };
}

async function hasOwnKey(flows: FlowDeps): Promise<boolean> {
  const [stored, tokens] = await Promise.all([flows.keyring.read(), flows.listTokens()]);
  return flows.pgp.keyringList(stored, slotFingerprints(tokens, "decryption")).some((k) => k.own);
}

/** The `.gpg-id` lines a (new) entry at `ref` gets. */
export async function folderRecipients(
  flows: Pick<FlowDeps, "request">,
  ref: EntryRef,
): Promise<{ recipients: string[]; recipientsFile: string | null }> {
  const r = await flows.request("store.recipients", { store: ref.store, path: ref.path });
  return { recipients: r.recipients, recipientsFile: r.recipients_file };
}

/** `text` encrypted to exactly these `.gpg-id` lines (as `pass` does: no extra recipient). */
export async function encryptToLines(
  flows: Pick<FlowDeps, "pgp" | "keyring">,
  text: string,
  lines: string[],
  recipientsFile: string | null,
): Promise<string> {
  const stored = await flows.keyring.read();
  const fprs = resolveRecipients(flows.pgp.keyringList(stored, []), lines, recipientsFile);
  const data = new TextEncoder().encode(text);
  try {
    return (await flows.pgp.encryptMessage(stored, fprs, undefined, data, false)).armored;
  } finally {
    data.fill(0);
  }
}

/**
 * Encrypts `text` for the entry's folder and writes it. `expectPrevious` is the
 * sha256 of the version being replaced, or null for a new entry (the host
 * refuses with store_conflict when that no longer holds). Returns the new sha256.
 */
export async function writeEntry(
  flows: FlowDeps,
  ref: EntryRef,
  text: string,
  expectPrevious: string | null,
  recipients?: { recipients: string[]; recipientsFile: string | null },
): Promise<string> {
  const rcpt = recipients ?? (await folderRecipients(flows, ref));
  const armored = await encryptToLines(flows, text, rcpt.recipients, rcpt.recipientsFile);
  const r = await flows.request("store.write", {
    store: ref.store,
    path: ref.path,
    ciphertext: toBase64(new TextEncoder().encode(armored)),
    expect_previous: expectPrevious,
  });
  return r.sha256;
}

