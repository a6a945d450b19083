//! Encryption to public keys: no private key needed, so one phase.
//!
//! SEIPDv1 (AES-256, MDC) by default; SEIPDv2 (AES-256, OCB, RFC 9580) when every
//! recipient certificate advertises SEIPDv2 in its features. No compression.
//! The sender's own certificate is always a recipient, so the sender can read
//! what they sent. Sign-then-encrypt: sign with [`super::sign`] in
//! [`super::sign::SignMode::Inline`] first and pass the signed message's binary
//! packets as [`Payload::Packets`].

use pgp::armor::BlockType;
use pgp::composed::SignedPublicKey;
use pgp::crypto::aead::{AeadAlgorithm, ChunkSize};
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::packet::{LiteralData, PublicKeyEncryptedSessionKey, SymEncryptedProtectedData};
use pgp::types::{KeyDetails, Timestamp};
use zeroize::Zeroizing;

use super::cert::{evaluate, KeyRef};
use super::error::{Error, Result};
use super::keyring::Keyring;
use super::packets::{armor, write_packet};

/// What goes inside the encryption.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// Plain data: wrapped in a literal data packet.
    Data(&'a [u8]),
    /// An OpenPGP message already (e.g. a one-pass-signed message from `sign::finish`).
    Packets(&'a [u8]),
}

/// Which encryption container was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    SeipdV1,
    SeipdV2,
}

#[derive(Debug, Clone)]
pub struct Encrypted {
    pub armored: String,
    pub container: Container,
    /// Fingerprints of the (sub)keys the session key was encrypted to.
    pub recipient_keys: Vec<String>,
}

/// Encrypts to the certificates in `keyring` named by `recipients` (any key
/// fingerprint of each certificate) plus `sender` (the user's own certificate).
pub fn encrypt(
    keyring: &Keyring,
    recipients: &[String],
    sender: Option<&str>,
    payload: Payload<'_>,
    now: Timestamp,
) -> Result<Encrypted> {
    let mut certs: Vec<&SignedPublicKey> = Vec::new();
    for fpr in recipients.iter().map(String::as_str).chain(sender) {
        let cert = keyring.require(fpr)?;
        if !certs.iter().any(|c| c.fingerprint() == cert.fingerprint()) {
            certs.push(cert);
        }
    }
    encrypt_to(&certs, payload, now)
}

/// Encrypts to these certificates; every one must have a usable encryption key.
pub fn encrypt_to(certs: &[&SignedPublicKey], payload: Payload<'_>, now: Timestamp) -> Result<Encrypted> {
    if certs.is_empty() {
        return Err(Error::NoRecipients);
    }
    let evals: Vec<_> = certs.iter().map(|c| evaluate(c, now)).collect();
    let mut keys: Vec<KeyRef<'_>> = Vec::new();
    for eval in &evals {
        keys.extend(eval.encryption_keys()?);
    }
    let container = if evals.iter().all(|e| e.seipd_v2) {
        Container::SeipdV2
    } else {
        Container::SeipdV1
    };

    let mut rng = rand::rngs::OsRng;
    let sym = SymmetricKeyAlgorithm::AES256;
    let session_key = sym.new_session_key(rng);

    let mut out = Vec::new();
    for key in &keys {
        let pkesk = match (container, key) {
            (Container::SeipdV1, KeyRef::Primary(k)) => {
                PublicKeyEncryptedSessionKey::from_session_key_v3(&mut rng, &session_key, sym, *k)
            }
            (Container::SeipdV1, KeyRef::Sub(k)) => {
                PublicKeyEncryptedSessionKey::from_session_key_v3(&mut rng, &session_key, sym, *k)
            }
            (Container::SeipdV2, KeyRef::Primary(k)) => {
                PublicKeyEncryptedSessionKey::from_session_key_v6(&mut rng, &session_key, *k)
            }
            (Container::SeipdV2, KeyRef::Sub(k)) => {
                PublicKeyEncryptedSessionKey::from_session_key_v6(&mut rng, &session_key, *k)
            }
        }
        .map_err(|e| Error::Unsupported {
            what: "recipient key",
            detail: format!("cannot encrypt to {}: {e}", key.fingerprint_hex()),
        })?;
        write_packet(&pkesk, &mut out)?;
    }

    // The plaintext packets, wiped after encryption.
    let inner: Zeroizing<Vec<u8>> = match payload {
        Payload::Data(data) => {
            let literal = LiteralData::from_bytes("", data.to_vec().into()).map_err(Error::internal)?;
            let mut buf = Zeroizing::new(Vec::with_capacity(data.len() + 16));
            write_packet(&literal, &mut buf)?;
            buf
        }
        Payload::Packets(packets) => Zeroizing::new(packets.to_vec()),
    };
    let seipd = match container {
        Container::SeipdV1 => {
            SymEncryptedProtectedData::encrypt_seipdv1(&mut rng, sym, session_key.as_ref(), &inner)
        }
        Container::SeipdV2 => SymEncryptedProtectedData::encrypt_seipdv2(
            &mut rng,
            sym,
            AeadAlgorithm::Ocb,
            ChunkSize::default(),
            session_key.as_ref(),
            &inner,
        ),
    }
    .map_err(Error::internal)?;
    drop(inner);
    write_packet(&seipd, &mut out)?;

    Ok(Encrypted {
        armored: armor(&out, BlockType::Message)?,
        container,
        recipient_keys: keys.iter().map(KeyRef::fingerprint_hex).collect(),
    })
}
