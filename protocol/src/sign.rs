//! `token.sign`: a signature over a digest the caller computed.

use serde::{Deserialize, Serialize};

/// Hash algorithms as OpenPGP names them (RFC 9580, section 9.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum HashAlgorithm {
    #[serde(rename = "SHA1")]
    Sha1,
    #[serde(rename = "SHA224")]
    Sha224,
    #[serde(rename = "SHA256")]
    Sha256,
    #[serde(rename = "SHA384")]
    Sha384,
    #[serde(rename = "SHA512")]
    Sha512,
}

impl HashAlgorithm {
    /// Length in bytes of a digest of this algorithm.
    pub fn digest_len(self) -> usize {
        match self {
            HashAlgorithm::Sha1 => 20,
            HashAlgorithm::Sha224 => 28,
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SignParams {
    pub token: String,
    pub hash_algorithm: HashAlgorithm,
    /// Base64 (standard, padded) of the digest.
    pub digest: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SignResult {
    /// The signature's MPIs in OpenPGP order, each as base64 of its big-endian
    /// value without leading zero bytes (RSA: `[s]`; ECDSA and legacy EdDSA:
    /// `[r, s]`); for a v6 Ed25519 key, one element: the native 64-byte signature.
    pub signature: Vec<String>,
}
