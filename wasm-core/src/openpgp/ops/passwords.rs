//! Decryption by password: every password on every SKESK of the message,
//! within `Limits::passwords` (checked before any key derivation).
//!
//! No token is involved: the password itself unlocks the session key, so
//! decryption by password is one phase and never reaches `tessera-host`.

use pgp::composed::decrypt_session_key_with_password;
use pgp::types::{Password, Timestamp};

use super::decrypt::{finish, Decrypted, SessionKey};
use super::keyring::Keyring;
use crate::openpgp::crypto::skesk::{check_work, skesks};
use crate::openpgp::error::{Error, Result};
use crate::openpgp::types::Limits;

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
    // The S2K parameters are the sender's: refuse a message that asks for
    // more memory or time than `limits.passwords` allow before deriving anything.
    check_work(&packets, passwords.len(), &limits.passwords)?;
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
