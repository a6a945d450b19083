//! `card.*`: setting up an OpenPGP card without GnuPG — what it holds and
//! allows, keys generated on it, its PINs, a factory reset.
//!
//! Every PIN travels once, in the request that needs it, as a [`SecretText`]
//! (wiped when dropped, refused if it is not a string before serde could quote
//! it): the host never caches an admin PIN or a reset code, and presents each
//! exactly once (a card locks after 3 wrong tries).

use serde::{Deserialize, Serialize};

use crate::secret::SecretText;

/// The key algorithms Tessera sets up on a card (OpenPGP card 3.4 §4.4.3.9).
/// The signature and authentication slots get the signing flavour (EdDSA,
/// ECDSA, RSA), the decryption slot the encryption one (ECDH, RSA).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CardKeyAlgorithm {
    /// Ed25519 + X25519 (Curve25519 "legacy" OpenPGP v4 keys, as GnuPG makes them).
    #[default]
    Cv25519,
    Rsa2048,
    Rsa3072,
    Rsa4096,
    NistP256,
    NistP384,
    NistP521,
}

impl CardKeyAlgorithm {
    pub const ALL: [CardKeyAlgorithm; 7] = [
        CardKeyAlgorithm::Cv25519,
        CardKeyAlgorithm::Rsa2048,
        CardKeyAlgorithm::Rsa3072,
        CardKeyAlgorithm::Rsa4096,
        CardKeyAlgorithm::NistP256,
        CardKeyAlgorithm::NistP384,
        CardKeyAlgorithm::NistP521,
    ];

    /// The wire name, also what `tessera-host card generate --algorithm` takes.
    pub fn name(self) -> &'static str {
        match self {
            CardKeyAlgorithm::Cv25519 => "cv25519",
            CardKeyAlgorithm::Rsa2048 => "rsa2048",
            CardKeyAlgorithm::Rsa3072 => "rsa3072",
            CardKeyAlgorithm::Rsa4096 => "rsa4096",
            CardKeyAlgorithm::NistP256 => "nist_p256",
            CardKeyAlgorithm::NistP384 => "nist_p384",
            CardKeyAlgorithm::NistP521 => "nist_p521",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// Which PIN of the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CardPin {
    /// PW1: signing, decryption (factory default 123456).
    User,
    /// PW3: administration (factory default 12345678).
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardStatusParams {
    /// Token id from `token.list` (`card:…`).
    pub token: String,
}

/// One key slot as the card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardSlotStatus {
    /// `signature`, `decryption` or `authentication`.
    pub slot: String,
    /// The algorithm the slot is set to, e.g. `ed25519`, `cv25519`, `rsa3072`, `nistp256`.
    pub algorithm: String,
    /// Upper-case hex fingerprint the card stores, or null for an empty slot.
    pub fingerprint: Option<String>,
    /// Key creation time (seconds since the epoch), or null.
    pub created: Option<u64>,
    /// `off`, `on`, `fixed`, `cached`, `cached_fixed`, or null when the card has no touch button.
    pub touch_policy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardPinRetries {
    pub user: u8,
    /// Tries left for the reset code; 0 also when none is set.
    pub reset_code: u8,
    pub admin: u8,
}

/// Whether a PIN still has its factory value, as far as the host can know
/// without spending a try: `true` after a factory reset made here or after the
/// card accepted the default value in a request; `false` after it was changed
/// here; null when unknown (the host never tries a PIN to find out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardDefaultPins {
    pub user: Option<bool>,
    pub admin: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardStatusResult {
    pub token: String,
    /// Manufacturer name (or its id in hex when unknown) and serial, as on the card's label.
    pub manufacturer: String,
    pub serial: String,
    /// The cardholder name, GnuPG's `Surname<<Given` turned into "Given Surname"; empty when unset.
    pub cardholder_name: String,
    /// The public key URL the card stores; empty when unset.
    pub url: String,
    pub slots: Vec<CardSlotStatus>,
    pub pin_retries: CardPinRetries,
    /// Whether every signature needs the user PIN again (GnuPG's "forcesig").
    pub signature_pin_forced: bool,
    /// What `card.generate` can make on this card; every algorithm when the
    /// card does not list what it supports (cards before OpenPGP card 3.4).
    pub algorithms: Vec<CardKeyAlgorithm>,
    /// Whether the card listed its algorithms itself (`algorithms` is then exact).
    pub algorithms_listed: bool,
    pub default_pins: CardDefaultPins,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardGenerateParams {
    pub token: String,
    #[cfg_attr(test, ts(type = "string"))]
    pub admin_pin: SecretText,
    #[serde(default)]
    pub algorithm: CardKeyAlgorithm,
    /// Must be true when the card already holds a key: generating replaces
    /// every key on it, and what was encrypted to the old ones is lost.
    #[serde(default)]
    pub replace: bool,
    /// Set as the cardholder name when given ("Given Surname").
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub cardholder_name: Option<String>,
    /// Set as the public key URL when given (https://…).
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardGenerateResult {
    /// The new keys' fingerprints (upper-case hex) by slot. The certificate is
    /// built next by `token.export_certificate` with a User ID: it needs the user PIN.
    pub signature: String,
    pub decryption: String,
    pub authentication: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardChangePinParams {
    pub token: String,
    pub pin: CardPin,
    #[cfg_attr(test, ts(type = "string"))]
    pub old: SecretText,
    #[cfg_attr(test, ts(type = "string"))]
    pub new: SecretText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardSetResetCodeParams {
    pub token: String,
    #[cfg_attr(test, ts(type = "string"))]
    pub admin_pin: SecretText,
    /// At least 8 characters; an empty string removes the reset code.
    #[cfg_attr(test, ts(type = "string"))]
    pub reset_code: SecretText,
}

/// What unblocks the user PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CardUnblockWith {
    ResetCode,
    AdminPin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardUnblockPinParams {
    pub token: String,
    pub with: CardUnblockWith,
    /// The reset code or the admin PIN, as `with` says.
    #[cfg_attr(test, ts(type = "string"))]
    pub secret: SecretText,
    #[cfg_attr(test, ts(type = "string"))]
    pub new_pin: SecretText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardFactoryResetParams {
    pub token: String,
    /// The card's serial as `card.status` shows it, typed by the user: a
    /// factory reset destroys every key on the card, so the host refuses a
    /// request that does not name the card it would wipe.
    pub confirm_serial: String,
}

/// The reply of the `card.*` methods that change the card: what it shows now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardChangedResult {
    pub status: CardStatusResult,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_names_round_trip_and_match_serde() {
        for a in CardKeyAlgorithm::ALL {
            assert_eq!(CardKeyAlgorithm::from_name(a.name()), Some(a));
            assert_eq!(
                serde_json::to_string(&a).expect("json"),
                format!("\"{}\"", a.name())
            );
        }
        assert_eq!(CardKeyAlgorithm::from_name("ed448"), None);
    }

    #[test]
    fn pins_in_card_requests_are_hidden_from_debug() {
        let p = CardChangePinParams {
            token: "card:x".into(),
            pin: CardPin::User,
            old: SecretText::new("123456"),
            new: SecretText::new("654321"),
        };
        let dbg = format!("{p:?}");
        assert!(!dbg.contains("123456") && !dbg.contains("654321"), "{dbg}");
    }
}
