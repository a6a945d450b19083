//! The operations: what the bindings and the SOP tool call.
//!
//! Every private-key operation is the token's (through `tessera-host`): signing
//! ([`sign`]) and decryption ([`decrypt`]) are therefore split in two phases
//! around the asynchronous host call.
//!
//! | module | concern |
//! | --- | --- |
//! | [`keyring`] | the public keyring and its storage string |
//! | [`encrypt`] | encryption to recipients and passwords (SEIPDv1 / SEIPDv2) |
//! | [`sign`] | two-phase signing (detached, inline, cleartext) |
//! | [`decrypt`] | two-phase decryption |
//! | [`passwords`] | decryption by password (one phase) |
//! | [`verify`] | signature verification |
//! | `webcrypto` | (wasm32) encryption's and decryption's last step by the browser's WebCrypto |
//! | `decompression` | (benchmark build only) compressed data inflated by the browser's `DecompressionStream`, timed against rpgp's inflate |

#[cfg(all(target_arch = "wasm32", feature = "bench"))]
pub mod decompression;
pub mod decrypt;
pub mod encrypt;
pub mod keyring;
pub mod passwords;
pub mod sign;
pub mod verify;
#[cfg(target_arch = "wasm32")]
pub mod webcrypto;
