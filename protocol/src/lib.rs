//! The one definition of the messages exchanged between the Tessera extension
//! and `tessera-host` over native messaging. `PROTOCOL.md` is the prose contract;
//! every JSON example in it is parsed by this crate's tests, so the two cannot
//! drift apart silently.
//!
//! Both sides use this crate: the host to decode requests and encode replies, the
//! wasm core (in the extension) to build requests and check replies (each reply
//! as the result of the method its request asked for: `ResponseFrame::decode`).
//! The frames they travel in (length prefix, size limits) are [`framing`], used
//! by the host and by `tessera-sop`.
//! The extension's TypeScript types and constants are generated from these
//! (`typescript.rs`, ts-rs, a dev-dependency) and checked by `cargo test`.

pub mod card;
pub mod certificate;
pub mod constants;
pub mod decrypt;
pub mod duplicate_keys;
pub mod envelope;
pub mod error;
pub mod framing;
pub mod hello;
pub mod pin;
pub mod secret;
pub mod sign;
pub mod store;
pub mod token;

#[cfg(test)]
mod ts_file;
#[cfg(test)]
mod typescript;

pub use constants::*;
pub use envelope::{decode_request, Outcome, Request, RequestFrame, RequestId, ResponseFrame, ResultBody};
pub use error::{excerpt, ErrorBody, ErrorCode};
pub use secret::SecretText;
