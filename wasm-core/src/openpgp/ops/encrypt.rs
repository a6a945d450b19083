//! Encryption to public keys: no private key needed, so one phase.
//!
//! SEIPDv1 (AES-256, MDC) by default; SEIPDv2 (AES-256, OCB, RFC 9580) when every
//! recipient certificate advertises SEIPDv2 in its features. No compression.
//! The sender's own certificate is always a recipient, so the sender can read
//! what they sent. Sign-then-encrypt: sign with [`super::sign`] in
//! [`super::sign::SignMode::Inline`] first and pass the signed message's binary
//! packets as [`Payload::Packets`].
//!
//! Hidden recipients (Bcc): a [`Recipient`] with `hidden` gets PKESKs that
//! name no key, the wildcard key ID in a v3 PKESK and the anonymous form of a
//! v6 PKESK (RFC 9580 §5.1), as `gpg --hidden-recipient` writes them. Readers
//! of the message then cannot tell from it that it went to that certificate;
//! the hidden reader's software finds its PKESK by trying its keys
//! (`decrypt::prepare` lists such candidates). The sender's own key and the
//! visible recipients keep their key IDs.

use pgp::armor::BlockType;
use pgp::composed::SignedPublicKey;
use pgp::crypto::aead::{AeadAlgorithm, ChunkSize};
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::packet::{PacketHeader, PublicKeyEncryptedSessionKey, SymEncryptedProtectedData};
use pgp::ser::Serialize as _;
use pgp::types::{KeyDetails, KeyId, Tag, Timestamp};
use zeroize::Zeroizing;

use super::keyring::Keyring;
use crate::openpgp::cert::{evaluate, KeyRef};
use crate::openpgp::crypto::skesk;
use crate::openpgp::error::{clean, Error, Result};
use crate::openpgp::packet::armor::armor;
use crate::openpgp::packet::framing::write_packet;
use crate::openpgp::packet::literal;
use crate::openpgp::types::Container;

/// What goes inside the encryption.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// Plain data: wrapped in a literal data packet.
    Data(&'a [u8]),
    /// An OpenPGP message already (e.g. a one-pass-signed message from `sign::finish`).
    Packets(&'a [u8]),
}

/// A certificate to encrypt to.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub cert: &'a SignedPublicKey,
    /// Its PKESKs name no key (see the module documentation): for Bcc.
    pub hidden: bool,
}

impl<'a> Recipient<'a> {
    pub fn visible(cert: &'a SignedPublicKey) -> Self {
        Recipient { cert, hidden: false }
    }

    pub fn hidden(cert: &'a SignedPublicKey) -> Self {
        Recipient { cert, hidden: true }
    }
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

/// [`encrypt`] with the certificates named by `hidden` as hidden recipients:
/// see [`prepare_hiding`].
pub fn encrypt_hiding(
    keyring: &Keyring,
    recipients: &[String],
    hidden: &[String],
    sender: Option<&str>,
    payload: Payload<'_>,
    now: Timestamp,
) -> Result<Encrypted> {
    prepare_hiding(keyring, recipients, hidden, sender, payload, now)?.seal()
}

/// Encrypts to these certificates; every one must have a usable encryption key.
pub fn encrypt_to(certs: &[&SignedPublicKey], payload: Payload<'_>, now: Timestamp) -> Result<Encrypted> {
    let recipients: Vec<Recipient<'_>> = certs.iter().map(|c| Recipient::visible(c)).collect();
    prepare_to(&recipients, payload, now)?.seal()
}

/// [`prepare`] for certificates and passwords at once: any one of them opens
/// the message. Either list may be empty, not both. Each password gets its own
/// SKESK (v4 with SEIPDv1, v6 with SEIPDv2; see [`skesk`]). Passwords
/// are used exactly as given: normalising them (the SOP draft trims trailing
/// whitespace) is the caller's choice.
pub fn prepare_for(
    certs: &[&SignedPublicKey],
    passwords: &[&[u8]],
    payload: Payload<'_>,
    now: Timestamp,
) -> Result<Sealing> {
    let recipients: Vec<Recipient<'_>> = certs.iter().map(|c| Recipient::visible(c)).collect();
    prepare_for_recipients(&recipients, passwords, payload, now)
}

/// [`prepare_for`] with some certificates hidden ([`Recipient::hidden`]).
pub fn prepare_for_recipients(
    recipients: &[Recipient<'_>],
    passwords: &[&[u8]],
    payload: Payload<'_>,
    now: Timestamp,
) -> Result<Sealing> {
    if recipients.is_empty() && passwords.is_empty() {
        return Err(Error::NoRecipients);
    }
    let mut sealing = prepare_inner(recipients, payload, now)?;
    for password in passwords {
        let packet = skesk::seal_session_key(&sealing.session_key, SYM, sealing.container, password)?;
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
    prepare_hiding(keyring, recipients, &[], sender, payload, now)
}

/// [`prepare`] with hidden recipients (Bcc). `hidden`: fingerprints (any key
/// fingerprint of the certificate) of certificates that are among
/// `recipients`; a certificate they name gets PKESKs without its key IDs. A
/// hidden fingerprint that names no recipient is refused (`invalid_argument`)
/// rather than ignored, so a mistake cannot leave a Bcc recipient visible or
/// add one. The sender's certificate is never hidden: the sender's software
/// then finds its own PKESK at once, and the sender is no secret to readers
/// of a message they sent.
pub fn prepare_hiding(
    keyring: &Keyring,
    recipients: &[String],
    hidden: &[String],
    sender: Option<&str>,
    payload: Payload<'_>,
    now: Timestamp,
) -> Result<Sealing> {
    let named: Vec<&SignedPublicKey> = recipients
        .iter()
        .map(|fpr| keyring.require(fpr))
        .collect::<Result<_>>()?;
    let sender = sender.map(|fpr| keyring.require(fpr)).transpose()?;
    let mut hidden_fprs = Vec::new();
    for fpr in hidden {
        let cert = keyring.require(fpr)?;
        if !named.iter().any(|r| r.fingerprint() == cert.fingerprint()) {
            return Err(Error::InvalidArgument {
                detail: format!("hidden recipient {fpr} is not one of the recipients"),
            });
        }
        hidden_fprs.push(cert.fingerprint());
    }
    let mut list: Vec<Recipient<'_>> = Vec::new();
    for cert in named.into_iter().chain(sender) {
        let fpr = cert.fingerprint();
        if list.iter().any(|r| r.cert.fingerprint() == fpr) {
            continue;
        }
        let is_sender = sender.is_some_and(|s| s.fingerprint() == fpr);
        list.push(Recipient {
            cert,
            hidden: hidden_fprs.contains(&fpr) && !is_sender,
        });
    }
    prepare_to(&list, payload, now)
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

fn prepare_to(recipients: &[Recipient<'_>], payload: Payload<'_>, now: Timestamp) -> Result<Sealing> {
    if recipients.is_empty() {
        return Err(Error::NoRecipients);
    }
    prepare_inner(recipients, payload, now)
}

/// PKESKs for `recipients` (possibly none) and the plaintext packets.
fn prepare_inner(recipients: &[Recipient<'_>], payload: Payload<'_>, now: Timestamp) -> Result<Sealing> {
    let evals: Vec<_> = recipients.iter().map(|r| evaluate(r.cert, now)).collect();
    // Each encryption key, and whether its PKESK is anonymous.
    let mut keys: Vec<(KeyRef<'_>, bool)> = Vec::new();
    for (eval, recipient) in evals.iter().zip(recipients) {
        keys.extend(eval.encryption_keys()?.into_iter().map(|k| (k, recipient.hidden)));
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
    for (key, hidden) in &keys {
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
            detail: format!(
                "cannot encrypt to {}: {}",
                key.fingerprint_hex(),
                clean(e.to_string())
            ),
        })?;
        let pkesk = if *hidden { anonymous(pkesk)? } else { pkesk };
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
        recipient_keys: keys.iter().map(|(k, _)| k.fingerprint_hex()).collect(),
    })
}

/// The same PKESK naming no key: the wildcard key ID (all zeros) in a v3
/// PKESK, no key version and fingerprint (length octet 0) in a v6 PKESK.
///
/// rpgp 0.21 encrypts only to a named key (`from_session_key_v3` takes the
/// key ID from the key, `from_session_key_v6` its fingerprint), but its
/// packet is a plain enum with public fields, which is rebuilt here; no bytes
/// are written by hand. Changing the addressee after encrypting is sound: no
/// algorithm binds the PKESK's key ID or fingerprint field into the
/// encryption (ECDH's KDF uses the recipient key's own fingerprint, RFC 9580
/// §11.5; X25519/X448 hash the ephemeral and recipient public keys, §5.1.6;
/// RSA and ElGamal nothing), so the reader decrypts it exactly as before.
fn anonymous(pkesk: PublicKeyEncryptedSessionKey) -> Result<PublicKeyEncryptedSessionKey> {
    let rebuilt = match pkesk {
        PublicKeyEncryptedSessionKey::V3 {
            packet_header,
            pk_algo,
            values,
            ..
        } => PublicKeyEncryptedSessionKey::V3 {
            // Same length as any key ID: the header stays right.
            packet_header,
            id: KeyId::WILDCARD,
            pk_algo,
            values,
        },
        PublicKeyEncryptedSessionKey::V6 {
            packet_header,
            pk_algo,
            values,
            ..
        } => {
            let mut p = PublicKeyEncryptedSessionKey::V6 {
                packet_header,
                fingerprint: None,
                pk_algo,
                values,
            };
            // The body is shorter by the version and fingerprint: a header of
            // the new length (rpgp would also recompute it when writing, with
            // a logged warning about the mismatch).
            let len = u32::try_from(p.write_len()).map_err(Error::internal)?;
            if let PublicKeyEncryptedSessionKey::V6 { packet_header, .. } = &mut p {
                *packet_header = PacketHeader::new_fixed(Tag::PublicKeyEncryptedSessionKey, len);
            }
            p
        }
        PublicKeyEncryptedSessionKey::Other { .. } => {
            return Err(Error::internal("rpgp made a PKESK of an unknown version"))
        }
    };
    Ok(rebuilt)
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
