//! SEIPDv1 decryption for AES, all blocks of the message at once.
//!
//! Why not rpgp's: rpgp 0.21 decrypts SEIPDv1 through cfb-mode's
//! `BufDecryptor`, which calls the block cipher one block at a time. CFB
//! decryption has no such chain (block i's keystream is E(ciphertext block
//! i−1), all known up front), and cfb-mode's `Decryptor` hands several blocks
//! to the cipher's parallel backend at once. In WebAssembly the only AES is
//! the bitsliced (constant-time) software one, which does two blocks per call
//! on 32-bit targets for the price of one: serial use wastes half of it.
//! `scripts/bench core` shows the effect (wasm-core/README.md has the figures).
//!
//! Only the symmetric layer is here: the quick check, the MDC, and nothing
//! released unless the MDC matches. The packets inside are parsed and their
//! signatures verified by rpgp, as for every other container. Other ciphers,
//! SEIPDv2 and GnuPG's AEAD stay with rpgp.

use aes::{Aes128, Aes192, Aes256};
use cfb_mode::cipher::{AsyncStreamCipher, KeyIvInit};
use cfb_mode::Decryptor;
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use std::ops::Range;
use zeroize::Zeroizing;

use crate::openpgp::error::{Error, Result};

const BLOCK: usize = 16;
/// The MDC packet at the end of the plaintext: tag 19 (new format 0xD3), length 20, SHA-1.
const MDC_HEADER: [u8; 2] = [0xD3, 0x14];
const MDC_LEN: usize = 2 + 20;

/// The plaintext of the SEIPDv1 body and the range of the packets inside it
/// (without the random prefix and the MDC packet). Wiped on drop.
pub struct Opened {
    pub plaintext: Zeroizing<Vec<u8>>,
    pub packets: Range<usize>,
}

/// Decrypted, not yet authenticated: nothing in it may be released before
/// [`Unverified::verify`] accepted the MDC. Wiped on drop.
pub struct Unverified {
    plaintext: Zeroizing<Vec<u8>>,
}

impl Unverified {
    /// What the MDC's SHA-1 covers: the prefix, the packets and the MDC
    /// packet's header. The browser hashes it with WebCrypto (`webcrypto.rs`),
    /// several times faster than SHA-1 in WebAssembly.
    pub fn mdc_input(&self) -> &[u8] {
        &self.plaintext[..self.plaintext.len() - 20]
    }

    /// Checks `sha1`, the SHA-1 of [`Unverified::mdc_input`], against the MDC.
    pub fn verify(self, sha1: &[u8]) -> Result<Opened> {
        let n = self.plaintext.len();
        let hashed_end = n - 20;
        let mdc_ok = self.plaintext[n - MDC_LEN..hashed_end] == MDC_HEADER
            && constant_time_eq(sha1, &self.plaintext[hashed_end..]);
        if !mdc_ok {
            return Err(Error::IntegrityFailure {
                detail: "the message was modified: its integrity check (MDC) does not match".into(),
            });
        }
        Ok(Opened {
            packets: BLOCK + 2..n - MDC_LEN,
            plaintext: self.plaintext,
        })
    }
}

/// Decrypts a SEIPDv1 body (`ciphertext`, after the version octet) with an AES
/// key, without the MDC check, which the caller does with
/// [`Unverified::verify`] (`decrypt::Finishing`). `None` when `algorithm` is
/// not AES: the caller uses rpgp's decryptor.
pub fn decrypt(
    algorithm: SymmetricKeyAlgorithm,
    key: &[u8],
    ciphertext: &[u8],
) -> Option<Result<Unverified>> {
    let mut plaintext = Zeroizing::new(ciphertext.to_vec());
    let iv = [0u8; BLOCK];
    let decrypted = match algorithm {
        SymmetricKeyAlgorithm::AES128 => Decryptor::<Aes128>::new_from_slices(key, &iv)
            .map(|d| d.decrypt(&mut plaintext))
            .is_ok(),
        SymmetricKeyAlgorithm::AES192 => Decryptor::<Aes192>::new_from_slices(key, &iv)
            .map(|d| d.decrypt(&mut plaintext))
            .is_ok(),
        SymmetricKeyAlgorithm::AES256 => Decryptor::<Aes256>::new_from_slices(key, &iv)
            .map(|d| d.decrypt(&mut plaintext))
            .is_ok(),
        _ => return None,
    };
    if !decrypted {
        return Some(Err(Error::BadSessionKey {
            detail: format!(
                "{algorithm:?} needs a {}-byte key, the token returned {} bytes",
                algorithm.key_size(),
                key.len()
            ),
        }));
    }
    Some(check_framing(plaintext))
}

fn check_framing(plaintext: Zeroizing<Vec<u8>>) -> Result<Unverified> {
    let n = plaintext.len();
    if n < BLOCK + 2 + MDC_LEN {
        return Err(Error::IntegrityFailure {
            detail: "the encrypted data is too short to hold its integrity check (MDC)".into(),
        });
    }
    // The quick check (last two prefix octets repeated) tells a wrong session
    // key from a modified message; both end the same way: nothing released.
    if plaintext[BLOCK - 2..BLOCK] != plaintext[BLOCK..BLOCK + 2] {
        return Err(Error::IntegrityFailure {
            detail: "the session key does not open this message (quick check failed)".into(),
        });
    }
    Ok(Unverified { plaintext })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha1::{Digest, Sha1};

    /// Both steps, as `decrypt::finish` runs them natively.
    fn open(algorithm: SymmetricKeyAlgorithm, key: &[u8], ciphertext: &[u8]) -> Option<Result<Opened>> {
        decrypt(algorithm, key, ciphertext).map(|unverified| {
            let unverified = unverified?;
            let digest = Sha1::digest(unverified.mdc_input());
            unverified.verify(&digest)
        })
    }

    use cfb_mode::Encryptor;

    /// A SEIPDv1 body made the slow, obvious way: prefix, quick check, packets, MDC, CFB.
    fn seal(key: &[u8; 32], prefix: &[u8; BLOCK], packets: &[u8]) -> Vec<u8> {
        let mut plain = prefix.to_vec();
        plain.extend_from_slice(&prefix[BLOCK - 2..]);
        plain.extend_from_slice(packets);
        plain.extend_from_slice(&MDC_HEADER);
        let digest = Sha1::digest(&plain);
        plain.extend_from_slice(&digest);
        Encryptor::<Aes256>::new_from_slices(key, &[0u8; BLOCK])
            .unwrap()
            .encrypt(&mut plain);
        plain
    }

    #[test]
    fn opens_what_cfb_sealed_at_every_tail_length() {
        let key = [7u8; 32];
        for len in [0usize, 1, 15, 16, 17, 100, 4096 + 5] {
            let packets: Vec<u8> = (0..len).map(|i| (i * 31 + 1) as u8).collect();
            let body = seal(&key, &[9u8; BLOCK], &packets);
            let opened = open(SymmetricKeyAlgorithm::AES256, &key, &body).unwrap().unwrap();
            assert_eq!(
                &opened.plaintext[opened.packets.clone()],
                &packets[..],
                "len {len}"
            );
        }
    }

    #[test]
    fn any_flipped_byte_is_refused() {
        let key = [3u8; 32];
        let body = seal(&key, &[1u8; BLOCK], b"hello, integrity");
        for i in 0..body.len() {
            let mut bad = body.clone();
            bad[i] ^= 0x01;
            let err = open(SymmetricKeyAlgorithm::AES256, &key, &bad).unwrap().err();
            assert!(
                matches!(err, Some(Error::IntegrityFailure { .. })),
                "byte {i}: {err:?}"
            );
        }
    }

    /// The browser path: the digest comes from outside (WebCrypto); only the
    /// SHA-1 of exactly `mdc_input` opens the message.
    #[test]
    fn an_outside_digest_must_be_the_mdc_inputs_sha1() {
        let key = [5u8; 32];
        let body = seal(&key, &[2u8; BLOCK], b"split check");
        let unverified = || {
            decrypt(SymmetricKeyAlgorithm::AES256, &key, &body)
                .unwrap()
                .unwrap()
        };
        let good = Sha1::digest(unverified().mdc_input());
        let opened = unverified().verify(&good).unwrap();
        assert_eq!(&opened.plaintext[opened.packets.clone()], b"split check");
        let mut bad = good;
        bad[19] ^= 1;
        assert!(matches!(
            unverified().verify(&bad),
            Err(Error::IntegrityFailure { .. })
        ));
        assert!(matches!(
            unverified().verify(&good[..19]),
            Err(Error::IntegrityFailure { .. })
        ));
        let whole = Sha1::digest(&body);
        assert!(matches!(
            unverified().verify(&whole),
            Err(Error::IntegrityFailure { .. })
        ));
    }

    #[test]
    fn wrong_key_short_body_and_bad_key_size_are_refused() {
        let body = seal(&[3u8; 32], &[1u8; BLOCK], b"x");
        let wrong = open(SymmetricKeyAlgorithm::AES256, &[4u8; 32], &body).unwrap();
        assert!(matches!(wrong, Err(Error::IntegrityFailure { .. })));
        let short = open(SymmetricKeyAlgorithm::AES256, &[3u8; 32], &body[..BLOCK + 2 + 10]).unwrap();
        assert!(matches!(short, Err(Error::IntegrityFailure { .. })));
        let size = open(SymmetricKeyAlgorithm::AES128, &[3u8; 32], &body).unwrap();
        assert!(matches!(size, Err(Error::BadSessionKey { .. })));
    }

    #[test]
    fn other_ciphers_are_left_to_rpgp() {
        assert!(open(SymmetricKeyAlgorithm::Twofish, &[0u8; 32], &[0u8; 64]).is_none());
    }
}
