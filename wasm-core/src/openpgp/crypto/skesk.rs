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
use crate::openpgp::types::{Container, Limits, PasswordLimits};

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

/// The work one password costs on `packet`, in bytes (hashed for an iterated
/// S2K, memory × passes for Argon2), or the refusal when its S2K asks for more
/// than `limits` allow. Nothing is derived here: this is read from the S2K's
/// parameters, so a hostile SKESK is refused before it costs anything.
pub(crate) fn derivation_cost(packet: &SymKeyEncryptedSessionKey, limits: &PasswordLimits) -> Result<u64> {
    let refused = |detail: String| Err(Error::PasswordWorkRefused { detail });
    match packet.s2k() {
        // Unsupported SKESK versions and S2K types: rpgp refuses them without work.
        None => Ok(0),
        Some(StringToKey::IteratedAndSalted { count, .. }) => {
            let count = iterated_count(*count);
            if count > limits.max_iterated_count {
                return refused(format!(
                    "its iterated S2K hashes {count} bytes, over the limit of {}",
                    limits.max_iterated_count
                ));
            }
            Ok(u64::from(count))
        }
        Some(StringToKey::Argon2 { t, p, m_enc, .. }) => {
            // m = 2^m_enc KiB; the octet can say up to 2^255.
            let memory_kib = 1u64.checked_shl(u32::from(*m_enc)).filter(|_| *m_enc < 64);
            match memory_kib {
                Some(m) if m <= u64::from(limits.max_argon2_memory_kib) => {}
                _ => {
                    return refused(format!(
                        "its Argon2 S2K asks for 2^{m_enc} KiB of memory, over the limit of {} MiB",
                        limits.max_argon2_memory_kib / 1024
                    ))
                }
            }
            if *t > limits.max_argon2_passes {
                return refused(format!(
                    "its Argon2 S2K asks for {t} passes, over the limit of {}",
                    limits.max_argon2_passes
                ));
            }
            if *p > limits.max_argon2_parallelism {
                return refused(format!(
                    "its Argon2 S2K asks for {p} lanes, over the limit of {}",
                    limits.max_argon2_parallelism
                ));
            }
            let memory_kib = memory_kib.unwrap_or(u64::MAX);
            Ok(memory_kib.saturating_mul(1024).saturating_mul(u64::from(*t)))
        }
        // Simple and salted S2Ks hash the password once; reserved, private and
        // unknown ones fail in rpgp without deriving anything.
        Some(_) => Ok(0),
    }
}

/// RFC 9580 3.7.1.3: the coded count octet as the number of bytes hashed.
fn iterated_count(coded: u8) -> u32 {
    (16u32 + u32::from(coded & 15)) << (u32::from(coded >> 4) + 6)
}

/// Refuses a message whose SKESKs ask for more work than `limits` allow with
/// `passwords` candidates: too many SKESKs, one S2K over its caps, or the
/// total (every password on every SKESK, the worst case) over the budget.
pub(crate) fn check_work(
    packets: &[SymKeyEncryptedSessionKey],
    passwords: usize,
    limits: &PasswordLimits,
) -> Result<()> {
    if packets.len() > limits.max_skesks {
        return Err(Error::PasswordWorkRefused {
            detail: format!(
                "the message has {} password-encrypted session keys, over the limit of {}",
                packets.len(),
                limits.max_skesks
            ),
        });
    }
    let mut total = 0u64;
    for packet in packets {
        total = total.saturating_add(derivation_cost(packet, limits)?);
    }
    let total = total.saturating_mul(u64::try_from(passwords).unwrap_or(u64::MAX));
    if total > limits.max_work_bytes {
        return Err(Error::PasswordWorkRefused {
            detail: format!(
                "trying {passwords} password(s) on its {} password-encrypted session key(s) \
                 would take {} MiB of key-derivation work, over the limit of {} MiB",
                packets.len(),
                total / (1024 * 1024),
                limits.max_work_bytes / (1024 * 1024)
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skesk(s2k: StringToKey) -> SymKeyEncryptedSessionKey {
        let mut body = vec![4u8, 9];
        pgp::ser::Serialize::to_writer(&s2k, &mut body).expect("serialize");
        let mut packet = vec![0x8c, u8::try_from(body.len()).expect("short")];
        packet.extend_from_slice(&body);
        match PacketParser::new(&packet[..]).next() {
            Some(Ok(Packet::SymKeyEncryptedSessionKey(p))) => p,
            other => panic!("not a SKESK: {other:?}"),
        }
    }

    fn argon2(t: u8, p: u8, m_enc: u8) -> SymKeyEncryptedSessionKey {
        skesk(StringToKey::Argon2 {
            salt: [0; 16],
            t,
            p,
            m_enc,
        })
    }

    #[test]
    fn the_defaults_accept_what_gnupg_openpgpjs_and_sequoia_write() {
        let limits = PasswordLimits::default();
        let iterated = |count| {
            skesk(StringToKey::IteratedAndSalted {
                hash_alg: HashAlgorithm::Sha256,
                salt: [0; 8],
                count,
            })
        };
        // GnuPG 2.2 `gpg -c` and Sequoia's default: octet 255; OpenPGP.js and rpgp: 224.
        assert_eq!(derivation_cost(&iterated(255), &limits).unwrap(), 65_011_712);
        assert_eq!(derivation_cost(&iterated(224), &limits).unwrap(), 16 << 20);
        // OpenPGP.js 6's default and RFC 9106's second choice: t=3, p=4, 64 MiB.
        assert_eq!(
            derivation_cost(&argon2(3, 4, 16), &limits).unwrap(),
            3 * (64 << 20)
        );
        // A message to several passwords, each tried with one candidate.
        let gpg_max = vec![iterated(255); 8];
        check_work(&gpg_max, 1, &limits).unwrap();
        check_work(&[argon2(3, 4, 16), argon2(3, 4, 16)], 1, &limits).unwrap();
        // The largest Argon2 allowed, once.
        check_work(&[argon2(2, 16, 18)], 1, &limits).unwrap();
    }

    #[test]
    fn the_defaults_refuse_what_a_browser_cannot_afford() {
        let limits = PasswordLimits::default();
        for (s, what) in [
            (argon2(1, 4, 21), "memory"),
            (argon2(1, 4, 31), "memory"),
            (argon2(1, 4, 255), "memory"),
            (argon2(9, 4, 16), "passes"),
            (argon2(3, 17, 16), "lanes"),
        ] {
            let err = derivation_cost(&s, &limits).unwrap_err();
            assert_eq!(err.code(), "password_work_refused");
            assert!(err.to_string().contains(what), "{err}");
        }
        let err = check_work(&vec![argon2(3, 4, 16); 3], 1, &limits).unwrap_err();
        assert!(err.to_string().contains("576 MiB"), "{err}");
        let err = check_work(&vec![argon2(1, 4, 8); 9], 1, &limits).unwrap_err();
        assert!(err.to_string().contains("9 password-encrypted"), "{err}");
    }

    #[test]
    fn iterated_counts_decode_as_rfc_9580_says() {
        assert_eq!(iterated_count(0), 1024);
        assert_eq!(iterated_count(96), 65_536);
        assert_eq!(iterated_count(224), 16_777_216);
        assert_eq!(
            iterated_count(255),
            crate::openpgp::types::MAX_ENCODABLE_ITERATED_COUNT
        );
    }
}
