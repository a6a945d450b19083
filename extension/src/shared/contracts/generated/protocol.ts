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
}
export type Method = keyof Methods;
export type Params<M extends Method> = Methods[M]["params"];
export type Result<M extends Method> = Methods[M]["result"];
export const METHODS = ["hello", "token.list", "token.verify_pin", "token.forget_pin", "token.sign", "token.decrypt_session_key", "token.export_certificate", "store.list", "store.read", "store.write", "store.recipients", "store.init"] as const satisfies readonly Method[];
