//! Password-encrypted session keys (SKESK, RFC 9580 5.3): made for
//! `ops::encrypt::prepare_for`, and found in a message for
//! `ops::passwords::decrypt_with_passwords`.

use pgp::crypto::aead::AeadAlgorithm;
use pgp::crypto::hash::HashAlgorithm;
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::packet::{Packet, PacketParser, SymKeyEncryptedSessionKey};
use pgp::types::{Password, StringToKey};

use crate::openpgp::error::{Error, Result};
use crate::openpgp::packet::armor::dearmor;
use crate::openpgp::packet::framing::write_packet;
use crate::openpgp::types::{Container, Limits};

/// The iteration count octet of the iterated and salted S2K: 224 hashes
/// 16 MiB, rpgp's default. Argon2 (RFC 9580's choice for v6 SKESKs) would
/// need 64 MiB per attempt in the extension's WebAssembly memory, and GnuPG
/// 2.2/2.4 cannot read it; iterated and salted SHA-256 is allowed in both
/// SKESK versions and read everywhere.
const S2K_COUNT: u8 = 224;

/// One SKESK packet (header included) holding `session_key` under `password`:
/// v4 for SEIPDv1, v6 (OCB, as the data) for SEIPDv2.
pub(crate) fn seal_session_key(
    session_key: &[u8],
    sym: SymmetricKeyAlgorithm,
    container: Container,
    password: &[u8],
) -> Result<Vec<u8>> {
    let mut rng = rand::rngs::OsRng;
    let s2k = StringToKey::new_iterated(&mut rng, HashAlgorithm::Sha256, S2K_COUNT);
    let password = Password::from(password);
    let key = session_key.into();
    let packet = match container {
        Container::SeipdV1 => SymKeyEncryptedSessionKey::encrypt_v4(&password, &key, s2k, sym),
        Container::SeipdV2 => {
            SymKeyEncryptedSessionKey::encrypt_v6(&mut rng, &password, &key, s2k, sym, AeadAlgorithm::Ocb)
        }
    }
    .map_err(Error::internal)?;
    let mut out = Vec::new();
    write_packet(&packet, &mut out)?;
    Ok(out)
}

/// The message's SKESKs, read up to the encrypted data.
pub(crate) fn skesks(input: &[u8], limits: &Limits) -> Result<Vec<SymKeyEncryptedSessionKey>> {
    limits.check(input.len())?;
    let (_, binary) = dearmor(input, "encrypted message")?;
    let mut found = Vec::new();
    for packet in PacketParser::new(&binary[..]) {
        match packet.map_err(|e| Error::parse("encrypted message", e))? {
            Packet::SymKeyEncryptedSessionKey(p) => found.push(p),
            Packet::PublicKeyEncryptedSessionKey(_) | Packet::Marker(_) | Packet::Padding(_) => {}
            // The encrypted data (or anything else): `finish` judges it.
            _ => break,
        }
    }
    Ok(found)
}
