//! Errors as data: a stable machine code plus a message a person can act on.

use serde::{Deserialize, Serialize};

/// Stable error codes. The extension maps them to localized text; the
/// `message` beside them is English detail for logs and bug reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The frame's length prefix is over the host's request limit.
    RequestTooLarge,
    /// The frame is not valid UTF-8.
    InvalidUtf8,
    /// The frame is not valid JSON.
    InvalidJson,
    /// Valid JSON, but not a request object with an integer `id` and a string `method`.
    InvalidRequest,
    /// The method is not one this host knows.
    UnknownMethod,
    /// `params` is missing a field or has one of the wrong type.
    InvalidParams,
    /// The reply would exceed the browser's 1 MiB limit.
    ResponseTooLarge,
    /// No token with the given id is present.
    TokenNotFound,
    /// The PC/SC service (pcscd) cannot be reached.
    PcscUnavailable,
    /// A card answered with an error or went away mid-operation.
    CardError,
    /// The embedded soft token's key file is missing, unreadable or corrupt.
    SoftTokenError,
    /// The PIN (or soft-token passphrase) is wrong; `retries_left` says how
    /// many tries the card still allows, when the token has a counter.
    PinIncorrect,
    /// The card's user PIN is blocked (no tries left).
    PinBlocked,
    /// The operation needs a PIN and none is cached: ask the user, then `token.verify_pin`.
    PinRequired,
    /// The encrypted session key is not addressed to this token's decryption key.
    WrongKey,
    /// The token's key or the packet uses an algorithm the host cannot handle.
    UnsupportedAlgorithm,
    /// No password store has the given name (or its directory is missing).
    StoreNotFound,
    /// The store has no entry at the given path.
    EntryNotFound,
    /// `store.write`: the entry changed since it was read (or exists when it
    /// should not): read it again, merge, retry.
    StoreConflict,
    /// The entry is over the size the host reads (the reply would pass 1 MiB).
    EntryTooLarge,
    /// Reading or writing the store's files failed (permissions, disk full…).
    StoreIo,
    /// A bug in the host; the message says where.
    Internal,
}

/// The `error` member of a failed reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// With `pin_incorrect` from a card: PIN tries left before it locks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries_left: Option<u8>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retries_left: None,
        }
    }

    pub fn with_retries_left(mut self, retries_left: u8) -> Self {
        self.retries_left = Some(retries_left);
        self
    }
}

impl std::fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = serde_json::to_value(self.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        write!(f, "{code}: {}", self.message)
    }
}
