//! Finding OpenPGP cards: which readers hold one, what each shows without a PIN
//! (AID, cardholder, slots, PIN counters) for `token.list`, whether a card is
//! still in its reader, and opening the card with a given AID.

use std::ffi::{CStr, CString};
use std::time::Duration;

use card_backend_pcsc::PcscBackend;
use openpgp_card::ocard::KeyType;
use openpgp_card::state::Open;
use openpgp_card::Card;
use tessera_protocol::token::{Backend, KeySlot, PinRetries, SlotKind, TokenInfo};
use tessera_protocol::{ErrorBody, ErrorCode};

use super::Tx;
use crate::token::algorithm_names::of_card_slot;
use crate::token::{Listing, TokenError};

/// Reads every reader: the OpenPGP cards in them, and what could not be read.
pub fn list() -> Listing {
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

/// Finds the card whose AID is `aid` (hex, as in `card:<AID>`) and runs `op` in
/// one transaction on it. `Ok(None)`: no reader holds that card.
pub fn with_card_by_aid<T>(
    aid: &str,
    op: impl FnOnce(&mut Tx<'_>, &str) -> Result<T, ErrorBody>,
) -> Result<Option<T>, ErrorBody> {
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
            Ok(found) if aid_hex(&found).eq_ignore_ascii_case(aid) => {}
            _ => continue,
        }
        return op(&mut tx, &reader_name).map(Some);
    }
    Ok(None)
}

/// Whether pcscd sees a card in `reader` now (no card I/O, no lock needed).
pub fn card_in_reader(reader: &str) -> bool {
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
}
