//! `store.list`, `store.read`, `store.write`, `store.recipients`: the host's access to `pass`-compatible
//! password stores. The host only moves encrypted files; the wasm core decrypts,
//! parses and encrypts them.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;

/// `store.list` takes no parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreListParams {}

/// A configured store: `name` is the handle for `store.read` / `store.write`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreInfo {
    pub name: String,
    /// Absolute path of the store's root directory, as configured.
    pub path: String,
}

/// One entry: an `.gpg` file, named without its extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreEntry {
    pub store: String,
    /// `/`-separated path inside the store, without `.gpg` (e.g. `work/console.example.test`).
    pub path: String,
    /// The nearest `.gpg-id` (the entry's folder, then its parents), relative to
    /// the store root; `null` when the store has none.
    pub recipients_file: Option<String>,
}

/// A store (or part of one) that could not be listed; the rest is still listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreProblem {
    pub store: String,
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreListResult {
    pub stores: Vec<StoreInfo>,
    pub entries: Vec<StoreEntry>,
    pub problems: Vec<StoreProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreReadParams {
    /// Store name from `store.list`.
    pub store: String,
    /// Entry path from `store.list` (no `.gpg`).
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreReadResult {
    /// Base64 of the `.gpg` file's bytes, exactly as stored.
    pub ciphertext: String,
    /// Key ids or fingerprints from the nearest `.gpg-id`, in file order.
    pub recipients: Vec<String>,
    /// The nearest `.gpg-id`, relative to the store root; `null` when there is none.
    pub recipients_file: Option<String>,
    /// Lower-case hex SHA-256 of the file: pass it as `expect_previous` to `store.write`.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreWriteParams {
    pub store: String,
    pub path: String,
    /// Base64 of the OpenPGP message to store.
    pub ciphertext: String,
    /// SHA-256 (hex) of the version this write replaces, from `store.read`;
    /// `null` (or absent) when the entry must not exist yet.
    #[serde(default)]
    pub expect_previous: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreWriteResult {
    /// Always true: the new version is on disk (fsynced) under its name.
    pub written: bool,
    /// SHA-256 (hex) of what was written: the next write's `expect_previous`.
    pub sha256: String,
}

/// `store.recipients`: who a new entry at `path` would be encrypted to (the
/// entry need not exist; its folders need not exist either).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreRecipientsParams {
    pub store: String,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreRecipientsResult {
    /// Key ids or fingerprints from the nearest `.gpg-id`, in file order.
    pub recipients: Vec<String>,
    /// The nearest `.gpg-id`, relative to the store root; `null` when there is none.
    pub recipients_file: Option<String>,
}

/// `store.init`: makes `store`'s folder a `pass` store encrypted to
/// `recipients` (its root `.gpg-id`), as `pass init` does; the folder is
/// created when missing. A store whose `.gpg-id` already names exactly these
/// recipients is left as it is; one naming others is `store_conflict`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreInitParams {
    /// Store name from `store.list` (its folder need not exist).
    pub store: String,
    /// Fingerprints, key ids or e-mail addresses, one `.gpg-id` line each.
    pub recipients: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StoreInitResult {
    /// False when the store already had this `.gpg-id` (nothing was written).
    pub created: bool,
    /// Absolute path of the store's root, as configured.
    pub path: String,
    /// Always `.gpg-id`: the recipients file of the store's root.
    pub recipients_file: String,
}
