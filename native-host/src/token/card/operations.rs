//! Private-key operations on an OpenPGP card, inside the one transaction opened
//! on the card [`super::discovery`] found: PIN verification (once, never
//! retried), signing a digest, and recovering a session key (card ECDH or RSA
//! decipher, then RFC 9580 unwrapping here).

use openpgp_card::ocard::algorithm::AlgorithmAttributes;
use openpgp_card::ocard::crypto::{Cryptogram, HashAlgo, SigningAlgo};
use openpgp_card::ocard::{KeyType, StatusBytes};
use pgp::composed::PlainSessionKey;
use pgp::crypto::ecdh::derive_session_key;
use pgp::types::{EcdhPublicParams, PkeskBytes, PublicParams};
use secrecy::SecretString;
use tessera_protocol::pin::PinPurpose;
use tessera_protocol::sign::HashAlgorithm;
use tessera_protocol::{ErrorBody, ErrorCode};
use zeroize::Zeroizing;

use super::Tx;
use crate::token::algorithm_names::of_card_slot;
use crate::token::pin_cache::PinCache;
use crate::token::session_key::{parse_plain, EncryptedSessionKey};
use crate::token::{pin_required, Verified};

pub fn card_error(reader: &str, e: &openpgp_card::Error) -> ErrorBody {
    if broke_off(e) {
        return removed(reader);
    }
    ErrorBody::new(
        ErrorCode::CardError,
        format!("the card in `{reader}` refused the operation: {e}"),
    )
}

/// Whether the conversation with the card broke off rather than the card
/// answering with an error: PC/SC failed under the command (card removed or
/// reset, reader gone), or the reply has no status word, which is what a reader
/// hands back when the card left in the middle of a command (vpcd does; a
/// card answers at least SW1 SW2).
fn broke_off(e: &openpgp_card::Error) -> bool {
    matches!(
        e,
        openpgp_card::Error::Smartcard(_) | openpgp_card::Error::ResponseLength(_)
    )
}

/// Whether the card refused a presented PIN (a try counted), rather than the
/// command for another reason (e.g. a PIN of a length it does not take).
pub fn pin_rejected(err: &openpgp_card::Error) -> bool {
    matches!(
        err,
        openpgp_card::Error::CardStatus(
            StatusBytes::PasswordNotChecked(_)
                | StatusBytes::SecurityStatusNotSatisfied
                | StatusBytes::AuthenticationMethodBlocked
        )
    )
}

/// `e` as is, or `card_removed` when the conversation broke off under it.
pub fn removed_or(reader: &str, e: openpgp_card::Error) -> Result<openpgp_card::Error, ErrorBody> {
    if broke_off(&e) {
        Err(removed(reader))
    } else {
        Ok(e)
    }
}

/// The card went away during the operation. The person can act on this one:
/// the card is in their hand. Nothing is retried, the PIN least of all: the
/// caller drops the cached PIN, since what comes back may be another card.
fn removed(reader: &str) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::CardRemoved,
        format!(
            "the card in `{reader}` was removed during the operation (it stopped answering): insert it and try again"
        ),
    )
}

fn blocked(reader: &str) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::PinBlocked,
        format!(
            "the user PIN of the card in `{reader}` is blocked (no tries left): unblock it with the reset code or the admin PIN, e.g. `gpg --card-edit`, then `admin`, then `passwd`"
        ),
    )
    .with_retries_left(0)
}

fn incorrect(left: u8) -> ErrorBody {
    let tries = if left == 1 { "try" } else { "tries" };
    ErrorBody::new(
        ErrorCode::PinIncorrect,
        format!("wrong PIN: {left} {tries} left before the card locks"),
    )
    .with_retries_left(left)
}

fn user_pin_tries(tx: &mut Tx<'_>, reader: &str) -> Result<u8, ErrorBody> {
    // The cached application data would still show the count from before.
    let _ = tx.invalidate_cache();
    tx.pw_status_bytes()
        .map(|pw| pw.err_count_pw1())
        .map_err(|e| card_error(reader, &e))
}

/// Presents `pin` to the card exactly once.
pub fn verify(
    tx: &mut Tx<'_>,
    reader: &str,
    pin: &SecretString,
    purpose: PinPurpose,
) -> Result<(), ErrorBody> {
    if user_pin_tries(tx, reader)? == 0 {
        return Err(blocked(reader));
    }
    let result = match purpose {
        PinPurpose::Sign => tx.verify_user_signing_pin(pin.clone()),
        PinPurpose::Decrypt => tx.verify_user_pin(pin.clone()),
    };
    let err = match result {
        Ok(()) => return Ok(()),
        // Gone mid-VERIFY: whether it counted the try is for the card to say
        // once it is back; asking now would only fail again.
        Err(e) if broke_off(&e) => return Err(removed(reader)),
        Err(e) => e,
    };
    let rejected = pin_rejected(&err);
    match user_pin_tries(tx, reader)? {
        0 => Err(blocked(reader)),
        left if rejected => Err(incorrect(left)),
        // E.g. a PIN of the wrong length, refused without counting a try.
        left => Err(ErrorBody::new(
            ErrorCode::PinIncorrect,
            format!("the card did not accept this PIN ({err}); {left} tries left"),
        )
        .with_retries_left(left)),
    }
}

/// Verifies the cached PIN for `purpose` in this transaction; a rejected PIN
/// leaves the cache before anyone can try it again.
fn verify_cached(
    tx: &mut Tx<'_>,
    reader: &str,
    token: &str,
    pins: &PinCache,
    purpose: PinPurpose,
) -> Result<(), ErrorBody> {
    let cached = pins.get(token).ok_or_else(|| pin_required(token))?;
    verify(tx, reader, &cached.pin, purpose).inspect_err(|e| {
        if matches!(e.code, ErrorCode::PinIncorrect | ErrorCode::PinBlocked) {
            pins.forget_rejected(token, &cached);
        }
    })
}

pub fn verify_given(
    tx: &mut Tx<'_>,
    reader: &str,
    pin: &SecretString,
    purpose: PinPurpose,
) -> Result<Verified, ErrorBody> {
    verify(tx, reader, pin, purpose)?;
    Ok(Verified {
        reader: Some(reader.to_owned()),
    })
}

fn unsupported(message: String) -> ErrorBody {
    ErrorBody::new(ErrorCode::UnsupportedAlgorithm, message)
}

fn card_hash(hash: HashAlgorithm) -> Option<HashAlgo> {
    match hash {
        HashAlgorithm::Sha1 => Some(HashAlgo::SHA1),
        HashAlgorithm::Sha256 => Some(HashAlgo::SHA256),
        HashAlgorithm::Sha384 => Some(HashAlgo::SHA384),
        HashAlgorithm::Sha512 => Some(HashAlgo::SHA512),
        HashAlgorithm::Sha224 => None,
    }
}

/// Big-endian integer bytes without leading zeros: an MPI's value.
pub fn mpi_value(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes[start..].to_vec()
}

pub fn sign(
    tx: &mut Tx<'_>,
    reader: &str,
    token: &str,
    pins: &PinCache,
    hash: HashAlgorithm,
    digest: &[u8],
) -> Result<Vec<Vec<u8>>, ErrorBody> {
    let attrs = tx
        .algorithm_attributes(KeyType::Signing)
        .map_err(|e| card_error(reader, &e))?;
    let has_key = tx
        .fingerprints()
        .map_err(|e| card_error(reader, &e))?
        .signature()
        .is_some_and(|f| f.as_bytes().iter().any(|b| *b != 0));
    if !has_key {
        return Err(ErrorBody::new(
            ErrorCode::CardError,
            format!("the card in `{reader}` has no signature key"),
        ));
    }
    let algo = match &attrs {
        AlgorithmAttributes::Rsa(_) => SigningAlgo::RSA(
            card_hash(hash)
                .ok_or_else(|| unsupported(format!("cards cannot make RSA signatures over {hash:?}")))?,
        ),
        AlgorithmAttributes::Ecc(_) => SigningAlgo::ECC,
        AlgorithmAttributes::Unknown(_) => {
            return Err(unsupported(
                "the card's signature key has an unknown algorithm".into(),
            ))
        }
    };
    verify_cached(tx, reader, token, pins, PinPurpose::Sign)?;
    let raw = tx
        .card()
        .signature_for_hash(algo, digest)
        .map_err(|e| card_error(reader, &e))?;
    Ok(match attrs {
        AlgorithmAttributes::Rsa(_) => vec![mpi_value(&raw)],
        _ => {
            let (r, s) = raw.split_at(raw.len() / 2);
            vec![mpi_value(r), mpi_value(s)]
        }
    })
}

pub fn decrypt_session_key(
    tx: &mut Tx<'_>,
    reader: &str,
    token: &str,
    pins: &PinCache,
    esk: &EncryptedSessionKey,
) -> Result<PlainSessionKey, ErrorBody> {
    let slot_fpr = tx
        .fingerprints()
        .map_err(|e| card_error(reader, &e))?
        .decryption()
        .map(|f| f.to_hex().to_ascii_uppercase())
        .filter(|f| f.bytes().any(|b| b != b'0'));
    esk.require_recipient(slot_fpr.as_deref(), token)?;
    let attrs = tx
        .algorithm_attributes(KeyType::Decryption)
        .map_err(|e| card_error(reader, &e))?;
    let values = esk
        .pkesk
        .values()
        .map_err(|e| unsupported(format!("cannot read the PKESK: {e}")))?;
    let typ = esk.esk_type();
    let unwrap_failed = |e: String| {
        ErrorBody::new(
            ErrorCode::CardError,
            format!("the card in `{reader}` deciphered, but the session key did not unwrap: {e}"),
        )
    };
    match (values, &esk.recipient_params, &attrs) {
        (PkeskBytes::Rsa { mpi }, PublicParams::RSA(_), AlgorithmAttributes::Rsa(rsa)) => {
            let width = usize::from(rsa.len_n()).div_ceil(8);
            let c = mpi.as_ref();
            if c.len() > width {
                return Err(ErrorBody::new(
                    ErrorCode::InvalidParams,
                    format!(
                        "the RSA ciphertext ({} bytes) is longer than the card's {}-bit key",
                        c.len(),
                        rsa.len_n()
                    ),
                ));
            }
            let mut padded = vec![0u8; width];
            padded[width - c.len()..].copy_from_slice(c);
            verify_cached(tx, reader, token, pins, PinPurpose::Decrypt)?;
            let plain = Zeroizing::new(
                tx.card()
                    .decipher(Cryptogram::RSA(&padded))
                    .map_err(|e| card_error(reader, &e))?,
            );
            parse_plain(&plain, typ).map_err(unwrap_failed)
        }
        (
            PkeskBytes::Ecdh {
                public_point,
                encrypted_session_key,
            },
            PublicParams::ECDH(params),
            AlgorithmAttributes::Ecc(_),
        ) => {
            let (hash, alg_sym, field) = match params {
                EcdhPublicParams::Curve25519Legacy { hash, alg_sym, .. } => (*hash, *alg_sym, 32),
                EcdhPublicParams::P256 { hash, alg_sym, .. } => (*hash, *alg_sym, 32),
                EcdhPublicParams::P384 { hash, alg_sym, .. } => (*hash, *alg_sym, 48),
                EcdhPublicParams::P521 { hash, alg_sym, .. } => (*hash, *alg_sym, 66),
                other => {
                    return Err(unsupported(format!(
                        "ECDH over {:?} is not supported",
                        other.curve()
                    )))
                }
            };
            let point = public_point.as_ref();
            let card_point = if matches!(params, EcdhPublicParams::Curve25519Legacy { .. }) {
                // Native X25519 encoding, without OpenPGP's 0x40 prefix.
                match point {
                    [0x40, rest @ ..] if rest.len() == 32 => rest,
                    _ => {
                        return Err(ErrorBody::new(
                            ErrorCode::InvalidParams,
                            "the PKESK's ephemeral Curve25519 point is malformed".to_string(),
                        ))
                    }
                }
            } else {
                if point.len() != 1 + 2 * field || point[0] != 0x04 {
                    return Err(ErrorBody::new(
                        ErrorCode::InvalidParams,
                        "the PKESK's ephemeral point is not an uncompressed point of the key's curve"
                            .to_string(),
                    ));
                }
                point
            };
            verify_cached(tx, reader, token, pins, PinPurpose::Decrypt)?;
            let mut shared = Zeroizing::new(
                tx.card()
                    .decipher(Cryptogram::ECDH(card_point))
                    .map_err(|e| card_error(reader, &e))?,
            );
            // Some cards (Gnuk) return the whole point 04 ‖ x ‖ y: keep x.
            if shared.len() == 1 + 2 * field && shared[0] == 0x04 {
                *shared = shared[1..=field].to_vec();
            }
            let decrypted = derive_session_key(
                &shared,
                encrypted_session_key,
                encrypted_session_key.len(),
                params.curve(),
                hash,
                alg_sym,
                esk.recipient_fingerprint.as_bytes(),
            )
            .map_err(|e| unwrap_failed(e.to_string()))?;
            parse_plain(&decrypted, typ).map_err(unwrap_failed)
        }
        (values, params, _) => Err(unsupported(format!(
            "cannot decrypt a {:?} session key with the card's {} key ({})",
            esk.pkesk
                .algorithm()
                .map(|a| format!("{a:?}"))
                .unwrap_or_default(),
            of_card_slot(&attrs),
            match (values, params) {
                (PkeskBytes::X25519 { .. }, _) => "v6 X25519 keys are not supported on cards yet",
                _ => "the PKESK, the recipient key and the card slot must share one algorithm",
            }
        ))),
    }
}

#[cfg(test)]
mod tests {
    use card_backend::SmartcardError;
    use openpgp_card::Error;

    use super::*;

    #[test]
    fn a_broken_conversation_is_card_removed_and_a_refusal_is_card_error() {
        let reader = "Virtual PCD 00 00";
        // What vpcd hands back for a command the card left during; what
        // card-backend-pcsc makes of a PC/SC failure under a command.
        for gone in [
            Error::ResponseLength(0),
            Error::ResponseLength(1),
            Error::Smartcard(SmartcardError::Error("Transmit failed: RemovedCard".into())),
            Error::Smartcard(SmartcardError::NotTransacted),
        ] {
            let e = card_error(reader, &gone);
            assert_eq!(e.code, ErrorCode::CardRemoved, "{gone}");
            assert!(
                e.message.contains("removed during the operation"),
                "{}",
                e.message
            );
            assert!(e.message.ends_with("insert it and try again"), "{}", e.message);
            assert_eq!(e.retries_left, None);
        }
        let refused = Error::CardStatus(StatusBytes::ConditionOfUseNotSatisfied);
        let e = card_error(reader, &refused);
        assert_eq!(e.code, ErrorCode::CardError);
        assert!(e.message.contains("refused the operation"), "{}", e.message);
    }
}
