//! Card set-up without GnuPG: what a card holds and allows, keys generated on
//! it, its PINs and reset code, a factory reset. Each runs in the one
//! transaction [`super::CardBackend`] opens on the card.
//!
//! Every PIN given is presented exactly once: a card locks a PIN after 3 wrong
//! tries, and only the person can decide to try again. The tries left are read
//! back after a refusal and reported with it.

use openpgp_card::ocard::algorithm::{AlgoSimple, AlgorithmAttributes, Curve};
use openpgp_card::ocard::data::TouchPolicy;
use openpgp_card::ocard::KeyType;
use secrecy::SecretString;
use tessera_protocol::card::{
    CardDefaultPins, CardGenerateResult, CardKeyAlgorithm, CardPin, CardPinRetries, CardSlotStatus,
    CardStatusResult, CardUnblockWith,
};
use tessera_protocol::{ErrorBody, ErrorCode};

use super::certificate::new_key_fingerprint;
use super::discovery::cardholder_display_name;
use super::operations::{card_error, pin_rejected, removed_or};
use super::Tx;
use crate::token::algorithm_names::{hex_upper, of_card_slot};

/// The factory values of OpenPGP cards (and of the virtual card).
pub const DEFAULT_USER_PIN: &str = "123456";
pub const DEFAULT_ADMIN_PIN: &str = "12345678";

const SLOTS: [(KeyType, &str); 3] = [
    (KeyType::Signing, "signature"),
    (KeyType::Decryption, "decryption"),
    (KeyType::Authentication, "authentication"),
];

fn invalid(message: String) -> ErrorBody {
    ErrorBody::new(ErrorCode::InvalidParams, message)
}

fn pin_name(pin: PinRef) -> &'static str {
    match pin {
        PinRef::User => "user PIN",
        PinRef::ResetCode => "reset code",
        PinRef::Admin => "admin PIN",
    }
}

/// The three secrets a card counts tries for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinRef {
    User,
    ResetCode,
    Admin,
}

impl From<CardPin> for PinRef {
    fn from(p: CardPin) -> Self {
        match p {
            CardPin::User => PinRef::User,
            CardPin::Admin => PinRef::Admin,
        }
    }
}

fn retries(tx: &mut Tx<'_>, reader: &str) -> Result<CardPinRetries, ErrorBody> {
    // The cached application data would still show the counts from before.
    let _ = tx.invalidate_cache();
    let pw = tx.pw_status_bytes().map_err(|e| card_error(reader, &e))?;
    Ok(CardPinRetries {
        user: pw.err_count_pw1(),
        reset_code: pw.err_count_rc(),
        admin: pw.err_count_pw3(),
    })
}

fn tries_of(r: &CardPinRetries, pin: PinRef) -> u8 {
    match pin {
        PinRef::User => r.user,
        PinRef::ResetCode => r.reset_code,
        PinRef::Admin => r.admin,
    }
}

fn blocked(reader: &str, pin: PinRef) -> ErrorBody {
    let how = match pin {
        PinRef::User => "unblock it with the reset code or the admin PIN",
        PinRef::ResetCode => "set a new one with the admin PIN",
        PinRef::Admin => {
            "only a factory reset (which erases the card's keys) makes the card usable for set-up again"
        }
    };
    ErrorBody::new(
        ErrorCode::PinBlocked,
        format!(
            "the {} of the card in `{reader}` is blocked (no tries left): {how}",
            pin_name(pin)
        ),
    )
    .with_retries_left(0)
}

/// Runs one card command that presents `pin`'s secret, once; a refusal is
/// reported with the tries left, read back from the card.
fn presenting<T>(
    tx: &mut Tx<'_>,
    reader: &str,
    pin: PinRef,
    command: impl FnOnce(&mut Tx<'_>) -> Result<T, openpgp_card::Error>,
) -> Result<T, ErrorBody> {
    if tries_of(&retries(tx, reader)?, pin) == 0 {
        return Err(blocked(reader, pin));
    }
    let err = match command(tx) {
        Ok(v) => return Ok(v),
        Err(e) => removed_or(reader, e)?,
    };
    let rejected = pin_rejected(&err);
    let left = tries_of(&retries(tx, reader)?, pin);
    if left == 0 {
        return Err(blocked(reader, pin));
    }
    let tries = if left == 1 { "try" } else { "tries" };
    let message = if rejected {
        format!(
            "wrong {}: {left} {tries} left before the card locks it",
            pin_name(pin)
        )
    } else {
        // E.g. a PIN of a length the card does not take: no try counted.
        format!(
            "the card did not accept this {} ({err}); {left} {tries} left",
            pin_name(pin)
        )
    };
    Err(ErrorBody::new(ErrorCode::PinIncorrect, message).with_retries_left(left))
}

/// Checks a new PIN's length against the card's rules before sending it, so a
/// typo in length costs nothing. OpenPGP card 3.4: PW1 ≥ 6, PW3 ≥ 8, RC ≥ 8 (or
/// empty to remove it), each at most what the card's PW status says.
fn check_new(tx: &mut Tx<'_>, reader: &str, pin: PinRef, new: &str) -> Result<(), ErrorBody> {
    let pw = tx.pw_status_bytes().map_err(|e| card_error(reader, &e))?;
    let (min, max) = match pin {
        PinRef::User => (6, pw.pw1_max_len()),
        PinRef::ResetCode => (8, pw.rc_max_len()),
        PinRef::Admin => (8, pw.pw3_max_len()),
    };
    let len = new.len();
    if pin == PinRef::ResetCode && len == 0 {
        return Ok(());
    }
    if len < min || len > usize::from(max) {
        return Err(invalid(format!(
            "the new {} must be {min} to {max} characters long (this one has {len})",
            pin_name(pin)
        )));
    }
    Ok(())
}

fn touch_name(p: TouchPolicy) -> String {
    match p {
        TouchPolicy::Off => "off".into(),
        TouchPolicy::On => "on".into(),
        TouchPolicy::Fixed => "fixed".into(),
        TouchPolicy::Cached => "cached".into(),
        TouchPolicy::CachedFixed => "cached_fixed".into(),
        TouchPolicy::Unknown(v) => format!("unknown_{v:02x}"),
    }
}

fn simple(a: CardKeyAlgorithm) -> AlgoSimple {
    match a {
        CardKeyAlgorithm::Cv25519 => AlgoSimple::Curve25519,
        CardKeyAlgorithm::Rsa2048 => AlgoSimple::RSA2k,
        CardKeyAlgorithm::Rsa3072 => AlgoSimple::RSA3k,
        CardKeyAlgorithm::Rsa4096 => AlgoSimple::RSA4k,
        CardKeyAlgorithm::NistP256 => AlgoSimple::NIST256,
        CardKeyAlgorithm::NistP384 => AlgoSimple::NIST384,
        CardKeyAlgorithm::NistP521 => AlgoSimple::NIST521,
    }
}

/// Whether the card's list of algorithms for a slot offers `a`.
fn offers(listed: &[&AlgorithmAttributes], a: CardKeyAlgorithm, key_type: KeyType) -> bool {
    listed.iter().any(|attrs| match (attrs, a) {
        (AlgorithmAttributes::Rsa(r), CardKeyAlgorithm::Rsa2048) => r.len_n() == 2048,
        (AlgorithmAttributes::Rsa(r), CardKeyAlgorithm::Rsa3072) => r.len_n() == 3072,
        (AlgorithmAttributes::Rsa(r), CardKeyAlgorithm::Rsa4096) => r.len_n() == 4096,
        (AlgorithmAttributes::Ecc(e), _) => matches!(
            (e.curve(), a, key_type),
            (
                Curve::Ed25519,
                CardKeyAlgorithm::Cv25519,
                KeyType::Signing | KeyType::Authentication
            ) | (Curve::Curve25519, CardKeyAlgorithm::Cv25519, KeyType::Decryption)
                | (Curve::NistP256r1, CardKeyAlgorithm::NistP256, _)
                | (Curve::NistP384r1, CardKeyAlgorithm::NistP384, _)
                | (Curve::NistP521r1, CardKeyAlgorithm::NistP521, _)
        ),
        _ => false,
    })
}

/// What the card shows, without a PIN.
pub fn status(
    tx: &mut Tx<'_>,
    reader: &str,
    token: &str,
    defaults: CardDefaultPins,
) -> Result<CardStatusResult, ErrorBody> {
    let _ = tx.invalidate_cache();
    let aid = tx.application_identifier().map_err(|e| card_error(reader, &e))?;
    let cardholder_name = tx
        .cardholder_related_data()
        .ok()
        .and_then(|d| d.name().map(cardholder_display_name))
        .unwrap_or_default();
    let url = tx.url().unwrap_or_default();
    let fingerprints = tx.fingerprints().map_err(|e| card_error(reader, &e))?;
    let times = tx.key_generation_times().map_err(|e| card_error(reader, &e))?;
    let mut slots = Vec::with_capacity(3);
    for (key_type, name) in SLOTS {
        let (fpr, time) = match key_type {
            KeyType::Signing => (fingerprints.signature(), times.signature()),
            KeyType::Decryption => (fingerprints.decryption(), times.decryption()),
            _ => (fingerprints.authentication(), times.authentication()),
        };
        let algorithm = tx
            .algorithm_attributes(key_type)
            .map(|a| of_card_slot(&a))
            .unwrap_or_else(|_| "unknown".into());
        let touch_policy = tx
            .user_interaction_flag(key_type)
            .ok()
            .flatten()
            .map(|u| touch_name(u.touch_policy()));
        slots.push(CardSlotStatus {
            slot: name.into(),
            algorithm,
            fingerprint: fpr
                .map(|f| hex_upper(f.as_bytes()))
                .filter(|f| f.bytes().any(|b| b != b'0')),
            created: time.map(|t| u64::from(t.get())).filter(|t| *t != 0),
            touch_policy,
        });
    }
    let pw = tx.pw_status_bytes().map_err(|e| card_error(reader, &e))?;
    let listed = tx.algorithm_information().ok().flatten();
    let algorithms = match &listed {
        Some(info) => CardKeyAlgorithm::ALL
            .into_iter()
            .filter(|a| {
                SLOTS
                    .iter()
                    .all(|(kt, _)| offers(&info.for_keytype(*kt), *a, *kt))
            })
            .collect(),
        None => CardKeyAlgorithm::ALL.to_vec(),
    };
    Ok(CardStatusResult {
        token: token.to_owned(),
        manufacturer: aid.manufacturer_name().to_owned(),
        serial: format!("{:08X}", aid.serial()),
        cardholder_name,
        url,
        slots,
        pin_retries: CardPinRetries {
            user: pw.err_count_pw1(),
            reset_code: pw.err_count_rc(),
            admin: pw.err_count_pw3(),
        },
        signature_pin_forced: pw.pw1_cds_valid_once(),
        algorithms,
        algorithms_listed: listed.is_some(),
        default_pins: defaults,
    })
}

/// "Given Names Surname" as ISO/IEC 7501-1 wants it on the card:
/// `Surname<<Given<Names` (the last word is taken as the surname, as GnuPG
/// asks for it apart). ASCII only, under 40 bytes: what cards store.
pub fn iso_cardholder_name(display: &str) -> Result<String, ErrorBody> {
    let words: Vec<&str> = display.split_whitespace().collect();
    let Some((surname, given)) = words.split_last() else {
        return Ok(String::new());
    };
    let encoded = if given.is_empty() {
        (*surname).to_owned()
    } else {
        format!("{surname}<<{}", given.join("<"))
    };
    if !encoded.is_ascii() || encoded.contains(|c: char| c.is_ascii_control()) {
        return Err(invalid(
            "the cardholder name must be plain ASCII letters (cards store ISO 7501-1 names): write it without accents".into(),
        ));
    }
    if encoded.len() >= 40 {
        return Err(invalid(format!(
            "the cardholder name is too long for the card ({} characters, at most 39)",
            encoded.len()
        )));
    }
    Ok(encoded)
}

/// What `generate` changes besides the keys.
pub struct Generate<'p> {
    pub admin_pin: &'p SecretString,
    pub algorithm: CardKeyAlgorithm,
    pub replace: bool,
    pub cardholder_name: Option<&'p str>,
    pub url: Option<&'p str>,
}

/// Generates a key in each slot, on the card, after the admin PIN.
pub fn generate(tx: &mut Tx<'_>, reader: &str, g: &Generate<'_>) -> Result<CardGenerateResult, ErrorBody> {
    // Checked before the admin PIN is spent: nothing on the card changes on a refusal.
    let name = g.cardholder_name.map(iso_cardholder_name).transpose()?;
    if let Some(url) = g.url.filter(|u| !u.is_empty()) {
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || !url.is_ascii()
            || url.contains(char::is_whitespace)
        {
            return Err(invalid(format!(
                "the public key URL must be an http(s) address in ASCII, got `{}`",
                tessera_protocol::excerpt(url)
            )));
        }
    }
    let fingerprints = tx.fingerprints().map_err(|e| card_error(reader, &e))?;
    let holds_keys = [
        fingerprints.signature(),
        fingerprints.decryption(),
        fingerprints.authentication(),
    ]
    .into_iter()
    .flatten()
    .any(|f| f.as_bytes().iter().any(|b| *b != 0));
    if holds_keys && !g.replace {
        return Err(invalid(
            "the card already holds keys: generating replaces all of them, and what was encrypted to them can no longer be decrypted. Confirm to replace them"
                .into(),
        ));
    }
    let pin = g.admin_pin.clone();
    presenting(tx, reader, PinRef::Admin, |tx| tx.verify_admin_pin(pin))?;
    let mut admin = tx.as_admin_card(None).map_err(|e| card_error(reader, &e))?;
    let mut made = Vec::with_capacity(3);
    for (key_type, slot) in SLOTS {
        admin
            .set_algorithm(key_type, simple(g.algorithm))
            .map_err(|e| match removed_or(reader, e) {
                Err(gone) => gone,
                Ok(e) => ErrorBody::new(
                    ErrorCode::UnsupportedAlgorithm,
                    format!(
                        "the card in `{reader}` cannot hold a {} key in its {slot} slot: {e}",
                        g.algorithm.name()
                    ),
                ),
            })?;
        let (_material, _time) = admin
            .generate_key(new_key_fingerprint, key_type)
            .map_err(|e| card_error(reader, &e))?;
        made.push(key_type);
    }
    if let Some(name) = name {
        admin
            .set_cardholder_name(&name)
            .map_err(|e| card_error(reader, &e))?;
    }
    if let Some(url) = g.url.filter(|u| !u.is_empty()) {
        admin.set_url(url).map_err(|e| card_error(reader, &e))?;
    }
    let _ = tx.invalidate_cache();
    let fingerprints = tx.fingerprints().map_err(|e| card_error(reader, &e))?;
    let hex = |f: Option<&openpgp_card::ocard::data::Fingerprint>| {
        f.map(|f| hex_upper(f.as_bytes())).unwrap_or_default()
    };
    Ok(CardGenerateResult {
        signature: hex(fingerprints.signature()),
        decryption: hex(fingerprints.decryption()),
        authentication: hex(fingerprints.authentication()),
    })
}

pub fn change_pin(
    tx: &mut Tx<'_>,
    reader: &str,
    pin: CardPin,
    old: &SecretString,
    new: &SecretString,
) -> Result<(), ErrorBody> {
    use secrecy::ExposeSecret;
    check_new(tx, reader, pin.into(), new.expose_secret())?;
    let (old, new) = (old.clone(), new.clone());
    presenting(tx, reader, pin.into(), |tx| match pin {
        CardPin::User => tx.change_user_pin(old, new),
        CardPin::Admin => tx.change_admin_pin(old, new),
    })
}

pub fn set_reset_code(
    tx: &mut Tx<'_>,
    reader: &str,
    admin_pin: &SecretString,
    code: &SecretString,
) -> Result<(), ErrorBody> {
    use secrecy::ExposeSecret;
    check_new(tx, reader, PinRef::ResetCode, code.expose_secret())?;
    let pin = admin_pin.clone();
    presenting(tx, reader, PinRef::Admin, |tx| tx.verify_admin_pin(pin))?;
    let mut admin = tx.as_admin_card(None).map_err(|e| card_error(reader, &e))?;
    admin
        .set_resetting_code(code.clone())
        .map_err(|e| card_error(reader, &e))
}

pub fn unblock_pin(
    tx: &mut Tx<'_>,
    reader: &str,
    with: CardUnblockWith,
    secret: &SecretString,
    new_pin: &SecretString,
) -> Result<(), ErrorBody> {
    use secrecy::ExposeSecret;
    check_new(tx, reader, PinRef::User, new_pin.expose_secret())?;
    let (secret, new_pin) = (secret.clone(), new_pin.clone());
    match with {
        CardUnblockWith::ResetCode => {
            if retries(tx, reader)?.reset_code == 0 {
                return Err(ErrorBody::new(
                    ErrorCode::PinBlocked,
                    format!("the card in `{reader}` has no reset code set, or it is blocked: unblock with the admin PIN instead"),
                )
                .with_retries_left(0));
            }
            presenting(tx, reader, PinRef::ResetCode, |tx| {
                tx.reset_user_pin(secret, new_pin)
            })
        }
        CardUnblockWith::AdminPin => {
            presenting(tx, reader, PinRef::Admin, |tx| tx.verify_admin_pin(secret))?;
            let mut admin = tx.as_admin_card(None).map_err(|e| card_error(reader, &e))?;
            admin.reset_user_pin(new_pin).map_err(|e| card_error(reader, &e))
        }
    }
}

/// Erases the card (keys, PINs back to their factory values) when `confirm`
/// is its serial.
pub fn factory_reset(tx: &mut Tx<'_>, reader: &str, confirm: &str) -> Result<(), ErrorBody> {
    let aid = tx.application_identifier().map_err(|e| card_error(reader, &e))?;
    let serial = format!("{:08X}", aid.serial());
    if !confirm.trim().eq_ignore_ascii_case(&serial) {
        return Err(invalid(format!(
            "a factory reset erases every key on the card: to confirm, give the serial of the card in `{reader}` ({serial})"
        )));
    }
    tx.factory_reset().map_err(|e| card_error(reader, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardholder_names_are_encoded_surname_first() {
        assert_eq!(
            iso_cardholder_name("Bob Example").ok(),
            Some("Example<<Bob".into())
        );
        assert_eq!(
            iso_cardholder_name("Anna Maria Berg").ok(),
            Some("Berg<<Anna<Maria".into())
        );
        assert_eq!(iso_cardholder_name("Mononym").ok(), Some("Mononym".into()));
        assert_eq!(iso_cardholder_name("  ").ok(), Some(String::new()));
        let accented = iso_cardholder_name("Zoë Exämple").expect_err("not ASCII");
        assert!(accented.message.contains("ASCII"), "{}", accented.message);
        assert!(iso_cardholder_name(&"x ".repeat(30)).is_err());
        // What we write reads back as it was given.
        let back = cardholder_display_name(iso_cardholder_name("Anna Maria Berg").expect("ok").as_bytes());
        assert_eq!(back, "Anna Maria Berg");
    }
}
