//! The one error type of the OpenPGP layer.
//!
//! Every variant has a stable snake_case [`Error::code`] that the extension maps
//! to localized text, and an English message that names what was wrong, with
//! enough detail (fingerprint, date, reason) for a person to act on.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    /// Input that is not OpenPGP data at all, or broken at the packet level.
    #[error("malformed {what}: {detail}")]
    Malformed { what: &'static str, detail: String },

    /// Input that ends before the data it announces.
    #[error("truncated {what}: the data ends early ({detail})")]
    Truncated { what: &'static str, detail: String },

    #[error("the input is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },

    #[error("no certificate found in the input")]
    NoCertificate,

    #[error("the input holds a secret key ({fingerprint}); only public keys may be stored")]
    SecretKeyRefused { fingerprint: String },

    #[error("key {fingerprint} expired on {date}")]
    KeyExpired { fingerprint: String, date: String },

    #[error("key {fingerprint} is revoked: {reason}")]
    KeyRevoked { fingerprint: String, reason: String },

    #[error("key {fingerprint} has no encryption subkey{detail}")]
    NoEncryptionSubkey { fingerprint: String, detail: String },

    #[error("key {fingerprint} has no usable signing key{detail}")]
    NoSigningKey { fingerprint: String, detail: String },

    #[error("key {fingerprint}: bad binding signature ({detail})")]
    BadBindingSignature { fingerprint: String, detail: String },

    #[error("no key {fingerprint} in the keyring")]
    KeyNotFound { fingerprint: String },

    #[error("no recipients: a message needs at least one recipient key or password")]
    NoRecipients,

    #[error("unsupported {what}: {detail}")]
    Unsupported { what: &'static str, detail: String },

    #[error("the message is not encrypted")]
    NotEncrypted,

    #[error("the message is not encrypted to any of your keys; it is for {recipients}")]
    NotForUs { recipients: String },

    #[error(
        "refused: the message uses the unauthenticated Symmetrically Encrypted Data packet \
         (no integrity protection, open to EFAIL-style tampering); ask the sender to upgrade"
    )]
    UnauthenticatedEncryption,

    #[error("the message was modified or damaged: {detail}; nothing was decrypted")]
    IntegrityFailure { detail: String },

    #[error(
        "none of the {passwords} password candidate(s) opens the message's {skesks} password-encrypted \
         session key(s): check the password"
    )]
    WrongPassword { passwords: usize, skesks: usize },

    #[error("the message is not encrypted to a password: decrypt it with a key")]
    NoPasswordRecipient,

    /// A password-encrypted message that asks for more key-derivation work
    /// (Argon2 memory or passes, iterated-hash count, number of SKESKs) than
    /// `types::PasswordLimits` allows: refused before any derivation runs.
    #[error(
        "refused to try the password: {detail}; ask the sender to encrypt the message again \
         with standard settings"
    )]
    PasswordWorkRefused { detail: String },

    #[error("the session key from the token does not fit the message: {detail}")]
    BadSessionKey { detail: String },

    #[error("the token's signature is not valid for key {fingerprint}: {detail}")]
    BadTokenSignature { fingerprint: String, detail: String },

    #[error("invalid signing state: {detail}")]
    BadSigningState { detail: String },

    #[error("invalid argument: {detail}")]
    InvalidArgument { detail: String },

    #[error("OpenPGP operation failed: {detail}")]
    Internal { detail: String },
}

impl Error {
    /// The stable code the extension keys its messages on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Malformed { .. } => "malformed",
            Error::Truncated { .. } => "truncated",
            Error::TooLarge { .. } => "too_large",
            Error::NoCertificate => "no_certificate",
            Error::SecretKeyRefused { .. } => "secret_key_refused",
            Error::KeyExpired { .. } => "key_expired",
            Error::KeyRevoked { .. } => "key_revoked",
            Error::NoEncryptionSubkey { .. } => "no_encryption_subkey",
            Error::NoSigningKey { .. } => "no_signing_key",
            Error::BadBindingSignature { .. } => "bad_binding_signature",
            Error::KeyNotFound { .. } => "key_not_found",
            Error::NoRecipients => "no_recipients",
            Error::Unsupported { .. } => "unsupported",
            Error::NotEncrypted => "not_encrypted",
            Error::NotForUs { .. } => "not_for_us",
            Error::UnauthenticatedEncryption => "unauthenticated_encryption",
            Error::IntegrityFailure { .. } => "integrity_failure",
            Error::WrongPassword { .. } => "wrong_password",
            Error::NoPasswordRecipient => "no_password_recipient",
            Error::PasswordWorkRefused { .. } => "password_work_refused",
            Error::BadSessionKey { .. } => "bad_session_key",
            Error::BadTokenSignature { .. } => "bad_token_signature",
            Error::BadSigningState { .. } => "bad_signing_state",
            Error::InvalidArgument { .. } => "invalid_argument",
            Error::Internal { .. } => "internal",
        }
    }

    /// Classifies an rpgp parse error: input cut short is `truncated`, the rest `malformed`.
    pub(crate) fn parse(what: &'static str, err: impl std::fmt::Display) -> Error {
        let detail = clean(err.to_string());
        if looks_truncated(&detail) {
            Error::Truncated { what, detail }
        } else {
            Error::Malformed { what, detail }
        }
    }

    pub(crate) fn internal(err: impl std::fmt::Display) -> Error {
        Error::Internal {
            detail: clean(err.to_string()),
        }
    }
}

/// The longest detail kept from another library's error text, in characters.
/// rpgp's messages that matter ("unsupported hash algorithm", "invalid
/// packet length") fit in far less; only echoed input runs longer.
pub(crate) const MAX_DETAIL_CHARS: usize = 160;

/// What stands for what was cut. Written as an escape: `tests/layers.rs`
/// reads only ASCII char literals.
const ELLIPSIS: char = '\u{2026}';

/// Runs of this many hex digits or more are data (a salt, a packet's bytes
/// in hex), not words of a message.
const MAX_HEX_RUN: usize = 16;

/// rpgp's error text made safe to show: its nested errors print their Debug
/// form, which carries the backtrace and the input itself (the armor reader's
/// error lists the rest of the input as decimal bytes: 28 KB in, 112 KB of
/// error, a signed message's cleartext included). Every `[…]` list, quoted
/// string and long hex run is replaced by `…`, control characters by a space,
/// and the result is cut at [`MAX_DETAIL_CHARS`]. Every rpgp error that
/// becomes a message goes through here ([`Error::parse`], [`Error::internal`]
/// and the `detail`s that name an rpgp error).
pub(crate) fn clean(detail: String) -> String {
    let text = match detail.find(", backtrace: ") {
        Some(cut) => &detail[..cut],
        None => &detail[..],
    };
    let mut out = String::with_capacity(text.len().min(MAX_DETAIL_CHARS + 8));
    let mut chars = text.chars().peekable();
    let mut hex_run = String::new();
    let flush_hex = |run: &mut String, out: &mut String| {
        if run.chars().count() >= MAX_HEX_RUN {
            out.push(ELLIPSIS);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    while let Some(c) = chars.next() {
        if c.is_ascii_hexdigit() {
            hex_run.push(c);
            continue;
        }
        flush_hex(&mut hex_run, &mut out);
        match c {
            '[' => {
                // Skip to the matching bracket (or the end): a list is data.
                let mut depth = 1usize;
                for n in chars.by_ref() {
                    match n {
                        '[' => depth += 1,
                        ']' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        break;
                    }
                }
                out.push_str("[…]");
            }
            '"' => {
                let mut escaped = false;
                for n in chars.by_ref() {
                    match (escaped, n) {
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => escaped = false,
                    }
                }
                out.push_str("\"…\"");
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        if out.chars().count() > MAX_DETAIL_CHARS {
            break;
        }
    }
    flush_hex(&mut hex_run, &mut out);
    if out.chars().count() > MAX_DETAIL_CHARS {
        out = out.chars().take(MAX_DETAIL_CHARS).collect();
        out.push(ELLIPSIS);
    }
    out
}

/// Text taken from the input on purpose (a revocation reason a key's owner
/// wrote): shown, but on one line and no longer than [`MAX_DETAIL_CHARS`].
pub(crate) fn capped(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_DETAIL_CHARS)
        .collect();
    if text.chars().nth(MAX_DETAIL_CHARS).is_some() {
        out.push(ELLIPSIS);
    }
    out
}

fn looks_truncated(detail: &str) -> bool {
    let d = detail.to_ascii_lowercase();
    d.contains("eof")
        || d.contains("end of file")
        || d.contains("incomplete")
        || d.contains("not enough")
        || d.contains("too short")
        || d.contains("unexpected end")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_messages_name_the_problem() {
        let e = Error::KeyExpired {
            fingerprint: "AB".into(),
            date: "2025-03-01".into(),
        };
        assert_eq!(e.code(), "key_expired");
        assert_eq!(e.to_string(), "key AB expired on 2025-03-01");
        let e = Error::KeyRevoked {
            fingerprint: "AB".into(),
            reason: "key compromised".into(),
        };
        assert_eq!(e.to_string(), "key AB is revoked: key compromised");
        assert!(Error::parse("message", "unexpected EOF").code() == "truncated");
        assert!(Error::parse("message", "invalid tag").code() == "malformed");
    }

    #[test]
    fn rpgp_details_carry_no_input_and_stay_short() {
        // rpgp's armor reader: the rest of the input as a decimal byte list.
        let echoed = format!(
            "failed reading: armor footer Error(Error {{ input: [{}], code: Tag }})",
            "83, 69, 67, 82, 69, 84, ".repeat(5000)
        );
        let e = Error::parse("message", echoed);
        assert_eq!(
            e.to_string(),
            "malformed message: failed reading: armor footer Error(Error { input: […], code: Tag })"
        );
        // Quoted text, hex runs, control characters, the backtrace.
        let d = clean("bad \"SECRET \\\" text\" salt 0123456789abcdef0123 ok\n, backtrace: x".into());
        assert_eq!(d, "bad \"…\" salt … ok ");
        // Short words and numbers stay: they are the message.
        assert_eq!(
            clean("unsupported hash algorithm 11".into()),
            "unsupported hash algorithm 11"
        );
        // Anything else is cut.
        let long = clean("word ".repeat(1000));
        assert!(long.chars().count() <= MAX_DETAIL_CHARS + 1, "{long}");
        assert!(long.ends_with(ELLIPSIS));
        assert_eq!(capped("reason\nwith a newline"), "reason with a newline");
    }
}
