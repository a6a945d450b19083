//! `token.decrypt_session_key`: the private-key half of decrypting a message.

use serde::{Deserialize, Serialize};

use crate::secret::SecretText;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DecryptSessionKeyParams {
    pub token: String,
    /// Base64 of the whole PKESK packet, header included.
    pub pkesk: String,
    /// Base64 of the recipient's public (sub)key packet, header included: its
    /// fingerprint and KDF parameters are needed to unwrap ECDH session keys.
    pub recipient_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DecryptSessionKeyResult {
    /// The symmetric algorithm id from a v3 PKESK (e.g. 9 = AES-256); `null`
    /// for a v6 PKESK, where the encrypted data packet names it.
    pub symmetric_algorithm: Option<u8>,
    /// Base64 of the session key.
    #[cfg_attr(test, ts(type = "string"))]
    pub session_key: SecretText,
}
