//! Encryption to public keys: no private key needed, so one phase.
//!
//! SEIPDv1 (AES-256, MDC) by default; SEIPDv2 (AES-256, OCB, RFC 9580) when every
//! recipient certificate advertises SEIPDv2 in its features. No compression.
//! The sender's own certificate is always a recipient, so the sender can read
//! what they sent. Sign-then-encrypt: sign with [`super::sign`] in
//! [`super::sign::SignMode::Inline`] first and pass the signed message's binary
//! packets as [`Payload::Packets`].

use pgp::armor::BlockType;
use pgp::composed::SignedPublicKey;
use pgp::crypto::aead::{AeadAlgorithm, ChunkSize};
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::packet::{PublicKeyEncryptedSessionKey, SymEncryptedProtectedData};
use pgp::types::{KeyDetails, Timestamp};
use zeroize::Zeroizing;

use super::cert::{evaluate, KeyRef};
use super::error::{Error, Result};
use super::keyring::Keyring;
use super::literal;
use super::packets::{armor, write_packet};

/// What goes inside the encryption.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// Plain data: wrapped in a literal data packet.
    Data(&'a [u8]),
    /// An OpenPGP message already (e.g. a one-pass-signed message from `sign::finish`).
    Packets(&'a [u8]),
}

/// Which encryption container was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    SeipdV1,
    SeipdV2,
}

#[derive(Debug, Clone)]
pub struct Encrypted {
    pub armored: String,
    pub container: Container,
    /// Fingerprints of the (sub)keys the session key was encrypted to.
    pub recipient_keys: Vec<String>,
}

/// Encrypts to the certificates in `keyring` named by `recipients` (any key
/// fingerprint of each certificate) plus `sender` (the user's own certificate).
pub fn encrypt(
    keyring: &Keyring,
    recipients: &[String],
    sender: Option<&str>,
    payload: Payload<'_>,
    now: Timestamp,
) -> Result<Encrypted> {
    prepare(keyring, recipients, sender, payload, now)?.seal()
}

/// Encrypts to these certificates; every one must have a usable encryption key.
pub fn encrypt_to(certs: &[&SignedPublicKey], payload: Payload<'_>, now: Timestamp) -> Result<Encrypted> {
    prepare_to(certs, payload, now)?.seal()
}

/// [`prepare`] for certificates and passwords at once: any one of them opens
/// the message. Either list may be empty, not both. Each password gets its own
/// SKESK (v4 with SEIPDv1, v6 with SEIPDv2; see [`super::skesk`]). Passwords
/// are used exactly as given: normalising them (the SOP draft trims trailing
/// whitespace) is the caller's choice.
pub fn prepare_for(
    certs: &[&SignedPublicKey],
    passwords: &[&[u8]],
    payload: Payload<'_>,
    now: Timestamp,
) -> Result<Sealing> {
    if certs.is_empty() && passwords.is_empty() {
        return Err(Error::NoRecipients);
    }
    let mut sealing = prepare_inner(certs, payload, now)?;
    for password in passwords {
        let packet = super::skesk::seal_session_key(&sealing.session_key, SYM, sealing.container, password)?;
        sealing.pkesks.extend_from_slice(&packet);
    }
    Ok(sealing)
}

/// [`encrypt`] up to the symmetric encryption: recipients checked, session
/// key made and encrypted to each of them, plaintext packets built.
pub fn prepare(
    keyring: &Keyring,
    recipients: &[String],
    sender: Option<&str>,
    payload: Payload<'_>,
    now: Timestamp,
) -> Result<Sealing> {
    let mut certs: Vec<&SignedPublicKey> = Vec::new();
    for fpr in recipients.iter().map(String::as_str).chain(sender) {
        let cert = keyring.require(fpr)?;
        if !certs.iter().any(|c| c.fingerprint() == cert.fingerprint()) {
            certs.push(cert);
        }
    }
    prepare_to(&certs, payload, now)
}

/// A message ready for its symmetric layer. The session key and the
/// plaintext are wiped on drop.
///
/// Two ways to finish: [`Sealing::seal`] encrypts here with rpgp; for
/// SEIPDv1, [`Sealing::v1_plaintext`] + [`Sealing::finish_v1`] let the caller
/// run the CFB encryption elsewhere (the browser's WebCrypto, see
/// `webcrypto.rs`: CFB encryption is serial, and a software AES in WebAssembly
/// is several times slower than the browser's native one).
pub struct Sealing {
    pkesks: Vec<u8>,
    container: Container,
    session_key: Zeroizing<Vec<u8>>,
    inner: Zeroizing<Vec<u8>>,
    recipient_keys: Vec<String>,
}

/// The one symmetric algorithm Tessera encrypts with.
const SYM: SymmetricKeyAlgorithm = SymmetricKeyAlgorithm::AES256;
const BLOCK: usize = 16;

fn prepare_to(certs: &[&SignedPublicKey], payload: Payload<'_>, now: Timestamp) -> Result<Sealing> {
    if certs.is_empty() {
        return Err(Error::NoRecipients);
    }
    prepare_inner(certs, payload, now)
}

/// PKESKs for `certs` (possibly none) and the plaintext packets.
fn prepare_inner(certs: &[&SignedPublicKey], payload: Payload<'_>, now: Timestamp) -> Result<Sealing> {
    let evals: Vec<_> = certs.iter().map(|c| evaluate(c, now)).collect();
    let mut keys: Vec<KeyRef<'_>> = Vec::new();
    for eval in &evals {
        keys.extend(eval.encryption_keys()?);
    }
    // Password-only messages are SEIPDv1: a password says nothing about what
    // the reader's software can open, and v1 is what every OpenPGP reader
    // opens (GnuPG 2.2 and 2.4 read no SEIPDv2).
    let container = if !evals.is_empty() && evals.iter().all(|e| e.seipd_v2) {
        Container::SeipdV2
    } else {
        Container::SeipdV1
    };

    let mut rng = rand::rngs::OsRng;
    let session_key = SYM.new_session_key(rng);

    let mut pkesks = Vec::new();
    for key in &keys {
        let pkesk = match (container, key) {
            (Container::SeipdV1, KeyRef::Primary(k)) => {
                PublicKeyEncryptedSessionKey::from_session_key_v3(&mut rng, &session_key, SYM, *k)
            }
            (Container::SeipdV1, KeyRef::Sub(k)) => {
                PublicKeyEncryptedSessionKey::from_session_key_v3(&mut rng, &session_key, SYM, *k)
            }
            (Container::SeipdV2, KeyRef::Primary(k)) => {
                PublicKeyEncryptedSessionKey::from_session_key_v6(&mut rng, &session_key, *k)
            }
            (Container::SeipdV2, KeyRef::Sub(k)) => {
                PublicKeyEncryptedSessionKey::from_session_key_v6(&mut rng, &session_key, *k)
            }
        }
        .map_err(|e| Error::Unsupported {
            what: "recipient key",
            detail: format!("cannot encrypt to {}: {e}", key.fingerprint_hex()),
        })?;
        write_packet(&pkesk, &mut pkesks)?;
    }

    let inner: Zeroizing<Vec<u8>> = match payload {
        Payload::Data(data) => {
            // Written by the core, straight into a wiped buffer: rpgp's
            // `LiteralData` would hold one more, unwiped, copy.
            let mut buf = Zeroizing::new(Vec::with_capacity(data.len() + 12));
            literal::write(literal::BINARY, 0, data, &mut buf)?;
            buf
        }
        Payload::Packets(packets) => Zeroizing::new(packets.to_vec()),
    };
    Ok(Sealing {
        pkesks,
        container,
        session_key: Zeroizing::new(session_key.as_ref().to_vec()),
        inner,
        recipient_keys: keys.iter().map(KeyRef::fingerprint_hex).collect(),
    })
}

impl Sealing {
    pub fn container(&self) -> Container {
        self.container
    }

    /// The AES-256 session key.
    pub fn session_key(&self) -> &[u8] {
        &self.session_key
    }

    /// The symmetric algorithm's id (AES-256: 9), for the session key's
    /// textual form (`9:HEX…` in SOP's `--session-key-out`).
    pub fn symmetric_algorithm(&self) -> u8 {
        u8::from(SYM)
    }

    /// Encrypts with rpgp (SEIPDv1 or SEIPDv2).
    pub fn seal(self) -> Result<Encrypted> {
        let mut rng = rand::rngs::OsRng;
        let seipd = match self.container {
            Container::SeipdV1 => {
                SymEncryptedProtectedData::encrypt_seipdv1(&mut rng, SYM, &self.session_key, &self.inner)
            }
            Container::SeipdV2 => SymEncryptedProtectedData::encrypt_seipdv2(
                &mut rng,
                SYM,
                AeadAlgorithm::Ocb,
                ChunkSize::default(),
                &self.session_key,
                &self.inner,
            ),
        }
        .map_err(Error::internal)?;
        let mut out = self.pkesks.clone();
        write_packet(&seipd, &mut out)?;
        self.armored(out)
    }

    /// SEIPDv1 only: what CFB (zero IV, no resynchronisation) must encrypt:
    /// a random block, its last two octets again (the quick check), the
    /// packets, and the MDC packet over all of that (RFC 4880 5.13, RFC 9580 5.13.1).
    pub fn v1_plaintext(&self) -> Result<Zeroizing<Vec<u8>>> {
        let mut plain = self.v1_mdc_input()?;
        let digest = sha1::Digest::finalize(sha1::Digest::chain_update(sha1::Sha1::default(), &plain[..]));
        plain.extend_from_slice(&digest);
        Ok(plain)
    }

    /// [`Sealing::v1_plaintext`] without the MDC's 20-byte SHA-1, which the
    /// caller appends: the browser hashes with WebCrypto (`webcrypto.rs`).
    /// Room for the digest is reserved, so appending it does not move (and
    /// leave behind an unwiped copy of) the plaintext.
    pub fn v1_mdc_input(&self) -> Result<Zeroizing<Vec<u8>>> {
        if self.container != Container::SeipdV1 {
            return Err(Error::internal("v1_plaintext on a SEIPDv2 message"));
        }
        let mut prefix = [0u8; BLOCK];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut prefix);
        let mut plain = Zeroizing::new(Vec::with_capacity(BLOCK + 2 + self.inner.len() + 22));
        plain.extend_from_slice(&prefix);
        plain.extend_from_slice(&prefix[BLOCK - 2..]);
        plain.extend_from_slice(&self.inner);
        plain.extend_from_slice(&[0xD3, 0x14]);
        Ok(plain)
    }

    /// SEIPDv1 only: wraps `ciphertext` (the CFB encryption of
    /// [`Sealing::v1_plaintext`] under [`Sealing::session_key`]) into the
    /// packet after the PKESKs, and armors the message.
    pub fn finish_v1(self, ciphertext: &[u8]) -> Result<Encrypted> {
        if self.container != Container::SeipdV1 {
            return Err(Error::internal("finish_v1 on a SEIPDv2 message"));
        }
        let mut out = Vec::with_capacity(self.pkesks.len() + ciphertext.len() + 8);
        out.extend_from_slice(&self.pkesks);
        // New-format header, tag 18; written here because rpgp builds this
        // packet only by encrypting itself.
        out.push(0xC0 | 18);
        let body_len = ciphertext.len() + 1;
        match body_len {
            0..=191 => out.push(body_len as u8),
            192..=8383 => {
                let l = body_len - 192;
                out.extend_from_slice(&[((l >> 8) + 192) as u8, (l & 0xFF) as u8]);
            }
            _ => {
                let l = u32::try_from(body_len).map_err(|_| Error::TooLarge {
                    size: body_len,
                    limit: u32::MAX as usize,
                })?;
                out.push(0xFF);
                out.extend_from_slice(&l.to_be_bytes());
            }
        }
        out.push(1);
        out.extend_from_slice(ciphertext);
        self.armored(out)
    }

    fn armored(self, packets: Vec<u8>) -> Result<Encrypted> {
        Ok(Encrypted {
            armored: armor(&packets, BlockType::Message)?,
            container: self.container,
            recipient_keys: self.recipient_keys,
        })
    }
}
