//! `token.export_certificate`: the user's own public certificate, from the token.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ExportCertificateParams {
    /// Token id from `token.list`.
    pub token: String,
    /// Cards only, when the host must build the certificate: the User ID to
    /// bind, e.g. `"Jane Doe <jane@example.org>"`. Without it, the card's
    /// cardholder name. Ignored by the soft token (its key has its User IDs).
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub user_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ExportCertificateResult {
    /// The transferable public key, ASCII-armored.
    pub armored: String,
    /// Upper-case hex fingerprint of its primary key.
    pub fingerprint: String,
}
