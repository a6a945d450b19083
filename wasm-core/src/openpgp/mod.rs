//! OpenPGP for the extension, on rpgp, without private keys.
//!
//! Every private-key operation is the token's (through `tessera-host`): signing
//! ([`sign`]) and decryption ([`decrypt`]) are therefore split in two phases
//! around the asynchronous host call. Everything else happens here.
//!
//! | module | concern |
//! | --- | --- |
//! | [`error`] | the one error enum, with stable codes |
//! | [`cert`] | parsing and validating certificates |
//! | [`keyring`] | the public keyring and its storage string |
//! | [`encrypt`] | encryption to recipients (SEIPDv1 / SEIPDv2) |
//! | [`sign`] | two-phase signing (detached, inline, cleartext) |
//! | [`decrypt`] | two-phase decryption |
//! | [`verify`] | signature verification |
//! | [`message`] | the packets of a message in memory: literal, compressed, signed |
//! | [`cleartext`] | the cleartext signature framework, read and written |
//! | [`literal`] | the literal data packet, read and written (plaintext in wiped buffers) |
//! | `wiped_read` | reading data of unknown length into buffers wiped as they are outgrown |
//! | [`verified`] | the memo of self-signature checks that passed |
//! | [`packets`] | ASCII armor in and out, packet-level helpers |
//! | `armor_fast` | one-pass decoding of well-formed armor (rpgp's reader for the rest) |
//! | [`seipd_v1`] | SEIPDv1 decryption for AES, all blocks at once |
//! | [`aead_chunks`] | SEIPDv2 and GnuPG OCB decryption, chunk by chunk into one wiped buffer |
//! | [`skesk`] | password-encrypted session keys, made and opened |

pub mod aead_chunks;
mod armor_fast;
pub mod cert;
pub mod cleartext;
pub mod decrypt;
pub mod encrypt;
pub mod error;
pub mod keyring;
pub mod literal;
pub mod message;
pub mod packets;
pub mod seipd_v1;
pub mod sign;
pub mod skesk;
pub mod verified;
pub mod verify;
mod wiped_read;

pub use error::{Error, Result};
