//! OpenPGP for the extension, on rpgp, without private keys.
//!
//! Layers, lowest first; a module imports only from its own layer or lower
//! ones (`tests/layers.rs` fails otherwise):
//!
//! | layer | concern |
//! | --- | --- |
//! | [`error`], [`types`] | the one error enum; types every layer names (`Limits`, `Container`, `SignedAs`) |
//! | [`packet`] | armor, packet framing, literal data, messages in memory, the cleartext framework |
//! | [`crypto`] | SEIPDv1 and AEAD decryption, password-encrypted session keys |
//! | [`cert`] | certificates: parsing, secret-key refusal, validity at a time, names and dates |
//! | [`ops`] | keyring, encrypt, decrypt, sign, verify, decryption by password, the WebCrypto step |
//!
//! Above them, outside this module: `bindings_openpgp` (wasm-bindgen) and
//! `tessera-sop` (native).

pub mod error;
pub mod types;

pub mod packet;

pub mod crypto;

pub mod cert;

pub mod ops;

pub use error::{Error, Result};
