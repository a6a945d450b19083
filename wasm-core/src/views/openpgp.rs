//! What the OpenPGP exports (`bindings_openpgp.rs`) return. Certificates,
//! signature outcomes and PKESKs cross as the core's own types
//! ([`KeyInfo`], [`Verification`], [`Recipient`]), which carry the same derives.

use serde::Serialize;

use super::Bytes;
use crate::openpgp::ops::{decrypt, encrypt, sign, verify};
pub use crate::openpgp::ops::{
    decrypt::Recipient, keyring::KeyInfo, keyring::SubkeyInfo, verify::Verification,
};
pub use crate::openpgp::types::{Container, SignedAs};

/// `keyringImport`.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct KeyringImported {
    /// The keyring's new storage string.
    pub stored: String,
    /// Primary fingerprints of the certificates imported.
    pub imported: Vec<String>,
}

/// `keyringRemove`.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct KeyringRemoved {
    /// The keyring's new storage string.
    pub stored: String,
    pub removed: bool,
}

/// `encryptMessage`.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct Encrypted<'a> {
    pub armored: &'a str,
    pub container: Container,
    /// Fingerprints of the (sub)keys the session key was encrypted to.
    pub recipient_keys: &'a [String],
}

impl<'a> From<&'a encrypt::Encrypted> for Encrypted<'a> {
    fn from(e: &'a encrypt::Encrypted) -> Self {
        Encrypted {
            armored: &e.armored,
            container: e.container,
            recipient_keys: &e.recipient_keys,
        }
    }
}

/// `signPrepare`: phase 1 of signing, what `token.sign` needs and the state
/// `signFinish` takes back.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct SigningRequest<'a> {
    /// The protocol's name of the hash (`SHA256`…), as `token.sign` takes it.
    pub hash_algorithm: &'static str,
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
    pub digest: Bytes<'a>,
    /// Fingerprint of the signing (sub)key: the token slot that must sign.
    pub key_fingerprint: &'a str,
    /// Opaque: kept (e.g. in session storage) while the token signs.
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
    pub state: Bytes<'a>,
}

impl<'a> From<&'a sign::SigningRequest> for SigningRequest<'a> {
    fn from(r: &'a sign::SigningRequest) -> Self {
        SigningRequest {
            hash_algorithm: sign::hash_name(r.hash_algorithm),
            digest: Bytes(&r.digest),
            key_fingerprint: &r.key_fingerprint,
            state: Bytes(&r.state),
        }
    }
}

/// `signFinish`.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct Signed<'a> {
    /// Binary packets (empty for cleartext, which only exists armored).
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
    pub binary: Bytes<'a>,
    pub armored: &'a str,
}

impl<'a> From<&'a sign::Signed> for Signed<'a> {
    fn from(s: &'a sign::Signed) -> Self {
        Signed {
            binary: Bytes(&s.binary),
            armored: &s.armored,
        }
    }
}

/// `decryptPrepare`: phase 1 of decryption. The fields beside `recipients`,
/// `container` and `candidates` are `candidates[0]`.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct DecryptionRequest<'a> {
    /// Every PKESK of the message.
    pub recipients: &'a [Recipient],
    /// Index into `recipients` of the PKESK to send.
    pub matched: usize,
    /// The token key (slot fingerprint) that can decrypt it.
    pub token_fingerprint: &'a str,
    /// The PKESK packet, header included.
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
    pub pkesk: Bytes<'a>,
    /// The recipient's public (sub)key packet, header included.
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
    pub recipient_key: Bytes<'a>,
    /// `seipd_v1`, `seipd_v2`, or `gnupg_aead`.
    pub container: &'static str,
    /// What to try, in order, never empty: the PKESKs naming a token key, else
    /// the anonymous ones that fit a token key (`decrypt::DecryptionRequest`).
    pub candidates: Vec<DecryptionCandidate<'a>>,
}

impl<'a> From<&'a decrypt::DecryptionRequest> for DecryptionRequest<'a> {
    fn from(r: &'a decrypt::DecryptionRequest) -> Self {
        DecryptionRequest {
            recipients: &r.recipients,
            matched: r.matched,
            token_fingerprint: &r.token_fingerprint,
            pkesk: Bytes(&r.pkesk),
            recipient_key: Bytes(&r.recipient_key),
            container: r.container,
            candidates: r.candidates.iter().map(DecryptionCandidate::from).collect(),
        }
    }
}

/// One `token.decrypt_session_key` to try (`decrypt::Candidate`).
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct DecryptionCandidate<'a> {
    /// Index into `DecryptionRequest.recipients` of the PKESK.
    pub matched: usize,
    /// The token key (slot fingerprint) to decrypt it with.
    pub token_fingerprint: &'a str,
    /// The PKESK packet, header included.
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
    pub pkesk: Bytes<'a>,
    /// The token key's public (sub)key packet, header included.
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
    pub recipient_key: Bytes<'a>,
    /// The PKESK names no key (a hidden recipient): the token key is a guess,
    /// and a failure to unwrap means "not this one".
    pub anonymous: bool,
}

impl<'a> From<&'a decrypt::Candidate> for DecryptionCandidate<'a> {
    fn from(c: &'a decrypt::Candidate) -> Self {
        DecryptionCandidate {
            matched: c.matched,
            token_fingerprint: &c.token_fingerprint,
            pkesk: Bytes(&c.pkesk),
            recipient_key: Bytes(&c.recipient_key),
            anonymous: c.anonymous,
        }
    }
}

/// `decryptFinish`: phase 2 of decryption.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct Decrypted<'a> {
    /// The plaintext (the caller wipes its copy once used).
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
    pub data: Bytes<'a>,
    /// The signatures inside the message; one of status `unsigned` when none.
    pub verifications: &'a [Verification],
    /// `seipd_v1`, `seipd_v2`, or `gnupg_aead`.
    pub container: &'static str,
}

impl<'a> From<&'a decrypt::Decrypted> for Decrypted<'a> {
    fn from(d: &'a decrypt::Decrypted) -> Self {
        Decrypted {
            data: Bytes(&d.data),
            verifications: &d.verifications,
            container: d.container,
        }
    }
}

/// `verifyInline`: an inline-signed or cleartext-signed message.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct Verified<'a> {
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
    pub data: Bytes<'a>,
    pub verifications: &'a [Verification],
}

impl<'a> From<&'a verify::VerifiedMessage> for Verified<'a> {
    fn from(v: &'a verify::VerifiedMessage) -> Self {
        Verified {
            data: Bytes(&v.data),
            verifications: &v.verifications,
        }
    }
}
