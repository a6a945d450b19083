//! The packet layer: bytes in and out, no keys and no ciphers.
//!
//! | module | concern |
//! | --- | --- |
//! | [`armor`] | ASCII armor in and out |
//! | `armor_fast` | one-pass decoding of well-formed armor (rpgp's reader for the rest) |
//! | [`framing`] | packets with their headers: written, read, framed without copying, walked to the encrypted data |
//! | [`literal`] | the literal data packet, read and written (plaintext in wiped buffers) |
//! | [`message`] | the packets of a message in memory: literal, compressed, signed |
//! | [`cleartext`] | the cleartext signature framework, read and written |
//! | `wiped_read` | reading data of unknown length into buffers wiped as they are outgrown |

pub mod armor;
mod armor_fast;
pub mod cleartext;
pub mod framing;
pub mod literal;
pub mod message;
pub(crate) mod wiped_read;
