//! Failures and their SOP exit codes.
//!
//! Most failures are `sop::errors::Error` values, which the `sop` crate turns
//! into exit codes. The hardware codes of the SOP draft are not in sop 0.8's
//! enum; for those tessera-sop prints the reason, stops the host and exits itself.

use sop::errors::Error as SopError;
use tessera_core::openpgp::Error as CoreError;

/// SOP `NO_HARDWARE_KEY_FOUND`: a key handle names a key no reachable token holds.
pub const NO_HARDWARE_KEY_FOUND: i32 = 97;
/// SOP `HARDWARE_KEY_FAILURE`: the token or its host failed the operation.
pub const HARDWARE_KEY_FAILURE: i32 = 101;

#[derive(Debug)]
pub enum Failure {
    Sop(SopError),
    Exit { code: i32, message: String },
}

impl Failure {
    pub fn exit(code: i32, message: String) -> Failure {
        Failure::Exit { code, message }
    }
}

impl From<SopError> for Failure {
    fn from(e: SopError) -> Self {
        Failure::Sop(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Sop(SopError::IoError(e))
    }
}

/// At the `sop` trait boundary: a SOP error, or the end of the process for the hardware codes.
pub fn to_sop(f: Failure) -> SopError {
    match f {
        Failure::Sop(e) => e,
        Failure::Exit { code, message } => {
            eprintln!("tessera-sop: {message}");
            crate::host::stop();
            std::process::exit(code)
        }
    }
}

/// A core error: its message on stderr, and the SOP error that fits.
pub fn core(e: CoreError, context: Context) -> Failure {
    eprintln!("tessera-sop: {e}");
    Failure::Sop(match (&e, context) {
        (CoreError::NoEncryptionSubkey { .. }, _) => SopError::CertCannotEncrypt,
        (CoreError::KeyExpired { .. } | CoreError::KeyRevoked { .. }, Context::Encrypt) => {
            SopError::CertCannotEncrypt
        }
        (CoreError::BadBindingSignature { .. }, Context::Encrypt) => SopError::CertCannotEncrypt,
        (CoreError::NoSigningKey { .. }, _) => SopError::KeyCannotSign,
        (
            CoreError::KeyExpired { .. }
            | CoreError::KeyRevoked { .. }
            | CoreError::BadBindingSignature { .. },
            Context::Sign,
        ) => SopError::KeyCannotSign,
        (CoreError::NotForUs { .. } | CoreError::BadSessionKey { .. }, _) => SopError::CannotDecrypt,
        (CoreError::WrongPassword { .. } | CoreError::NoPasswordRecipient, _) => SopError::CannotDecrypt,
        (CoreError::IntegrityFailure { .. }, _) => SopError::CannotDecrypt,
        (CoreError::UnauthenticatedEncryption, _) => SopError::CannotDecrypt,
        (CoreError::NoRecipients, _) => SopError::MissingArg,
        (CoreError::Unsupported { what, .. }, _) if what.contains("key") => {
            SopError::UnsupportedAsymmetricAlgo
        }
        (CoreError::InvalidArgument { .. }, Context::Sign) => SopError::ExpectedText,
        (CoreError::Internal { .. } | CoreError::BadTokenSignature { .. }, _) => SopError::UnspecifiedFailure,
        _ => SopError::BadData,
    })
}

/// What was being done, for mapping core errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Encrypt,
    Sign,
    Decrypt,
    Verify,
    Data,
}

pub fn bad_data(what: &str, detail: impl std::fmt::Display) -> Failure {
    eprintln!("tessera-sop: {what}: {detail}");
    Failure::Sop(SopError::BadData)
}
