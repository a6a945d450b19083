//! `token.verify_pin` and `token.forget_pin`: the host's PIN cache.

use serde::{Deserialize, Serialize};

use crate::secret::SecretText;

/// Which PIN reference to verify. OpenPGP cards have one user PIN, checked as
/// PW1/81 before a signature and as PW1/82 before a decryption.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PinPurpose {
    #[default]
    Decrypt,
    Sign,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VerifyPinParams {
    /// Token id from `token.list`.
    pub token: String,
    /// The user PIN (card) or passphrase (soft token).
    #[cfg_attr(test, ts(type = "string"))]
    pub pin: SecretText,
    #[serde(default)]
    pub purpose: PinPurpose,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VerifyPinResult {
    pub verified: bool,
    /// How long the host keeps the PIN; 0 when caching is off.
    pub cached_for_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ForgetPinParams {
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ForgetPinResult {
    /// Always true: after the call no PIN is cached for the token.
    pub forgotten: bool,
}
