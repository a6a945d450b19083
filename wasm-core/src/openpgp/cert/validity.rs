//! Whether a certificate's keys are usable at a given time.
//!
//! rpgp checks single signatures; deciding whether a key is *usable* (the
//! newest valid self-signature, expiry, revocation, key flags) is done here. A
//! certificate is evaluated at a given time; the result ([`Evaluation`]) says
//! which of its keys may encrypt or sign, and why the others may not.

use pgp::composed::{SignedPublicKey, SignedPublicSubKey};
use pgp::packet::{KeyFlags, PacketTrait, PublicKey, PublicSubkey, RevocationCode, Signature, SignatureType};
use pgp::types::{KeyDetails, KeyVersion, PublicParams, Tag, Timestamp};

use super::dates::format_date;
use super::names::fpr_hex;
use super::self_sig_memo::{self, bytes, Check};
use crate::openpgp::error::{capped, clean, Error, Result};

/// Why a key may not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validity {
    Valid,
    /// Expired at this Unix time.
    Expired(u32),
    /// Revoked, with the reason from the revocation signature.
    Revoked(String),
    /// No valid binding or self-signature.
    BadBinding(String),
}

impl Validity {
    pub fn is_valid(&self) -> bool {
        matches!(self, Validity::Valid)
    }

    /// A short name for listings: `valid`, `expired`, `revoked`, `invalid`.
    pub fn name(&self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::Expired(_) => "expired",
            Validity::Revoked(_) => "revoked",
            Validity::BadBinding(_) => "invalid",
        }
    }

    /// Text a person can act on, e.g. `expired on 2025-03-01`.
    pub fn describe(&self) -> String {
        match self {
            Validity::Valid => "valid".into(),
            Validity::Expired(t) => format!("expired on {}", format_date(*t)),
            Validity::Revoked(reason) => format!("revoked: {reason}"),
            Validity::BadBinding(detail) => format!("bad binding signature: {detail}"),
        }
    }

    fn into_error(self, fingerprint: String) -> Error {
        match self {
            Validity::Valid => Error::internal("a valid key was turned into an error"),
            Validity::Expired(t) => Error::KeyExpired {
                fingerprint,
                date: format_date(t),
            },
            Validity::Revoked(reason) => Error::KeyRevoked { fingerprint, reason },
            Validity::BadBinding(detail) => Error::BadBindingSignature { fingerprint, detail },
        }
    }
}

/// A component key of a certificate: the primary key or one subkey.
#[derive(Debug, Clone, Copy)]
pub enum KeyRef<'a> {
    Primary(&'a PublicKey),
    Sub(&'a PublicSubkey),
}

impl KeyRef<'_> {
    pub fn details(&self) -> &dyn KeyDetails {
        match self {
            KeyRef::Primary(k) => *k,
            KeyRef::Sub(k) => *k,
        }
    }

    pub fn fingerprint_hex(&self) -> String {
        fpr_hex(&self.details().fingerprint())
    }

    /// The key packet, header included, as the host wants it.
    pub fn packet_bytes(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        match self {
            KeyRef::Primary(k) => k.to_writer_with_header(&mut out),
            KeyRef::Sub(k) => k.to_writer_with_header(&mut out),
        }
        .map_err(Error::internal)?;
        Ok(out)
    }
}

impl KeyDetails for KeyRef<'_> {
    fn version(&self) -> pgp::types::KeyVersion {
        self.details().version()
    }
    fn legacy_key_id(&self) -> pgp::types::KeyId {
        self.details().legacy_key_id()
    }
    fn fingerprint(&self) -> pgp::types::Fingerprint {
        self.details().fingerprint()
    }
    fn algorithm(&self) -> pgp::crypto::public_key::PublicKeyAlgorithm {
        self.details().algorithm()
    }
    fn created_at(&self) -> Timestamp {
        self.details().created_at()
    }
    fn legacy_v3_expiration_days(&self) -> Option<u16> {
        self.details().legacy_v3_expiration_days()
    }
    fn public_params(&self) -> &PublicParams {
        self.details().public_params()
    }
}

impl pgp::types::VerifyingKey for KeyRef<'_> {
    fn verify(
        &self,
        hash: pgp::crypto::hash::HashAlgorithm,
        data: &[u8],
        sig: &pgp::types::SignatureBytes,
    ) -> pgp::errors::Result<()> {
        match self {
            KeyRef::Primary(k) => k.verify(hash, data, sig),
            KeyRef::Sub(k) => k.verify(hash, data, sig),
        }
    }
}

/// One component key and what it may be used for.
#[derive(Debug, Clone)]
pub struct ComponentKey<'a> {
    pub key: KeyRef<'a>,
    pub flags: KeyFlags,
    pub expires: Option<u32>,
    pub validity: Validity,
}

impl ComponentKey<'_> {
    pub fn can_encrypt(&self) -> bool {
        self.flags.encrypt_comms() || self.flags.encrypt_storage()
    }
    pub fn can_sign(&self) -> bool {
        self.flags.sign()
    }
}

/// A certificate evaluated at one point in time.
#[derive(Debug, Clone)]
pub struct Evaluation<'a> {
    pub cert: &'a SignedPublicKey,
    pub primary: ComponentKey<'a>,
    pub subkeys: Vec<ComponentKey<'a>>,
    /// User IDs with a valid, unrevoked self-certification; the primary one first.
    pub user_ids: Vec<String>,
    /// Whether the certificate advertises SEIPDv2 (RFC 9580 AEAD) in its features.
    pub seipd_v2: bool,
}

impl<'a> Evaluation<'a> {
    pub fn fingerprint(&self) -> String {
        self.primary.key.fingerprint_hex()
    }

    /// All keys, primary first.
    pub fn keys(&self) -> impl Iterator<Item = &ComponentKey<'a>> {
        std::iter::once(&self.primary).chain(self.subkeys.iter())
    }

    /// The keys to encrypt to, or an error naming why there are none.
    pub fn encryption_keys(&self) -> Result<Vec<KeyRef<'a>>> {
        self.usable(
            |k| k.can_encrypt(),
            |fingerprint, detail| Error::NoEncryptionSubkey { fingerprint, detail },
        )
    }

    /// The keys that may sign, or an error naming why there are none.
    pub fn signing_keys(&self) -> Result<Vec<KeyRef<'a>>> {
        self.usable(
            |k| k.can_sign(),
            |fingerprint, detail| Error::NoSigningKey { fingerprint, detail },
        )
    }

    fn usable(
        &self,
        capable: impl Fn(&ComponentKey<'a>) -> bool,
        none: fn(String, String) -> Error,
    ) -> Result<Vec<KeyRef<'a>>> {
        if !self.primary.validity.is_valid() {
            return Err(self.primary.validity.clone().into_error(self.fingerprint()));
        }
        let usable: Vec<_> = self
            .keys()
            .filter(|k| capable(k) && k.validity.is_valid())
            .map(|k| k.key)
            .collect();
        if !usable.is_empty() {
            return Ok(usable);
        }
        // Say why the capable ones are unusable, when there are any.
        // (A subkey whose binding does not verify has no known flags: name it too.)
        let unusable: Vec<_> = self
            .keys()
            .filter(|k| capable(k) || matches!(k.validity, Validity::BadBinding(_)))
            .collect();
        match unusable.as_slice() {
            [] => Err(none(self.fingerprint(), String::new())),
            [only] => Err(only.validity.clone().into_error(self.fingerprint())),
            many => Err(none(
                self.fingerprint(),
                format!(
                    " that is usable ({})",
                    many.iter()
                        .map(|k| format!("{}: {}", k.key.fingerprint_hex(), k.validity.describe()))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            )),
        }
    }

    /// The component key with this fingerprint (upper-case hex), if any.
    pub fn key_by_fingerprint(&self, fingerprint: &str) -> Option<&ComponentKey<'a>> {
        self.keys()
            .find(|k| k.key.fingerprint_hex().eq_ignore_ascii_case(fingerprint))
    }
}

fn created(sig: &Signature) -> u32 {
    sig.created().map(|t| t.as_secs()).unwrap_or(0)
}

fn revocation_reason(sig: &Signature) -> String {
    let code = match sig.revocation_reason_code() {
        Some(RevocationCode::KeySuperseded) => "key superseded",
        Some(RevocationCode::KeyCompromised) => "key compromised",
        Some(RevocationCode::KeyRetired) => "key retired",
        Some(RevocationCode::CertUserIdInvalid) => "user ID no longer valid",
        _ => "no reason given",
    };
    match sig.revocation_reason_string() {
        Some(text) if !text.is_empty() => {
            format!("{code} ({})", capped(String::from_utf8_lossy(text).trim()))
        }
        _ => code.to_string(),
    }
}

fn expiry(created_at: Timestamp, sig: &Signature) -> Option<u32> {
    sig.key_expiration_time()
        .filter(|d| d.as_secs() > 0)
        .map(|d| created_at.as_secs().saturating_add(d.as_secs()))
}

fn lifetime(expires: Option<u32>, now: Timestamp) -> Validity {
    match expires {
        Some(t) if t <= now.as_secs() => Validity::Expired(t),
        _ => Validity::Valid,
    }
}

/// Evaluates a certificate at time `now`.
pub fn evaluate(cert: &SignedPublicKey, now: Timestamp) -> Evaluation<'_> {
    let primary = &cert.primary_key;
    let details = &cert.details;

    // Key revocations by the key itself (third-party revokers are not honoured).
    let revocation = details
        .revocation_signatures
        .iter()
        .filter(|s| s.typ() == Some(SignatureType::KeyRevocation))
        .find(|s| {
            self_sig_memo::check(Check::Key, &[bytes(primary), bytes(*s)], || s.verify_key(primary)).is_ok()
        });

    // Self-signatures: valid direct-key signatures and user ID certifications.
    let direct = details
        .direct_signatures
        .iter()
        .filter(|s| {
            s.typ() == Some(SignatureType::Key)
                && self_sig_memo::check(Check::Key, &[bytes(primary), bytes(*s)], || s.verify_key(primary))
                    .is_ok()
        })
        .max_by_key(|s| created(s));

    let mut user_ids: Vec<(bool, u32, String)> = Vec::new();
    let mut best_cert: Option<(bool, &Signature)> = None;
    let mut bad_user_sigs = 0;
    for user in &details.users {
        let mut certs: Vec<&Signature> = Vec::new();
        let mut revoked_at = None;
        for sig in &user.signatures {
            let ok = self_sig_memo::check(
                Check::UserId,
                &[bytes(primary), bytes(&user.id), bytes(sig)],
                || sig.verify_certification(primary, Tag::UserId, &user.id),
            )
            .is_ok();
            if !ok {
                bad_user_sigs += 1;
                continue;
            }
            if sig.typ() == Some(SignatureType::CertRevocation) {
                revoked_at = Some(created(sig).max(revoked_at.unwrap_or(0)));
            } else {
                certs.push(sig);
            }
        }
        let Some(latest) = certs.into_iter().max_by_key(|s| created(s)) else {
            continue;
        };
        if revoked_at.is_some_and(|r| r >= created(latest)) {
            continue;
        }
        let is_primary = latest.is_primary();
        user_ids.push((
            is_primary,
            created(latest),
            String::from_utf8_lossy(user.id.id()).into_owned(),
        ));
        let better = match best_cert {
            None => true,
            Some((best_primary, best)) => (is_primary, created(latest)) > (best_primary, created(best)),
        };
        if better {
            best_cert = Some((is_primary, latest));
        }
    }
    user_ids.sort_by_key(|u| std::cmp::Reverse((u.0, u.1)));

    // The binding signature that defines the primary key's flags and expiry.
    let self_sig = best_cert.map(|(_, s)| s).or(direct);
    // RFC 9580 §5.2.3.10 and §10.1.1: a v6 key's own flags and expiry are on its
    // direct-key signature (which a v6 certificate must have); user ID
    // self-signatures may carry none. A v4 key's are on its primary user ID's.
    let v6 = primary.version() == KeyVersion::V6;
    let (flags, expires) = match (v6, direct, self_sig) {
        (true, Some(d), _) => {
            let flags = if d.key_flags() == KeyFlags::default() {
                self_sig.map(|s| s.key_flags()).unwrap_or_default()
            } else {
                d.key_flags()
            };
            (flags, expiry(primary.created_at(), d))
        }
        (_, _, Some(sig)) => {
            let expires = expiry(primary.created_at(), sig)
                .or_else(|| direct.and_then(|d| expiry(primary.created_at(), d)));
            (sig.key_flags(), expires)
        }
        (_, _, None) => (KeyFlags::default(), None),
    };
    let seipd_v2 = self_sig
        .and_then(|s| s.features())
        .or_else(|| direct.and_then(|d| d.features()))
        .is_some_and(|f| f.seipd_v2());

    let primary_validity = if let Some(rev) = revocation {
        Validity::Revoked(revocation_reason(rev))
    } else if self_sig.is_none() {
        Validity::BadBinding(if bad_user_sigs > 0 {
            format!("none of the {bad_user_sigs} self-signatures on its user IDs verifies")
        } else {
            "no valid self-signature".to_string()
        })
    } else {
        lifetime(expires, now)
    };

    let subkeys = cert
        .public_subkeys
        .iter()
        .map(|sub| evaluate_subkey(primary, sub, now))
        .collect();

    Evaluation {
        cert,
        primary: ComponentKey {
            key: KeyRef::Primary(primary),
            flags,
            expires,
            validity: primary_validity,
        },
        subkeys,
        user_ids: user_ids.into_iter().map(|(_, _, id)| id).collect(),
        seipd_v2,
    }
}

fn evaluate_subkey<'a>(
    primary: &'a PublicKey,
    sub: &'a SignedPublicSubKey,
    now: Timestamp,
) -> ComponentKey<'a> {
    let mut revocation: Option<&Signature> = None;
    let mut binding: Option<&Signature> = None;
    let mut failures = Vec::new();
    for sig in &sub.signatures {
        let binding_check = self_sig_memo::check(
            Check::SubkeyBinding,
            &[bytes(primary), bytes(&sub.key), bytes(sig)],
            || sig.verify_subkey_binding(primary, &sub.key),
        );
        if let Err(e) = binding_check {
            failures.push(clean(e.to_string()));
            continue;
        }
        match sig.typ() {
            Some(SignatureType::SubkeyRevocation) => revocation = Some(sig),
            Some(SignatureType::SubkeyBinding) => {
                // A signing subkey must sign the primary key back (RFC 9580, 5.2.1).
                if sig.key_flags().sign() {
                    let back = sig.embedded_signature().map(|b| {
                        self_sig_memo::check(
                            Check::PrimaryKeyBinding,
                            &[bytes(&sub.key), bytes(primary), bytes(b)],
                            || b.verify_primary_key_binding(&sub.key, primary),
                        )
                    });
                    match back {
                        Some(Ok(())) => {}
                        Some(Err(e)) => {
                            failures.push(format!("primary key binding: {}", clean(e.to_string())));
                            continue;
                        }
                        None => {
                            failures.push("signing subkey without a primary key binding".into());
                            continue;
                        }
                    }
                }
                if binding.is_none_or(|b| created(sig) > created(b)) {
                    binding = Some(sig);
                }
            }
            _ => {}
        }
    }
    let (flags, expires) = match binding {
        Some(sig) => (sig.key_flags(), expiry(sub.key.created_at(), sig)),
        None => (KeyFlags::default(), None),
    };
    let validity = if let Some(rev) = revocation {
        Validity::Revoked(revocation_reason(rev))
    } else if binding.is_none() {
        Validity::BadBinding(
            failures
                .first()
                .cloned()
                .unwrap_or_else(|| "no binding signature".into()),
        )
    } else {
        lifetime(expires, now)
    };
    ComponentKey {
        key: KeyRef::Sub(&sub.key),
        flags,
        expires,
        validity,
    }
}
