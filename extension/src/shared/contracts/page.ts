// Messages between extension pages (options, PIN prompt) and the background,
// over chrome.runtime.sendMessage. Plain data only. The background answers
// only the extension's own pages; a content script never gets an answer.

import type { KeyInfo } from "./generated/core";

/** One certificate as the core lists it: generated from wasm-core's openpgp::keyring::KeyInfo. */
export type { KeyInfo };

/** An error with a stable code (the host's, the core's, or the extension's own) and English detail. */
export interface OpFailure {
  ok: false;
  code: string;
  message: string;
}

export type ImportItemResult =
  | { ok: true; label: string; fingerprints: string[] }
  | { ok: false; label: string; code: string; message: string };

/** The signature status of a decrypted message, summarised for display. */
export type SignatureStatus =
  | { status: "valid"; signer: string; userId: string | null }
  | { status: "bad"; signer: string; reason: string }
  | { status: "unknown_signer"; issuer: string }
  | { status: "unsigned" };

export type PinPurpose = "decrypt" | "sign";

/** What the PIN (or passphrase) is asked for: the prompt names it. */
export type PinAction =
  | { kind: "fill"; site: string }
  | { kind: "open_entry"; entry: string }
  | { kind: "read_message"; site: string | null }
  | { kind: "sign_message"; recipients: string[] }
  /** A card signs the certificate the host builds from its keys (token.export_certificate). */
  | { kind: "certify_key" };

export interface PinPromptInfo {
  tokenId: string;
  /** `card` (a PIN, digits) or `soft` (the soft token's passphrase). */
  backend: string;
  serial: string;
  cardholder: string | null;
  purpose: PinPurpose;
  /** Null when the caller did not say (the purpose alone is shown). */
  action: PinAction | null;
  /** User PIN tries left as last read from the card; null for the soft token. */
  retriesLeft: number | null;
  blocked: boolean;
}

export type PinSubmitResult =
  | { ok: true }
  | { ok: false; code: "pin_incorrect"; retriesLeft: number | null }
  | { ok: false; code: "pin_blocked" }
  | { ok: false; code: string; message: string };

/** The user's own public certificate, as a token exported it. */
export interface OwnCertificate {
  token: string;
  armored: string;
  /** Upper-case hex fingerprint of the primary key. */
  fingerprint: string;
}

export type PageRequest =
  | { type: "keyring.list" }
  | { type: "keyring.import"; text?: string; base64?: string }
  | { type: "keyring.remove"; fingerprint: string }
  | { type: "decrypt"; armored: string }
  /** `hidden`: fingerprints among `recipients` to encrypt to without their key IDs (Bcc). */
  | { type: "encrypt"; text: string; recipients: string[]; sign: boolean; hidden?: string[] }
  | { type: "pin.info"; promptId: string }
  | { type: "pin.submit"; promptId: string; pin: string }
  | { type: "pin.cancel"; promptId: string }
  | { type: "ownKey.export"; token: string }
  /** The security pattern's seed (kept by the worker: frames in web pages have partitioned storage). */
  | { type: "pattern.get" }
  | { type: "pattern.replace" };

export type PageReply =
  | { ok: true; seed: string }
  | { ok: true; keys: KeyInfo[] }
  | { ok: true; results: ImportItemResult[] }
  | { ok: true; removed: boolean }
  | { ok: true; plaintext: string; signatures: SignatureStatus[] }
  | { ok: true; armored: string; recipientKeys: string[] }
  | { ok: true; prompt: PinPromptInfo }
  | { ok: true; certificate: OwnCertificate }
  | PinSubmitResult
  | OpFailure;
