//! The card owner's public certificate, built from the card itself the way
//! openpgp-card-tools (`oct pubkey`) does: the public keys and their creation
//! times are read from the card, the signature-slot key becomes the primary
//! key (certify + sign), the decryption and authentication keys its subkeys,
//! and every binding signature is made by the card (PSO: COMPUTE DIGITAL
//! SIGNATURE) after the user PIN (PW1/81) is verified.
//!
//! Why our own glue and not `openpgp-card-rpgp`: that crate builds on pgp 0.20,
//! and the workspace (host and wasm core) is on pgp 0.21; two rpgp versions in
//! one build would double the code and split the types. The glue is small:
//! a [`SigningKey`] whose `sign` asks the card, over pgp 0.21's own
//! `SignatureConfig` signing.
//!
//! RFC 9580 §5.2.1 / §10.1: a subkey binding (0x18) needs a primary-key
//! binding (0x19, the subkey's back-signature) only when the subkey can sign.
//! The card's subkeys are for encryption and authentication: no back-signature.

use std::cell::RefCell;

use openpgp_card::ocard::algorithm::{AlgorithmAttributes, Curve};
use openpgp_card::ocard::crypto::{EccType, PublicKeyMaterial};
use openpgp_card::ocard::data::{Fingerprint as CardFingerprint, KeyGenerationTime};
use openpgp_card::ocard::KeyType;
use pgp::composed::{SignedKeyDetails, SignedPublicKey, SignedPublicSubKey};
use pgp::crypto::hash::HashAlgorithm as PgpHash;
use pgp::crypto::public_key::PublicKeyAlgorithm;
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::packet::{
    KeyFlags, PubKeyInner, PublicKey, PublicSubkey, SignatureConfig, SignatureType, Subpacket, SubpacketData,
    UserId,
};
use pgp::types::{
    CompressionAlgorithm, Fingerprint, KeyDetails, KeyId, KeyVersion, Mpi, PacketHeaderVersion, Password,
    PublicParams, SignatureBytes, SignedUser, SigningKey, Tag, Timestamp,
};
use tessera_protocol::sign::HashAlgorithm;
use tessera_protocol::{ErrorBody, ErrorCode};

use super::discovery::cardholder_display_name;
use super::operations::{card_error, sign};
use super::Tx;
use crate::token::algorithm_names::hex_upper;
use crate::token::pin_cache::PinCache;
use crate::token::{pin_required, ExportedCertificate};

fn card_problem(reader: &str, what: String) -> ErrorBody {
    ErrorBody::new(ErrorCode::CardError, format!("the card in `{reader}` {what}"))
}

/// One key slot as the card shows it.
struct SlotKey {
    key_type: KeyType,
    material: PublicKeyMaterial,
    created: u32,
    /// The fingerprint the card stores for the slot (what GnuPG computed when
    /// it put the key there); `None` when the card stores none.
    fingerprint: Option<Vec<u8>>,
}

fn read_slot(tx: &mut Tx<'_>, reader: &str, key_type: KeyType) -> Result<Option<SlotKey>, ErrorBody> {
    let fingerprints = tx.fingerprints().map_err(|e| card_error(reader, &e))?;
    let times = tx.key_generation_times().map_err(|e| card_error(reader, &e))?;
    let (fpr, time) = match key_type {
        KeyType::Signing => (fingerprints.signature(), times.signature()),
        KeyType::Decryption => (fingerprints.decryption(), times.decryption()),
        _ => (fingerprints.authentication(), times.authentication()),
    };
    let fingerprint = fpr
        .map(|f| f.as_bytes().to_vec())
        .filter(|f| f.iter().any(|b| *b != 0));
    let created = time.map(|t| t.get()).unwrap_or(0);
    if fingerprint.is_none() && created == 0 {
        return Ok(None); // an empty slot
    }
    let material = tx
        .card()
        .public_key(key_type)
        .map_err(|e| card_error(reader, &e))?;
    Ok(Some(SlotKey {
        key_type,
        material,
        created,
        fingerprint,
    }))
}

/// An MPI as OpenPGP writes it: bit count, then the value without leading zeros.
fn mpi_wire(out: &mut Vec<u8>, value: &[u8]) {
    let start = value.iter().position(|b| *b != 0).unwrap_or(value.len());
    let value = &value[start..];
    let bits = value
        .first()
        .map_or(0, |b| (value.len() - 1) * 8 + (8 - b.leading_zeros() as usize));
    out.extend_from_slice(&(bits as u16).to_be_bytes());
    out.extend_from_slice(value);
}

/// The candidate public parameters of a slot's key, in OpenPGP wire form with
/// its algorithm. Several for ECDH: the card does not store the KDF
/// parameters, so each usual choice is tried against the card's fingerprint.
fn candidates(material: &PublicKeyMaterial) -> Result<Vec<(PublicKeyAlgorithm, Vec<u8>)>, String> {
    match material {
        PublicKeyMaterial::R(rsa) => {
            let mut wire = Vec::new();
            mpi_wire(&mut wire, rsa.n());
            mpi_wire(&mut wire, rsa.v());
            let alg = PublicKeyAlgorithm::RSA;
            Ok(vec![(alg, wire)])
        }
        PublicKeyMaterial::E(ecc) => {
            let AlgorithmAttributes::Ecc(attrs) = ecc.algo() else {
                return Err("a key of an unknown algorithm".into());
            };
            let curve = attrs.curve();
            let oid = curve.oid();
            let mut base = vec![oid.len() as u8];
            base.extend_from_slice(oid);
            let point = match curve {
                // Native 32-byte keys: OpenPGP prefixes them with 0x40.
                Curve::Ed25519 | Curve::Curve25519 => [&[0x40u8][..], ecc.data()].concat(),
                _ => ecc.data().to_vec(),
            };
            mpi_wire(&mut base, &point);
            let alg = match attrs.ecc_type() {
                EccType::EdDSA => PublicKeyAlgorithm::EdDSALegacy,
                EccType::ECDSA => PublicKeyAlgorithm::ECDSA,
                EccType::ECDH => PublicKeyAlgorithm::ECDH,
            };
            if alg != PublicKeyAlgorithm::ECDH {
                return Ok(vec![(alg, base)]);
            }
            // RFC 6637 §13's KDF for the curve first (what GnuPG writes, and
            // what a key generated here gets: SHA-256/AES-128 up to 256-bit
            // curves, SHA-384/AES-192 for P-384, SHA-512/AES-256 for P-521),
            // then the other usual choices.
            let first = match curve {
                Curve::NistP384r1 | Curve::BrainpoolP384r1 => {
                    (PgpHash::Sha384, SymmetricKeyAlgorithm::AES192)
                }
                Curve::NistP521r1 | Curve::BrainpoolP512r1 => {
                    (PgpHash::Sha512, SymmetricKeyAlgorithm::AES256)
                }
                _ => (PgpHash::Sha256, SymmetricKeyAlgorithm::AES128),
            };
            let mut out = Vec::new();
            let others = [
                (PgpHash::Sha256, SymmetricKeyAlgorithm::AES128),
                (PgpHash::Sha384, SymmetricKeyAlgorithm::AES192),
                (PgpHash::Sha512, SymmetricKeyAlgorithm::AES256),
                (PgpHash::Sha256, SymmetricKeyAlgorithm::AES256),
                (PgpHash::Sha384, SymmetricKeyAlgorithm::AES256),
                (PgpHash::Sha256, SymmetricKeyAlgorithm::AES192),
                (PgpHash::Sha512, SymmetricKeyAlgorithm::AES128),
                (PgpHash::Sha512, SymmetricKeyAlgorithm::AES192),
                (PgpHash::Sha384, SymmetricKeyAlgorithm::AES128),
            ];
            for (hash, sym) in std::iter::once(first).chain(others.into_iter().filter(|o| *o != first)) {
                let mut wire = base.clone();
                wire.extend_from_slice(&[3, 1, u8::from(hash), u8::from(sym)]);
                out.push((alg, wire));
            }
            Ok(out)
        }
    }
}

/// The key packet for a slot: the candidate whose fingerprint is the one the
/// card stores (the first candidate when the card stores none).
fn key_inner(slot: &SlotKey, reader: &str) -> Result<PubKeyInner, ErrorBody> {
    key_inner_of(
        &slot.material,
        slot.created,
        slot.key_type,
        slot.fingerprint.as_deref(),
        reader,
    )
}

fn key_inner_of(
    material: &PublicKeyMaterial,
    created: u32,
    key_type: KeyType,
    stored_fingerprint: Option<&[u8]>,
    reader: &str,
) -> Result<PubKeyInner, ErrorBody> {
    let name = slot_name(key_type);
    let candidates =
        candidates(material).map_err(|e| card_problem(reader, format!("holds {e} in its {name} slot")))?;
    let mut first = None;
    for (alg, wire) in candidates {
        let Ok(params) = PublicParams::try_from_reader(alg, None, &wire[..]) else {
            continue;
        };
        let Ok(inner) = PubKeyInner::new(KeyVersion::V4, alg, Timestamp::from_secs(created), None, params)
        else {
            continue;
        };
        let Ok(packet) = PublicSubkey::from_inner(inner.clone()) else {
            continue;
        };
        match stored_fingerprint {
            Some(want) if packet.fingerprint().as_bytes() == want => return Ok(inner),
            Some(_) => {
                first.get_or_insert(inner);
            }
            None => return Ok(inner),
        }
    }
    Err(card_problem(
        reader,
        format!(
            "stores a fingerprint for its {name} key that does not match the key itself{}",
            if first.is_some() {
                " (was the key replaced without updating the fingerprint?)"
            } else {
                ""
            }
        ),
    ))
}

/// The v4 fingerprint of a key the card just generated, for `openpgp-card`'s
/// `generate_key` to store on the card: computed from the same key packet
/// [`build`] makes later (for ECDH, with RFC 6637's KDF for the curve), so the
/// certificate's fingerprints are the ones the card shows.
pub fn new_key_fingerprint(
    material: &PublicKeyMaterial,
    created: KeyGenerationTime,
    key_type: KeyType,
) -> Result<CardFingerprint, openpgp_card::Error> {
    let fail =
        |what: String| openpgp_card::Error::InternalError(format!("the new key's fingerprint: {what}"));
    let inner = key_inner_of(material, created.get(), key_type, None, "").map_err(|e| fail(e.message))?;
    let packet = PublicSubkey::from_inner(inner).map_err(|e| fail(e.to_string()))?;
    let bytes: [u8; 20] = packet
        .fingerprint()
        .as_bytes()
        .try_into()
        .map_err(|_| fail("not a v4 fingerprint".into()))?;
    Ok(CardFingerprint::from(bytes))
}

fn slot_name(key_type: KeyType) -> &'static str {
    match key_type {
        KeyType::Signing => "signature",
        KeyType::Decryption => "decryption",
        _ => "authentication",
    }
}

/// The digest the card signs: SHA-384 for P-384 and SHA-512 for P-521 keys
/// (cards may refuse a digest shorter than the curve, the virtual card does),
/// SHA-256 otherwise — as the wasm core picks it for messages.
fn hash_for(params: &PublicParams) -> PgpHash {
    use pgp::types::EcdsaPublicParams;
    match params {
        PublicParams::ECDSA(EcdsaPublicParams::P384 { .. }) => PgpHash::Sha384,
        PublicParams::ECDSA(EcdsaPublicParams::P521 { .. }) => PgpHash::Sha512,
        _ => PgpHash::Sha256,
    }
}

/// rpgp's signing interface over the card's signature slot. `sign` cannot
/// return our error type, so a refusal (wrong PIN, card gone) is kept in
/// `failure` for [`build`] to report as is.
struct CardSigner<'t, 'c> {
    primary: PublicKey,
    hash: PgpHash,
    tx: RefCell<&'t mut Tx<'c>>,
    reader: &'t str,
    token: &'t str,
    pins: &'t PinCache,
    failure: RefCell<Option<ErrorBody>>,
}

impl std::fmt::Debug for CardSigner<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardSigner({}, {})", self.reader, self.primary.fingerprint())
    }
}

impl KeyDetails for CardSigner<'_, '_> {
    fn version(&self) -> KeyVersion {
        self.primary.version()
    }
    fn legacy_key_id(&self) -> KeyId {
        self.primary.legacy_key_id()
    }
    fn fingerprint(&self) -> Fingerprint {
        self.primary.fingerprint()
    }
    fn algorithm(&self) -> PublicKeyAlgorithm {
        self.primary.algorithm()
    }
    fn created_at(&self) -> Timestamp {
        self.primary.created_at()
    }
    fn legacy_v3_expiration_days(&self) -> Option<u16> {
        None
    }
    fn public_params(&self) -> &PublicParams {
        self.primary.public_params()
    }
}

impl SigningKey for CardSigner<'_, '_> {
    fn sign(&self, _key_pw: &Password, hash: PgpHash, digest: &[u8]) -> pgp::errors::Result<SignatureBytes> {
        let ours = match hash {
            PgpHash::Sha256 => HashAlgorithm::Sha256,
            PgpHash::Sha384 => HashAlgorithm::Sha384,
            PgpHash::Sha512 => HashAlgorithm::Sha512,
            other => {
                return Err(format!("the card signs only SHA-256/384/512 digests here, not {other:?}").into())
            }
        };
        let mut tx = self.tx.borrow_mut();
        // Verifies the cached PIN (PW1/81) first: cards with "signature PIN
        // forced" want it before every signature.
        match sign(&mut tx, self.reader, self.token, self.pins, ours, digest) {
            Ok(mpis) => Ok(SignatureBytes::Mpis(
                mpis.iter().map(|m| Mpi::from_slice(m)).collect(),
            )),
            Err(e) => {
                self.failure.replace(Some(e));
                Err(String::from("the card did not sign").into())
            }
        }
    }

    fn hash_alg(&self) -> PgpHash {
        self.hash
    }
}

/// The User ID to bind: the caller's, else the cardholder name.
fn user_id_for(tx: &mut Tx<'_>, reader: &str, given: Option<&str>) -> Result<String, ErrorBody> {
    if let Some(given) = given {
        return Ok(given.to_owned());
    }
    let name = tx
        .cardholder_related_data()
        .ok()
        .and_then(|d| d.name().map(cardholder_display_name))
        .filter(|n| !n.is_empty());
    name.ok_or_else(|| {
        ErrorBody::new(
            ErrorCode::InvalidParams,
            format!(
                "the card in `{reader}` has no cardholder name: give the User ID to put in the certificate, e.g. \"Jane Doe <jane@example.org>\""
            ),
        )
    })
}

fn hashed(data: Vec<SubpacketData>) -> Result<Vec<Subpacket>, ErrorBody> {
    data.into_iter()
        .map(|d| Subpacket::regular(d).map_err(|e| internal(format!("subpacket: {e}"))))
        .collect()
}

fn internal(message: String) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::Internal,
        format!("building the certificate failed: {message}"),
    )
}

/// Builds the card owner's certificate, every signature made by the card.
/// Needs the cached user PIN (else `pin_required`, before any signature).
pub fn build(
    tx: &mut Tx<'_>,
    reader: &str,
    token: &str,
    pins: &PinCache,
    user_id: Option<&str>,
) -> Result<ExportedCertificate, ErrorBody> {
    let Some(signing) = read_slot(tx, reader, KeyType::Signing)? else {
        return Err(card_problem(
            reader,
            "has no signature key: a certificate needs one (generate or move keys to the card first)".into(),
        ));
    };
    let primary = PublicKey::from_inner(key_inner(&signing, reader)?).map_err(|e| internal(e.to_string()))?;
    let mut subkeys = Vec::new();
    for key_type in [KeyType::Decryption, KeyType::Authentication] {
        if let Some(slot) = read_slot(tx, reader, key_type)? {
            let sub =
                PublicSubkey::from_inner(key_inner(&slot, reader)?).map_err(|e| internal(e.to_string()))?;
            subkeys.push((key_type, sub));
        }
    }
    let uid_text = user_id_for(tx, reader, user_id)?;
    if pins.get(token).is_none() {
        return Err(pin_required(token));
    }
    let uid = UserId::from_str(PacketHeaderVersion::New, &uid_text).map_err(|e| internal(e.to_string()))?;
    let signer = CardSigner {
        hash: hash_for(primary.public_params()),
        primary: primary.clone(),
        tx: RefCell::new(tx),
        reader,
        token,
        pins,
        failure: RefCell::new(None),
    };
    let card_failed = |signer: &CardSigner<'_, '_>, e: pgp::errors::Error| {
        signer
            .failure
            .take()
            .unwrap_or_else(|| internal(format!("signing: {e}")))
    };
    let now = Timestamp::now();
    let issuer = || -> Result<Vec<Subpacket>, ErrorBody> {
        Ok(vec![Subpacket::regular(SubpacketData::IssuerKeyId(
            primary.legacy_key_id(),
        ))
        .map_err(|e| internal(e.to_string()))?])
    };

    let mut flags = KeyFlags::default();
    flags.set_certify(true);
    flags.set_sign(true);
    let mut features = pgp::packet::Features::default();
    features.set_seipd_v1(true);
    let mut config = SignatureConfig::v4(SignatureType::CertPositive, primary.algorithm(), signer.hash);
    config.hashed_subpackets = hashed(vec![
        SubpacketData::SignatureCreationTime(now),
        SubpacketData::IssuerFingerprint(primary.fingerprint()),
        SubpacketData::KeyFlags(flags),
        SubpacketData::PreferredSymmetricAlgorithms(
            [SymmetricKeyAlgorithm::AES256, SymmetricKeyAlgorithm::AES128]
                .into_iter()
                .collect(),
        ),
        SubpacketData::PreferredHashAlgorithms([PgpHash::Sha512, PgpHash::Sha256].into_iter().collect()),
        SubpacketData::PreferredCompressionAlgorithms(
            [CompressionAlgorithm::ZLIB, CompressionAlgorithm::Uncompressed]
                .into_iter()
                .collect(),
        ),
        SubpacketData::Features(features),
    ])?;
    config.unhashed_subpackets = issuer()?;
    let uid_sig = config
        .sign_certification(&signer, &primary, &Password::empty(), Tag::UserId, &uid)
        .map_err(|e| card_failed(&signer, e))?;

    let mut signed_subkeys = Vec::new();
    for (key_type, sub) in subkeys {
        let mut flags = KeyFlags::default();
        if key_type == KeyType::Decryption {
            flags.set_encrypt_comms(true);
            flags.set_encrypt_storage(true);
        } else {
            flags.set_authentication(true);
        }
        let mut config = SignatureConfig::v4(SignatureType::SubkeyBinding, primary.algorithm(), signer.hash);
        config.hashed_subpackets = hashed(vec![
            SubpacketData::SignatureCreationTime(now),
            SubpacketData::IssuerFingerprint(primary.fingerprint()),
            SubpacketData::KeyFlags(flags),
        ])?;
        config.unhashed_subpackets = issuer()?;
        let sig = config
            .sign_subkey_binding(&signer, &primary, &Password::empty(), &sub)
            .map_err(|e| card_failed(&signer, e))?;
        signed_subkeys.push(SignedPublicSubKey::new(sub, vec![sig]));
    }

    let cert = SignedPublicKey::new(
        primary,
        SignedKeyDetails::new(vec![], vec![], vec![SignedUser::new(uid, vec![uid_sig])], vec![]),
        signed_subkeys,
    );
    // The card signed what we asked: check it before handing it out.
    cert.verify_bindings()
        .map_err(|e| card_problem(reader, format!("made signatures that do not verify: {e}")))?;
    let armored = cert
        .to_armored_string(None.into())
        .map_err(|e| internal(e.to_string()))?;
    Ok(ExportedCertificate {
        armored,
        fingerprint: hex_upper(cert.primary_key.fingerprint().as_bytes()),
    })
}
