// Messages between extension pages (options, PIN prompt) and the background,
// over chrome.runtime.sendMessage. Plain data only. The background answers
// only the extension's own pages; a content script never gets an answer.

import type { KeyInfo } from "./generated/core";
import type { CardKeyAlgorithm, CardStatusResult } from "./generated/protocol";

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

/**
 * What the card set-up asks for in the PIN window, one card request per submit:
 * the admin PIN alone, or a current secret with a new one (typed twice).
 */
export type CardSecretsKind =
  | "admin_pin"
  | "change_user_pin"
  | "change_admin_pin"
  | "set_reset_code"
  | "unblock_with_reset_code"
  | "unblock_with_admin_pin";

/** Secrets typed in the PIN window for the card set-up: `next` and `confirm` for the kinds that set a new one. */
export interface CardSecrets {
  current: string;
  next?: string;
  confirm?: string;
}

/** Whether a kind of card prompt sets a new secret (then typed twice). */
export function setsNewSecret(kind: CardSecretsKind): boolean {
  return kind !== "admin_pin";
}

/** One card set-up operation asked from the options page (PINs never travel in it: the PIN window asks). */
export type CardSetupOp =
  | { kind: "generate"; algorithm: CardKeyAlgorithm; replace: boolean; name: string; email: string; url?: string }
  | { kind: "change_pin"; pin: "user" | "admin" }
  | { kind: "set_reset_code" }
  | { kind: "unblock"; with: "reset_code" | "admin_pin" }
  | { kind: "factory_reset"; confirmSerial: string };

export interface PinPromptInfo {
  tokenId: string;
  /** `card` (a PIN, digits) or `soft` (the soft token's passphrase). */
  backend: string;
  serial: string;
  cardholder: string | null;
  purpose: PinPurpose;
  /** Null when the caller did not say (the purpose alone is shown). */
  action: PinAction | null;
  /** Tries left of the secret asked (the user PIN, or in card set-up the admin PIN or reset code); null for the soft token. */
  retriesLeft: number | null;
  blocked: boolean;
  /** Card set-up: which secrets the window asks for (absent: the user PIN, verified and cached). */
  card?: CardSecretsKind;
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

/** Keys a lookup found for an address (only those with a User ID holding it), kept by the worker until imported. */
export interface FoundKeys {
  /** What `keys.importFound` takes to import exactly these. */
  id: string;
  address: string;
  source: "wkd_advanced" | "wkd_direct" | "keyserver";
  url: string;
  keys: KeyInfo[];
}

/** Where the user's key goes in a Web Key Directory, per address of its user IDs. */
export interface WkdLayout {
  fingerprint: string;
  /** The certificate in binary, the content of each `hu/<hash>` file. */
  binaryBase64: string;
  entries: Array<{ address: string; hash: string; advancedKey: string; advancedPolicy: string; directKey: string; directPolicy: string }>;
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
  | { type: "pin.submitCard"; promptId: string; secrets: CardSecrets }
  | { type: "ownKey.export"; token: string }
  /** Looks an address's key up (WKD, then the keyserver the user set); imports nothing. */
  | { type: "keys.find"; address: string }
  /** Imports what `keys.find` returned under `id`, after the user confirmed. */
  | { type: "keys.importFound"; id: string }
  /** The Web Key Directory files for an armored certificate of the user's (nothing is sent anywhere). */
  | { type: "wkd.layout"; armored: string }
  | { type: "wkd.layout"; fingerprint: string }
  | { type: "keyserver.get" }
  | { type: "keyserver.set"; url: string }
  | { type: "card.status"; token: string }
  | { type: "card.setup"; token: string; op: CardSetupOp }
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
  | { ok: true; found: FoundKeys }
  | { ok: true; imported: string[] }
  | { ok: true; keyserver: string }
  | { ok: true; layout: WkdLayout }
  /** Card set-up: the card as it is now, and after a generation the certificate the card signed. */
  | { ok: true; card: CardStatusResult; certificate?: OwnCertificate }
  | PinSubmitResult
  | OpFailure;
