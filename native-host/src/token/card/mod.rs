//! The card backend: smart cards over PC/SC, through `openpgp-card` and
//! `card-backend-pcsc`. [`discovery`] finds cards and reads what they show
//! without a PIN; [`operations`] runs the private-key operations on one.
//!
//! Each call opens a fresh PC/SC context and short transactions: cards close
//! idle sessions, and a card may be pulled or plugged between two requests.

pub mod admin;
pub mod certificate;
pub mod discovery;
pub mod operations;

use std::collections::HashMap;
use std::sync::Mutex;

use openpgp_card::state::Transaction;
use openpgp_card::Card;
use pgp::composed::PlainSessionKey;
use secrecy::{ExposeSecret, SecretString};
use tessera_protocol::card::{
    CardDefaultPins, CardGenerateResult, CardPin, CardStatusResult, CardUnblockWith,
};
use tessera_protocol::pin::PinPurpose;
use tessera_protocol::sign::HashAlgorithm;
use tessera_protocol::token::Backend;
use tessera_protocol::{ErrorBody, ErrorCode};

use super::pin_cache::PinCache;
use super::session_key::EncryptedSessionKey;
use super::{token_not_found, ExportedCertificate, Listing, TokenBackend, Verified};

/// A card in an open transaction: what discovery hands to an operation.
pub type Tx<'a> = Card<Transaction<'a>>;

#[derive(Default)]
pub struct CardBackend {
    // One PC/SC conversation at a time: concurrent requests must not
    // interleave APDUs on a card.
    busy: Mutex<()>,
    /// Per card, whether its PINs still have their factory values, as far as
    /// this host saw (see `CardDefaultPins`): never found out by trying a PIN.
    defaults: Mutex<HashMap<String, CardDefaultPins>>,
}

impl TokenBackend for CardBackend {
    fn kind(&self) -> Backend {
        Backend::Card
    }

    fn list(&self) -> Listing {
        let _turn = self.busy.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        discovery::list()
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
        // `Tokens::verify_pin` drops the cached PIN itself when this fails.
        let verified = self.with_card(token, None, |tx, reader| {
            operations::verify_given(tx, reader, pin, purpose)
        })?;
        self.saw_pin(token, CardPin::User, pin);
        Ok(verified)
    }

    fn as_card(&self) -> Option<&CardBackend> {
        Some(self)
    }

    fn sign(
        &self,
        token: &str,
        pins: &PinCache,
        hash: HashAlgorithm,
        digest: &[u8],
    ) -> Result<Vec<Vec<u8>>, ErrorBody> {
        self.with_card(token, Some(pins), |tx, reader| {
            operations::sign(tx, reader, token, pins, hash, digest)
        })
    }

    fn decrypt_session_key(
        &self,
        token: &str,
        pins: &PinCache,
        esk: &EncryptedSessionKey,
    ) -> Result<PlainSessionKey, ErrorBody> {
        self.with_card(token, Some(pins), |tx, reader| {
            operations::decrypt_session_key(tx, reader, token, pins, esk)
        })
    }

    fn export_certificate(
        &self,
        token: &str,
        pins: &PinCache,
        user_id: Option<&str>,
    ) -> Result<ExportedCertificate, ErrorBody> {
        self.with_card(token, Some(pins), |tx, reader| {
            certificate::build(tx, reader, token, pins, user_id)
        })
    }

    fn still_present(&self, _token: &str, reader: Option<&str>) -> bool {
        reader.is_some_and(discovery::card_in_reader)
    }
}

impl CardBackend {
    fn note_default(&self, token: &str, pin: CardPin, default: bool) {
        let mut all = self.defaults.lock().unwrap_or_else(|p| p.into_inner());
        let d = all.entry(token.to_owned()).or_default();
        match pin {
            CardPin::User => d.user = Some(default),
            CardPin::Admin => d.admin = Some(default),
        }
    }

    /// The card accepted `pin`: whether it is the factory value is now known.
    fn saw_pin(&self, token: &str, which: CardPin, pin: &SecretString) {
        let default = match which {
            CardPin::User => admin::DEFAULT_USER_PIN,
            CardPin::Admin => admin::DEFAULT_ADMIN_PIN,
        };
        self.note_default(token, which, pin.expose_secret() == default);
    }

    fn defaults_of(&self, token: &str) -> CardDefaultPins {
        let all = self.defaults.lock().unwrap_or_else(|p| p.into_inner());
        all.get(token).cloned().unwrap_or_default()
    }

    pub fn status(&self, token: &str) -> Result<CardStatusResult, ErrorBody> {
        let defaults = self.defaults_of(token);
        self.with_card(token, None, |tx, reader| {
            admin::status(tx, reader, token, defaults)
        })
    }

    pub fn generate(
        &self,
        token: &str,
        pins: &PinCache,
        g: &admin::Generate<'_>,
    ) -> Result<CardGenerateResult, ErrorBody> {
        let made = self.with_card(token, Some(pins), |tx, reader| admin::generate(tx, reader, g))?;
        self.saw_pin(token, CardPin::Admin, g.admin_pin);
        Ok(made)
    }

    pub fn change_pin(
        &self,
        token: &str,
        pins: &PinCache,
        which: CardPin,
        old: &SecretString,
        new: &SecretString,
    ) -> Result<CardStatusResult, ErrorBody> {
        self.with_card(token, Some(pins), |tx, reader| {
            admin::change_pin(tx, reader, which, old, new)
        })?;
        if which == CardPin::User {
            // The cached PIN is the old one: the next operation asks again.
            pins.forget(token);
        }
        self.saw_pin(token, which, new);
        self.status(token)
    }

    pub fn set_reset_code(
        &self,
        token: &str,
        pins: &PinCache,
        admin_pin: &SecretString,
        code: &SecretString,
    ) -> Result<CardStatusResult, ErrorBody> {
        self.with_card(token, Some(pins), |tx, reader| {
            admin::set_reset_code(tx, reader, admin_pin, code)
        })?;
        self.saw_pin(token, CardPin::Admin, admin_pin);
        self.status(token)
    }

    pub fn unblock_pin(
        &self,
        token: &str,
        pins: &PinCache,
        with: CardUnblockWith,
        secret: &SecretString,
        new_pin: &SecretString,
    ) -> Result<CardStatusResult, ErrorBody> {
        self.with_card(token, Some(pins), |tx, reader| {
            admin::unblock_pin(tx, reader, with, secret, new_pin)
        })?;
        pins.forget(token);
        if with == CardUnblockWith::AdminPin {
            self.saw_pin(token, CardPin::Admin, secret);
        }
        self.saw_pin(token, CardPin::User, new_pin);
        self.status(token)
    }

    pub fn factory_reset(
        &self,
        token: &str,
        pins: &PinCache,
        confirm: &str,
    ) -> Result<CardStatusResult, ErrorBody> {
        self.with_card(token, Some(pins), |tx, reader| {
            admin::factory_reset(tx, reader, confirm)
        })?;
        pins.forget(token);
        self.note_default(token, CardPin::User, true);
        self.note_default(token, CardPin::Admin, true);
        self.status(token)
    }

    /// Finds the card `card:<AID>` and runs `op` in one transaction on it, with
    /// the backend's lock held (one PC/SC conversation at a time).
    ///
    /// With `pins`, the PIN cached for `token` is dropped, under the same lock,
    /// when the card is not there or went away during `op`: whatever card is
    /// in the reader next (another one, or the same after someone else had it)
    /// must be unlocked by the user again, not by a PIN sent on their behalf.
    /// The removal watch in `server.rs` polls every 0.5 s and misses a card
    /// pulled and put back between two polls; an operation that was talking to
    /// the card when it went does not.
    fn with_card<T>(
        &self,
        token: &str,
        pins: Option<&PinCache>,
        op: impl FnOnce(&mut Tx<'_>, &str) -> Result<T, ErrorBody>,
    ) -> Result<T, ErrorBody> {
        let wanted = token
            .strip_prefix("card:")
            .ok_or_else(|| token_not_found(token))?;
        let _turn = self.busy.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let forget = || {
            if let Some(pins) = pins {
                if pins.forget(token) {
                    eprintln!("tessera-host: {token} went away; its cached PIN was dropped");
                }
            }
        };
        let found = discovery::with_card_by_aid(wanted, |tx, reader| {
            let result = op(tx, reader);
            if result.as_ref().is_err_and(|e| e.code == ErrorCode::CardRemoved) {
                forget();
            }
            result
        })?;
        found.ok_or_else(|| {
            forget();
            token_not_found(token)
        })
    }
}
