//! Password-encrypted session keys (SKESK, RFC 9580 5.3): made by
//! [`super::encrypt::prepare_for`], opened by [`decrypt_with_passwords`].
//!
//! No token is involved: the password itself unlocks the session key, so
//! decryption by password is one phase and never reaches `tessera-host`.

use pgp::composed::decrypt_session_key_with_password;
use pgp::crypto::aead::AeadAlgorithm;
use pgp::crypto::hash::HashAlgorithm;
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::packet::{Packet, PacketParser, SymKeyEncryptedSessionKey};
use pgp::types::{Password, StringToKey, Timestamp};

use super::decrypt::{finish, Decrypted, Limits, SessionKey};
use super::encrypt::Container;
use super::error::{Error, Result};
use super::keyring::Keyring;
use super::packets::{dearmor, write_packet};

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
fn skesks(input: &[u8], limits: &Limits) -> Result<Vec<SymKeyEncryptedSessionKey>> {
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

/// Decrypts a message with one of `passwords` (each tried on every SKESK, in
/// order). Returns the plaintext and the session key that opened it.
///
/// A v4 SKESK has no integrity check of its own: a wrong password yields a
/// random "session key" that only the encrypted data can reject. So every
/// candidate goes through [`finish`], which releases nothing unless the
/// whole message authenticates; the first that does wins.
pub fn decrypt_with_passwords(
    input: &[u8],
    passwords: &[&[u8]],
    keyring: &Keyring,
    limits: &Limits,
    now: Timestamp,
) -> Result<(Decrypted, SessionKey)> {
    let packets = skesks(input, limits)?;
    if packets.is_empty() {
        return Err(Error::NoPasswordRecipient);
    }
    let mut last_error = None;
    for password in passwords {
        let password = Password::from(*password);
        for packet in &packets {
            let Ok(plain) = decrypt_session_key_with_password(packet, &password) else {
                continue;
            };
            let key = SessionKey::from(&plain);
            let returned = SessionKey {
                symmetric_algorithm: key.symmetric_algorithm,
                key: key.key.clone(),
            };
            match finish(input, key, keyring, limits, now) {
                Ok(d) => return Ok((d, returned)),
                // A wrong password through a v4 SKESK, or damaged data: try the others.
                Err(e @ (Error::IntegrityFailure { .. } | Error::BadSessionKey { .. })) => {
                    last_error = Some(e)
                }
                Err(e) => return Err(e),
            }
        }
    }
    // A session key that unwrapped but did not authenticate the data is far
    // more likely a damaged message than a wrong password that happened to
    // give a well-formed key (about 1 in 256 × the key-size check for v4,
    // never for v6's AEAD-protected SKESK): report that.
    Err(last_error.unwrap_or(Error::WrongPassword {
        passwords: passwords.len(),
        skesks: packets.len(),
    }))
}
