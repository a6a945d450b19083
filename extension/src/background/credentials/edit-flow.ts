// The popup's entry form, background half: create a missing store for the
// user's own key (`store.init`), open an entry for the form, and write the
// form as a new entry or as an edit of the version it was opened at
// (`store.write`'s `expect_previous`). Edits go through the core's
// `editEntry`, so every line the form does not show stays byte for byte.

import { HostError, errorMessage } from "../errors";
import { slotFingerprints, type FlowDeps } from "../flow-deps";
import type { CredCore, EntryEdit } from "./core";
import type { EntryIndex } from "./entry-index";
import { openEntry, refLabel, writeEntry, type EntryRef } from "./store-flow";
import type { EntryForm } from "../../shared/contracts/credentials";

/** The user's own key: the keyring's certificate with a token's key in it, able to encrypt. */
export async function ownKeyFingerprint(flows: Pick<FlowDeps, "pgp" | "keyring" | "listTokens">): Promise<string> {
  const [stored, tokens] = await Promise.all([flows.keyring.read(), flows.listTokens()]);
  const own = flows.pgp.keyringList(stored, slotFingerprints(tokens)).filter((k) => k.own && k.can_encrypt);
  const first = own[0];
  if (first === undefined) {
    throw new HostError(
      "no_own_key",
      "no key of yours in Tessera's keyring: import the public key of your token on the options page first",
    );
  }
  return first.fingerprint;
}

/** `store.init` for the user's own key. */
export async function initStore(
  flows: Pick<FlowDeps, "pgp" | "keyring" | "listTokens" | "request">,
  store: string,
): Promise<{ store: string; path: string; created: boolean }> {
  const fingerprint = await ownKeyFingerprint(flows);
  const r = await flows.request("store.init", { store, recipients: [fingerprint] });
  return { store, path: r.path, created: r.created };
}

/** How long an opened entry's text waits in memory for the form's save. */
export const EDIT_TTL_MS = 10 * 60 * 1000;

interface Opened {
  text: string;
  sha256: string;
  expires: number;
}

/**
 * Entries opened for the form, by `store:path`, so a save needs no second
 * decryption. Lost when the worker stops: the save then opens the entry again
 * and refuses if it is not the version the form was filled from.
 */
export class EditSessions {
  private readonly opened = new Map<string, Opened>();

  put(label: string, text: string, sha256: string, now: number): void {
    this.sweep(now);
    this.opened.set(label, { text, sha256, expires: now + EDIT_TTL_MS });
  }

  /** The text of `label` at version `sha256`, taken out; null when not held. */
  take(label: string, sha256: string, now: number): string | null {
    this.sweep(now);
    const o = this.opened.get(label);
    if (o === undefined || o.sha256 !== sha256) return null;
    this.opened.delete(label);
    return o.text;
  }

  private sweep(now: number): void {
    for (const [k, o] of this.opened) if (o.expires <= now) this.opened.delete(k);
  }
}

export interface EditDeps {
  flows(): Promise<FlowDeps>;
  cred(): Promise<CredCore>;
  index: Pick<EntryIndex, "set">;
  edits: EditSessions;
  now(): number;
}

/** Decrypts the entry (PIN through the broker) and gives the form's fields. */
export async function openForEdit(deps: EditDeps, ref: EntryRef): Promise<{ form: EntryForm; previous: string }> {
  const opened = await openEntry(await deps.flows(), await deps.cred(), ref);
  const p = opened.parsed;
  deps.edits.put(refLabel(ref), opened.text, opened.sha256, deps.now());
  deps.index.set(refLabel(ref), { url: p.url, allowSubdomains: p.allowSubdomains });
  return {
    form: { password: p.password, login: p.login ?? "", url: p.url ?? "", otp: p.otpUris[0] ?? "", autosubmit: p.autosubmit },
    previous: opened.sha256,
  };
}

function checkForm(form: EntryForm): void {
  if (form.password === "") throw new HostError("bad_request", "the password is empty");
  for (const [name, v] of [["login", form.login], ["url", form.url], ["otp", form.otp]] as const) {
    if (/[\r\n]/.test(v)) throw new HostError("bad_request", `the ${name} holds a line break`);
  }
  if (/[\r\n]/.test(form.password)) throw new HostError("bad_request", "the password holds a line break: pass keeps it on the first line");
  if (form.url !== "" && !/^https?:\/\/[^/\s]/i.test(form.url)) {
    throw new HostError("bad_request", `the url ${form.url} is not an http(s) address`);
  }
}

/**
 * Writes the form. `previous` null: a new entry (the host refuses if one
 * exists); else the sha256 the form was opened at, and the entry is that
 * version edited. Returns the label written; the entry index gets its url.
 */
export async function saveEntry(deps: EditDeps, ref: EntryRef, form: EntryForm, previous: string | null): Promise<string> {
  checkForm(form);
  const label = refLabel(ref);
  const [flows, cred] = await Promise.all([deps.flows(), deps.cred()]);
  let base = "";
  if (previous !== null) {
    const held = deps.edits.take(label, previous, deps.now());
    if (held !== null) base = held;
    else {
      const again = await openEntry(flows, cred, ref);
      if (again.sha256 !== previous) {
        throw new HostError("store_conflict", `${label} changed since it was opened: open it again and redo the change`);
      }
      base = again.text;
    }
  }
  const name = ref.path.split("/").pop() ?? ref.path;
  // Only what the form changed is sent to the core: an unchanged line keeps its bytes.
  const was = cred.parseEntry(base);
  const edit: EntryEdit = {};
  if (previous === null || form.password !== was.password) edit.password = form.password;
  if (form.login !== (was.login ?? "")) edit.login = form.login;
  if (form.url !== (was.url ?? "")) edit.url = form.url;
  if (form.otp !== (was.otpUris[0] ?? "")) {
    edit.otp = form.otp;
    edit.otpLabel = name;
  }
  if (form.autosubmit !== was.autosubmit) edit.autosubmit = form.autosubmit;
  let text: string;
  try {
    text = cred.editEntry(base, edit);
  } catch (err) {
    // The only edit the core refuses: an OTP secret that is neither base32 nor a valid otpauth URI.
    if (edit.otp !== undefined) throw new HostError("otp_invalid", `the one-time code secret cannot be used: ${errorMessage(err)}`);
    throw err;
  }
  const parsed = cred.parseEntry(text);
  await writeEntry(flows, ref, text, previous);
  deps.index.set(label, { url: parsed.url, allowSubdomains: parsed.allowSubdomains });
  return label;
}
