//! Signature verification against the keyring: detached, inline (one-pass
//! signed or old-style signed messages), cleartext, and the signatures inside
//! a decrypted message (see `decrypt`).

use pgp::packet::{Packet, PacketParser, PacketTrait, Signature};
use pgp::types::{KeyDetails, Timestamp};
use serde::Serialize;
use zeroize::Zeroizing;

use super::keyring::Keyring;
use crate::openpgp::cert::{evaluate, format_date, fpr_hex, key_id_hex, KeyRef, Validity};
use crate::openpgp::error::{clean, Error, Result};
use crate::openpgp::packet::armor::dearmor;
use crate::openpgp::packet::{cleartext, message};
use crate::openpgp::types::{Limits, SignedAs};

/// The outcome for one signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verification {
    Valid {
        /// Primary fingerprint of the signer's certificate.
        signer_fingerprint: String,
        /// The (sub)key that made the signature.
        key_fingerprint: String,
        /// The certificate's primary user ID.
        user_id: Option<String>,
        /// Signature creation time, Unix seconds.
        created: u32,
        /// Whether the data was signed as bytes or as text (line endings normalised).
        signed_as: SignedAs,
    },
    Bad {
        signer_fingerprint: String,
        reason: String,
    },
    UnknownSigner {
        /// Issuer fingerprint, or key ID when the signature names no fingerprint.
        issuer: String,
    },
    Unsigned,
}

/// Finds the signer in the keyring, runs `check` with its key, and judges the result.
pub(crate) fn judge(
    keyring: &Keyring,
    sig: &Signature,
    now: Timestamp,
    check: impl Fn(&KeyRef<'_>) -> pgp::errors::Result<()>,
) -> Verification {
    let by_fpr = sig
        .issuer_fingerprint()
        .into_iter()
        .find_map(|f| keyring.cert_with_key(&fpr_hex(f)).map(|c| (c, fpr_hex(f))));
    let found = match by_fpr {
        Some((cert, fpr)) => {
            let key = if fpr_hex(&cert.fingerprint()) == fpr {
                KeyRef::Primary(&cert.primary_key)
            } else {
                cert.public_subkeys
                    .iter()
                    .find(|s| fpr_hex(&s.key.fingerprint()) == fpr)
                    .map(|s| KeyRef::Sub(&s.key))
                    .unwrap_or(KeyRef::Primary(&cert.primary_key))
            };
            Some((cert, key))
        }
        None => sig
            .issuer_key_id()
            .into_iter()
            .find_map(|id| keyring.key_by_id(id)),
    };
    let Some((cert, key)) = found else {
        let issuer = sig
            .issuer_fingerprint()
            .first()
            .map(|f| fpr_hex(f))
            .or_else(|| sig.issuer_key_id().first().map(|id| key_id_hex(id)))
            .unwrap_or_else(|| "unknown".into());
        return Verification::UnknownSigner { issuer };
    };
    let eval = evaluate(cert, now);
    let signer_fingerprint = eval.fingerprint();
    if let Err(e) = check(&key) {
        return Verification::Bad {
            signer_fingerprint,
            reason: clean(e.to_string()),
        };
    }
    let created = sig.created().map(|t| t.as_secs()).unwrap_or(0);
    let component = eval.key_by_fingerprint(&key.fingerprint_hex());
    let problem = match (&eval.primary.validity, component.map(|c| &c.validity)) {
        (Validity::Revoked(r), _) | (_, Some(Validity::Revoked(r))) => {
            Some(format!("the signing key is revoked: {r}"))
        }
        (Validity::BadBinding(d), _) | (_, Some(Validity::BadBinding(d))) => {
            Some(format!("the signing key is not validly bound: {d}"))
        }
        (Validity::Expired(t), _) | (_, Some(Validity::Expired(t))) if created >= *t => Some(format!(
            "made after the signing key expired on {}",
            format_date(*t)
        )),
        _ => None,
    };
    let problem = problem.or_else(|| {
        component
            .filter(|c| !c.can_sign() && !matches!(c.key, KeyRef::Primary(_)))
            .map(|_| "the key that made it is not a signing key".to_string())
    });
    match problem {
        Some(reason) => Verification::Bad {
            signer_fingerprint,
            reason,
        },
        None => Verification::Valid {
            signer_fingerprint,
            key_fingerprint: key.fingerprint_hex(),
            user_id: eval.user_ids.first().cloned(),
            created,
            signed_as: SignedAs::of(sig),
        },
    }
}

/// Verifies a detached signature (armored or binary, one or more signature packets) over `data`.
pub fn verify_detached(
    keyring: &Keyring,
    data: &[u8],
    signature: &[u8],
    now: Timestamp,
) -> Result<Vec<Verification>> {
    let (_, bytes) = dearmor(signature, "signature")?;
    let mut results = Vec::new();
    for packet in PacketParser::new(&bytes[..]) {
        match packet.map_err(|e| Error::parse("signature", e))? {
            Packet::Signature(sig) => results.push(judge(keyring, &sig, now, |key| sig.verify(key, data))),
            other => {
                return Err(Error::Malformed {
                    what: "signature",
                    detail: format!("expected signature packets, found {:?}", other.tag()),
                })
            }
        }
    }
    if results.is_empty() {
        return Err(Error::Malformed {
            what: "signature",
            detail: "no signature packet".into(),
        });
    }
    Ok(results)
}

/// A message's content and its signatures' outcomes.
#[derive(Debug)]
pub struct VerifiedMessage {
    pub data: Zeroizing<Vec<u8>>,
    pub verifications: Vec<Verification>,
}

/// Verifies a signed, unencrypted message: one-pass signed or cleartext signed.
pub fn verify_inline(
    keyring: &Keyring,
    input: &[u8],
    limits: &Limits,
    now: Timestamp,
) -> Result<VerifiedMessage> {
    limits.check(input.len())?;
    let trimmed = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(input, |p| &input[p..]);
    if trimmed.starts_with(b"-----BEGIN PGP SIGNED MESSAGE-----") {
        let msg = cleartext::parse(trimmed)?;
        let text = msg.signed_text();
        let verifications = msg
            .signatures
            .iter()
            .map(|sig| judge(keyring, sig, now, |key| sig.verify(key, text.as_bytes())))
            .collect();
        return Ok(VerifiedMessage {
            data: Zeroizing::new(text.replace("\r\n", "\n").into_bytes()),
            verifications,
        });
    }
    let (_, bytes) = dearmor(input, "message")?;
    read_and_verify(keyring, &bytes, limits, now, "message")
}

/// Reads a (decrypted) message held in memory ([`message`]), bounded by
/// `limits`, then checks its signatures. On any error nothing is returned.
pub(crate) fn read_and_verify(
    keyring: &Keyring,
    bytes: &[u8],
    limits: &Limits,
    now: Timestamp,
    what: &'static str,
) -> Result<VerifiedMessage> {
    Ok(verify_contents(keyring, message::read(bytes, limits, what)?, now))
}

/// Checks the signatures of a message read by [`message::read`] (or by the
/// benchmark's `decompression::read`).
pub(crate) fn verify_contents(
    keyring: &Keyring,
    contents: message::Contents,
    now: Timestamp,
) -> VerifiedMessage {
    let data = contents.data;
    let verifications = if contents.signatures.is_empty() {
        vec![Verification::Unsigned]
    } else {
        contents
            .signatures
            .iter()
            .map(|sig| judge(keyring, sig, now, |key| sig.verify(key, &data[..])))
            .collect()
    };
    VerifiedMessage { data, verifications }
}
