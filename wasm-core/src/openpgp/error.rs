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

/// rpgp's nested errors print their Debug form, backtrace included: keep the message.
pub(crate) fn clean(mut detail: String) -> String {
    if let Some(cut) = detail.find(", backtrace: ") {
        detail.truncate(cut);
        detail.push_str(" }");
    }
    detail
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
}
