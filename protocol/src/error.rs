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
    /// A card answered with an error.
    CardError,
    /// The card left its reader (or stopped answering) during the operation:
    /// insert it and try again. Its cached PIN was dropped.
    CardRemoved,
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
    /// The host has more store work in hand than it takes at once: the
    /// request was not started; try again in a moment.
    HostBusy,
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

/// Longest `message` an error carries, in bytes. Messages name what was wrong,
/// not the data: quoting is left to [`excerpt`], and this cap is the backstop
/// for a message that still grew with its input (a long file path, a library's
/// error text), so that a refusal is never larger than a line or two.
pub const MAX_ERROR_MESSAGE_BYTES: usize = 512;

/// Longest piece of a request that an error message quotes, in characters.
pub const MAX_EXCERPT_CHARS: usize = 48;

/// A piece of a request fit to quote in an error message: control characters
/// and quotes escaped, cut to [`MAX_EXCERPT_CHARS`] with `…`. For names the
/// sender chose (a method, a store, an entry path), never for data.
pub fn excerpt(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MAX_EXCERPT_CHARS)
        .collect::<String>()
        .escape_debug()
        .collect();
    if text.chars().nth(MAX_EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

impl ErrorBody {
    /// An error with `message` cut to [`MAX_ERROR_MESSAGE_BYTES`].
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if message.len() > MAX_ERROR_MESSAGE_BYTES {
            let mut cut = MAX_ERROR_MESSAGE_BYTES - '…'.len_utf8();
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        Self {
            code,
            message,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        let e = ErrorBody::new(ErrorCode::StoreIo, "é".repeat(2000));
        assert!(e.message.len() <= MAX_ERROR_MESSAGE_BYTES, "{}", e.message.len());
        assert!(e.message.ends_with('…'));
        assert_eq!(ErrorBody::new(ErrorCode::StoreIo, "short").message, "short");
    }

    #[test]
    fn excerpts_are_escaped_and_capped() {
        assert_eq!(excerpt("work/site"), "work/site");
        assert_eq!(excerpt("a\nb`"), "a\\nb`");
        assert_eq!(excerpt("line\nbreak"), "line\\nbreak");
        assert_eq!(excerpt("tab\there"), "tab\\there");
        let long = "x".repeat(1000);
        assert_eq!(excerpt(&long), format!("{}…", "x".repeat(MAX_EXCERPT_CHARS)));
    }
}
