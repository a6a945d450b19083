//! Two-phase signing: the private key is on the token, behind an asynchronous call.
//!
//! Phase 1, [`prepare`]: builds the signature's configuration (type, hash, creation
//! time, issuer subpackets, and for v6 keys a random salt), hashes the data and
//! the signature trailer exactly as rpgp does, and returns the digest for
//! `token.sign` plus an opaque `state`.
//!
//! Phase 2, [`finish`]: rebuilds the identical configuration from `state`,
//! checks the token's signature against the signer's public key and the digest,
//! and assembles the result: a detached signature, a one-pass-signed message,
//! or a cleartext-signed message.
//!
//! rpgp computes the digest in `SignatureHasher::sign`, which hands it to a
//! `SigningKey`. Phase 1 passes a key that only *records* the digest; phase 2
//! builds the packet with `Signature::from_config` from the same configuration
//! and the token's answer, so no private key ever passes through this crate.

use std::cell::RefCell;

use pgp::armor::BlockType;
use pgp::crypto::hash::HashAlgorithm;
use pgp::crypto::public_key::PublicKeyAlgorithm;
use pgp::line_writer::LineBreak;
use pgp::normalize_lines::NormalizedReader;
use pgp::packet::{
    DataMode, OnePassSignature, Packet, PacketTrait, PublicKey, PublicSubkey, Signature, SignatureConfig,
    SignatureType, Subpacket, SubpacketData,
};
use pgp::types::{
    EcdsaPublicParams, Fingerprint, KeyDetails, KeyId, KeyVersion, Mpi, Password, PublicParams,
    SignatureBytes, Timestamp, VerifyingKey,
};

use super::keyring::{normalize_fpr, Keyring};
use crate::openpgp::cert::{evaluate, KeyRef};
use crate::openpgp::error::{clean, Error, Result};
use crate::openpgp::packet::armor::armor;
use crate::openpgp::packet::cleartext;
use crate::openpgp::packet::framing::{read_one, write_packet};
use crate::openpgp::packet::{literal, wiped_read};
use crate::openpgp::types::SignedAs;

/// What to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignMode {
    /// A detached binary-document signature (`-----BEGIN PGP SIGNATURE-----`).
    Detached,
    /// A one-pass signed message: OPS, literal data, signature (`PGP MESSAGE`).
    Inline,
    /// A cleartext signed message (`-----BEGIN PGP SIGNED MESSAGE-----`), text only.
    Cleartext,
}

impl SignMode {
    fn id(self) -> u8 {
        match self {
            SignMode::Detached => 1,
            SignMode::Inline => 2,
            SignMode::Cleartext => 3,
        }
    }
    fn from_id(id: u8) -> Option<Self> {
        match id {
            1 => Some(SignMode::Detached),
            2 => Some(SignMode::Inline),
            3 => Some(SignMode::Cleartext),
            _ => None,
        }
    }
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "detached" => Ok(SignMode::Detached),
            "inline" => Ok(SignMode::Inline),
            "cleartext" => Ok(SignMode::Cleartext),
            other => Err(Error::InvalidArgument {
                detail: format!("unknown signing mode `{other}` (detached, inline, cleartext)"),
            }),
        }
    }
}

/// What phase 1 hands to the caller: send `hash_algorithm` and `digest` to
/// `token.sign`, keep `state` for [`finish`].
#[derive(Debug, Clone)]
pub struct SigningRequest {
    pub hash_algorithm: HashAlgorithm,
    pub digest: Vec<u8>,
    /// Fingerprint of the signing (sub)key: the token slot that must sign.
    pub key_fingerprint: String,
    pub state: Vec<u8>,
}

/// The protocol's name of a hash algorithm (`SHA256`…), as `token.sign` takes it.
pub fn hash_name(hash: HashAlgorithm) -> &'static str {
    match hash {
        HashAlgorithm::Sha256 => "SHA256",
        HashAlgorithm::Sha384 => "SHA384",
        HashAlgorithm::Sha512 => "SHA512",
        HashAlgorithm::Sha224 => "SHA224",
        HashAlgorithm::Sha1 => "SHA1",
        _ => "unsupported",
    }
}

/// The finished signature or signed message.
#[derive(Debug, Clone)]
pub struct Signed {
    pub mode: SignMode,
    /// Binary packets (empty for cleartext, which only exists armored).
    pub binary: Vec<u8>,
    pub armored: String,
}

/// The hash for a key: SHA-256, or the curve's matching size for ECDSA P-384/P-521 and Ed448.
fn hash_for(params: &PublicParams) -> HashAlgorithm {
    match params {
        PublicParams::ECDSA(EcdsaPublicParams::P384 { .. }) => HashAlgorithm::Sha384,
        PublicParams::ECDSA(EcdsaPublicParams::P521 { .. }) | PublicParams::Ed448(_) => HashAlgorithm::Sha512,
        _ => HashAlgorithm::Sha256,
    }
}

/// The signature configuration; phase 1 and phase 2 build it from the same inputs.
fn build_config(
    key: &dyn KeyDetails,
    typ: SignatureType,
    hash: HashAlgorithm,
    created: Timestamp,
    salt: &[u8],
) -> Result<SignatureConfig> {
    let mut config = match key.version() {
        KeyVersion::V4 => SignatureConfig::v4(typ, key.algorithm(), hash),
        KeyVersion::V6 => SignatureConfig::v6_with_salt(typ, key.algorithm(), hash, salt.to_vec()),
        v => {
            return Err(Error::Unsupported {
                what: "key version",
                detail: format!("cannot sign with a {v:?} key"),
            })
        }
    };
    let sub = |d| Subpacket::regular(d).map_err(Error::internal);
    config.hashed_subpackets = vec![
        sub(SubpacketData::SignatureCreationTime(created))?,
        sub(SubpacketData::IssuerFingerprint(key.fingerprint()))?,
    ];
    if key.version() == KeyVersion::V4 {
        config.unhashed_subpackets = vec![sub(SubpacketData::IssuerKeyId(key.legacy_key_id()))?];
    }
    Ok(config)
}

/// A `SigningKey` that does not sign: it records the digest rpgp asks it to sign.
#[derive(Debug)]
struct DigestRecorder<'a> {
    key: &'a dyn KeyDetails,
    hash: HashAlgorithm,
    digest: RefCell<Option<Vec<u8>>>,
}

impl KeyDetails for DigestRecorder<'_> {
    fn version(&self) -> KeyVersion {
        self.key.version()
    }
    fn legacy_key_id(&self) -> KeyId {
        self.key.legacy_key_id()
    }
    fn fingerprint(&self) -> Fingerprint {
        self.key.fingerprint()
    }
    fn algorithm(&self) -> PublicKeyAlgorithm {
        self.key.algorithm()
    }
    fn created_at(&self) -> Timestamp {
        self.key.created_at()
    }
    fn legacy_v3_expiration_days(&self) -> Option<u16> {
        self.key.legacy_v3_expiration_days()
    }
    fn public_params(&self) -> &PublicParams {
        self.key.public_params()
    }
}

impl pgp::types::SigningKey for DigestRecorder<'_> {
    fn sign(
        &self,
        _key_pw: &Password,
        _hash: HashAlgorithm,
        digest: &[u8],
    ) -> pgp::errors::Result<SignatureBytes> {
        *self.digest.borrow_mut() = Some(digest.to_vec());
        // A placeholder; the packet built around it is thrown away.
        Ok(SignatureBytes::Mpis(Vec::new()))
    }
    fn hash_alg(&self) -> HashAlgorithm {
        self.hash
    }
}

fn digest_of(config: SignatureConfig, key: &dyn KeyDetails, data: &[u8]) -> Result<Vec<u8>> {
    let recorder = DigestRecorder {
        key,
        hash: config.hash_alg,
        digest: RefCell::new(None),
    };
    let mut hasher = config.into_hasher().map_err(Error::internal)?;
    std::io::Write::write_all(&mut hasher, data).map_err(Error::internal)?;
    hasher
        .sign(&recorder, &Password::empty())
        .map_err(|e| Error::Unsupported {
            what: "signature",
            detail: clean(e.to_string()),
        })?;
    recorder
        .digest
        .into_inner()
        .ok_or_else(|| Error::internal("rpgp did not ask for a signature"))
}

/// Phase 1. `signer` is the fingerprint of the token's signature slot (a
/// primary key or subkey in the keyring, valid and signing-capable).
/// Detached and inline signatures are binary-document signatures; cleartext
/// ones are text signatures. [`prepare_as`] chooses.
pub fn prepare(
    keyring: &Keyring,
    signer: &str,
    data: &[u8],
    mode: SignMode,
    now: Timestamp,
) -> Result<SigningRequest> {
    prepare_as(keyring, signer, data, mode, SignedAs::Binary, now)
}

/// [`prepare`], with the data signed as binary or as text. Text needs UTF-8
/// (the draft SOP's `--as=text` fails on other input, and a text signature
/// over bytes that are not text would verify or not depending on how a
/// verifier splits lines). Cleartext is always text.
pub fn prepare_as(
    keyring: &Keyring,
    signer: &str,
    data: &[u8],
    mode: SignMode,
    signed_as: SignedAs,
    now: Timestamp,
) -> Result<SigningRequest> {
    let cert = keyring.require(signer)?;
    let eval = evaluate(cert, now);
    let usable = eval.signing_keys()?;
    let key = usable
        .iter()
        .find(|k| k.fingerprint_hex().eq_ignore_ascii_case(&normalize_fpr(signer)))
        .copied()
        .ok_or_else(|| Error::NoSigningKey {
            fingerprint: eval.fingerprint(),
            detail: format!(
                ": {} is not a valid signing key of it (signing keys: {})",
                normalize_fpr(signer),
                usable
                    .iter()
                    .map(|k| k.fingerprint_hex())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?;
    let details = key.details();

    let text = match (mode, signed_as) {
        (SignMode::Cleartext, _) => Some(std::str::from_utf8(data).map_err(|e| Error::InvalidArgument {
            detail: format!("cleartext signing needs UTF-8 text: {e}"),
        })?),
        (_, SignedAs::Text) => Some(std::str::from_utf8(data).map_err(|e| Error::InvalidArgument {
            detail: format!("a text-mode signature needs UTF-8 text: {e}"),
        })?),
        (_, SignedAs::Binary) => None,
    };
    let typ = if text.is_some() {
        SignatureType::Text
    } else {
        SignatureType::Binary
    };
    let hash = hash_for(details.public_params());
    let salt = match details.version() {
        KeyVersion::V6 => {
            let len = hash.salt_len().unwrap_or(16);
            let mut salt = vec![0u8; len];
            rand::Rng::fill(&mut rand::rngs::OsRng, &mut salt[..]);
            salt
        }
        _ => Vec::new(),
    };
    let created = now;
    let config = build_config(details, typ, hash, created, &salt)?;
    let digest = match (mode, text) {
        (SignMode::Cleartext, Some(text)) => {
            digest_of(config, details, cleartext::signed_text(text).as_bytes())?
        }
        _ => digest_of(config, details, data)?,
    };

    // The payload phase 2 needs besides the signature.
    let payload = match mode {
        SignMode::Detached => Vec::new(),
        SignMode::Inline => {
            let format = match text {
                Some(_) => DataMode::Utf8,
                None => DataMode::Binary,
            };
            literal_packet(format, data, created)?
        }
        SignMode::Cleartext => data.to_vec(),
    };
    let key_packet = key.packet_bytes()?;
    let state = State {
        mode,
        typ,
        hash,
        created,
        salt,
        digest: digest.clone(),
        key_packet,
        payload,
    }
    .encode();
    Ok(SigningRequest {
        hash_algorithm: hash,
        digest,
        key_fingerprint: key.fingerprint_hex(),
        state,
    })
}

/// The literal data packet of an inline-signed message, header included.
///
/// Its date is the signature's creation time rather than rpgp's `now()`, so
/// that signers prepared one after the other (a PIN prompt in between) build
/// the identical packet and [`finish_many`] can put it under all of them.
///
/// Text ('u') is stored with CRLF line endings, as RFC 4880 required and
/// GnuPG and rpgp write it: GnuPG 2.2 hashes the literal bytes as they are, so
/// it rejects a text signature over a packet holding bare LFs.
fn literal_packet(format: DataMode, data: &[u8], created: Timestamp) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(12 + data.len() + data.len() / 16);
    if format == DataMode::Binary {
        literal::write(u8::from(format), created.as_secs(), data, &mut out)?;
    } else {
        let crlf = wiped_read::read_to_end(
            NormalizedReader::new(data, LineBreak::Crlf),
            usize::MAX,
            data.len() + data.len() / 16,
        )
        .map_err(Error::internal)?;
        literal::write(u8::from(format), created.as_secs(), &crlf, &mut out)?;
    }
    Ok(out)
}

/// Phase 2: `signature` is the token's answer, the signature's MPIs in OpenPGP
/// order (RSA `[s]`, ECDSA and legacy EdDSA `[r, s]`), or for a v6 Ed25519 key
/// the native 64-byte signature as its only element.
pub fn finish(state: &[u8], signature: &[Vec<u8>]) -> Result<Signed> {
    finish_many(&[(state, signature)])
}

/// Phase 2 for several signers over the same data, each `(state, signature)`
/// as for [`finish`], all prepared with the same mode and data: detached
/// signatures one after the other; a one-pass-signed message with the OPS
/// packets in the given order, the literal data once, and the signatures in
/// reverse order (RFC 9580 5.4: each OPS but the last is "nested", and OPS and
/// signatures bracket each other); a cleartext message with every signature.
pub fn finish_many(parts: &[(&[u8], &[Vec<u8>])]) -> Result<Signed> {
    let mut checked = Vec::with_capacity(parts.len());
    for (state, signature) in parts {
        checked.push(finish_one(state, signature)?);
    }
    let Some(first) = checked.first() else {
        return Err(Error::InvalidArgument {
            detail: "no signature to finish: at least one signer is needed".into(),
        });
    };
    let mode = first.state.mode;
    if let Some(other) = checked
        .iter()
        .find(|c| c.state.mode != mode || c.state.payload != first.state.payload)
    {
        return Err(Error::BadSigningState {
            detail: format!(
                "the signers were prepared differently ({:?} and {:?}, or over other data); \
                 prepare every signer with the same mode and data",
                mode, other.state.mode
            ),
        });
    }
    let payload = zeroize::Zeroizing::new(first.state.payload.clone());

    let mut binary = Vec::new();
    match mode {
        SignMode::Detached => {
            for c in &checked {
                write_packet(&c.sig, &mut binary)?;
            }
            let armored = armor(&binary, BlockType::Signature)?;
            Ok(Signed {
                mode,
                binary,
                armored,
            })
        }
        SignMode::Inline => {
            let last = checked.len() - 1;
            for (i, c) in checked.iter_mut().enumerate() {
                if i != last {
                    // rpgp names the flag from the other side: `last = 0`, "another OPS follows".
                    c.ops.set_is_nested();
                }
                write_packet(&c.ops, &mut binary)?;
            }
            binary.extend_from_slice(&payload);
            for c in checked.iter().rev() {
                write_packet(&c.sig, &mut binary)?;
            }
            let armored = armor(&binary, BlockType::Message)?;
            Ok(Signed {
                mode,
                binary,
                armored,
            })
        }
        SignMode::Cleartext => {
            let text = std::str::from_utf8(&payload).map_err(|e| Error::BadSigningState {
                detail: clean(e.to_string()),
            })?;
            let sigs: Vec<Signature> = checked.into_iter().map(|c| c.sig).collect();
            let armored = cleartext::write(text, &sigs)?;
            Ok(Signed {
                mode,
                binary: Vec::new(),
                armored,
            })
        }
    }
}

/// One signer's phase 2: its signature checked against its key and digest.
struct Checked {
    state: State,
    ops: OnePassSignature,
    sig: Signature,
}

fn finish_one(state: &[u8], signature: &[Vec<u8>]) -> Result<Checked> {
    let state = State::decode(state)?;
    let key_packet = read_one(&state.key_packet, "signing key in the signing state")?;
    let (primary, sub): (Option<PublicKey>, Option<PublicSubkey>) = match key_packet {
        Packet::PublicKey(k) => (Some(k), None),
        Packet::PublicSubkey(k) => (None, Some(k)),
        other => {
            return Err(Error::BadSigningState {
                detail: format!("expected a public key packet, found {:?}", other.tag()),
            })
        }
    };
    let key = match (&primary, &sub) {
        (Some(k), _) => KeyRef::Primary(k),
        (_, Some(k)) => KeyRef::Sub(k),
        _ => unreachable!(),
    };
    let details = key.details();
    let config = build_config(details, state.typ, state.hash, state.created, &state.salt)?;
    let sig_bytes = signature_bytes(details.algorithm(), signature)?;

    let verified = match key {
        KeyRef::Primary(k) => k.verify(state.hash, &state.digest, &sig_bytes),
        KeyRef::Sub(k) => k.verify(state.hash, &state.digest, &sig_bytes),
    };
    verified.map_err(|e| Error::BadTokenSignature {
        fingerprint: key.fingerprint_hex(),
        detail: clean(e.to_string()),
    })?;

    let signed_hash_value = [state.digest[0], state.digest[1]];
    let ops = match details.version() {
        KeyVersion::V6 => {
            let fpr: [u8; 32] = details
                .fingerprint()
                .as_bytes()
                .try_into()
                .map_err(|_| Error::internal("v6 fingerprint is not 32 bytes"))?;
            OnePassSignature::v6(
                config.typ,
                config.hash_alg,
                config.pub_alg,
                state.salt.clone(),
                fpr,
            )
        }
        _ => OnePassSignature::v3(
            config.typ,
            config.hash_alg,
            config.pub_alg,
            details.legacy_key_id(),
        ),
    };
    let sig = Signature::from_config(config, signed_hash_value, sig_bytes).map_err(Error::internal)?;
    Ok(Checked { state, ops, sig })
}

fn signature_bytes(alg: PublicKeyAlgorithm, parts: &[Vec<u8>]) -> Result<SignatureBytes> {
    let bad = |detail: String| Error::BadTokenSignature {
        fingerprint: String::new(),
        detail,
    };
    match alg {
        PublicKeyAlgorithm::Ed25519 => {
            let native: Vec<u8> = match parts {
                [one] if one.len() == 64 => one.clone(),
                [r, s] if r.len() <= 32 && s.len() <= 32 => {
                    let mut out = vec![0u8; 64];
                    out[32 - r.len()..32].copy_from_slice(r);
                    out[64 - s.len()..].copy_from_slice(s);
                    out
                }
                _ => return Err(bad("an Ed25519 signature is 64 bytes".into())),
            };
            Ok(SignatureBytes::Native(native.into()))
        }
        PublicKeyAlgorithm::RSA | PublicKeyAlgorithm::RSASign => match parts {
            [s] => Ok(SignatureBytes::Mpis(vec![Mpi::from_slice(s)])),
            _ => Err(bad(format!("an RSA signature is 1 MPI, got {}", parts.len()))),
        },
        PublicKeyAlgorithm::ECDSA | PublicKeyAlgorithm::EdDSALegacy | PublicKeyAlgorithm::DSA => {
            match parts {
                [r, s] => Ok(SignatureBytes::Mpis(vec![Mpi::from_slice(r), Mpi::from_slice(s)])),
                _ => Err(bad(format!(
                    "a {alg:?} signature is 2 MPIs (r, s), got {}",
                    parts.len()
                ))),
            }
        }
        other => Err(Error::Unsupported {
            what: "signing algorithm",
            detail: format!("{other:?}"),
        }),
    }
}

/// The opaque state between the phases. Layout (version 1):
/// `"TSG1"`, mode u8, signature type u8, hash id u8, created u32 BE,
/// then length-prefixed (u32 BE) salt, digest, key packet, payload.
#[derive(Debug)]
struct State {
    mode: SignMode,
    typ: SignatureType,
    hash: HashAlgorithm,
    created: Timestamp,
    salt: Vec<u8>,
    digest: Vec<u8>,
    key_packet: Vec<u8>,
    payload: Vec<u8>,
}

// The payload is the literal data: the plaintext of the message being signed.
impl Drop for State {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.payload);
    }
}

const MAGIC: &[u8; 4] = b"TSG1";

impl State {
    fn encode(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.payload.len() + self.key_packet.len());
        out.extend_from_slice(MAGIC);
        out.push(self.mode.id());
        out.push(u8::from(self.typ));
        out.push(u8::from(self.hash));
        out.extend_from_slice(&self.created.as_secs().to_be_bytes());
        for field in [&self.salt, &self.digest, &self.key_packet, &self.payload] {
            out.extend_from_slice(&(field.len() as u32).to_be_bytes());
            out.extend_from_slice(field);
        }
        out
    }

    fn decode(bytes: &[u8]) -> Result<State> {
        let bad = |detail: &str| Error::BadSigningState {
            detail: detail.to_string(),
        };
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| bad("not a signing state from this core"))?;
        if rest.len() < 7 {
            return Err(bad("too short"));
        }
        let mode = SignMode::from_id(rest[0]).ok_or_else(|| bad("unknown mode"))?;
        let typ = SignatureType::from(rest[1]);
        let hash = HashAlgorithm::from(rest[2]);
        let created = Timestamp::from_secs(u32::from_be_bytes(rest[3..7].try_into().expect("4")));
        let mut rest = &rest[7..];
        let mut fields = Vec::with_capacity(4);
        for _ in 0..4 {
            if rest.len() < 4 {
                return Err(bad("truncated"));
            }
            let len = u32::from_be_bytes(rest[..4].try_into().expect("4")) as usize;
            rest = &rest[4..];
            if rest.len() < len {
                return Err(bad("truncated"));
            }
            fields.push(rest[..len].to_vec());
            rest = &rest[len..];
        }
        if !rest.is_empty() {
            return Err(bad("trailing bytes"));
        }
        let payload = fields.pop().expect("4 fields");
        let key_packet = fields.pop().expect("4 fields");
        let digest = fields.pop().expect("4 fields");
        let salt = fields.pop().expect("4 fields");
        if digest.len() < 2 {
            return Err(bad("digest too short"));
        }
        Ok(State {
            mode,
            typ,
            hash,
            created,
            salt,
            digest,
            key_packet,
            payload,
        })
    }
}
