//! Secret keys refused before anything is parsed: this core never holds
//! private key material.

use pgp::packet::Packet;
use pgp::types::KeyDetails;

use super::names::fpr_hex;
use crate::openpgp::error::{Error, Result};
use crate::openpgp::packet::framing::{frame, read_one};

/// Refuses input that holds a secret key or subkey packet, naming the key,
/// before any key is put together from the packets.
///
/// Why before: rpgp's parser for whole secret keys (`SignedSecretKey`) would
/// be in the wasm only to say no, and would hold the secret material in
/// structures of its own meanwhile. A packet this walk cannot frame is left
/// to rpgp's parser, which says what is wrong with it.
pub(super) fn refuse_secret_keys(bytes: &[u8], what: &'static str) -> Result<()> {
    let mut offset = 0;
    while offset < bytes.len() {
        let Ok(framed) = frame(bytes, offset, what) else {
            return Ok(());
        };
        offset += framed.packet.len();
        if !matches!(framed.tag, 5 | 7) {
            continue;
        }
        // A secret key rpgp cannot read (an unknown algorithm) is refused all the same.
        let fingerprint = match read_one(framed.packet, what) {
            Ok(Packet::SecretKey(k)) => fpr_hex(&k.fingerprint()),
            Ok(Packet::SecretSubkey(k)) => fpr_hex(&k.fingerprint()),
            _ => String::from("(unreadable)"),
        };
        return Err(Error::SecretKeyRefused { fingerprint });
    }
    Ok(())
}
