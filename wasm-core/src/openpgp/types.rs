//! Types shared by every layer of `openpgp`: they sit at the bottom, so that
//! a lower layer never has to import an operation to name them.

use pgp::packet::{Signature, SignatureType};
use serde::Serialize;

use super::error::{Error, Result};

/// Size limits for untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, and largest plaintext released.
    pub max_message_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 * 1024 * 1024,
        }
    }
}

impl Limits {
    pub(crate) fn check(&self, size: usize) -> Result<()> {
        if size > self.max_message_bytes {
            return Err(Error::TooLarge {
                size,
                limit: self.max_message_bytes,
            });
        }
        Ok(())
    }
}

/// Which encryption container was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Container {
    SeipdV1,
    SeipdV2,
}

/// How the data is hashed: as bytes (signature type 0x00), or as text
/// (type 0x01: line endings normalised to CRLF before hashing, RFC 9580 5.2.1.2,
/// so the signature survives a change between LF and CRLF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SignedAs {
    Binary,
    Text,
}

impl SignedAs {
    /// How a data signature hashed its data (anything but type text counts as binary).
    pub fn of(sig: &Signature) -> Self {
        if sig.typ() == Some(SignatureType::Text) {
            SignedAs::Text
        } else {
            SignedAs::Binary
        }
    }
}
