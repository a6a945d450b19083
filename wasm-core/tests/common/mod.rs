//! Test support: a software stand-in for the token (private-key operations with
//! rpgp and an exported secret key, as `tessera-host` does them on a card), and
//! helpers that drive the core's two phases through it.
#![allow(dead_code)]

use pgp::composed::{Deserializable, SignedSecretKey};
use pgp::packet::{Packet, PacketParser};
use pgp::types::{DecryptionKey, EskType, KeyDetails, Password, SignatureBytes, SigningKey};
use tessera_core::openpgp::ops::decrypt::{self, Decrypted, SessionKey};
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::ops::sign::{self, SignMode, Signed};
use tessera_core::openpgp::types::Limits;
use tessera_core::openpgp::Result;

/// Test keys several suites share: a GnuPG-made v4 key (Ed25519 primary,
/// Curve25519 encryption subkey) and RFC 9580's v6 sample key (A.3, A.4).
pub mod keys {
    pub const V4_CERT: &str = include_str!("../vectors/v4-cv25519-certificate.asc");
    pub const V4_SECRET: &str = include_str!("../vectors/v4-cv25519-secret-key.asc");
    pub const V4_FPR: &str = "2F605EC73AAAD03F039CE2D71D7FC97BCE48C2E3";
    pub const V6_CERT: &str = include_str!("../vectors/a3-v6-certificate.asc");
    pub const V6_SECRET: &str = include_str!("../vectors/a4-v6-secret-key.asc");
    pub const V6_FPR: &str = "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9";
}

pub fn now() -> pgp::types::Timestamp {
    pgp::types::Timestamp::now()
}

fn hex(fpr: &pgp::types::Fingerprint) -> String {
    format!("{fpr:X}")
}

/// What the host does with a secret key: `token.decrypt_session_key` and `token.sign`.
pub struct SoftToken {
    pub key: SignedSecretKey,
}

impl SoftToken {
    pub fn from_armor(armored: &str) -> SoftToken {
        let (key, _) = SignedSecretKey::from_string(armored).expect("secret key");
        SoftToken { key }
    }

    /// The public half, as a binary certificate for the keyring.
    pub fn certificate(&self) -> Vec<u8> {
        let public = pgp::composed::SignedPublicKey::from(self.key.clone());
        pgp::ser::Serialize::to_bytes(&public).expect("certificate")
    }

    /// `token.decrypt_session_key`: PKESK packet + recipient key packet → session key.
    pub fn decrypt_session_key(&self, pkesk: &[u8], recipient_key: &[u8]) -> SessionKey {
        self.try_decrypt_session_key(pkesk, recipient_key)
            .expect("decrypt session key")
    }

    /// [`SoftToken::decrypt_session_key`] that reports a key that does not
    /// open the PKESK (checksum, padding, key unwrap) as the host does, as an
    /// error instead of a panic: what an anonymous PKESK for someone else gives.
    pub fn try_decrypt_session_key(
        &self,
        pkesk: &[u8],
        recipient_key: &[u8],
    ) -> std::result::Result<SessionKey, String> {
        let pkesk = match PacketParser::new(pkesk)
            .next()
            .expect("a packet")
            .expect("parses")
        {
            Packet::PublicKeyEncryptedSessionKey(p) => p,
            other => panic!("not a PKESK: {other:?}"),
        };
        let recipient_fpr = match PacketParser::new(recipient_key).next().unwrap().unwrap() {
            Packet::PublicKey(k) => k.fingerprint(),
            Packet::PublicSubkey(k) => k.fingerprint(),
            other => panic!("not a key packet: {other:?}"),
        };
        let typ = match pkesk.version() {
            pgp::types::PkeskVersion::V6 => EskType::V6,
            _ => EskType::V3_4,
        };
        let values = pkesk.values().expect("values");
        let pw = Password::empty();
        let plain = if self.key.primary_key.fingerprint() == recipient_fpr {
            self.key.primary_key.decrypt(&pw, values, typ)
        } else {
            let sub = self
                .key
                .secret_subkeys
                .iter()
                .find(|s| s.key.fingerprint() == recipient_fpr)
                .unwrap_or_else(|| panic!("no secret subkey {}", hex(&recipient_fpr)));
            sub.key.decrypt(&pw, values, typ)
        }
        .expect("unlock")
        .map_err(|e| e.to_string())?;
        Ok(SessionKey::from(&plain))
    }

    /// `token.sign`: the signature's MPIs (or the native Ed25519 signature).
    pub fn sign(
        &self,
        key_fingerprint: &str,
        hash: pgp::crypto::hash::HashAlgorithm,
        digest: &[u8],
    ) -> Vec<Vec<u8>> {
        let pw = Password::empty();
        let sig = if hex(&self.key.primary_key.fingerprint()) == key_fingerprint {
            SigningKey::sign(&self.key.primary_key, &pw, hash, digest)
        } else {
            let sub = self
                .key
                .secret_subkeys
                .iter()
                .find(|s| hex(&s.key.fingerprint()) == key_fingerprint)
                .unwrap_or_else(|| panic!("no secret signing key {key_fingerprint}"));
            SigningKey::sign(&sub.key, &pw, hash, digest)
        }
        .expect("sign");
        match sig {
            SignatureBytes::Mpis(mpis) => mpis.iter().map(|m| m.as_ref().to_vec()).collect(),
            SignatureBytes::Native(bytes) => vec![bytes.to_vec()],
        }
    }

    /// All key fingerprints, as `token.list` would report the slots.
    pub fn fingerprints(&self) -> Vec<String> {
        std::iter::once(hex(&self.key.primary_key.fingerprint()))
            .chain(self.key.secret_subkeys.iter().map(|s| hex(&s.key.fingerprint())))
            .collect()
    }
}

/// Both decryption phases, with the token's part done by `token`, over the
/// candidates as the extension tries them (`decrypt::decrypt_with`).
pub fn decrypt_two_phase(message: &[u8], keyring: &Keyring, token: &SoftToken) -> Result<Decrypted> {
    decrypt_counting(message, keyring, token, &token.fingerprints()).0
}

/// [`decrypt_two_phase`] with `slots` as the token's decryption-slot
/// fingerprints (a card has one: its encryption subkey), and how many token
/// operations it took.
pub fn decrypt_counting(
    message: &[u8],
    keyring: &Keyring,
    token: &SoftToken,
    slots: &[String],
) -> (Result<Decrypted>, usize) {
    let mut tries = 0;
    let out = decrypt::decrypt_with(
        message,
        keyring,
        slots,
        &Limits::default(),
        now(),
        |c: &decrypt::Candidate| {
            tries += 1;
            token
                .try_decrypt_session_key(&c.pkesk, &c.recipient_key)
                .map_err(decrypt::TokenFailure::NotOpened)
        },
    );
    (out, tries)
}

/// Both signing phases, with the token's part done by `token`.
pub fn sign_two_phase(
    keyring: &Keyring,
    token: &SoftToken,
    signer: &str,
    data: &[u8],
    mode: SignMode,
) -> Result<Signed> {
    let request = sign::prepare(keyring, signer, data, mode, now())?;
    let signature = token.sign(&request.key_fingerprint, request.hash_algorithm, &request.digest);
    sign::finish(&request.state, &signature)
}

/// The binary packets of an armored block.
pub fn dearmor(armored: &str) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut pgp::armor::Dearmor::new(armored.as_bytes()), &mut out).expect("dearmor");
    out
}

/// A compression bomb: a compressed data packet (ZLIB, GnuPG's default) of
/// about `inflated / 160` bytes that inflates to `inflated` zero bytes or a
/// little more, a valid stream to its end. Raw deflate with the fixed Huffman
/// codes (RFC 1951 3.2.6): one literal zero, then copies of 258 bytes at
/// distance 1, 13 bits each; then the Adler-32 of the zeros.
pub fn zlib_bomb(inflated: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        n: u32,
    }
    impl Bits {
        /// `len` bits of `value`, least significant first (header fields).
        fn put(&mut self, value: u32, len: u32) {
            for i in 0..len {
                self.acc |= ((value >> i) & 1) << self.n;
                self.n += 1;
                if self.n == 8 {
                    self.out.push(self.acc as u8);
                    self.acc = 0;
                    self.n = 0;
                }
            }
        }
        /// A Huffman code: most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            for i in (0..len).rev() {
                self.put((code >> i) & 1, 1);
            }
        }
    }
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE 01: fixed codes
    bits.code(0x30, 8); // literal 0
    let copies = inflated.div_ceil(258);
    for _ in 0..copies {
        bits.code(0xC5, 8); // length code 285: 258 bytes
        bits.code(0, 5); // distance code 0: distance 1
    }
    bits.code(0, 7); // end of block
    if bits.n > 0 {
        bits.put(0, 8 - bits.n); // to a byte boundary
    }
    // Adler-32 of n zero bytes: a stays 1, b adds 1 per byte.
    let n = 1 + 258 * copies as u64;
    let adler = (((n % 65521) as u32) << 16) | 1;
    bits.out.extend_from_slice(&adler.to_be_bytes());
    let body = [&[2u8][..], &bits.out].concat();
    // New-format tag 8, five-octet length.
    let mut packet = vec![0xC8, 0xFF];
    packet.extend_from_slice(&u32::try_from(body.len()).expect("fits").to_be_bytes());
    packet.extend_from_slice(&body);
    packet
}
