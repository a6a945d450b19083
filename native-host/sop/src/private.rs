//! The private-key halves of signing and decryption: in software with rpgp for
//! a secret key, or on a token through `tessera-host` for a key handle. The
//! OpenPGP around them (what to sign, which PKESK, building the packets) is
//! the core's two-phase `sign` and `decrypt`, exactly as for the extension.

use pgp::composed::{PlainSessionKey, SignedPublicKey, SignedSecretKey};
use pgp::crypto::hash::HashAlgorithm as PgpHash;
use pgp::packet::{Packet, PacketParser};
use pgp::types::{
    DecryptionKey, EskType, KeyDetails, Password, PkeskVersion, SignatureBytes, SigningKey, Timestamp,
};
use sop::errors::Error as SopError;
use sop::plumbing::PasswordsAreHumanReadable;
use tessera_core::openpgp::cert::{evaluate, fpr_hex};
use tessera_core::openpgp::ops::decrypt::{self, SessionKey};
use tessera_core::openpgp::ops::sign::{self, hash_name, SignMode, Signed};
use tessera_core::openpgp::types::Limits;
use tessera_core::openpgp::types::SignedAs;
use tessera_protocol::sign::HashAlgorithm as ProtoHash;
use tessera_protocol::token::SlotKind;
use zeroize::Zeroizing;

use crate::errors::{core, Context, Failure, NO_HARDWARE_KEY_FOUND};
use crate::host::with_host;
use crate::objects::{keyring, KeyItem};

/// The `--with-key-password` values, in order.
#[derive(Default, Clone)]
pub struct Passwords {
    /// Every variant of every password (as given, trailing whitespace trimmed), for software keys.
    variants: Vec<Zeroizing<Vec<u8>>>,
    /// The first password, trailing whitespace trimmed: a token's PIN. Presented once, never retried.
    pin: Option<Zeroizing<String>>,
}

impl Passwords {
    pub fn add(&mut self, password: &sop::Password) -> Result<(), Failure> {
        for v in password.variants() {
            self.variants.push(Zeroizing::new(v.to_vec()));
        }
        if self.pin.is_none() {
            let text =
                std::str::from_utf8(password.normalized()).map_err(|_| SopError::PasswordNotHumanReadable)?;
            self.pin = Some(Zeroizing::new(text.to_string()));
        }
        Ok(())
    }

    fn pin(&self) -> Option<&str> {
        self.pin.as_deref().map(String::as_str)
    }

    /// The empty password (unprotected keys) first, then the given ones.
    fn candidates(&self) -> impl Iterator<Item = Password> + '_ {
        std::iter::once(Password::empty()).chain(self.variants.iter().map(|v| Password::from(v.as_slice())))
    }
}

fn proto_hash(hash: PgpHash) -> Result<ProtoHash, Failure> {
    Ok(match hash_name(hash) {
        "SHA1" => ProtoHash::Sha1,
        "SHA224" => ProtoHash::Sha224,
        "SHA256" => ProtoHash::Sha256,
        "SHA384" => ProtoHash::Sha384,
        "SHA512" => ProtoHash::Sha512,
        _ => return Err(Failure::Sop(SopError::UnsupportedAsymmetricAlgo)),
    })
}

fn locked(fingerprint: &str) -> Failure {
    eprintln!("tessera-sop: key {fingerprint} is password-protected and no --with-key-password unlocks it");
    Failure::Sop(SopError::KeyIsProtected)
}

fn mpis(sig: SignatureBytes) -> Vec<Vec<u8>> {
    match sig {
        SignatureBytes::Mpis(mpis) => mpis.iter().map(|m| m.as_ref().to_vec()).collect(),
        SignatureBytes::Native(bytes) => vec![bytes.to_vec()],
    }
}

/// Signs `digest` with the secret (sub)key `fingerprint` of `key`.
fn soft_sign(
    key: &SignedSecretKey,
    fingerprint: &str,
    hash: PgpHash,
    digest: &[u8],
    passwords: &Passwords,
) -> Result<Vec<Vec<u8>>, Failure> {
    let signer: &dyn SigningKey = if fpr_hex(&key.primary_key.fingerprint()) == fingerprint {
        &key.primary_key
    } else {
        key.secret_subkeys
            .iter()
            .find(|s| fpr_hex(&s.key.fingerprint()) == fingerprint)
            .map(|s| &s.key as &dyn SigningKey)
            .ok_or(Failure::Sop(SopError::KeyCannotSign))?
    };
    for pw in passwords.candidates() {
        if let Ok(sig) = signer.sign(&pw, hash, digest) {
            return Ok(mpis(sig));
        }
    }
    Err(locked(fingerprint))
}

/// Signs `data` with every KEYS item (each one signature, in the given
/// order): phase 1 in the core for each, the digest signed in software or on
/// the token holding that signing key, then phase 2 in the core for all of
/// them at once, so an inline message carries one literal packet under
/// every signature.
pub fn sign_all(
    items: &[KeyItem],
    passwords: &Passwords,
    data: &[u8],
    mode: SignMode,
    signed_as: SignedAs,
    now: Timestamp,
) -> Result<Signed, Failure> {
    if items.is_empty() {
        return Err(Failure::Sop(SopError::MissingArg));
    }
    let mut signed = Vec::with_capacity(items.len());
    for item in items {
        signed.push(sign_one(item, passwords, data, mode, signed_as, now)?);
    }
    let parts: Vec<(&[u8], &[Vec<u8>])> = signed
        .iter()
        .map(|(state, sig)| (state.as_slice(), sig.as_slice()))
        .collect();
    sign::finish_many(&parts).map_err(|e| core(e, Context::Sign))
}

/// Phase 1 and the private-key half for one KEYS item: the signing state and
/// the signature's MPIs for [`sign::finish_many`].
fn sign_one(
    item: &KeyItem,
    passwords: &Passwords,
    data: &[u8],
    mode: SignMode,
    signed_as: SignedAs,
    now: Timestamp,
) -> Result<(Vec<u8>, Vec<Vec<u8>>), Failure> {
    let cert = item.public();
    let ring = keyring([&cert])?;
    let eval = evaluate(&ring.certs()[0], now);
    let signing: Vec<String> = eval
        .signing_keys()
        .map_err(|e| core(e, Context::Sign))?
        .iter()
        .map(|k| k.fingerprint_hex())
        .collect();
    match item {
        KeyItem::Secret(key) => {
            let fpr = signing.iter().find(|f| has_secret(key, f)).ok_or_else(|| {
                eprintln!(
                    "tessera-sop: key {} holds no secret signing key",
                    item.fingerprint()
                );
                Failure::Sop(SopError::KeyCannotSign)
            })?;
            let req = sign::prepare_as(&ring, fpr, data, mode, signed_as, now)
                .map_err(|e| core(e, Context::Sign))?;
            let sig = soft_sign(
                key,
                &req.key_fingerprint,
                req.hash_algorithm,
                &req.digest,
                passwords,
            )?;
            Ok((req.state, sig))
        }
        KeyItem::Handle(_) => with_host(|host| {
            let found = host.tokens().iter().find_map(|t| {
                t.slots
                    .iter()
                    .filter(|s| s.slot == SlotKind::Signature)
                    .filter_map(|s| s.fingerprint.as_ref())
                    .find(|f| signing.iter().any(|g| g.eq_ignore_ascii_case(f)))
                    .map(|f| (t.id.clone(), f.to_ascii_uppercase()))
            });
            let Some((token, fpr)) = found else {
                return Err(Failure::exit(
                    NO_HARDWARE_KEY_FOUND,
                    format!(
                        "no token holds a signing key of {} (signing keys: {})",
                        item.fingerprint(),
                        signing.join(", ")
                    ),
                ));
            };
            let req = sign::prepare_as(&ring, &fpr, data, mode, signed_as, now)
                .map_err(|e| core(e, Context::Sign))?;
            let hash = proto_hash(req.hash_algorithm)?;
            host.verify_pin(&token, passwords.pin(), true)?;
            let sig = host.sign(&token, hash, &req.digest)?;
            Ok((req.state, sig))
        }),
    }
}

fn has_secret(key: &SignedSecretKey, fingerprint: &str) -> bool {
    fpr_hex(&key.primary_key.fingerprint()) == fingerprint
        || key
            .secret_subkeys
            .iter()
            .any(|s| fpr_hex(&s.key.fingerprint()) == fingerprint)
}

fn component_fprs(key: &SignedSecretKey) -> Vec<String> {
    std::iter::once(fpr_hex(&key.primary_key.fingerprint()))
        .chain(key.secret_subkeys.iter().map(|s| fpr_hex(&s.key.fingerprint())))
        .collect()
}

/// Decrypts the session key of `pkesk` with the secret (sub)key `fingerprint`.
fn soft_decrypt(
    key: &SignedSecretKey,
    fingerprint: &str,
    pkesk: &[u8],
    passwords: &Passwords,
) -> Result<SessionKey, Failure> {
    let pkesk = match PacketParser::new(pkesk).next() {
        Some(Ok(Packet::PublicKeyEncryptedSessionKey(p))) => p,
        _ => return Err(Failure::Sop(SopError::BadData)),
    };
    let typ = match pkesk.version() {
        PkeskVersion::V6 => EskType::V6,
        _ => EskType::V3_4,
    };
    let values = pkesk
        .values()
        .map_err(|e| crate::errors::bad_data("session key packet", e))?;
    let decryptor: &dyn Fn(&Password) -> pgp::errors::Result<pgp::errors::Result<PlainSessionKey>> =
        if fpr_hex(&key.primary_key.fingerprint()) == fingerprint {
            &|pw| key.primary_key.decrypt(pw, values, typ)
        } else {
            let sub = key
                .secret_subkeys
                .iter()
                .find(|s| fpr_hex(&s.key.fingerprint()) == fingerprint)
                .ok_or(Failure::Sop(SopError::CannotDecrypt))?;
            &move |pw| sub.key.decrypt(pw, values, typ)
        };
    for pw in passwords.candidates() {
        match decryptor(&pw) {
            Ok(Ok(plain)) => return Ok(SessionKey::from(&plain)),
            Ok(Err(e)) => {
                eprintln!("tessera-sop: cannot decrypt the session key with {fingerprint}: {e}");
                return Err(Failure::Sop(SopError::CannotDecrypt));
            }
            Err(_) => continue,
        }
    }
    Err(locked(fingerprint))
}

/// Phase 1 of decryption in the core, then the session key from a software
/// key or from the token holding the matching decryption key.
pub fn session_key(
    items: &[KeyItem],
    passwords: &Passwords,
    message: &[u8],
    limits: &Limits,
) -> Result<SessionKey, Failure> {
    let publics: Vec<SignedPublicKey> = items.iter().map(KeyItem::public).collect();
    let ring = keyring(&publics)?;
    let mut candidates: Vec<String> = Vec::new();
    for item in items {
        if let KeyItem::Secret(key) = item {
            candidates.extend(component_fprs(key));
        }
    }
    // Token decryption keys that belong to the handles given.
    let mut on_tokens: Vec<(String, String)> = Vec::new();
    let handles: Vec<&SignedPublicKey> = items
        .iter()
        .filter_map(|i| match i {
            KeyItem::Handle(c) => Some(c),
            KeyItem::Secret(_) => None,
        })
        .collect();
    if !handles.is_empty() {
        let handle_ring = keyring(handles.iter().copied())?;
        with_host(|host| {
            for token in host.tokens() {
                for slot in token.slots.iter().filter(|s| s.slot == SlotKind::Decryption) {
                    if let Some(f) = &slot.fingerprint {
                        if handle_ring.cert_with_key(f).is_some() {
                            on_tokens.push((f.to_ascii_uppercase(), token.id.clone()));
                        }
                    }
                }
            }
            Ok(())
        })?;
        candidates.extend(on_tokens.iter().map(|(f, _)| f.clone()));
    }
    let req = match decrypt::prepare(message, &ring, &candidates, limits) {
        Ok(req) => req,
        Err(e @ tessera_core::openpgp::Error::NotForUs { .. })
            if !handles.is_empty() && on_tokens.is_empty() =>
        {
            return Err(Failure::exit(
                NO_HARDWARE_KEY_FOUND,
                format!("no token holds a decryption key of the given key handles ({e})"),
            ));
        }
        Err(e) => return Err(core(e, Context::Decrypt)),
    };
    let fpr = req.token_fingerprint.clone();
    if let Some((_, token)) = on_tokens.iter().find(|(f, _)| *f == fpr) {
        return with_host(|host| {
            host.verify_pin(token, passwords.pin(), false)?;
            let (alg, key) = host.decrypt_session_key(token, &req.pkesk, &req.recipient_key)?;
            Ok(SessionKey {
                symmetric_algorithm: alg,
                key,
            })
        });
    }
    let key = items
        .iter()
        .find_map(|i| match i {
            KeyItem::Secret(k) if has_secret(k, &fpr) => Some(k),
            _ => None,
        })
        .ok_or(Failure::Sop(SopError::CannotDecrypt))?;
    soft_decrypt(key, &fpr, &req.pkesk, passwords)
}
