//! Certificates (transferable public keys): parsing and validation.
//!
//! rpgp parses certificates and checks single signatures; deciding whether a
//! key is *usable* (the newest valid self-signature, expiry, revocation, key
//! flags) is done here. A certificate is evaluated at a given time; the result
//! ([`Evaluation`]) says which of its keys may encrypt or sign, and why the
//! others may not.

use pgp::armor::BlockType;
use pgp::composed::{Deserializable, SignedPublicKey, SignedPublicSubKey};
use pgp::packet::{
    KeyFlags, Packet, PacketTrait, PublicKey, PublicSubkey, RevocationCode, Signature, SignatureType,
};
use pgp::types::{KeyDetails, PublicParams, Tag, Timestamp};

use super::error::{clean, Error, Result};
use super::verified::{self, bytes, Check};

/// Parses one or many certificates, armored (one or several armor blocks) or binary.
/// Secret keys are refused: this core never holds private key material.
pub fn parse_certs(input: &[u8]) -> Result<Vec<SignedPublicKey>> {
    let mut certs = Vec::new();
    if is_armored(input) {
        let text = std::str::from_utf8(input).map_err(|e| Error::Malformed {
            what: "armored certificate",
            detail: format!("not UTF-8 text: {e}"),
        })?;
        for block in armor_blocks(text) {
            // Dearmored first, then parsed from bytes like binary input: rpgp's
            // armored entry point would build a second copy of its whole key
            // parser for its reader type (about 170 KB of wasm).
            let (typ, bytes) = super::packets::dearmor(block.as_bytes(), "armored certificate")?;
            match typ {
                Some(BlockType::PublicKey | BlockType::PrivateKey | BlockType::File) => {}
                other => {
                    return Err(Error::Malformed {
                        what: "armored certificate",
                        detail: match other {
                            Some(t) => format!("unexpected block type: {t}"),
                            None => "no armor header".into(),
                        },
                    })
                }
            }
            refuse_secret_keys(&bytes, "armored certificate")?;
            let iter = SignedPublicKey::from_bytes_many(&bytes[..])
                .map_err(|e| Error::parse("armored certificate", e))?;
            collect(iter, &mut certs)?;
        }
    } else {
        refuse_secret_keys(input, "certificate")?;
        let iter = SignedPublicKey::from_bytes_many(input).map_err(|e| Error::parse("certificate", e))?;
        collect(iter, &mut certs)?;
    }
    if certs.is_empty() {
        return Err(Error::NoCertificate);
    }
    Ok(certs)
}

fn collect(
    iter: impl Iterator<Item = pgp::errors::Result<SignedPublicKey>>,
    out: &mut Vec<SignedPublicKey>,
) -> Result<()> {
    for item in iter {
        out.push(item.map_err(|e| Error::parse("certificate", e))?);
    }
    Ok(())
}

/// Refuses input that holds a secret key or subkey packet, naming the key,
/// before any key is put together from the packets.
///
/// Why before: rpgp's parser for whole secret keys (`SignedSecretKey`) would
/// be in the wasm only to say no, and would hold the secret material in
/// structures of its own meanwhile. A packet this walk cannot frame is left
/// to rpgp's parser, which says what is wrong with it.
fn refuse_secret_keys(bytes: &[u8], what: &'static str) -> Result<()> {
    let mut offset = 0;
    while offset < bytes.len() {
        let Ok(framed) = super::packets::frame(bytes, offset, what) else {
            return Ok(());
        };
        offset += framed.packet.len();
        if !matches!(framed.tag, 5 | 7) {
            continue;
        }
        // A secret key rpgp cannot read (an unknown algorithm) is refused all the same.
        let fingerprint = match super::packets::read_one(framed.packet, what) {
            Ok(Packet::SecretKey(k)) => fpr_hex(&k.fingerprint()),
            Ok(Packet::SecretSubkey(k)) => fpr_hex(&k.fingerprint()),
            _ => String::from("(unreadable)"),
        };
        return Err(Error::SecretKeyRefused { fingerprint });
    }
    Ok(())
}

pub(crate) fn is_armored(input: &[u8]) -> bool {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    input[start..].starts_with(b"-----BEGIN PGP")
}

/// Splits text into its `-----BEGIN PGP …` … `-----END PGP …-----` blocks.
fn armor_blocks(text: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN PGP") {
        let from_start = &rest[start..];
        let end = match from_start.find("-----END PGP") {
            Some(end_marker) => {
                let after = &from_start[end_marker + 5..];
                // the closing dashes of the END line
                match after.find("-----") {
                    Some(close) => end_marker + 5 + close + 5,
                    None => from_start.len(),
                }
            }
            None => from_start.len(),
        };
        blocks.push(&from_start[..end]);
        rest = &from_start[end..];
    }
    blocks
}

/// Upper-case hex, as GnuPG and the token list print fingerprints.
pub fn fpr_hex(fpr: &pgp::types::Fingerprint) -> String {
    format!("{fpr:X}")
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
pub fn format_date(secs: u32) -> String {
    // Days to civil date (Howard Hinnant's algorithm).
    let z = i64::from(secs / 86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The current time, from the browser's clock on wasm32.
pub fn now() -> Timestamp {
    Timestamp::now()
}

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

/// Upper-case hex of a key ID.
pub fn key_id_hex(id: &pgp::types::KeyId) -> String {
    id.as_ref().iter().map(|b| format!("{b:02X}")).collect()
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
            format!("{code} ({})", String::from_utf8_lossy(text).trim())
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
            verified::check(Check::Key, &[bytes(primary), bytes(*s)], || s.verify_key(primary)).is_ok()
        });

    // Self-signatures: valid direct-key signatures and user ID certifications.
    let direct = details
        .direct_signatures
        .iter()
        .filter(|s| {
            s.typ() == Some(SignatureType::Key)
                && verified::check(Check::Key, &[bytes(primary), bytes(*s)], || s.verify_key(primary)).is_ok()
        })
        .max_by_key(|s| created(s));

    let mut user_ids: Vec<(bool, u32, String)> = Vec::new();
    let mut best_cert: Option<(bool, &Signature)> = None;
    let mut bad_user_sigs = 0;
    for user in &details.users {
        let mut certs: Vec<&Signature> = Vec::new();
        let mut revoked_at = None;
        for sig in &user.signatures {
            let ok = verified::check(
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
    let (flags, expires) = match self_sig {
        Some(sig) => {
            let expires = expiry(primary.created_at(), sig)
                .or_else(|| direct.and_then(|d| expiry(primary.created_at(), d)));
            (sig.key_flags(), expires)
        }
        None => (KeyFlags::default(), None),
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
        let binding_check = verified::check(
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
                        verified::check(
                            Check::PrimaryKeyBinding,
                            &[bytes(&sub.key), bytes(primary), bytes(b)],
                            || b.verify_primary_key_binding(&sub.key, primary),
                        )
                    });
                    match back {
                        Some(Ok(())) => {}
                        Some(Err(e)) => {
                            failures.push(format!("primary key binding: {e}"));
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

/// A readable algorithm name in GnuPG's style: `rsa3072`, `ed25519`, `cv25519`, `nistp256`.
pub fn algorithm_name(key: &dyn KeyDetails) -> String {
    use pgp::types::{EcdhPublicParams, EcdsaPublicParams};
    match key.public_params() {
        PublicParams::RSA(_) => {
            // The serialized parameters start with the MPI of n: its bit count first.
            let bytes = pgp::ser::Serialize::to_bytes(key.public_params()).unwrap_or_default();
            match bytes.as_slice() {
                [hi, lo, ..] => format!("rsa{}", u16::from_be_bytes([*hi, *lo])),
                _ => "rsa".into(),
            }
        }
        PublicParams::DSA(_) => "dsa".into(),
        PublicParams::Elgamal(_) => "elg".into(),
        PublicParams::ECDSA(p) => match p {
            EcdsaPublicParams::P256 { .. } => "nistp256".into(),
            EcdsaPublicParams::P384 { .. } => "nistp384".into(),
            EcdsaPublicParams::P521 { .. } => "nistp521".into(),
            _ => "ecdsa".into(),
        },
        PublicParams::ECDH(p) => match p {
            EcdhPublicParams::Curve25519Legacy { .. } => "cv25519".into(),
            EcdhPublicParams::P256 { .. } => "nistp256".into(),
            EcdhPublicParams::P384 { .. } => "nistp384".into(),
            EcdhPublicParams::P521 { .. } => "nistp521".into(),
            _ => "ecdh".into(),
        },
        PublicParams::EdDSALegacy(_) => "ed25519".into(),
        PublicParams::Ed25519(_) => "ed25519".into(),
        PublicParams::X25519(_) => "x25519".into(),
        PublicParams::X448(_) => "x448".into(),
        PublicParams::Ed448(_) => "ed448".into(),
        _ => format!("{:?}", key.algorithm()).to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(1_740_787_200), "2025-03-01");
        assert_eq!(format_date(951_782_400), "2000-02-29");
    }

    #[test]
    fn armor_blocks_are_split() {
        let text = "x\n-----BEGIN PGP PUBLIC KEY BLOCK-----\na\n-----END PGP PUBLIC KEY BLOCK-----\n\
                    -----BEGIN PGP PUBLIC KEY BLOCK-----\nb\n-----END PGP PUBLIC KEY BLOCK-----\n";
        let blocks = armor_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert!(blocks[0].ends_with("-----END PGP PUBLIC KEY BLOCK-----"));
        assert!(blocks[1].contains("\nb\n"));
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let err = parse_certs(b"\x99\x00\x05hello").unwrap_err();
        assert!(
            matches!(err.code(), "malformed" | "truncated" | "no_certificate"),
            "{err}"
        );
    }
}
