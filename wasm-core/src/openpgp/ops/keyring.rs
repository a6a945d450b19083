//! The extension's keyring: public keys only, stored as one armored string.

use pgp::armor::BlockType;
use pgp::composed::SignedPublicKey;
use pgp::types::{KeyDetails, KeyId, Timestamp};
use serde::Serialize;

use crate::openpgp::cert::{self, algorithm_name, evaluate, fpr_hex, Evaluation, KeyRef};
use crate::openpgp::error::{Error, Result};
use crate::openpgp::packet::armor::armor;

/// Public certificates, at most one per primary fingerprint.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    certs: Vec<SignedPublicKey>,
}

/// One certificate as the options page lists it (`keyringList`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct KeyInfo {
    pub fingerprint: String,
    pub user_ids: Vec<String>,
    pub algorithm: String,
    /// Unix seconds.
    pub created: u32,
    /// Unix seconds; `None` when the key does not expire.
    pub expires: Option<u32>,
    /// `valid`, `expired`, `revoked` or `invalid`.
    pub validity: &'static str,
    /// Why, when not valid: e.g. `expired on 2025-03-01`, `revoked: key compromised`.
    pub validity_detail: Option<String>,
    /// One of its keys is on one of the user's tokens.
    pub own: bool,
    pub can_encrypt: bool,
    pub can_sign: bool,
    pub subkeys: Vec<SubkeyInfo>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct SubkeyInfo {
    pub fingerprint: String,
    pub algorithm: String,
    pub created: u32,
    pub expires: Option<u32>,
    pub validity: &'static str,
    pub validity_detail: Option<String>,
    /// Letters as GnuPG prints them: `S` sign, `E` encrypt, `A` authenticate, `C` certify.
    pub usage: String,
}

impl Keyring {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads what [`Keyring::to_storage`] wrote; an empty string is an empty keyring.
    pub fn from_storage(stored: &str) -> Result<Self> {
        let mut ring = Keyring::new();
        if !stored.trim().is_empty() {
            ring.import(stored.as_bytes())?;
        }
        Ok(ring)
    }

    /// All certificates in one ASCII-armored public key block.
    pub fn to_storage(&self) -> Result<String> {
        if self.certs.is_empty() {
            return Ok(String::new());
        }
        // Serialized to bytes, then armored: rpgp's armor writer over the
        // certificates themselves would add a copy of every packet
        // serializer for its writer type to the wasm.
        let mut bytes = Vec::new();
        for cert in &self.certs {
            pgp::ser::Serialize::to_writer(cert, &mut bytes).map_err(Error::internal)?;
        }
        armor(&bytes, BlockType::PublicKey)
    }

    /// Imports certificates (armored or binary, one or many); a certificate
    /// already present is replaced by the imported one. Returns the primary
    /// fingerprints imported. Secret keys are refused and nothing is imported.
    pub fn import(&mut self, input: &[u8]) -> Result<Vec<String>> {
        let certs = cert::parse_certs(input)?;
        let mut imported = Vec::new();
        for cert in certs {
            let fpr = cert.fingerprint();
            imported.push(fpr_hex(&fpr));
            match self.certs.iter_mut().find(|c| c.fingerprint() == fpr) {
                Some(existing) => *existing = cert,
                None => self.certs.push(cert),
            }
        }
        Ok(imported)
    }

    /// Removes the certificate with this primary fingerprint; true when there was one.
    pub fn remove(&mut self, fingerprint: &str) -> bool {
        let before = self.certs.len();
        self.certs
            .retain(|c| !fpr_hex(&c.fingerprint()).eq_ignore_ascii_case(fingerprint));
        self.certs.len() != before
    }

    pub fn certs(&self) -> &[SignedPublicKey] {
        &self.certs
    }

    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// The certificate that has a primary key or subkey with this fingerprint.
    pub fn cert_with_key(&self, fingerprint: &str) -> Option<&SignedPublicKey> {
        let fingerprint = normalize_fpr(fingerprint);
        self.certs.iter().find(|c| {
            fpr_hex(&c.fingerprint()) == fingerprint
                || c.public_subkeys
                    .iter()
                    .any(|s| fpr_hex(&s.key.fingerprint()) == fingerprint)
        })
    }

    /// Like [`Keyring::cert_with_key`], or `key_not_found`.
    pub fn require(&self, fingerprint: &str) -> Result<&SignedPublicKey> {
        self.cert_with_key(fingerprint).ok_or_else(|| Error::KeyNotFound {
            fingerprint: normalize_fpr(fingerprint),
        })
    }

    /// The component key with this key ID, and its certificate.
    pub fn key_by_id(&self, id: &KeyId) -> Option<(&SignedPublicKey, KeyRef<'_>)> {
        self.certs.iter().find_map(|c| {
            if &c.primary_key.legacy_key_id() == id {
                return Some((c, KeyRef::Primary(&c.primary_key)));
            }
            c.public_subkeys
                .iter()
                .find(|s| &s.key.legacy_key_id() == id)
                .map(|s| (c, KeyRef::Sub(&s.key)))
        })
    }

    /// Evaluates every certificate at `now`.
    pub fn evaluate(&self, now: Timestamp) -> Vec<Evaluation<'_>> {
        self.certs.iter().map(|c| evaluate(c, now)).collect()
    }

    /// Lists the certificates; `own_fingerprints` are the slot fingerprints from `token.list`.
    pub fn list(&self, own_fingerprints: &[String], now: Timestamp) -> Vec<KeyInfo> {
        let own: Vec<String> = own_fingerprints.iter().map(|f| normalize_fpr(f)).collect();
        self.evaluate(now).iter().map(|e| key_info(e, &own)).collect()
    }
}

/// Upper-case hex without spaces (GnuPG prints fingerprints with spaces).
pub fn normalize_fpr(fingerprint: &str) -> String {
    fingerprint
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

fn detail(v: &cert::Validity) -> Option<String> {
    (!v.is_valid()).then(|| v.describe())
}

fn key_info(e: &Evaluation<'_>, own: &[String]) -> KeyInfo {
    let primary = e.primary.key.details();
    KeyInfo {
        fingerprint: e.fingerprint(),
        user_ids: e.user_ids.clone(),
        algorithm: algorithm_name(primary),
        created: primary.created_at().as_secs(),
        expires: e.primary.expires,
        validity: e.primary.validity.name(),
        validity_detail: detail(&e.primary.validity),
        own: e.keys().any(|k| own.contains(&k.key.fingerprint_hex())),
        can_encrypt: e.encryption_keys().is_ok(),
        can_sign: e.signing_keys().is_ok(),
        subkeys: e
            .subkeys
            .iter()
            .map(|k| {
                let mut usage = String::new();
                for (on, letter) in [
                    (k.flags.sign(), 'S'),
                    (k.can_encrypt(), 'E'),
                    (k.flags.authentication(), 'A'),
                    (k.flags.certify(), 'C'),
                ] {
                    if on {
                        usage.push(letter);
                    }
                }
                SubkeyInfo {
                    fingerprint: k.key.fingerprint_hex(),
                    algorithm: algorithm_name(k.key.details()),
                    created: k.key.details().created_at().as_secs(),
                    expires: k.expires,
                    validity: k.validity.name(),
                    validity_detail: detail(&k.validity),
                    usage,
                }
            })
            .collect(),
    }
}
