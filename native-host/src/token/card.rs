//! Smart cards over PC/SC, through `openpgp-card` and `card-backend-pcsc`.
//!
//! Each call opens a fresh PC/SC context and short transactions: cards close
//! idle sessions, and a card may be pulled or plugged between two requests.

use std::ffi::{CStr, CString};
use std::sync::Mutex;
use std::time::Duration;

use card_backend_pcsc::PcscBackend;
use openpgp_card::ocard::KeyType;
use openpgp_card::state::Open;
use openpgp_card::Card;
use pgp::composed::PlainSessionKey;
use secrecy::SecretString;
use tessera_protocol::pin::PinPurpose;
use tessera_protocol::sign::HashAlgorithm;
use tessera_protocol::token::{Backend, KeySlot, PinRetries, SlotKind, TokenInfo};
use tessera_protocol::{ErrorBody, ErrorCode};

#[cfg(test)]
use super::algorithm_names::hex_upper;
use super::algorithm_names::of_card_slot;
use super::card_ops::{self, Tx};
use super::pin_cache::PinCache;
use super::session_key::EncryptedSessionKey;
use super::{token_not_found, Listing, TokenBackend, TokenError, Verified};

#[derive(Default)]
pub struct CardBackend {
    // One PC/SC conversation at a time: concurrent requests must not
    // interleave APDUs on a card.
    busy: Mutex<()>,
}

impl TokenBackend for CardBackend {
    fn kind(&self) -> Backend {
        Backend::Card
    }

    fn list(&self) -> Listing {
        let _turn = self.busy.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut listing = Listing::default();
        let ctx = match pcsc::Context::establish(pcsc::Scope::User) {
            Ok(ctx) => ctx,
            Err(e) => {
                listing.problems.push(TokenError::PcscUnavailable(e.to_string()));
                return listing;
            }
        };
        let readers = match ctx.list_readers_owned() {
            Ok(readers) => readers,
            Err(pcsc::Error::NoReadersAvailable) => return listing,
            Err(e) => {
                listing.problems.push(TokenError::PcscUnavailable(e.to_string()));
                return listing;
            }
        };
        for reader in readers {
            match read_card(&ctx, &reader) {
                Ok(Some(token)) => listing.tokens.push(token),
                Ok(None) => {}
                Err(e) => listing.problems.push(e),
            }
        }
        listing
    }

    fn owns(&self, token: &str) -> bool {
        token.starts_with("card:")
    }

    fn verify_pin(
        &self,
        token: &str,
        pin: &SecretString,
        purpose: PinPurpose,
    ) -> Result<Verified, ErrorBody> {
        self.with_card(token, |tx, reader| {
            card_ops::verify_given(tx, reader, pin, purpose)
        })
    }

    fn sign(
        &self,
        token: &str,
        pins: &PinCache,
        hash: HashAlgorithm,
        digest: &[u8],
    ) -> Result<Vec<Vec<u8>>, ErrorBody> {
        self.with_card(token, |tx, reader| {
            card_ops::sign(tx, reader, token, pins, hash, digest)
        })
    }

    fn decrypt_session_key(
        &self,
        token: &str,
        pins: &PinCache,
        esk: &EncryptedSessionKey,
    ) -> Result<PlainSessionKey, ErrorBody> {
        self.with_card(token, |tx, reader| {
            card_ops::decrypt_session_key(tx, reader, token, pins, esk)
        })
    }

    fn still_present(&self, _token: &str, reader: Option<&str>) -> bool {
        reader.is_some_and(card_in_reader)
    }
}

impl CardBackend {
    /// Finds the card `card:<AID>` and runs `op` in one transaction on it, with
    /// the backend's lock held (one PC/SC conversation at a time).
    fn with_card<T>(
        &self,
        token: &str,
        op: impl FnOnce(&mut Tx<'_>, &str) -> Result<T, ErrorBody>,
    ) -> Result<T, ErrorBody> {
        let wanted = token
            .strip_prefix("card:")
            .ok_or_else(|| token_not_found(token))?;
        let _turn = self.busy.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let unavailable = |e: pcsc::Error| {
            ErrorBody::new(
                ErrorCode::PcscUnavailable,
                TokenError::PcscUnavailable(e.to_string()).to_string(),
            )
        };
        let ctx = pcsc::Context::establish(pcsc::Scope::User).map_err(unavailable)?;
        let readers = match ctx.list_readers_owned() {
            Ok(readers) => readers,
            Err(pcsc::Error::NoReadersAvailable) => Vec::new(),
            Err(e) => return Err(unavailable(e)),
        };
        for reader in readers {
            let reader_name = reader.to_string_lossy().into_owned();
            let Ok(backend) = PcscBackend::from_pcsc_reader(&ctx, &reader, None) else {
                continue;
            };
            let Ok(mut card) = Card::new(backend) else {
                continue;
            };
            let mut tx = match card.transaction() {
                Ok(tx) => tx,
                Err(_) => continue,
            };
            match tx.application_identifier() {
                Ok(aid) if aid_hex(&aid).eq_ignore_ascii_case(wanted) => {}
                _ => continue,
            }
            return op(&mut tx, &reader_name);
        }
        Err(token_not_found(token))
    }
}

/// Whether pcscd sees a card in `reader` now (no card I/O, no lock needed).
fn card_in_reader(reader: &str) -> bool {
    let Ok(ctx) = pcsc::Context::establish(pcsc::Scope::User) else {
        return false;
    };
    let Ok(name) = CString::new(reader) else {
        return false;
    };
    let mut states = [pcsc::ReaderState::new(name, pcsc::State::UNAWARE)];
    if ctx.get_status_change(Duration::ZERO, &mut states).is_err() {
        return false;
    }
    let state = states[0].event_state();
    state.contains(pcsc::State::PRESENT)
        && !state.intersects(pcsc::State::EMPTY | pcsc::State::UNKNOWN | pcsc::State::UNAVAILABLE)
}

/// Reads one reader. `Ok(None)`: no card, or a card without the OpenPGP application.
fn read_card(ctx: &pcsc::Context, reader: &CStr) -> Result<Option<TokenInfo>, TokenError> {
    let reader_name = reader.to_string_lossy().into_owned();
    let fail = |reason: String| TokenError::Card {
        reader: reader_name.clone(),
        reason,
    };
    let backend = match PcscBackend::from_pcsc_reader(ctx, reader, None) {
        Ok(b) => b,
        Err(card_backend::SmartcardError::CardNotFound(_)) => return Ok(None),
        Err(e) => return Err(fail(e.to_string())),
    };
    let mut card: Card<Open> = match Card::new(backend) {
        Ok(c) => c,
        // SELECT refused: some other kind of card (a bank card, a PIV-only token).
        Err(openpgp_card::Error::CardStatus(_)) => return Ok(None),
        Err(e) => return Err(fail(e.to_string())),
    };
    let mut tx = card.transaction().map_err(|e| fail(e.to_string()))?;
    let aid = tx.application_identifier().map_err(|e| fail(e.to_string()))?;
    let cardholder = tx
        .cardholder_related_data()
        .ok()
        .and_then(|d| d.name().map(cardholder_display_name))
        .filter(|n| !n.is_empty());
    let fingerprints = tx.fingerprints().map_err(|e| fail(e.to_string()))?;
    let pw = tx.pw_status_bytes().map_err(|e| fail(e.to_string()))?;
    let mut slots = Vec::with_capacity(3);
    for (kind, key_type, fpr) in [
        (SlotKind::Signature, KeyType::Signing, fingerprints.signature()),
        (
            SlotKind::Decryption,
            KeyType::Decryption,
            fingerprints.decryption(),
        ),
        (
            SlotKind::Authentication,
            KeyType::Authentication,
            fingerprints.authentication(),
        ),
    ] {
        let algorithm = tx.algorithm_attributes(key_type).ok().map(|a| of_card_slot(&a));
        slots.push(KeySlot {
            slot: kind,
            algorithm,
            fingerprint: fpr
                .map(|f| f.to_hex().to_ascii_uppercase())
                .filter(|f| f.bytes().any(|b| b != b'0')),
        });
    }
    let ident = aid_hex(&aid);
    Ok(Some(TokenInfo {
        id: format!("card:{ident}"),
        backend: Backend::Card,
        reader: Some(reader_name.clone()),
        aid: Some(ident),
        manufacturer: Some(format!("{:04X} {}", aid.manufacturer(), aid.manufacturer_name())),
        serial: format!("{:08X}", aid.serial()),
        cardholder,
        slots,
        pin_retries: Some(PinRetries {
            user: pw.err_count_pw1(),
            reset: pw.err_count_rc(),
            admin: pw.err_count_pw3(),
        }),
        pin_cached: false,
    }))
}

/// The AID as one hex string, as GnuPG's `Application ID` line shows it.
fn aid_hex(aid: &openpgp_card::ocard::data::ApplicationIdentifier) -> String {
    aid.to_string().split_whitespace().collect::<String>()
}

/// ISO 7816 names are `Surname<<Given<Names`; people read `Given Names Surname`.
pub fn cardholder_display_name(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let (surname, given) = match text.split_once("<<") {
        Some((s, g)) => (s.replace('<', " "), g.replace('<', " ")),
        None => (text.replace('<', " "), String::new()),
    };
    [given.trim(), surname.trim()]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardholder_names_read_given_name_first() {
        assert_eq!(cardholder_display_name(b"Example<<Alice"), "Alice Example");
        assert_eq!(
            cardholder_display_name(b"van<der<Berg<<Anna<Maria"),
            "Anna Maria van der Berg"
        );
        assert_eq!(cardholder_display_name(b"Mononym"), "Mononym");
        assert_eq!(cardholder_display_name(b""), "");
    }

    #[test]
    fn hex_is_upper_case() {
        assert_eq!(hex_upper(&[0xab, 0x01]), "AB01");
    }
}
