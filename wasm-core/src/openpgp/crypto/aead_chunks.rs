//! Chunked AEAD decryption into one wiped buffer: SEIPDv2 (RFC 9580
//! §5.13.2) and GnuPG 2.4's OCB packet (LibrePGP, tag 20).
//!
//! Why not rpgp's `StreamDecryptor`: it decrypts through chunk buffers of
//! its own that are freed without being wiped, each holding plaintext
//! (`tests/plaintext_wiped.rs` counted 21 such blocks for an 80 KiB
//! message). Each chunk is still decrypted and authenticated by rpgp's
//! `AeadAlgorithm::decrypt_in_place`; this module only frames the chunks,
//! derives the key, nonces and associated data as both formats define them,
//! and checks the final tag. Nothing is returned unless every tag matches.

use bytes::BytesMut;
use hkdf::Hkdf;
use pgp::crypto::aead::{AeadAlgorithm, ChunkSize, Error as AeadError};
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::openpgp::error::{Error, Result};
use crate::openpgp::types::Limits;

/// How the message key, nonces and associated data are made.
pub enum Scheme<'a> {
    /// SEIPDv2: key and IV by HKDF-SHA256 from the session key and the salt;
    /// nonce = IV ‖ chunk index; the same associated data for every chunk.
    Rfc9580 { salt: &'a [u8; 32] },
    /// GnuPG's OCB packet: the session key itself; nonce = IV with the chunk
    /// index XORed into its last eight octets; the index in the associated data.
    Gnupg { iv: &'a [u8] },
}

/// The packet's algorithms and framing, from its header.
pub struct Params {
    pub sym: SymmetricKeyAlgorithm,
    pub aead: AeadAlgorithm,
    pub chunk_size: ChunkSize,
}

/// A `BytesMut` wiped (to its whole capacity) when dropped, on every path out.
struct WipedBuf(BytesMut);

impl Drop for WipedBuf {
    fn drop(&mut self) {
        let capacity = self.0.capacity();
        self.0.resize(capacity, 0);
        self.0.as_mut().zeroize();
    }
}

/// Decrypts `data` (the chunks, each with its tag, then the final tag).
pub fn decrypt(
    params: &Params,
    scheme: &Scheme<'_>,
    session_key: &[u8],
    data: &[u8],
    limits: &Limits,
) -> Result<Zeroizing<Vec<u8>>> {
    let Params {
        sym,
        aead,
        chunk_size,
    } = params;
    let unsupported = || Error::Unsupported {
        what: "AEAD mode",
        detail: format!("{aead:?} with {sym:?}"),
    };
    let tag_len = aead.tag_size().ok_or_else(unsupported)?;
    let nonce_len = aead.nonce_size();
    let key_len = sym.key_size();
    if session_key.len() != key_len || key_len == 0 {
        return Err(Error::BadSessionKey {
            detail: "the session key does not fit the encrypted data packet".into(),
        });
    }
    let chunk_octet = u8::from(*chunk_size);
    let (key, nonce_base, ad_base): (Zeroizing<Vec<u8>>, Vec<u8>, Vec<u8>) = match scheme {
        Scheme::Rfc9580 { salt } => {
            let info = [0xD2, 2, u8::from(*sym), u8::from(*aead), chunk_octet];
            let mut okm = Zeroizing::new(vec![0u8; key_len + nonce_len - 8]);
            Hkdf::<Sha256>::new(Some(&salt[..]), session_key)
                .expand(&info, &mut okm)
                .map_err(|_| unsupported())?;
            let mut nonce = okm[key_len..].to_vec();
            nonce.resize(nonce_len, 0);
            (Zeroizing::new(okm[..key_len].to_vec()), nonce, info.to_vec())
        }
        Scheme::Gnupg { iv } => {
            if iv.len() != nonce_len {
                return Err(unsupported());
            }
            let ad = [
                0xD4,
                1,
                u8::from(*sym),
                u8::from(*aead),
                chunk_octet,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
            ];
            (Zeroizing::new(session_key.to_vec()), iv.to_vec(), ad.to_vec())
        }
    };
    let gnupg = matches!(scheme, Scheme::Gnupg { .. });
    let nonce = |index: u64| {
        let mut nonce = nonce_base.clone();
        let tail = &mut nonce[nonce_len - 8..];
        for (n, i) in tail.iter_mut().zip(index.to_be_bytes()) {
            // SEIPDv2's IV ends in eight zero octets, so XOR is assignment there.
            *n ^= i;
        }
        nonce
    };
    let associated = |index: u64| {
        let mut ad = ad_base.clone();
        if gnupg {
            ad[5..13].copy_from_slice(&index.to_be_bytes());
        }
        ad
    };
    let integrity = |detail: String| Error::IntegrityFailure { detail };

    let body_len = data.len().checked_sub(tag_len).ok_or_else(|| {
        integrity("the encrypted data is cut short: its final authentication tag is missing".into())
    })?;
    let (body, final_tag) = data.split_at(body_len);
    let stride = chunk_size.as_byte_size() as usize + tag_len;
    let chunks = body.chunks(stride);
    let count = chunks.len();
    if body.chunks(stride).any(|c| c.len() < tag_len) {
        return Err(integrity("the encrypted data is cut short inside a chunk".into()));
    }
    let plain_len = body_len - count * tag_len;
    limits.check(plain_len)?;
    let refused = |e: AeadError, detail: String| match e {
        AeadError::Decrypt { .. } => integrity(detail),
        _ => unsupported(),
    };

    let mut out = Zeroizing::new(Vec::with_capacity(plain_len));
    let mut buf = WipedBuf(BytesMut::with_capacity(stride));
    for (index, chunk) in (0u64..).zip(chunks) {
        buf.0.clear();
        buf.0.extend_from_slice(chunk);
        aead.decrypt_in_place(sym, &key, &nonce(index), &associated(index), &mut buf.0)
            .map_err(|e| {
                refused(
                    e,
                    format!("the message was modified: chunk {index}'s authentication tag does not match"),
                )
            })?;
        out.extend_from_slice(&buf.0);
    }
    let index = count as u64;
    let mut final_ad = associated(index);
    final_ad.extend_from_slice(&(out.len() as u64).to_be_bytes());
    buf.0.clear();
    buf.0.extend_from_slice(final_tag);
    aead.decrypt_in_place(sym, &key, &nonce(index), &final_ad, &mut buf.0)
        .map_err(|e| {
            refused(
                e,
                "the message was modified or cut short: its final authentication tag does not match".into(),
            )
        })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pgp::packet::{StreamDecryptor, SymEncryptedProtectedData, SymEncryptedProtectedDataConfig};
    use std::io::Read;

    const CHUNK: usize = 64;

    /// rpgp's SEIPDv2 encryption with 64-octet chunks: (params, salt, data).
    fn sealed(
        sym: SymmetricKeyAlgorithm,
        aead: AeadAlgorithm,
        key: &[u8],
        plain: &[u8],
    ) -> (Params, [u8; 32], Vec<u8>) {
        let p = SymEncryptedProtectedData::encrypt_seipdv2(
            rand::rngs::OsRng,
            sym,
            aead,
            ChunkSize::C64B,
            key,
            plain,
        )
        .unwrap();
        let SymEncryptedProtectedDataConfig::V2 { salt, .. } = p.config() else {
            panic!("not v2")
        };
        let params = Params {
            sym,
            aead,
            chunk_size: ChunkSize::C64B,
        };
        (params, *salt, p.data().to_vec())
    }

    fn limits() -> Limits {
        Limits::default()
    }

    fn open(params: &Params, salt: &[u8; 32], key: &[u8], data: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        decrypt(params, &Scheme::Rfc9580 { salt }, key, data, &limits())
    }

    #[test]
    fn opens_what_rpgp_seals_at_every_chunk_boundary_and_agrees_with_its_reader() {
        for (sym, key_len) in [
            (SymmetricKeyAlgorithm::AES128, 16),
            (SymmetricKeyAlgorithm::AES256, 32),
        ] {
            for aead in [AeadAlgorithm::Eax, AeadAlgorithm::Ocb, AeadAlgorithm::Gcm] {
                let key = vec![0x5Au8; key_len];
                for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
                    let plain: Vec<u8> = (0..len).map(|i| (i * 13 + 5) as u8).collect();
                    let (params, salt, data) = sealed(sym, aead, &key, &plain);
                    let ours = open(&params, &salt, &key, &data).unwrap();
                    assert_eq!(&ours[..], &plain[..], "{sym:?} {aead:?} {len}");
                    let mut theirs = Vec::new();
                    StreamDecryptor::v2(sym, aead, ChunkSize::C64B, &salt, &key, &data[..])
                        .unwrap()
                        .read_to_end(&mut theirs)
                        .unwrap();
                    assert_eq!(theirs, plain, "rpgp's reader, {sym:?} {aead:?} {len}");
                }
            }
        }
    }

    #[test]
    fn tampering_reordering_and_cutting_release_nothing() {
        let key = [7u8; 32];
        let plain = vec![0x42u8; 3 * CHUNK + 10];
        let (params, salt, data) = sealed(SymmetricKeyAlgorithm::AES256, AeadAlgorithm::Ocb, &key, &plain);
        let code = |d: &[u8]| open(&params, &salt, &key, d).err().map(|e| e.code());
        assert_eq!(code(&data), None);
        let stride = CHUNK + 16;
        // A flipped byte in each chunk and in the final tag.
        for at in [0, stride + 3, 2 * stride + 70, 3 * stride + 1, data.len() - 1] {
            let mut d = data.clone();
            d[at] ^= 1;
            assert_eq!(code(&d), Some("integrity_failure"), "flip at {at}");
        }
        // Two chunks swapped; a whole chunk dropped; the last chunk dropped
        // (the data then ends at a chunk boundary: only the final tag can tell).
        let mut swapped = data.clone();
        swapped[..stride].copy_from_slice(&data[stride..2 * stride]);
        swapped[stride..2 * stride].copy_from_slice(&data[..stride]);
        assert_eq!(code(&swapped), Some("integrity_failure"));
        let dropped = [&data[..stride], &data[2 * stride..]].concat();
        assert_eq!(code(&dropped), Some("integrity_failure"));
        let no_last = [&data[..3 * stride], &data[data.len() - 16..]].concat();
        assert_eq!(code(&no_last), Some("integrity_failure"));
        // Cut inside the final tag, inside a chunk's tag, to nothing.
        assert_eq!(code(&data[..data.len() - 1]), Some("integrity_failure"));
        assert_eq!(code(&data[..stride + 20]), Some("integrity_failure"));
        assert_eq!(code(&[]), Some("integrity_failure"));
        // Another key of the right size, and a key of the wrong size.
        assert_eq!(
            open(&params, &salt, &[8u8; 32], &data).unwrap_err().code(),
            "integrity_failure"
        );
        assert_eq!(
            open(&params, &salt, &[7u8; 16], &data).unwrap_err().code(),
            "bad_session_key"
        );
    }

    #[test]
    fn the_size_limit_is_checked_before_decrypting() {
        let key = [1u8; 16];
        let (params, salt, data) = sealed(
            SymmetricKeyAlgorithm::AES128,
            AeadAlgorithm::Gcm,
            &key,
            &[3u8; 200],
        );
        let limits = |max| Limits {
            max_message_bytes: max,
            ..Limits::default()
        };
        let scheme = Scheme::Rfc9580 { salt: &salt };
        assert_eq!(
            decrypt(&params, &scheme, &key, &data, &limits(199))
                .unwrap_err()
                .code(),
            "too_large"
        );
        assert_eq!(
            decrypt(&params, &scheme, &key, &data, &limits(200))
                .unwrap()
                .len(),
            200
        );
    }

    #[test]
    fn an_unknown_aead_mode_is_unsupported() {
        let params = Params {
            sym: SymmetricKeyAlgorithm::AES128,
            aead: AeadAlgorithm::Other(77),
            chunk_size: ChunkSize::C64B,
        };
        let err = decrypt(
            &params,
            &Scheme::Rfc9580 { salt: &[0; 32] },
            &[0; 16],
            &[0; 40],
            &limits(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "unsupported");
    }
}
