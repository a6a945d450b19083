//! Token backends behind one trait: a smart card over PC/SC, or the embedded
//! soft token. Handlers see only [`Tokens`]; adding a backend means adding a
//! module here.

pub mod algorithm_names;
pub mod card;
pub mod pin_cache;
pub mod session_key;
pub mod soft;

use std::path::PathBuf;
use std::sync::Arc;

use pgp::composed::PlainSessionKey;
use secrecy::SecretString;
use tessera_protocol::pin::PinPurpose;
use tessera_protocol::sign::HashAlgorithm;
use tessera_protocol::token::{Backend, BackendProblem, TokenInfo};
use tessera_protocol::{excerpt, ErrorBody, ErrorCode};

use self::pin_cache::PinCache;
use self::session_key::EncryptedSessionKey;

/// What went wrong reaching a token. Messages say what the user can do.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("cannot reach the PC/SC service (pcscd): is it installed and running? ({0})")]
    PcscUnavailable(String),
    #[error("the card in `{reader}` could not be read: {reason}")]
    Card { reader: String, reason: String },
    #[error("the soft token key file {path} is corrupt: {reason}")]
    SoftCorrupt { path: PathBuf, reason: String },
    #[error("the soft token key file {path} cannot be read: {reason}")]
    SoftUnreadable { path: PathBuf, reason: String },
}

impl TokenError {
    pub fn code(&self) -> ErrorCode {
        match self {
            TokenError::PcscUnavailable(_) => ErrorCode::PcscUnavailable,
            TokenError::Card { .. } => ErrorCode::CardError,
            TokenError::SoftCorrupt { .. } | TokenError::SoftUnreadable { .. } => ErrorCode::SoftTokenError,
        }
    }
}

/// What one backend found: the tokens it could read, and what it could not.
#[derive(Debug, Default)]
pub struct Listing {
    pub tokens: Vec<TokenInfo>,
    pub problems: Vec<TokenError>,
}

/// A token's public certificate, as `token.export_certificate` returns it.
pub struct ExportedCertificate {
    pub armored: String,
    /// Upper-case hex fingerprint of the primary key.
    pub fingerprint: String,
}

/// A PIN the token accepted, and where the token was (for the removal watch).
pub struct Verified {
    pub reader: Option<String>,
}

/// Private-key operations take the PIN from the cache themselves, under the
/// backend's lock, so that a PIN the token rejects is tried exactly once: the
/// backend drops it with [`PinCache::forget_rejected`] before the next request
/// can read it. Every method blocks: call them off the async workers.
pub trait TokenBackend: Send + Sync {
    fn kind(&self) -> Backend;
    /// Reads every token of this kind present now.
    fn list(&self) -> Listing;
    /// True if `token` is an id of this backend's kind (`card:…`, `soft:…`).
    fn owns(&self, token: &str) -> bool;
    /// Checks `pin` once against the token (never retried).
    fn verify_pin(&self, token: &str, pin: &SecretString, purpose: PinPurpose)
        -> Result<Verified, ErrorBody>;
    /// Signs a digest with the token's signing key; returns the MPIs.
    fn sign(
        &self,
        token: &str,
        pins: &PinCache,
        hash: HashAlgorithm,
        digest: &[u8],
    ) -> Result<Vec<Vec<u8>>, ErrorBody>;
    /// Recovers the session key of a PKESK addressed to the token's decryption key.
    fn decrypt_session_key(
        &self,
        token: &str,
        pins: &PinCache,
        esk: &EncryptedSessionKey,
    ) -> Result<PlainSessionKey, ErrorBody>;
    /// The token's public certificate (transferable public key), armored, and
    /// its primary fingerprint. A card without a stored certificate has one
    /// built and signed on it, which needs the PIN (`user_id`: the User ID to bind).
    fn export_certificate(
        &self,
        token: &str,
        pins: &PinCache,
        user_id: Option<&str>,
    ) -> Result<ExportedCertificate, ErrorBody>;
    /// Whether a token whose PIN is cached is still reachable, without talking
    /// to it (cards: is a card still in `reader`). Must be cheap.
    fn still_present(&self, _token: &str, _reader: Option<&str>) -> bool {
        true
    }
    /// The card backend, for the `card.*` set-up methods no other token has.
    fn as_card(&self) -> Option<&card::CardBackend> {
        None
    }
}

pub fn pin_required(token: &str) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::PinRequired,
        format!(
            "`{}` needs its PIN: none is cached (ask the user, then call token.verify_pin)",
            excerpt(token)
        ),
    )
}

pub fn token_not_found(token: &str) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::TokenNotFound,
        format!(
            "no token `{}` is present; plug it in or refresh the token list",
            excerpt(token)
        ),
    )
}

/// An OpenPGP library error fit for a reply: its own short message, never the
/// `Debug` dump some of rpgp's errors print (nested structs, a backtrace with
/// the build machine's paths, pieces of the packet that was parsed).
pub fn library_detail(e: &impl std::fmt::Display) -> String {
    let text = e.to_string();
    // rpgp's "Invalid Packet Content Message { message: \"…\", backtrace: … }":
    // the quoted message is the useful part.
    let detail = match text.split_once("message: \"") {
        Some((_, rest)) => rest.split('"').next().unwrap_or(""),
        None => text.split(" {").next().unwrap_or(""),
    };
    detail.lines().next().unwrap_or("").chars().take(120).collect()
}

/// All backends and the PIN cache, shared by every request.
#[derive(Clone)]
pub struct Tokens {
    backends: Arc<Vec<Box<dyn TokenBackend>>>,
    pins: Arc<PinCache>,
}

impl Tokens {
    pub fn new(backends: Vec<Box<dyn TokenBackend>>, pins: PinCache) -> Self {
        Self {
            backends: Arc::new(backends),
            pins: Arc::new(pins),
        }
    }

    pub fn pins(&self) -> &PinCache {
        &self.pins
    }

    fn backend_for(&self, token: &str) -> Result<&dyn TokenBackend, ErrorBody> {
        self.backends
            .iter()
            .find(|b| b.owns(token))
            .map(|b| b.as_ref())
            .ok_or_else(|| token_not_found(token))
    }

    /// Verifies `pin` on the token (once) and caches it; returns the seconds it stays cached.
    pub fn verify_pin(&self, token: &str, pin: SecretString, purpose: PinPurpose) -> Result<u64, ErrorBody> {
        let backend = self.backend_for(token)?;
        match backend.verify_pin(token, &pin, purpose) {
            Ok(verified) => Ok(if self.pins.store(token, pin, verified.reader) {
                self.pins.ttl().as_secs()
            } else {
                0
            }),
            Err(e) => {
                // A card that left during the verification takes its cached
                // PIN with it, as during any other operation.
                if matches!(
                    e.code,
                    ErrorCode::PinIncorrect | ErrorCode::PinBlocked | ErrorCode::CardRemoved
                ) {
                    self.pins.forget(token);
                }
                Err(e)
            }
        }
    }

    pub fn sign(&self, token: &str, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<Vec<u8>>, ErrorBody> {
        self.backend_for(token)?.sign(token, &self.pins, hash, digest)
    }

    pub fn decrypt_session_key(
        &self,
        token: &str,
        esk: &EncryptedSessionKey,
    ) -> Result<PlainSessionKey, ErrorBody> {
        self.backend_for(token)?
            .decrypt_session_key(token, &self.pins, esk)
    }

    pub fn export_certificate(
        &self,
        token: &str,
        user_id: Option<&str>,
    ) -> Result<ExportedCertificate, ErrorBody> {
        self.backend_for(token)?
            .export_certificate(token, &self.pins, user_id)
    }

    /// The card backend that owns `token`, for `card.*`; a clear refusal for a soft token.
    pub fn card(&self, token: &str) -> Result<&card::CardBackend, ErrorBody> {
        self.backend_for(token)?.as_card().ok_or_else(|| {
            ErrorBody::new(
                ErrorCode::InvalidParams,
                format!(
                    "`{}` is not a card: card set-up applies to OpenPGP cards only",
                    excerpt(token)
                ),
            )
        })
    }

    /// Drops cached PINs that expired or whose token went away; returns the
    /// tokens dropped because they went away.
    pub fn sweep_pins(&self) -> Vec<String> {
        let mut gone = Vec::new();
        for (token, reader) in self.pins.sweep() {
            let present = self
                .backends
                .iter()
                .find(|b| b.owns(&token))
                .is_some_and(|b| b.still_present(&token, reader.as_deref()));
            if !present && self.pins.forget(&token) {
                gone.push(token);
            }
        }
        gone
    }

    pub fn list_all(&self) -> (Vec<TokenInfo>, Vec<BackendProblem>) {
        let mut tokens = Vec::new();
        let mut problems = Vec::new();
        for backend in self.backends.iter() {
            let listing = backend.list();
            tokens.extend(listing.tokens.into_iter().map(|mut t| {
                t.pin_cached = self.pins.is_cached(&t.id);
                t
            }));
            problems.extend(listing.problems.into_iter().map(|e| BackendProblem {
                backend: backend.kind(),
                code: e.code(),
                message: e.to_string(),
            }));
        }
        (tokens, problems)
    }
}
