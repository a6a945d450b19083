//! `token.list`: the OpenPGP tokens the host can reach, and what is on them.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TokenListParams {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TokenListResult {
    pub tokens: Vec<TokenInfo>,
    /// Backends that could not be read (pcscd down, a card that did not
    /// answer…). The list above still holds what the other backends found.
    pub problems: Vec<BackendProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// A smart card over PC/SC.
    Card,
    /// The embedded soft token: a passphrase-protected key file.
    Soft,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TokenInfo {
    /// Stable handle for later requests: `card:<AID>` or `soft:<fingerprint>`.
    pub id: String,
    pub backend: Backend,
    /// PC/SC reader name (cards only).
    pub reader: Option<String>,
    /// Full OpenPGP application identifier, hex (cards only).
    pub aid: Option<String>,
    /// Manufacturer code and name from the AID, e.g. `"0006 Yubico"` (cards only).
    pub manufacturer: Option<String>,
    /// Card serial number as printed by GnuPG (8 hex digits); for the soft
    /// token, the first 16 hex digits of the primary key's fingerprint.
    pub serial: String,
    pub cardholder: Option<String>,
    pub slots: Vec<KeySlot>,
    /// PIN retry counters (cards only: the soft token has a passphrase, no counter).
    pub pin_retries: Option<PinRetries>,
    /// The host holds a verified PIN (or passphrase) for this token in memory.
    #[serde(default)]
    pub pin_cached: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SlotKind {
    Signature,
    Decryption,
    Authentication,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct KeySlot {
    pub slot: SlotKind,
    /// Algorithm as GnuPG names it: `rsa2048`, `ed25519`, `cv25519`, `nistp256`…
    pub algorithm: Option<String>,
    /// Upper-case hex fingerprint of the key in this slot; `None` when empty.
    pub fingerprint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PinRetries {
    pub user: u8,
    pub reset: u8,
    pub admin: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BackendProblem {
    pub backend: Backend,
    pub code: ErrorCode,
    pub message: String,
}
