//! Token backends behind one trait: a smart card over PC/SC, or the embedded
//! soft token. Handlers see only [`Tokens`]; adding a backend means adding a
//! module here.

pub mod algorithm_names;
pub mod card;
pub mod soft;

use std::path::PathBuf;
use std::sync::Arc;

use tessera_protocol::token::{Backend, BackendProblem, TokenInfo};
use tessera_protocol::ErrorCode;

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

pub trait TokenBackend: Send + Sync {
    fn kind(&self) -> Backend;
    /// Reads every token of this kind present now. Blocking: call it off the
    /// async workers.
    fn list(&self) -> Listing;
}

/// All backends, shared by every request.
#[derive(Clone)]
pub struct Tokens {
    backends: Arc<Vec<Box<dyn TokenBackend>>>,
}

impl Tokens {
    pub fn new(backends: Vec<Box<dyn TokenBackend>>) -> Self {
        Self {
            backends: Arc::new(backends),
        }
    }

    pub fn list_all(&self) -> (Vec<TokenInfo>, Vec<BackendProblem>) {
        let mut tokens = Vec::new();
        let mut problems = Vec::new();
        for backend in self.backends.iter() {
            let listing = backend.list();
            tokens.extend(listing.tokens);
            problems.extend(listing.problems.into_iter().map(|e| BackendProblem {
                backend: backend.kind(),
                code: e.code(),
                message: e.to_string(),
            }));
        }
        (tokens, problems)
    }
}
