//! Two-phase decryption: the session key is unwrapped by the token.
//!
//! Phase 1, [`prepare`]: parses the message, lists its PKESKs and picks the one
//! addressed to one of the user's token keys; returns the PKESK packet and the
//! recipient's public (sub)key packet for `token.decrypt_session_key`. When no
//! PKESK names a token key, the anonymous ones (hidden recipients, `gpg
//! --throw-keyids`) are candidates, each paired with a token key that could
//! open it; the caller tries them in order, one token operation each, until
//! one opens ([`decrypt_with`] natively, `decrypt-flow.ts` in the extension).
//!
//! Phase 2, [`finish`]: decrypts with the session key the token returned,
//! refusing unauthenticated data, and releases plaintext only after the whole
//! message was authenticated (MDC for SEIPDv1, every AEAD chunk and the final
//! tag for SEIPDv2). Signatures inside are verified against the keyring.

use std::io::Read;

use pgp::composed::PlainSessionKey;
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::packet::{
    GnupgAeadData, GnupgAeadDataConfig, Packet, PacketParser, PacketTrait, PublicKeyEncryptedSessionKey,
    StreamDecryptor, SymEncryptedProtectedData, SymEncryptedProtectedDataConfig,
};
use pgp::ser::Serialize as _;
use pgp::types::{KeyDetails, PkeskBytes, Seipdv1ReadMode, Timestamp};
use serde::Serialize;
use zeroize::Zeroizing;

use super::keyring::{normalize_fpr, Keyring};
use super::verify::{read_and_verify, Verification};
use crate::openpgp::cert::{fpr_hex, key_id_hex, KeyRef};
use crate::openpgp::crypto::{aead_chunks, seipd_v1};
use crate::openpgp::error::{capped, clean, Error, Result};
use crate::openpgp::packet::armor::{dearmor, dearmor_prefix, is_armored};
use crate::openpgp::packet::framing::{encrypted_data_start, write_packet, EncryptedDataStart, Walk};
use crate::openpgp::packet::wiped_read;
use crate::openpgp::types::Limits;

/// One PKESK of the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct Recipient {
    /// PKESK version: 3 (key ID) or 6 (fingerprint).
    pub version: u8,
    /// Key ID (16 hex digits) of a v3 PKESK; `0000000000000000` for an anonymous recipient.
    pub key_id: Option<String>,
    /// Fingerprint of a v6 PKESK.
    pub fingerprint: Option<String>,
    pub algorithm: String,
}

/// One `token.decrypt_session_key` to try: a PKESK and the token key to send it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Index into [`DecryptionRequest::recipients`] of the PKESK.
    pub matched: usize,
    /// The token key (slot fingerprint) to decrypt it with.
    pub token_fingerprint: String,
    /// The PKESK packet, header included.
    pub pkesk: Vec<u8>,
    /// The token key's public (sub)key packet, header included.
    pub recipient_key: Vec<u8>,
    /// The PKESK names no key: the token key is a guess (same algorithm, same
    /// curve or key size), and a failure to unwrap means "not this one".
    pub anonymous: bool,
}

/// What phase 1 hands to the caller for `token.decrypt_session_key`.
#[derive(Debug, Clone)]
pub struct DecryptionRequest {
    pub recipients: Vec<Recipient>,
    /// The first of `candidates`: index into `recipients` of the PKESK to send.
    pub matched: usize,
    /// The first of `candidates`: the token key (slot fingerprint) that can decrypt it.
    pub token_fingerprint: String,
    /// The first of `candidates`: the PKESK packet, header included.
    pub pkesk: Vec<u8>,
    /// The first of `candidates`: the recipient's public (sub)key packet, header included.
    pub recipient_key: Vec<u8>,
    /// `seipd_v1`, `seipd_v2`, or `gnupg_aead`.
    pub container: &'static str,
    /// What to try, in order, never empty. The PKESKs that name a token key,
    /// when there are any (then only those: the message is addressed to the
    /// user, guessing at anonymous PKESKs would only cost card operations);
    /// otherwise the anonymous PKESKs, token key by token key (so one token's
    /// PIN serves all of its tries before another token is asked), at most
    /// [`MAX_ANONYMOUS_TRIES`].
    pub candidates: Vec<Candidate>,
}

/// Anonymous PKESKs tried at most, over all token keys. Each try is a card
/// operation (up to a second or so for RSA 4096 on a card), and a message can
/// hold any number of anonymous PKESKs: a crafted one must not keep the card
/// busy for minutes. A real message has one per Bcc recipient with a key of
/// the same algorithm as the user's.
pub const MAX_ANONYMOUS_TRIES: usize = 16;

/// The token's answer, wiped on drop.
#[derive(Debug)]
pub struct SessionKey {
    /// The algorithm id from a v3 PKESK; `None` for a v6 PKESK.
    pub symmetric_algorithm: Option<u8>,
    pub key: Zeroizing<Vec<u8>>,
}

impl From<&PlainSessionKey> for SessionKey {
    /// A session key unwrapped outside the token (a password, a software key).
    fn from(plain: &PlainSessionKey) -> Self {
        match plain {
            PlainSessionKey::V3_4 { sym_alg, key } => SessionKey {
                symmetric_algorithm: Some(u8::from(*sym_alg)),
                key: Zeroizing::new(key.as_ref().to_vec()),
            },
            PlainSessionKey::V5 { key } | PlainSessionKey::V6 { key } => SessionKey {
                symmetric_algorithm: None,
                key: Zeroizing::new(key.as_ref().to_vec()),
            },
        }
    }
}

/// The decrypted message. `data` is wiped on drop.
#[derive(Debug)]
pub struct Decrypted {
    pub data: Zeroizing<Vec<u8>>,
    pub verifications: Vec<Verification>,
    pub container: &'static str,
}

enum DataPacket {
    Seipd(SymEncryptedProtectedData),
    GnupgAead(GnupgAeadData),
}

struct Parsed {
    pkesks: Vec<PublicKeyEncryptedSessionKey>,
    container: &'static str,
    /// The encrypted data packet (phase 2 only: phase 1 stops before it).
    data: Option<DataPacket>,
}

/// Walks the packets up to the encrypted data, which must be authenticated.
fn parse_envelope(binary: &[u8]) -> Result<Parsed> {
    let mut pkesks = Vec::new();
    for packet in PacketParser::new(binary) {
        let packet = packet.map_err(|e| Error::parse("encrypted message", e))?;
        if let Some(parsed) = envelope_step(packet, &mut pkesks)? {
            return Ok(parsed);
        }
    }
    if pkesks.is_empty() {
        Err(Error::NotEncrypted)
    } else {
        Err(Error::Truncated {
            what: "encrypted message",
            detail: "no encrypted data packet after the session key packets".into(),
        })
    }
}

/// One packet of the envelope: a session-key packet is kept or skipped
/// (`None`), the encrypted data ends the envelope, anything else is refused.
fn envelope_step(packet: Packet, pkesks: &mut Vec<PublicKeyEncryptedSessionKey>) -> Result<Option<Parsed>> {
    match packet {
        Packet::PublicKeyEncryptedSessionKey(p) => pkesks.push(p),
        Packet::SymKeyEncryptedSessionKey(_) | Packet::Marker(_) | Packet::Padding(_) => {}
        Packet::SymEncryptedData(_) => return Err(Error::UnauthenticatedEncryption),
        Packet::SymEncryptedProtectedData(p) => {
            return Ok(Some(Parsed {
                pkesks: std::mem::take(pkesks),
                container: if p.version() == 2 { "seipd_v2" } else { "seipd_v1" },
                data: Some(DataPacket::Seipd(p)),
            }));
        }
        Packet::GnupgAeadData(p) => {
            return Ok(Some(Parsed {
                pkesks: std::mem::take(pkesks),
                container: "gnupg_aead",
                data: Some(DataPacket::GnupgAead(p)),
            }))
        }
        Packet::LiteralData(_)
        | Packet::CompressedData(_)
        | Packet::OnePassSignature(_)
        | Packet::Signature(_) => return Err(Error::NotEncrypted),
        other => {
            return Err(Error::Malformed {
                what: "encrypted message",
                detail: format!("unexpected {:?} packet", other.tag()),
            })
        }
    }
    Ok(None)
}

/// Phase 1's envelope, read from the start of the message only: the session
/// key packets are small, the encrypted data after them is not, and phase 2
/// reads and authenticates all of it anyway. `None`: the start is not the
/// simple shape [`encrypted_data_start`] knows; [`parse_envelope`] reads the
/// whole message and says what is wrong, if anything.
fn envelope_head(input: &[u8], limits: &Limits) -> Result<Option<Parsed>> {
    limits.check(input.len())?;
    if !is_armored(input) {
        return match encrypted_data_start(input) {
            Walk::Found(start) => parse_envelope_head(input, start),
            Walk::NeedMore | Walk::NotSimple => Ok(None),
        };
    }
    let mut want = 16 * 1024;
    loop {
        let (head, complete) = dearmor_prefix(input, want, "encrypted message")?;
        match encrypted_data_start(&head) {
            Walk::Found(start) if start.first_body_octet.is_some() || complete => {
                return parse_envelope_head(&head, start)
            }
            Walk::Found(_) | Walk::NeedMore if !complete => want = want.saturating_mul(4),
            _ => return Ok(None),
        }
    }
}

fn parse_envelope_head(head: &[u8], start: EncryptedDataStart) -> Result<Option<Parsed>> {
    let mut pkesks = Vec::new();
    for packet in PacketParser::new(&head[..start.offset]) {
        let packet = packet.map_err(|e| Error::parse("encrypted message", e))?;
        if envelope_step(packet, &mut pkesks)?.is_some() {
            // The walk saw only session-key packets where rpgp sees data.
            return Ok(None);
        }
    }
    let container = match (start.tag, start.first_body_octet) {
        (9, _) => return Err(Error::UnauthenticatedEncryption),
        (18, Some(1)) => "seipd_v1",
        (18, Some(2)) => "seipd_v2",
        (20, _) => "gnupg_aead",
        _ => return Ok(None),
    };
    Ok(Some(Parsed {
        pkesks,
        container,
        data: None,
    }))
}

fn recipient_of(p: &PublicKeyEncryptedSessionKey) -> Recipient {
    let algorithm = p
        .algorithm()
        .map(|a| format!("{a:?}"))
        .unwrap_or_else(|_| "unknown".into());
    Recipient {
        version: match p {
            PublicKeyEncryptedSessionKey::V3 { .. } => 3,
            PublicKeyEncryptedSessionKey::V6 { .. } => 6,
            PublicKeyEncryptedSessionKey::Other { version, .. } => *version,
        },
        key_id: p.id().ok().map(key_id_hex),
        fingerprint: p.fingerprint().ok().flatten().map(fpr_hex),
        algorithm,
    }
}

fn input_binary(input: &[u8], limits: &Limits) -> Result<Vec<u8>> {
    limits.check(input.len())?;
    let (_, binary) = dearmor(input, "encrypted message")?;
    Ok(binary)
}

/// Phase 1. `token_fingerprints`: the decryption-slot fingerprints from `token.list`.
pub fn prepare(
    input: &[u8],
    keyring: &Keyring,
    token_fingerprints: &[String],
    limits: &Limits,
) -> Result<DecryptionRequest> {
    let parsed = match envelope_head(input, limits)? {
        Some(parsed) => parsed,
        None => parse_envelope(&input_binary(input, limits)?)?,
    };
    let recipients: Vec<Recipient> = parsed.pkesks.iter().map(recipient_of).collect();

    // The user's token keys that are in the keyring (their packets are needed).
    let mut token_keys: Vec<(String, KeyRef<'_>)> = Vec::new();
    for fpr in token_fingerprints.iter().map(|f| normalize_fpr(f)) {
        if let Some(cert) = keyring.cert_with_key(&fpr) {
            let key = if fpr_hex(&cert.fingerprint()) == fpr {
                Some(KeyRef::Primary(&cert.primary_key))
            } else {
                cert.public_subkeys
                    .iter()
                    .find(|s| fpr_hex(&s.key.fingerprint()) == fpr)
                    .map(|s| KeyRef::Sub(&s.key))
            };
            if let Some(key) = key {
                token_keys.push((fpr, key));
            }
        }
    }

    // PKESKs that name a token key; else every anonymous PKESK with every
    // token key that could open it.
    let mut candidates: Vec<(usize, &String, KeyRef<'_>, bool)> = Vec::new();
    for (i, p) in parsed.pkesks.iter().enumerate() {
        if is_wildcard(p) {
            continue;
        }
        if let Some((f, k)) = token_keys.iter().find(|(_, k)| p.match_identity(k)) {
            candidates.push((i, f, *k, false));
        }
    }
    if candidates.is_empty() {
        'keys: for (f, k) in &token_keys {
            for (i, p) in parsed.pkesks.iter().enumerate() {
                if is_wildcard(p) && could_be_for(p, k) {
                    if candidates.len() == MAX_ANONYMOUS_TRIES {
                        break 'keys;
                    }
                    candidates.push((i, f, *k, true));
                }
            }
        }
    }
    if candidates.is_empty() {
        // The first few name the recipients; a message with thousands of
        // PKESKs must not make an error message as long as itself.
        const NAMED: usize = 8;
        let mut list = recipients
            .iter()
            .zip(&parsed.pkesks)
            .take(NAMED)
            .map(|(r, p)| {
                if is_wildcard(p) {
                    // Bcc'd to someone whose key is not among the user's.
                    return "an anonymous recipient".to_string();
                }
                r.fingerprint
                    .clone()
                    .or_else(|| r.key_id.clone())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(", ");
        if recipients.len() > NAMED {
            list.push_str(&format!(" and {} more", recipients.len() - NAMED));
        }
        return Err(Error::NotForUs {
            recipients: if list.is_empty() {
                "no public-key recipient (password-encrypted?)".into()
            } else {
                list
            },
        });
    }
    let candidates = candidates
        .into_iter()
        .map(|(matched, fpr, key, anonymous)| {
            let mut pkesk = Vec::new();
            write_packet(&parsed.pkesks[matched], &mut pkesk)?;
            Ok(Candidate {
                matched,
                token_fingerprint: fpr.clone(),
                pkesk,
                recipient_key: key.packet_bytes()?,
                anonymous,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let first = candidates[0].clone();
    Ok(DecryptionRequest {
        recipients,
        matched: first.matched,
        token_fingerprint: first.token_fingerprint,
        pkesk: first.pkesk,
        recipient_key: first.recipient_key,
        container: parsed.container,
        candidates,
    })
}

/// Whether the anonymous PKESK `p` can be for `key`: the same algorithm and,
/// since ECDH spans several curves and RSA several sizes, an ephemeral point
/// as long as the key's own point, or an RSA ciphertext no longer than its
/// modulus. Sending the token a PKESK that cannot be for it would cost a card
/// operation and end in the host's `invalid_params`.
fn could_be_for(p: &PublicKeyEncryptedSessionKey, key: &KeyRef<'_>) -> bool {
    if p.algorithm().ok() != Some(key.details().algorithm()) {
        return false;
    }
    let Ok(values) = p.values() else {
        return false;
    };
    match values {
        PkeskBytes::Rsa { mpi } => leading_mpi_len(key, false).is_none_or(|n| mpi.as_ref().len() <= n),
        PkeskBytes::Ecdh { public_point, .. } => {
            leading_mpi_len(key, true).is_none_or(|n| public_point.as_ref().len() == n)
        }
        _ => true,
    }
}

/// The byte length of the first MPI of `key`'s public parameters: RSA's
/// modulus, or (after the curve OID, `after_oid`) ECDH's public point, whose
/// encoding (0x40 prefix for Curve25519, SEC1 uncompressed for the others) an
/// ephemeral point of the same curve shares. `None` when unreadable: the
/// token then decides.
fn leading_mpi_len(key: &KeyRef<'_>, after_oid: bool) -> Option<usize> {
    let bytes = key.details().public_params().to_bytes().ok()?;
    let at = if after_oid {
        1 + usize::from(*bytes.first()?)
    } else {
        0
    };
    let bits = bytes.get(at..at + 2)?;
    Some(usize::from(u16::from_be_bytes([bits[0], bits[1]])).div_ceil(8))
}

fn is_wildcard(p: &PublicKeyEncryptedSessionKey) -> bool {
    match p {
        PublicKeyEncryptedSessionKey::V3 { id, .. } => id.is_wildcard(),
        PublicKeyEncryptedSessionKey::V6 { fingerprint, .. } => fingerprint.is_none(),
        _ => false,
    }
}

/// Phase 2: decrypts with the session key from the token.
pub fn finish(
    input: &[u8],
    session_key: SessionKey,
    keyring: &Keyring,
    limits: &Limits,
    now: Timestamp,
) -> Result<Decrypted> {
    let finishing = finish_begin(input, session_key, limits)?;
    let digest = finishing.mdc_input().map(<sha1::Sha1 as sha1::Digest>::digest);
    finishing.complete(digest.as_deref(), keyring, limits, now)
}

/// How the token step of one [`Candidate`] failed, for [`decrypt_with`].
#[derive(Debug)]
pub enum TokenFailure<E> {
    /// The token ran, and the key did not open the PKESK (bad session-key
    /// checksum or padding, AES key unwrap failed): with an anonymous PKESK,
    /// "not this one", and the next candidate is tried.
    NotOpened(String),
    /// Anything else (wrong PIN, no PIN, token gone): ends the decryption at
    /// once. A PIN is never tried again here.
    Stop(E),
}

/// Both phases for native callers: [`prepare`], then `token` (one
/// `token.decrypt_session_key`) on each candidate in order until one gives a
/// session key that [`finish`] accepts. A named PKESK gets one try. An
/// anonymous one that the key does not open, or whose session key does not
/// open the data (`bad_session_key`, `integrity_failure`: a wrong key that
/// passed the two-octet checksum), moves on to the next candidate. When none
/// works: the integrity error if some key did unwrap (the message was damaged,
/// since a wrong key almost never unwraps), else `not_for_us` naming the tries.
pub fn decrypt_with<E: From<Error>>(
    input: &[u8],
    keyring: &Keyring,
    token_fingerprints: &[String],
    limits: &Limits,
    now: Timestamp,
    mut token: impl FnMut(&Candidate) -> std::result::Result<SessionKey, TokenFailure<E>>,
) -> std::result::Result<Decrypted, E> {
    let request = prepare(input, keyring, token_fingerprints, limits)?;
    let mut data_error = None;
    let mut last_failure = String::new();
    for candidate in &request.candidates {
        match token(candidate) {
            Ok(session_key) => match finish(input, session_key, keyring, limits, now) {
                Ok(done) => return Ok(done),
                Err(e @ (Error::BadSessionKey { .. } | Error::IntegrityFailure { .. }))
                    if candidate.anonymous =>
                {
                    data_error.get_or_insert(e);
                }
                Err(e) => return Err(e.into()),
            },
            Err(TokenFailure::NotOpened(reason)) if candidate.anonymous => last_failure = reason,
            Err(TokenFailure::NotOpened(reason)) => {
                return Err(Error::BadSessionKey {
                    detail: format!(
                        "the token could not decrypt the session key addressed to its key {}: {reason}",
                        candidate.token_fingerprint
                    ),
                }
                .into())
            }
            Err(TokenFailure::Stop(e)) => return Err(e),
        }
    }
    Err(data_error
        .unwrap_or_else(|| none_opened(&request, &last_failure))
        .into())
}

/// `not_for_us` after every anonymous candidate failed; `last`: the token's
/// last reason. Also what the extension says (`decrypt-flow.ts` builds the
/// same sentence).
pub fn none_opened(request: &DecryptionRequest, last: &str) -> Error {
    let mut keys: Vec<&str> = Vec::new();
    let mut tried: Vec<usize> = Vec::new();
    for c in &request.candidates {
        if !keys.contains(&c.token_fingerprint.as_str()) {
            keys.push(&c.token_fingerprint);
        }
        if !tried.contains(&c.matched) {
            tried.push(c.matched);
        }
    }
    let mut recipients = format!(
        "anonymous recipients only: {} tried with your key(s) {}, none opened",
        tried.len(),
        keys.join(", ")
    );
    if !last.is_empty() {
        recipients.push_str(&format!(" (last: {})", capped(last)));
    }
    Error::NotForUs { recipients }
}

/// Phase 2 in steps, so the MDC's SHA-1 can be computed by the caller
/// (the browser's WebCrypto, `webcrypto.rs`), and the packets inside read by
/// it if it wants to (the benchmark's `decompression.rs`): [`finish_begin`] decrypts,
/// [`Finishing::authenticate`] takes the digest of [`Finishing::mdc_input`]
/// and gives the packets inside only if the MDC matches; they are read (and
/// inflated) after that, never before.
pub enum Finishing {
    /// SEIPDv1 with AES, decrypted and not yet authenticated.
    Mdc {
        unverified: seipd_v1::Unverified,
        container: &'static str,
    },
    /// Decrypted and authenticated by rpgp (SEIPDv2, GnuPG's AEAD, other
    /// ciphers): the packets inside, not yet read.
    Opened(Authenticated),
}

/// The packets inside the encrypted data, authenticated (MDC or AEAD), not
/// yet read: compressed data, literal data, signatures. Wiped on drop.
pub struct Authenticated {
    buffer: Zeroizing<Vec<u8>>,
    packets: std::ops::Range<usize>,
    pub container: &'static str,
}

impl Authenticated {
    pub fn packets(&self) -> &[u8] {
        &self.buffer[self.packets.clone()]
    }
}

impl Finishing {
    /// The bytes whose SHA-1 [`Finishing::authenticate`] needs, if any.
    pub fn mdc_input(&self) -> Option<&[u8]> {
        match self {
            Finishing::Mdc { unverified, .. } => Some(unverified.mdc_input()),
            Finishing::Opened(_) => None,
        }
    }

    /// `sha1`: the SHA-1 of [`Finishing::mdc_input`] (ignored when there is none).
    pub fn authenticate(self, sha1: Option<&[u8]>) -> Result<Authenticated> {
        match self {
            Finishing::Opened(done) => Ok(done),
            Finishing::Mdc {
                unverified,
                container,
            } => {
                let opened =
                    unverified.verify(sha1.ok_or_else(|| Error::internal("no MDC digest given"))?)?;
                Ok(Authenticated {
                    buffer: opened.plaintext,
                    packets: opened.packets,
                    container,
                })
            }
        }
    }

    /// [`Finishing::authenticate`], then the message inside read (compressed
    /// data inflated by rpgp: natively) and its signatures verified.
    pub fn complete(
        self,
        sha1: Option<&[u8]>,
        keyring: &Keyring,
        limits: &Limits,
        now: Timestamp,
    ) -> Result<Decrypted> {
        let opened = self.authenticate(sha1)?;
        let verified = read_and_verify(keyring, opened.packets(), limits, now, "decrypted message")?;
        Ok(Decrypted {
            data: verified.data,
            verifications: verified.verifications,
            container: opened.container,
        })
    }
}

/// Other ciphers than AES, SEIPDv2 and GnuPG's AEAD: rpgp's decryptors,
/// read in memory. SEIPDv1 is checked first (MDC before any plaintext), an
/// AEAD container chunk by chunk with its final tag; on any failure the
/// buffer is wiped and nothing is returned.
fn decrypt_with_rpgp(
    data: Option<DataPacket>,
    plain: &PlainSessionKey,
    limits: &Limits,
) -> Result<Zeroizing<Vec<u8>>> {
    let integrity = |e: pgp::errors::Error| {
        let detail = clean(e.to_string());
        if matches!(e, pgp::errors::Error::InvalidKeyLength) {
            Error::BadSessionKey { detail }
        } else {
            Error::IntegrityFailure { detail }
        }
    };
    let mismatch = || Error::BadSessionKey {
        detail: "the session key does not fit the encrypted data packet".into(),
    };
    let out = match (data, plain) {
        (Some(DataPacket::Seipd(p)), PlainSessionKey::V3_4 { sym_alg, key }) => {
            if !matches!(p.config(), SymEncryptedProtectedDataConfig::V1) {
                return Err(mismatch());
            }
            let mode = Seipdv1ReadMode::CheckFirst {
                max_message_size: limits.max_message_bytes,
            };
            let reader =
                StreamDecryptor::v1(*sym_alg, mode, key.as_ref(), &p.data()[..]).map_err(integrity)?;
            read_all(reader, limits, p.data().len())?
        }
        (Some(DataPacket::Seipd(p)), PlainSessionKey::V6 { key }) => {
            let SymEncryptedProtectedDataConfig::V2 {
                sym_alg,
                aead,
                chunk_size,
                salt,
            } = p.config()
            else {
                return Err(mismatch());
            };
            let params = aead_chunks::Params {
                sym: *sym_alg,
                aead: *aead,
                chunk_size: *chunk_size,
            };
            aead_chunks::decrypt(
                &params,
                &aead_chunks::Scheme::Rfc9580 { salt },
                key.as_ref(),
                &p.data()[..],
                limits,
            )?
        }
        (Some(DataPacket::GnupgAead(p)), PlainSessionKey::V3_4 { key, .. }) => {
            // rpgp 0.21 has no accessors on this packet: its serialization is
            // the config followed by the encrypted chunks.
            let bytes = p.to_bytes().map_err(Error::internal)?;
            let mut rest = &bytes[..];
            let config = GnupgAeadDataConfig::try_from_reader(&mut rest).map_err(integrity)?;
            let params = aead_chunks::Params {
                sym: config.sym_alg,
                aead: config.aead,
                chunk_size: config.chunk_size,
            };
            aead_chunks::decrypt(
                &params,
                &aead_chunks::Scheme::Gnupg { iv: &config.iv },
                key.as_ref(),
                rest,
                limits,
            )?
        }
        _ => return Err(mismatch()),
    };
    limits.check(out.len())?;
    Ok(out)
}

/// The plaintext is never longer than the ciphertext: with `expected` the
/// ciphertext's length, the buffer is allocated once.
fn read_all(reader: impl Read, limits: &Limits, expected: usize) -> Result<Zeroizing<Vec<u8>>> {
    wiped_read::read_to_end(reader, limits.max_message_bytes, expected).map_err(|e| Error::IntegrityFailure {
        detail: clean(e.to_string()),
    })
}

/// Phase 2's first step: see [`Finishing`].
pub fn finish_begin(input: &[u8], session_key: SessionKey, limits: &Limits) -> Result<Finishing> {
    let binary = input_binary(input, limits)?;
    // Refuses SED (EFAIL) and non-encrypted input before any decryption.
    let parsed = parse_envelope(&binary)?;
    let container = parsed.container;

    let key = session_key.key.as_slice();
    let plain = match (container, session_key.symmetric_algorithm) {
        ("seipd_v2", _) => PlainSessionKey::V6 { key: key.into() },
        (_, Some(id)) => {
            let sym_alg = SymmetricKeyAlgorithm::from(id);
            match sym_alg.key_size() {
                0 => {
                    return Err(Error::BadSessionKey {
                        detail: format!("unknown symmetric algorithm {id}"),
                    })
                }
                size if size != key.len() => {
                    return Err(Error::BadSessionKey {
                        detail: format!(
                            "{sym_alg:?} needs a {size}-byte key, the token returned {} bytes",
                            key.len()
                        ),
                    })
                }
                _ => {}
            }
            PlainSessionKey::V3_4 {
                sym_alg,
                key: key.into(),
            }
        }
        (_, None) => {
            return Err(Error::BadSessionKey {
                detail: "a v1 encrypted message needs the symmetric algorithm from the PKESK".into(),
            })
        }
    };
    drop(session_key);

    if let (Some(DataPacket::Seipd(seipd)), PlainSessionKey::V3_4 { sym_alg, key }) = (&parsed.data, &plain) {
        if let Some(unverified) = seipd_v1::decrypt(*sym_alg, key.as_ref(), seipd.data()) {
            return Ok(Finishing::Mdc {
                unverified: unverified?,
                container,
            });
        }
    }

    let inner = decrypt_with_rpgp(parsed.data, &plain, limits)?;
    drop(plain);
    let packets = 0..inner.len();
    Ok(Finishing::Opened(Authenticated {
        buffer: inner,
        packets,
        container,
    }))
}
