//! The embedded soft token: an OpenPGP secret key in the user's data directory,
//! its secret parts encrypted with a passphrase (OpenPGP S2K, iterated+salted).
//! It lets Tessera work with no hardware; a card is always preferred.

use std::fs;
use std::path::{Path, PathBuf};

use pgp::composed::Deserializable;
use pgp::composed::{
    EncryptionCaps, KeyType, PlainSessionKey, SecretKeyParamsBuilder, SignedSecretKey, SignedSecretSubKey,
    SubkeyParamsBuilder,
};
use pgp::crypto::ecc_curve::ECCCurve;
use pgp::types::{DecryptionKey, KeyDetails, KeyVersion, Password, SignatureBytes, SigningKey};
use secrecy::{ExposeSecret, SecretString};
use tessera_protocol::pin::PinPurpose;
use tessera_protocol::sign::HashAlgorithm;
use tessera_protocol::token::{Backend, KeySlot, SlotKind, TokenInfo};
use tessera_protocol::{ErrorBody, ErrorCode};
use zeroize::Zeroizing;

use super::algorithm_names::{hex_upper, of_key_params};
use super::pin_cache::PinCache;
use super::session_key::EncryptedSessionKey;
use super::{
    pin_required, token_not_found, ExportedCertificate, Listing, TokenBackend, TokenError, Verified,
};
use crate::atomic_file::{self, Access};

pub struct SoftBackend {
    path: PathBuf,
}

impl SoftBackend {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }
}

impl TokenBackend for SoftBackend {
    fn kind(&self) -> Backend {
        Backend::Soft
    }

    fn list(&self) -> Listing {
        let mut listing = Listing::default();
        match load(&self.path) {
            Ok(Some(key)) => listing.tokens.push(describe(&key)),
            Ok(None) => {}
            Err(e) => listing.problems.push(e),
        }
        listing
    }

    fn owns(&self, token: &str) -> bool {
        token.starts_with("soft:")
    }

    fn verify_pin(
        &self,
        token: &str,
        pin: &SecretString,
        purpose: PinPurpose,
    ) -> Result<Verified, ErrorBody> {
        let key = self.key(token)?;
        match purpose {
            PinPurpose::Sign => signer(&key, token)?.unlock_check(pin)?,
            PinPurpose::Decrypt => unlock_check(subkey_for(&key, SlotKind::Decryption, token)?, pin)?,
        }
        Ok(Verified { reader: None })
    }

    fn sign(
        &self,
        token: &str,
        pins: &PinCache,
        hash: HashAlgorithm,
        digest: &[u8],
    ) -> Result<Vec<Vec<u8>>, ErrorBody> {
        let key = self.key(token)?;
        let signer = signer(&key, token)?;
        let cached = pins.get(token).ok_or_else(|| pin_required(token))?;
        signer
            .unlock_check(&cached.pin)
            .inspect_err(|_| pins.forget_rejected(token, &cached))?;
        let signature = signer
            .sign(&password(&cached.pin), pgp_hash(hash), digest)
            .map_err(|e| soft_error(format!("signing failed: {}", super::library_detail(&e))))?;
        Ok(match signature {
            SignatureBytes::Mpis(mpis) => mpis.iter().map(|m| m.as_ref().to_vec()).collect(),
            SignatureBytes::Native(bytes) => vec![bytes.to_vec()],
        })
    }

    fn decrypt_session_key(
        &self,
        token: &str,
        pins: &PinCache,
        esk: &EncryptedSessionKey,
    ) -> Result<PlainSessionKey, ErrorBody> {
        let key = self.key(token)?;
        let sub = key
            .secret_subkeys
            .iter()
            .filter(|s| has_flag(s, SlotKind::Decryption))
            .find(|s| s.key.fingerprint() == esk.recipient_fingerprint);
        let Some(sub) = sub else {
            let ours = subkey_for(&key, SlotKind::Decryption, token)
                .ok()
                .map(|s| hex_upper(s.key.fingerprint().as_bytes()));
            esk.require_recipient(ours.as_deref(), token)?;
            return Err(token_not_found(token)); // unreachable: require_recipient failed
        };
        let cached = pins.get(token).ok_or_else(|| pin_required(token))?;
        let values = esk.pkesk.values().map_err(|e| {
            ErrorBody::new(
                ErrorCode::UnsupportedAlgorithm,
                format!("cannot read the PKESK: {}", super::library_detail(&e)),
            )
        })?;
        // One unlock, not a check and then another: the passphrase's S2K is
        // the slow part of a soft-token decryption. rpgp's outer error is the
        // unlock's (a wrong passphrase), the inner one the decryption's.
        sub.key
            .decrypt(&password(&cached.pin), values, esk.esk_type())
            .map_err(|_| {
                pins.forget_rejected(token, &cached);
                wrong_passphrase()
            })?
            .map_err(|e| {
                soft_error(format!(
                    "cannot decrypt the session key (corrupt message, or not for this key): {}",
                    super::library_detail(&e)
                ))
            })
    }

    fn export_certificate(
        &self,
        token: &str,
        _pins: &PinCache,
        _user_id: Option<&str>,
    ) -> Result<ExportedCertificate, ErrorBody> {
        // The public half needs no passphrase: only the secret parts are encrypted.
        let key = self.key(token)?;
        let armored = key
            .to_public_key()
            .to_armored_string(None.into())
            .map_err(|e| soft_error(format!("cannot armor the public key: {e}")))?;
        Ok(ExportedCertificate {
            armored,
            fingerprint: hex_upper(key.fingerprint().as_bytes()),
        })
    }
}

impl SoftBackend {
    /// The key file, if `token` is the soft token it holds.
    fn key(&self, token: &str) -> Result<SignedSecretKey, ErrorBody> {
        let key = load(&self.path)
            .map_err(|e| ErrorBody::new(e.code(), e.to_string()))?
            .ok_or_else(|| token_not_found(token))?;
        if format!("soft:{}", hex_upper(key.fingerprint().as_bytes())) != token {
            return Err(token_not_found(token));
        }
        Ok(key)
    }
}

fn soft_error(message: String) -> ErrorBody {
    ErrorBody::new(ErrorCode::SoftTokenError, message)
}

fn password(pin: &SecretString) -> Password {
    Password::from(pin.expose_secret())
}

fn pgp_hash(hash: HashAlgorithm) -> pgp::crypto::hash::HashAlgorithm {
    use pgp::crypto::hash::HashAlgorithm as H;
    match hash {
        HashAlgorithm::Sha1 => H::Sha1,
        HashAlgorithm::Sha224 => H::Sha224,
        HashAlgorithm::Sha256 => H::Sha256,
        HashAlgorithm::Sha384 => H::Sha384,
        HashAlgorithm::Sha512 => H::Sha512,
    }
}

fn has_flag(sub: &SignedSecretSubKey, slot: SlotKind) -> bool {
    sub.signatures.last().is_some_and(|s| {
        let flags = s.key_flags();
        match slot {
            SlotKind::Signature => flags.sign(),
            SlotKind::Decryption => flags.encrypt_comms() || flags.encrypt_storage(),
            SlotKind::Authentication => flags.authentication(),
        }
    })
}

fn subkey_for<'k>(
    key: &'k SignedSecretKey,
    slot: SlotKind,
    token: &str,
) -> Result<&'k SignedSecretSubKey, ErrorBody> {
    key.secret_subkeys
        .iter()
        .find(|s| has_flag(s, slot))
        .ok_or_else(|| soft_error(format!("`{token}` has no {slot:?} subkey").to_lowercase()))
}

/// The key that makes the soft token's signatures: a signing subkey, else a
/// primary key certified to sign. The second is GnuPG's default layout (an
/// ed25519 primary for signing and certifying, a cv25519 subkey for
/// encryption), so an imported gpg key works as it is.
enum Signer<'k> {
    Subkey(&'k SignedSecretSubKey),
    Primary(&'k pgp::packet::SecretKey),
}

impl Signer<'_> {
    fn unlock_check(&self, pin: &SecretString) -> Result<(), ErrorBody> {
        let opened = match self {
            Signer::Subkey(sub) => sub.key.unlock(&password(pin), |_, _| Ok(())),
            Signer::Primary(primary) => primary.unlock(&password(pin), |_, _| Ok(())),
        };
        match opened {
            Ok(Ok(())) => Ok(()),
            _ => Err(wrong_passphrase()),
        }
    }

    fn sign(
        &self,
        pw: &Password,
        hash: pgp::crypto::hash::HashAlgorithm,
        digest: &[u8],
    ) -> pgp::errors::Result<SignatureBytes> {
        match self {
            Signer::Subkey(sub) => SigningKey::sign(&sub.key, pw, hash, digest),
            Signer::Primary(primary) => SigningKey::sign(*primary, pw, hash, digest),
        }
    }
}

/// Whether the primary key's self-signatures let it sign data.
fn primary_signs(key: &SignedSecretKey) -> bool {
    key.details
        .users
        .iter()
        .flat_map(|u| u.signatures.iter())
        .chain(key.details.direct_signatures.iter())
        .any(|s| s.key_flags().sign())
}

fn signer<'k>(key: &'k SignedSecretKey, token: &str) -> Result<Signer<'k>, ErrorBody> {
    if let Some(sub) = key
        .secret_subkeys
        .iter()
        .find(|s| has_flag(s, SlotKind::Signature))
    {
        return Ok(Signer::Subkey(sub));
    }
    if primary_signs(key) {
        return Ok(Signer::Primary(&key.primary_key));
    }
    Err(soft_error(format!("`{token}` has no key that may sign")))
}

/// The passphrase opens the subkey: the soft token's "PIN verification".
fn unlock_check(sub: &SignedSecretSubKey, pin: &SecretString) -> Result<(), ErrorBody> {
    match sub.key.unlock(&password(pin), |_, _| Ok(())) {
        Ok(_) => Ok(()),
        Err(_) => Err(wrong_passphrase()),
    }
}

fn wrong_passphrase() -> ErrorBody {
    ErrorBody::new(ErrorCode::PinIncorrect, "wrong passphrase for the soft token")
}

/// Reads the key file; `Ok(None)` when there is none (no soft token set up).
pub fn load(path: &Path) -> Result<Option<SignedSecretKey>, TokenError> {
    let text = match fs::read_to_string(path) {
        Ok(t) => Zeroizing::new(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(TokenError::SoftUnreadable {
                path: path.to_owned(),
                reason: e.to_string(),
            })
        }
    };
    let corrupt = |reason: String| TokenError::SoftCorrupt {
        path: path.to_owned(),
        reason,
    };
    let (key, _headers) = SignedSecretKey::from_string(&text).map_err(|e| corrupt(e.to_string()))?;
    key.verify_bindings()
        .map_err(|e| corrupt(format!("bad self-signature: {e}")))?;
    Ok(Some(key))
}

fn describe(key: &SignedSecretKey) -> TokenInfo {
    let primary_fpr = hex_upper(key.fingerprint().as_bytes());
    let mut slots = Vec::new();
    let mut add = |slot, params, fpr: String| {
        if !slots.iter().any(|s: &KeySlot| s.slot == slot) {
            slots.push(KeySlot {
                slot,
                algorithm: Some(of_key_params(params)),
                fingerprint: Some(fpr),
            });
        }
    };
    for sub in &key.secret_subkeys {
        let Some(flags) = sub.signatures.last().map(|s| s.key_flags()) else {
            continue;
        };
        let fpr = hex_upper(sub.key.fingerprint().as_bytes());
        if flags.sign() {
            add(SlotKind::Signature, sub.key.public_params(), fpr.clone());
        }
        if flags.encrypt_comms() || flags.encrypt_storage() {
            add(SlotKind::Decryption, sub.key.public_params(), fpr.clone());
        }
        if flags.authentication() {
            add(SlotKind::Authentication, sub.key.public_params(), fpr);
        }
    }
    // No signing subkey: a primary key that may sign is the signature slot (`add` keeps the first).
    if primary_signs(key) {
        add(
            SlotKind::Signature,
            key.primary_key.public_params(),
            primary_fpr.clone(),
        );
    }
    slots.sort_by_key(|s| s.slot as u8);
    let cardholder = key
        .details
        .users
        .first()
        .map(|u| String::from_utf8_lossy(u.id.id()).into_owned());
    TokenInfo {
        id: format!("soft:{primary_fpr}"),
        backend: Backend::Soft,
        reader: None,
        aid: None,
        manufacturer: None,
        serial: primary_fpr.chars().take(16).collect(),
        cardholder,
        slots,
        pin_retries: None,
        pin_cached: false,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("a soft token already exists at {0}; remove it first if you really mean to replace it")]
    Exists(PathBuf),
    #[error("the passphrase must be at least 8 characters")]
    WeakPassphrase,
    #[error("cannot generate the key: {0}")]
    Generate(String),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// Creates the soft token: a Curve25519 key (certify-only primary, with signing,
/// encryption and authentication subkeys, as a card holds them), every secret
/// part encrypted with `passphrase`. Written with mode 0600, atomically.
/// Which kind of key `init` makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeyProfile {
    /// Curve25519, OpenPGP v4 (legacy EdDSA and ECDH): read by every OpenPGP
    /// implementation in use, GnuPG 2.2 and 2.4 included. The default.
    #[default]
    Rfc4880,
    /// Ed25519 and X25519, OpenPGP v6 (RFC 9580). GnuPG 2.2 and 2.4 cannot
    /// read it: only for correspondents whose software reads v6.
    Rfc9580,
}

impl KeyProfile {
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "rfc4880" | "default" => Some(Self::Rfc4880),
            "rfc9580" => Some(Self::Rfc9580),
            _ => None,
        }
    }
}

pub fn init(path: &Path, user_id: &str, passphrase: &Zeroizing<String>) -> Result<TokenInfo, InitError> {
    init_with(path, user_id, passphrase, KeyProfile::Rfc4880)
}

/// As `init`, with the key profile to make.
pub fn init_with(
    path: &Path,
    user_id: &str,
    passphrase: &Zeroizing<String>,
    profile: KeyProfile,
) -> Result<TokenInfo, InitError> {
    if path.exists() {
        return Err(InitError::Exists(path.to_owned()));
    }
    if passphrase.chars().count() < 8 {
        return Err(InitError::WeakPassphrase);
    }
    let gen = |e: &dyn std::fmt::Display| InitError::Generate(e.to_string());
    let pw = || Some(passphrase.as_str().to_owned());
    let v6 = profile == KeyProfile::Rfc9580;
    let version = if v6 { KeyVersion::V6 } else { KeyVersion::V4 };
    let (signing, encrypting) = if v6 {
        (KeyType::Ed25519, KeyType::X25519)
    } else {
        (KeyType::Ed25519Legacy, KeyType::ECDH(ECCCurve::Curve25519Legacy))
    };
    let subkey = |key_type, sign, encrypt, auth| {
        SubkeyParamsBuilder::default()
            .version(version)
            .key_type(key_type)
            .can_sign(sign)
            .can_encrypt(encrypt)
            .can_authenticate(auth)
            .passphrase(pw())
            .build()
    };
    let mut builder = SecretKeyParamsBuilder::default();
    builder
        .version(version)
        .key_type(signing.clone())
        .can_certify(true)
        .can_sign(false)
        .can_encrypt(EncryptionCaps::None)
        .primary_user_id(user_id.into())
        .passphrase(pw())
        .subkeys(vec![
            subkey(signing.clone(), true, EncryptionCaps::None, false).map_err(|e| gen(&e))?,
            subkey(encrypting, false, EncryptionCaps::All, false).map_err(|e| gen(&e))?,
            subkey(signing, false, EncryptionCaps::None, true).map_err(|e| gen(&e))?,
        ]);
    if v6 {
        builder.feature_seipd_v2(true);
    }
    let params = builder.build().map_err(|e| gen(&e))?;
    let key = params.generate(rand::thread_rng()).map_err(|e| gen(&e))?;
    let armored = Zeroizing::new(key.to_armored_string(None.into()).map_err(|e| gen(&e))?);
    atomic_file::write(path, armored.as_bytes(), Access::Private).map_err(|source| InitError::Write {
        path: path.to_owned(),
        source,
    })?;
    Ok(describe(&key))
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("a soft token already exists at {0}; remove it first if you really mean to replace it")]
    Exists(PathBuf),
    #[error(
        "this is not an OpenPGP secret key (export it with `gpg --export-secret-keys --armor KEY`): {0}"
    )]
    NotASecretKey(String),
    #[error("the key's self-signatures do not verify: {0}")]
    BadSelfSignature(String),
    #[error("the key has no {0} subkey with its secret part; Tessera signs and decrypts with subkeys, as a card does (add one, e.g. `gpg --quick-add-key FINGERPRINT {1}`, then export again)")]
    MissingSubkey(&'static str, &'static str),
    #[error("the key's secret parts are not passphrase-protected: protect it first (`gpg --passwd KEY`), then export again")]
    Unprotected,
    #[error("wrong passphrase for this key")]
    WrongPassphrase,
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// Makes an existing secret key (as `gpg --export-secret-keys --armor` writes
/// it) the soft token. It must have a signing and an encryption subkey, be
/// passphrase-protected, and `passphrase` must open it: the file keeps the
/// key's own protection (it is stored as read, never decrypted), mode 0600.
pub fn import(path: &Path, armored: &str, passphrase: &Zeroizing<String>) -> Result<TokenInfo, ImportError> {
    if path.exists() {
        return Err(ImportError::Exists(path.to_owned()));
    }
    let (key, _headers) =
        SignedSecretKey::from_string(armored).map_err(|e| ImportError::NotASecretKey(e.to_string()))?;
    key.verify_bindings()
        .map_err(|e| ImportError::BadSelfSignature(e.to_string()))?;
    let with_secret = |slot| {
        key.secret_subkeys
            .iter()
            .filter(|s| has_flag(s, slot))
            // gpg marks a secret part kept elsewhere (on a card, or removed)
            // with a GNU-dummy S2K: such a subkey cannot be used here.
            .find(|s| !matches!(s.key.secret_params(), pgp::types::SecretParams::Encrypted(e) if is_gnu_dummy(e)))
    };
    let decryption =
        with_secret(SlotKind::Decryption).ok_or(ImportError::MissingSubkey("encryption", "cv25519 encr"))?;
    // A signing subkey, else the primary key when it may sign (gpg's default layout).
    let signing_sub = with_secret(SlotKind::Signature);
    let primary_usable =
        !matches!(key.primary_key.secret_params(), pgp::types::SecretParams::Encrypted(e) if is_gnu_dummy(e));
    if signing_sub.is_none() && !(primary_signs(&key) && primary_usable) {
        return Err(ImportError::MissingSubkey("signing", "ed25519 sign"));
    }
    let pw = Password::from(passphrase.as_str());
    let mut parts = vec![(
        decryption.key.secret_params(),
        decryption.key.unlock(&pw, |_, _| Ok(())),
    )];
    match signing_sub {
        Some(s) => parts.push((s.key.secret_params(), s.key.unlock(&pw, |_, _| Ok(())))),
        None => parts.push((
            key.primary_key.secret_params(),
            key.primary_key.unlock(&pw, |_, _| Ok(())),
        )),
    }
    for (params, opened) in parts {
        if matches!(params, pgp::types::SecretParams::Plain(_)) {
            return Err(ImportError::Unprotected);
        }
        opened
            .map_err(|_| ImportError::WrongPassphrase)?
            .map_err(|_| ImportError::WrongPassphrase)?;
    }
    let text = Zeroizing::new(
        key.to_armored_string(None.into())
            .map_err(|e| ImportError::NotASecretKey(e.to_string()))?,
    );
    atomic_file::write(path, text.as_bytes(), Access::Private).map_err(|source| ImportError::Write {
        path: path.to_owned(),
        source,
    })?;
    Ok(describe(&key))
}

/// GnuPG's "no secret part here" marker: S2K type 101 with the "GNU" tag.
fn is_gnu_dummy(params: &pgp::types::EncryptedSecretParams) -> bool {
    use pgp::types::{S2kParams, StringToKey};
    let s2k = match params.string_to_key_params() {
        S2kParams::Cfb { s2k, .. } | S2kParams::MalleableCfb { s2k, .. } | S2kParams::Aead { s2k, .. } => s2k,
        _ => return false,
    };
    matches!(s2k, StringToKey::Private { typ: 101, .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_then_list_shows_three_slots_and_protects_the_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("soft-token.asc");
        let pw = Zeroizing::new("correct horse battery".to_owned());
        let made = init(&path, "Demo User <demo@example.test>", &pw).expect("init");
        let listed = SoftBackend::new(path.clone()).list();
        assert!(listed.problems.is_empty(), "{:?}", listed.problems);
        assert_eq!(listed.tokens, vec![made.clone()]);
        assert_eq!(made.cardholder.as_deref(), Some("Demo User <demo@example.test>"));
        let algos: Vec<_> = made
            .slots
            .iter()
            .map(|s| (s.slot, s.algorithm.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            algos,
            vec![
                (SlotKind::Signature, "ed25519".to_owned()),
                (SlotKind::Decryption, "cv25519".to_owned()),
                (SlotKind::Authentication, "ed25519".to_owned()),
            ]
        );
        // Encrypted at rest: the secret parts need the passphrase.
        let key = load(&path).expect("load").expect("present");
        assert!(key.unlock(&"wrong passphrase".into(), |_, _| Ok(())).is_err());
        assert!(key.unlock(&pw.as_str().into(), |_, _| Ok(())).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert!(matches!(init(&path, "x", &pw), Err(InitError::Exists(_))));
    }

    #[test]
    fn missing_file_is_no_token_and_corrupt_file_is_a_problem() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("soft-token.asc");
        let none = SoftBackend::new(path.clone()).list();
        assert!(none.tokens.is_empty() && none.problems.is_empty());
        fs::write(
            &path,
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot a key\n-----END PGP PRIVATE KEY BLOCK-----\n",
        )
        .expect("write");
        let bad = SoftBackend::new(path).list();
        assert!(bad.tokens.is_empty());
        assert_eq!(bad.problems.len(), 1);
        assert!(matches!(bad.problems[0], TokenError::SoftCorrupt { .. }));
    }

    #[test]
    fn weak_passphrase_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = init(&dir.path().join("k.asc"), "x", &Zeroizing::new("short".into())).expect_err("weak");
        assert!(matches!(err, InitError::WeakPassphrase));
    }
}
