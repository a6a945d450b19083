// GENERATED from the Rust crate tessera-protocol (protocol/src) by
// protocol/src/typescript.rs. Do not edit: change the Rust types, then run
//   TESSERA_WRITE_GENERATED=1 cargo test -p tessera-protocol generated
// `cargo test` fails while this file differs from what the Rust types give.

// Constants (protocol/src/constants.rs, envelope.rs).
export const PROTOCOL_VERSION = 1;
export const HOST_NAME = "org.tessera.host";
export const CHROMIUM_EXTENSION_ID = "pchmfhepohaglbnciioapdbphpkoiplm";
export const FIREFOX_EXTENSION_ID = "tessera@tessera-project.org";
export const MAX_RESPONSE_BYTES = 1048576;
export const DEFAULT_MAX_REQUEST_BYTES = 8388608;
export const HARD_MAX_REQUEST_BYTES = 67108864;
export const MAX_REQUEST_ID = 9007199254740991;

// Types: the params and result of every method, the error body.

export type Backend = "card" | "soft";

export type BackendProblem = {
  backend: Backend;
  code: ErrorCode;
  message: string;
};

export type CardChangePinParams = {
  token: string;
  pin: CardPin;
  old: string;
  new: string;
};

/**
 * The reply of the `card.*` methods that change the card: what it shows now.
 */
export type CardChangedResult = {
  status: CardStatusResult;
};

/**
 * Whether a PIN still has its factory value, as far as the host can know
 * without spending a try: `true` after a factory reset made here or after the
 * card accepted the default value in a request; `false` after it was changed
 * here; null when unknown (the host never tries a PIN to find out).
 */
export type CardDefaultPins = {
  user: boolean | null;
  admin: boolean | null;
};

export type CardFactoryResetParams = {
  token: string;
  /**
   * The card's serial as `card.status` shows it, typed by the user: a
   * factory reset destroys every key on the card, so the host refuses a
   * request that does not name the card it would wipe.
   */
  confirm_serial: string;
};

export type CardGenerateParams = {
  token: string;
  admin_pin: string;
  algorithm: CardKeyAlgorithm;
  /**
   * Must be true when the card already holds a key: generating replaces
   * every key on it, and what was encrypted to the old ones is lost.
   */
  replace: boolean;
  /**
   * Set as the cardholder name when given ("Given Surname").
   */
  cardholder_name?: string;
  /**
   * Set as the public key URL when given (https://…).
   */
  url?: string;
};

export type CardGenerateResult = {
  /**
   * The new keys' fingerprints (upper-case hex) by slot. The certificate is
   * built next by `token.export_certificate` with a User ID: it needs the user PIN.
   */
  signature: string;
  decryption: string;
  authentication: string;
};

/**
 * The key algorithms Tessera sets up on a card (OpenPGP card 3.4 §4.4.3.9).
 * The signature and authentication slots get the signing flavour (EdDSA,
 * ECDSA, RSA), the decryption slot the encryption one (ECDH, RSA).
 */
export type CardKeyAlgorithm = "cv25519" | "rsa2048" | "rsa3072" | "rsa4096" | "nist_p256" | "nist_p384" | "nist_p521";

/**
 * Which PIN of the card.
 */
export type CardPin = "user" | "admin";

export type CardPinRetries = {
  user: number;
  /**
   * Tries left for the reset code; 0 also when none is set.
   */
  reset_code: number;
  admin: number;
};

export type CardSetResetCodeParams = {
  token: string;
  admin_pin: string;
  /**
   * At least 8 characters; an empty string removes the reset code.
   */
  reset_code: string;
};

/**
 * One key slot as the card shows it.
 */
export type CardSlotStatus = {
  /**
   * `signature`, `decryption` or `authentication`.
   */
  slot: string;
  /**
   * The algorithm the slot is set to, e.g. `ed25519`, `cv25519`, `rsa3072`, `nistp256`.
   */
  algorithm: string;
  /**
   * Upper-case hex fingerprint the card stores, or null for an empty slot.
   */
  fingerprint: string | null;
  /**
   * Key creation time (seconds since the epoch), or null.
   */
  created: number | null;
  /**
   * `off`, `on`, `fixed`, `cached`, `cached_fixed`, or null when the card has no touch button.
   */
  touch_policy: string | null;
};

export type CardStatusParams = {
  /**
   * Token id from `token.list` (`card:…`).
   */
  token: string;
};

export type CardStatusResult = {
  token: string;
  /**
   * Manufacturer name (or its id in hex when unknown) and serial, as on the card's label.
   */
  manufacturer: string;
  serial: string;
  /**
   * The cardholder name, GnuPG's `Surname<<Given` turned into "Given Surname"; empty when unset.
   */
  cardholder_name: string;
  /**
   * The public key URL the card stores; empty when unset.
   */
  url: string;
  slots: Array<CardSlotStatus>;
  pin_retries: CardPinRetries;
  /**
   * Whether every signature needs the user PIN again (GnuPG's "forcesig").
   */
  signature_pin_forced: boolean;
  /**
   * What `card.generate` can make on this card; every algorithm when the
   * card does not list what it supports (cards before OpenPGP card 3.4).
   */
  algorithms: Array<CardKeyAlgorithm>;
  /**
   * Whether the card listed its algorithms itself (`algorithms` is then exact).
   */
  algorithms_listed: boolean;
  default_pins: CardDefaultPins;
};

export type CardUnblockPinParams = {
  token: string;
  with: CardUnblockWith;
  /**
   * The reset code or the admin PIN, as `with` says.
   */
  secret: string;
  new_pin: string;
};

/**
 * What unblocks the user PIN.
 */
export type CardUnblockWith = "reset_code" | "admin_pin";

export type DecryptSessionKeyParams = {
  token: string;
  /**
   * Base64 of the whole PKESK packet, header included.
   */
  pkesk: string;
  /**
   * Base64 of the recipient's public (sub)key packet, header included: its
   * fingerprint and KDF parameters are needed to unwrap ECDH session keys.
   */
  recipient_key: string;
};

export type DecryptSessionKeyResult = {
  /**
   * The symmetric algorithm id from a v3 PKESK (e.g. 9 = AES-256); `null`
   * for a v6 PKESK, where the encrypted data packet names it.
   */
  symmetric_algorithm: number | null;
  /**
   * Base64 of the session key.
   */
  session_key: string;
};

/**
 * The `error` member of a failed reply.
 */
export type ErrorBody = {
  code: ErrorCode;
  message: string;
  /**
   * With `pin_incorrect` from a card: PIN tries left before it locks.
   */
  retries_left?: number | null;
};

/**
 * Stable error codes. The extension maps them to localized text; the
 * `message` beside them is English detail for logs and bug reports.
 */
export type ErrorCode = "request_too_large" | "invalid_utf8" | "invalid_json" | "invalid_request" | "unknown_method" | "invalid_params" | "response_too_large" | "token_not_found" | "pcsc_unavailable" | "card_error" | "card_removed" | "soft_token_error" | "pin_incorrect" | "pin_blocked" | "pin_required" | "wrong_key" | "unsupported_algorithm" | "store_not_found" | "entry_not_found" | "store_conflict" | "entry_too_large" | "store_io" | "host_busy" | "internal";

export type ExportCertificateParams = {
  /**
   * Token id from `token.list`.
   */
  token: string;
  /**
   * Cards only, when the host must build the certificate: the User ID to
   * bind, e.g. `"Jane Doe <jane@example.org>"`. Without it, the card's
   * cardholder name. Ignored by the soft token (its key has its User IDs).
   */
  user_id?: string;
};

export type ExportCertificateResult = {
  /**
   * The transferable public key, ASCII-armored.
   */
  armored: string;
  /**
   * Upper-case hex fingerprint of its primary key.
   */
  fingerprint: string;
};

export type ForgetPinParams = {
  token: string;
};

export type ForgetPinResult = {
  /**
   * Always true: after the call no PIN is cached for the token.
   */
  forgotten: boolean;
};

/**
 * Hash algorithms as OpenPGP names them (RFC 9580, section 9.5).
 */
export type HashAlgorithm = "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512";

export type HelloParams = {
  /**
   * Who is asking, e.g. `"tessera-extension"`.
   */
  client?: string | null;
  client_version?: string | null;
  protocol_version?: number | null;
};

export type HelloResult = {
  host: string;
  host_version: string;
  protocol_version: number;
  /**
   * The methods this host answers.
   */
  capabilities: Array<string>;
  max_request_bytes: number;
  max_response_bytes: number;
};

export type KeySlot = {
  slot: SlotKind;
  /**
   * Algorithm as GnuPG names it: `rsa2048`, `ed25519`, `cv25519`, `nistp256`…
   */
  algorithm: string | null;
  /**
   * Upper-case hex fingerprint of the key in this slot; `None` when empty.
   */
  fingerprint: string | null;
};

/**
 * Which PIN reference to verify. OpenPGP cards have one user PIN, checked as
 * PW1/81 before a signature and as PW1/82 before a decryption.
 */
export type PinPurpose = "decrypt" | "sign";

export type PinRetries = {
  user: number;
  reset: number;
  admin: number;
};

export type SignParams = {
  token: string;
  hash_algorithm: HashAlgorithm;
  /**
   * Base64 (standard, padded) of the digest.
   */
  digest: string;
};

export type SignResult = {
  /**
   * The signature's MPIs in OpenPGP order, each as base64 of its big-endian
   * value without leading zero bytes (RSA: `[s]`; ECDSA and legacy EdDSA:
   * `[r, s]`); for a v6 Ed25519 key, one element: the native 64-byte signature.
   */
  signature: Array<string>;
};

export type SlotKind = "signature" | "decryption" | "authentication";

/**
 * One entry: an `.gpg` file, named without its extension.
 */
export type StoreEntry = {
  store: string;
  /**
   * `/`-separated path inside the store, without `.gpg` (e.g. `work/console.example.test`).
   */
  path: string;
  /**
   * The nearest `.gpg-id` (the entry's folder, then its parents), relative to
   * the store root; `null` when the store has none.
   */
  recipients_file: string | null;
};

/**
 * A configured store: `name` is the handle for `store.read` / `store.write`.
 */
export type StoreInfo = {
  name: string;
  /**
   * Absolute path of the store's root directory, as configured.
   */
  path: string;
};

/**
 * `store.init`: makes `store`'s folder a `pass` store encrypted to
 * `recipients` (its root `.gpg-id`), as `pass init` does; the folder is
 * created when missing. A store whose `.gpg-id` already names exactly these
 * recipients is left as it is; one naming others is `store_conflict`.
 */
export type StoreInitParams = {
  /**
   * Store name from `store.list` (its folder need not exist).
   */
  store: string;
  /**
   * Fingerprints, key ids or e-mail addresses, one `.gpg-id` line each.
   */
  recipients: Array<string>;
};

export type StoreInitResult = {
  /**
   * False when the store already had this `.gpg-id` (nothing was written).
   */
  created: boolean;
  /**
   * Absolute path of the store's root, as configured.
   */
  path: string;
  /**
   * Always `.gpg-id`: the recipients file of the store's root.
   */
  recipients_file: string;
};

/**
 * `store.list` takes no parameters.
 */
export type StoreListParams = Record<symbol, never>;

export type StoreListResult = {
  stores: Array<StoreInfo>;
  entries: Array<StoreEntry>;
  problems: Array<StoreProblem>;
};

/**
 * A store (or part of one) that could not be listed; the rest is still listed.
 */
export type StoreProblem = {
  store: string;
  code: ErrorCode;
  message: string;
};

export type StoreReadParams = {
  /**
   * Store name from `store.list`.
   */
  store: string;
  /**
   * Entry path from `store.list` (no `.gpg`).
   */
  path: string;
};

export type StoreReadResult = {
  /**
   * Base64 of the `.gpg` file's bytes, exactly as stored.
   */
  ciphertext: string;
  /**
   * Key ids or fingerprints from the nearest `.gpg-id`, in file order.
   */
  recipients: Array<string>;
  /**
   * The nearest `.gpg-id`, relative to the store root; `null` when there is none.
   */
  recipients_file: string | null;
  /**
   * Lower-case hex SHA-256 of the file: pass it as `expect_previous` to `store.write`.
   */
  sha256: string;
};

/**
 * `store.recipients`: who a new entry at `path` would be encrypted to (the
 * entry need not exist; its folders need not exist either).
 */
export type StoreRecipientsParams = {
  store: string;
  path: string;
};

export type StoreRecipientsResult = {
  /**
   * Key ids or fingerprints from the nearest `.gpg-id`, in file order.
   */
  recipients: Array<string>;
  /**
   * The nearest `.gpg-id`, relative to the store root; `null` when there is none.
   */
  recipients_file: string | null;
};

export type StoreWriteParams = {
  store: string;
  path: string;
  /**
   * Base64 of the OpenPGP message to store.
   */
  ciphertext: string;
  /**
   * SHA-256 (hex) of the version this write replaces, from `store.read`;
   * `null` (or absent) when the entry must not exist yet.
   */
  expect_previous: string | null;
};

export type StoreWriteResult = {
  /**
   * Always true: the new version is on disk (fsynced) under its name.
   */
  written: boolean;
  /**
   * SHA-256 (hex) of what was written: the next write's `expect_previous`.
   */
  sha256: string;
};

export type TokenInfo = {
  /**
   * Stable handle for later requests: `card:<AID>` or `soft:<fingerprint>`.
   */
  id: string;
  backend: Backend;
  /**
   * PC/SC reader name (cards only).
   */
  reader: string | null;
  /**
   * Full OpenPGP application identifier, hex (cards only).
   */
  aid: string | null;
  /**
   * Manufacturer code and name from the AID, e.g. `"0006 Yubico"` (cards only).
   */
  manufacturer: string | null;
  /**
   * Card serial number as printed by GnuPG (8 hex digits); for the soft
   * token, the first 16 hex digits of the primary key's fingerprint.
   */
  serial: string;
  cardholder: string | null;
  slots: Array<KeySlot>;
  /**
   * PIN retry counters (cards only: the soft token has a passphrase, no counter).
   */
  pin_retries: PinRetries | null;
  /**
   * The host holds a verified PIN (or passphrase) for this token in memory.
   */
  pin_cached: boolean;
};

export type TokenListParams = Record<symbol, never>;

export type TokenListResult = {
  tokens: Array<TokenInfo>;
  /**
   * Backends that could not be read (pcscd down, a card that did not
   * answer…). The list above still holds what the other backends found.
   */
  problems: Array<BackendProblem>;
};

export type VerifyPinParams = {
  /**
   * Token id from `token.list`.
   */
  token: string;
  /**
   * The user PIN (card) or passphrase (soft token).
   */
  pin: string;
  purpose: PinPurpose;
};

export type VerifyPinResult = {
  verified: boolean;
  /**
   * How long the host keeps the PIN; 0 when caching is off.
   */
  cached_for_seconds: number;
};

// Methods (envelope.rs `methods!`): what each one takes and answers.
export interface Methods {
  "hello": { params: HelloParams; result: HelloResult };
  "token.list": { params: TokenListParams; result: TokenListResult };
  "token.verify_pin": { params: VerifyPinParams; result: VerifyPinResult };
  "token.forget_pin": { params: ForgetPinParams; result: ForgetPinResult };
  "token.sign": { params: SignParams; result: SignResult };
  "token.decrypt_session_key": { params: DecryptSessionKeyParams; result: DecryptSessionKeyResult };
  "token.export_certificate": { params: ExportCertificateParams; result: ExportCertificateResult };
  "store.list": { params: StoreListParams; result: StoreListResult };
  "store.read": { params: StoreReadParams; result: StoreReadResult };
  "store.write": { params: StoreWriteParams; result: StoreWriteResult };
  "store.recipients": { params: StoreRecipientsParams; result: StoreRecipientsResult };
  "store.init": { params: StoreInitParams; result: StoreInitResult };
  "card.status": { params: CardStatusParams; result: CardStatusResult };
  "card.generate": { params: CardGenerateParams; result: CardGenerateResult };
  "card.change_pin": { params: CardChangePinParams; result: CardChangedResult };
  "card.set_reset_code": { params: CardSetResetCodeParams; result: CardChangedResult };
  "card.unblock_pin": { params: CardUnblockPinParams; result: CardChangedResult };
  "card.factory_reset": { params: CardFactoryResetParams; result: CardChangedResult };
}
export type Method = keyof Methods;
export type Params<M extends Method> = Methods[M]["params"];
export type Result<M extends Method> = Methods[M]["result"];
export const METHODS = ["hello", "token.list", "token.verify_pin", "token.forget_pin", "token.sign", "token.decrypt_session_key", "token.export_certificate", "store.list", "store.read", "store.write", "store.recipients", "store.init", "card.status", "card.generate", "card.change_pin", "card.set_reset_code", "card.unblock_pin", "card.factory_reset"] as const satisfies readonly Method[];
