// GENERATED from the Rust crate tessera-core (wasm-core/src/views) by
// wasm-core/src/views/typescript.rs. Do not edit: change the Rust types, then run
//   TESSERA_WRITE_GENERATED=1 cargo test -p tessera-core generated
// `cargo test` fails while this file differs from what the Rust types give.

// tessera_core, OpenPGP (wasm-core/src/bindings_openpgp.rs).

/**
 * Which encryption container was produced.
 */
export type Container = "seipd_v1" | "seipd_v2";

/**
 * `decryptFinish`: phase 2 of decryption.
 */
export type Decrypted = {
  /**
   * The plaintext (the caller wipes its copy once used).
   */
  data: Uint8Array;
  /**
   * The signatures inside the message; one of status `unsigned` when none.
   */
  verifications: Array<Verification>;
  /**
   * `seipd_v1`, `seipd_v2`, or `gnupg_aead`.
   */
  container: string;
};

/**
 * One `token.decrypt_session_key` to try (`decrypt::Candidate`).
 */
export type DecryptionCandidate = {
  /**
   * Index into `DecryptionRequest.recipients` of the PKESK.
   */
  matched: number;
  /**
   * The token key (slot fingerprint) to decrypt it with.
   */
  token_fingerprint: string;
  /**
   * The PKESK packet, header included.
   */
  pkesk: Uint8Array;
  /**
   * The token key's public (sub)key packet, header included.
   */
  recipient_key: Uint8Array;
  /**
   * The PKESK names no key (a hidden recipient): the token key is a guess,
   * and a failure to unwrap means "not this one".
   */
  anonymous: boolean;
};

/**
 * `decryptPrepare`: phase 1 of decryption. The fields beside `recipients`,
 * `container` and `candidates` are `candidates[0]`.
 */
export type DecryptionRequest = {
  /**
   * Every PKESK of the message.
   */
  recipients: Array<Recipient>;
  /**
   * Index into `recipients` of the PKESK to send.
   */
  matched: number;
  /**
   * The token key (slot fingerprint) that can decrypt it.
   */
  token_fingerprint: string;
  /**
   * The PKESK packet, header included.
   */
  pkesk: Uint8Array;
  /**
   * The recipient's public (sub)key packet, header included.
   */
  recipient_key: Uint8Array;
  /**
   * `seipd_v1`, `seipd_v2`, or `gnupg_aead`.
   */
  container: string;
  /**
   * What to try, in order, never empty: the PKESKs naming a token key, else
   * the anonymous ones that fit a token key (`decrypt::DecryptionRequest`).
   */
  candidates: Array<DecryptionCandidate>;
};

/**
 * `encryptMessage`.
 */
export type Encrypted = {
  armored: string;
  container: Container;
  /**
   * Fingerprints of the (sub)keys the session key was encrypted to.
   */
  recipient_keys: Array<string>;
};

/**
 * One certificate as the options page lists it (`keyringList`).
 */
export type KeyInfo = {
  fingerprint: string;
  user_ids: Array<string>;
  algorithm: string;
  /**
   * Unix seconds.
   */
  created: number;
  /**
   * Unix seconds; `None` when the key does not expire.
   */
  expires: number | null;
  /**
   * `valid`, `expired`, `revoked` or `invalid`.
   */
  validity: string;
  /**
   * Why, when not valid: e.g. `expired on 2025-03-01`, `revoked: key compromised`.
   */
  validity_detail: string | null;
  /**
   * One of its keys is on one of the user's tokens.
   */
  own: boolean;
  can_encrypt: boolean;
  can_sign: boolean;
  subkeys: Array<SubkeyInfo>;
};

/**
 * `keyringImport`.
 */
export type KeyringImported = {
  /**
   * The keyring's new storage string.
   */
  stored: string;
  /**
   * Primary fingerprints of the certificates imported.
   */
  imported: Array<string>;
};

/**
 * `keyringRemove`.
 */
export type KeyringRemoved = {
  /**
   * The keyring's new storage string.
   */
  stored: string;
  removed: boolean;
};

/**
 * One PKESK of the message.
 */
export type Recipient = {
  /**
   * PKESK version: 3 (key ID) or 6 (fingerprint).
   */
  version: number;
  /**
   * Key ID (16 hex digits) of a v3 PKESK; `0000000000000000` for an anonymous recipient.
   */
  key_id: string | null;
  /**
   * Fingerprint of a v6 PKESK.
   */
  fingerprint: string | null;
  algorithm: string;
};

/**
 * `signFinish`.
 */
export type Signed = {
  /**
   * Binary packets (empty for cleartext, which only exists armored).
   */
  binary: Uint8Array;
  armored: string;
};

/**
 * How the data is hashed: as bytes (signature type 0x00), or as text
 * (type 0x01: line endings normalised to CRLF before hashing, RFC 9580 5.2.1.2,
 * so the signature survives a change between LF and CRLF).
 */
export type SignedAs = "binary" | "text";

/**
 * `signPrepare`: phase 1 of signing, what `token.sign` needs and the state
 * `signFinish` takes back.
 */
export type SigningRequest = {
  /**
   * The protocol's name of the hash (`SHA256`…), as `token.sign` takes it.
   */
  hash_algorithm: string;
  digest: Uint8Array;
  /**
   * Fingerprint of the signing (sub)key: the token slot that must sign.
   */
  key_fingerprint: string;
  /**
   * Opaque: kept (e.g. in session storage) while the token signs.
   */
  state: Uint8Array;
};

export type SubkeyInfo = {
  fingerprint: string;
  algorithm: string;
  created: number;
  expires: number | null;
  validity: string;
  validity_detail: string | null;
  /**
   * Letters as GnuPG prints them: `S` sign, `E` encrypt, `A` authenticate, `C` certify.
   */
  usage: string;
};

/**
 * The outcome for one signature.
 */
export type Verification =
  | {
      "status": "valid";
      /**
       * Primary fingerprint of the signer's certificate.
       */
      signer_fingerprint: string;
      /**
       * The (sub)key that made the signature.
       */
      key_fingerprint: string;
      /**
       * The certificate's primary user ID.
       */
      user_id: string | null;
      /**
       * Signature creation time, Unix seconds.
       */
      created: number;
      /**
       * Whether the data was signed as bytes or as text (line endings normalised).
       */
      signed_as: SignedAs;
    }
  | {
      "status": "bad";
      signer_fingerprint: string;
      reason: string;
    }
  | {
      "status": "unknown_signer";
      /**
       * Issuer fingerprint, or key ID when the signature names no fingerprint.
       */
      issuer: string;
    }
  | {
      "status": "unsigned";
    };

/**
 * `verifyInline`: an inline-signed or cleartext-signed message.
 */
export type Verified = {
  data: Uint8Array;
  verifications: Array<Verification>;
};

// tessera_core, MIME (wasm-core/src/bindings_mime.rs).

/**
 * `mimeFindArmoredBlocks`: one armored block; `text.slice(start, end)` is it.
 */
export type ArmorBlock = {
  kind: ArmorKind;
  /**
   * UTF-16 offset of the first dash of its BEGIN line.
   */
  start: number;
  /**
   * UTF-16 offset just past the last dash of its END line.
   */
  end: number;
};

export type ArmorKind = "message" | "signed_message";

/**
 * `mimeBuildEncrypted`, `mimeBuildSigned`: an RFC 3156 top-level entity.
 */
export type BuiltEntity = {
  /**
   * The Content-Type field's value, for APIs that take headers and body apart.
   */
  content_type: string;
  boundary: string;
  /**
   * The Content-Type field, an empty line and the body.
   */
  entity: Uint8Array;
};

/**
 * `mimeDetect`: which OpenPGP data a received message carries.
 */
export type Detected =
  | {
      "kind": "encrypted";
      armored: string;
    }
  | {
      "kind": "signed";
      signed_bytes: Uint8Array;
      signature: string;
      micalg: string | null;
    }
  | {
      "kind": "inline";
      blocks: Array<InlineBlock>;
    }
  | {
      "kind": "plain";
    };

export type InlineBlock = {
  /**
   * Index path of the text part from the root entity (empty: the root).
   */
  part: Array<number>;
  /**
   * In UTF-16 offsets of `text`.
   */
  armor: ArmorBlock;
  /**
   * The part's decoded text.
   */
  text: string;
};

export type ParsedAttachment = {
  filename: string | null;
  /**
   * `type/subtype`, lower case.
   */
  content_type: string;
  data: Uint8Array;
};

/**
 * `mimeParseContent`: a decrypted entity as the user sees it.
 */
export type ParsedContent = {
  /**
   * Every inline text/plain part, in order, joined by a line break; LF line endings.
   */
  text: string;
  /**
   * The first inline text/html part, if any.
   */
  html: string | null;
  attachments: Array<ParsedAttachment>;
};

// tessera_credentials (wasm-core/src/bindings_credentials.rs).

export type Decision = "fill" | "needs_confirmation" | "refuse";

/**
 * `credentialsEditEntry`'s edit: the lines to set; absent ones stay as they
 * are (`entry::Changes`).
 */
export type EntryEdit = {
  password?: string;
  /**
   * `""` removes the login line.
   */
  login?: string;
  /**
   * `""` removes the url line.
   */
  url?: string;
  /**
   * An `otpauth://` URI or a bare base32 secret (made a TOTP URI); `""`
   * removes the first one-time-code line.
   */
  otp?: string;
  /**
   * The label a bare secret's URI gets (the entry's name).
   */
  otpLabel?: string;
  /**
   * `autosubmit: true`; false rewrites an existing line, adds none.
   */
  autosubmit?: boolean;
};

/**
 * `credentialsMayFill`.
 */
export type FillDecision = {
  decision: Decision;
  /**
   * Why, unless `fill`: for the UI and logs.
   */
  reason: string | null;
};

/**
 * `credentialsOtpCode`.
 */
export type OtpCode = {
  code: string;
  /**
   * TOTP: seconds until the code changes.
   */
  secondsLeft: number | null;
  /**
   * HOTP: the counter to store for the next code.
   */
  nextCounter: number | null;
  /**
   * HOTP: the otpauth URI with the next counter, to write back into the
   * entry (`credentialsReplaceOtpUri`).
   */
  nextUri: string | null;
};

/**
 * `credentialsParseEntry`: a decrypted entry.
 */
export type ParsedEntry = {
  password: string;
  login: string | null;
  url: string | null;
  autosubmit: boolean;
  allowSubdomains: boolean;
  otpUris: Array<string>;
  /**
   * Every `key: value` line after the password, in order: `[key, value]`.
   */
  fields: Array<[string, string]>;
};

/**
 * `credentialsRank`'s input: one entry of the store.
 */
export type RankCandidate = {
  path: string;
  url?: string;
  allowSubdomains?: boolean;
  /**
   * The entry was opened or written here: `url` is what it holds (absent: it has none).
   */
  urlKnown?: boolean;
};

/**
 * Why an entry is offered for a tab (`origin::Match`), best first.
 */
export type RankMatch = "url_exact" | "url_domain" | "path_host" | "path_domain" | "path_unverified";

/**
 * `credentialsRank`: one entry of a tab's ranking.
 */
export type Ranked = {
  /**
   * Index into the candidates.
   */
  index: number;
  /**
   * Why it fills; `null` when it names the page's host but would be refused.
   */
  match: RankMatch | null;
  refusal: Refusal | null;
  /**
   * The origin the entry fills, for the user.
   */
  site: string;
};

/**
 * Why an entry that names the page's host would still not fill it (`origin::NearMiss`).
 */
export type Refusal = "scheme" | "port";
