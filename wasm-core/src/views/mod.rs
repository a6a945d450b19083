//! The values the wasm exports hand to JavaScript and take from it, as plain
//! Rust: compiled natively too, so that the extension's TypeScript types of
//! them (`extension/src/shared/contracts/generated/core.ts`) are generated from
//! these structs by `cargo test` (`typescript.rs`, ts-rs, a native-only
//! dev-dependency) and cannot drift from what the bindings serialize.
//!
//! Field names are snake_case, as in the host protocol's generated types, except
//! in the credentials module's views (`credentials.rs` says why); enum values are
//! snake_case everywhere. `Option` crosses as `null`, bytes as a `Uint8Array`.

#[cfg(feature = "credentials")]
pub mod credentials;
#[cfg(feature = "openpgp")]
pub mod mime;
#[cfg(feature = "openpgp")]
pub mod openpgp;

#[cfg(all(
    test,
    not(target_arch = "wasm32"),
    feature = "openpgp",
    feature = "credentials"
))]
mod typescript;

use serde::{Serialize, Serializer};

/// Bytes serialised as a `Uint8Array` (serde's bytes) rather than an array of
/// numbers; borrowed, so that plaintext is not copied on its way out. Fields of
/// this type carry `ts(type = "Uint8Array")`.
#[derive(Debug, Clone, Copy)]
pub struct Bytes<'a>(pub &'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}
