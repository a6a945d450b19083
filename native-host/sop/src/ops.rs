//! The SOP verbs. Every OpenPGP operation goes through `tessera_core::openpgp`;
//! key generation and software private-key operations use rpgp directly.

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pgp::armor::BlockType;
use pgp::composed::{EncryptionCaps, KeyType, SecretKeyParamsBuilder, SignedPublicKey, SubkeyParamsBuilder};
use pgp::crypto::aead::AeadAlgorithm;
use pgp::crypto::ecc_curve::ECCCurve;
use pgp::crypto::hash::HashAlgorithm as PgpHash;
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::types::KeyVersion;
use smallvec_shim::sv;
use sop::errors::Error as SopError;
use sop::ops::{
    Armor, ArmorLabel, CertifyUserID, ChangeKeyPassword, Dearmor, Decrypt, Encrypt, EncryptAs, ExtractCert,
    GenerateKey, InlineDetach, InlineSign, InlineSignAs, InlineVerify, MergeCerts, Micalg, Ready, RevokeKey,
    Sign, SignAs, SignatureMode, UpdateKey, ValidateUserID, Verification, Verify, VerifySignatures, Version,
    VersionInfo,
};
use sop::{Password, SessionKey};
use tessera_core::openpgp::cert::now;
use tessera_core::openpgp::ops::decrypt;
use tessera_core::openpgp::ops::encrypt::{prepare_for, Payload};
use tessera_core::openpgp::ops::passwords;
use tessera_core::openpgp::ops::sign::SignMode;
use tessera_core::openpgp::ops::verify::{self, Verification as CoreVerification};
use tessera_core::openpgp::packet::armor::{armor, dearmor};
use tessera_core::openpgp::types::Limits;
use tessera_core::openpgp::types::SignedAs;
use zeroize::Zeroizing;

use crate::errors::{bad_data, core, to_sop, Context, Failure};
use crate::objects::{keyring, read_all, Certs, KeyItem, Keys, Sigs};
use crate::private::{session_key, sign_all, Passwords};
use crate::TesseraSop;

/// rpgp's builder takes `SmallVec`s; `.into()` from a Vec keeps this crate off smallvec.
mod smallvec_shim {
    macro_rules! sv {
        ($($x:expr),*) => { vec![$($x),*].into() };
    }
    pub(crate) use sv;
}

type R<T> = sop::Result<T>;

/// A finished operation: the output bytes and the value the verb returns.
struct Done<T> {
    data: Zeroizing<Vec<u8>>,
    value: T,
}

impl<T> Ready<T> for Done<T> {
    fn to_writer(self: Box<Self>, sink: &mut (dyn io::Write + Send + Sync)) -> R<T> {
        sink.write_all(&self.data)?;
        sink.flush()?;
        Ok(self.value)
    }
}

fn done<'d, T: 'd>(data: Vec<u8>, value: T) -> Box<dyn Ready<T> + 'd> {
    Box::new(Done {
        data: Zeroizing::new(data),
        value,
    })
}

fn system_time(secs: u32) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::from(secs))
}

/// Valid signatures within the time window, as SOP verifications (`mode:text`
/// for signatures of type text, cleartext ones included).
fn accepted(
    results: &[CoreVerification],
    not_before: Option<SystemTime>,
    not_after: Option<SystemTime>,
) -> Vec<Verification> {
    let mut out = Vec::new();
    for r in results {
        match r {
            CoreVerification::Valid {
                signer_fingerprint,
                key_fingerprint,
                created,
                signed_as,
                ..
            } => {
                let mode = match signed_as {
                    SignedAs::Text => SignatureMode::Text,
                    SignedAs::Binary => SignatureMode::Binary,
                };
                let t = system_time(*created);
                if not_before.is_some_and(|b| t < b) || not_after.is_some_and(|a| t > a) {
                    eprintln!("tessera-sop: signature by {key_fingerprint} is outside the time window");
                    continue;
                }
                if let Ok(v) = Verification::new(t, key_fingerprint, signer_fingerprint, mode, None) {
                    out.push(v);
                }
            }
            CoreVerification::Bad {
                signer_fingerprint,
                reason,
            } => eprintln!("tessera-sop: bad signature by {signer_fingerprint}: {reason}"),
            CoreVerification::UnknownSigner { issuer } => {
                eprintln!("tessera-sop: signature by {issuer}, which no given certificate holds")
            }
            CoreVerification::Unsigned => {}
        }
    }
    out
}

fn micalg(hash: PgpHash) -> Micalg {
    Micalg::from(u8::from(hash))
}

// ---------------------------------------------------------------- the SOP

impl<'s> sop::SOP<'s> for TesseraSop {
    type Keys = Keys<'s>;
    type Certs = Certs<'s>;
    type Sigs = Sigs<'s>;

    fn version(&self) -> R<Box<dyn Version<'_>>> {
        Ok(Box::new(VersionOp))
    }

    fn generate_key(&'s self) -> R<Box<dyn GenerateKey<'s, Self, Keys<'s>> + 's>> {
        Ok(Box::new(GenerateKeyOp {
            sop: self,
            signing_only: false,
            password: None,
            user_ids: Vec::new(),
            profile: KeyProfile::Rfc4880,
        }))
    }

    fn change_key_password(&'s self) -> R<Box<dyn ChangeKeyPassword<'s, Self, Keys<'s>> + 's>> {
        Err(SopError::NotImplemented)
    }

    fn revoke_key(&'s self) -> R<Box<dyn RevokeKey<'s, Self, Certs<'s>, Keys<'s>> + 's>> {
        Err(SopError::NotImplemented)
    }

    fn extract_cert(&'s self) -> R<Box<dyn ExtractCert<'s, Self, Certs<'s>, Keys<'s>> + 's>> {
        Ok(Box::new(ExtractCertOp { sop: self }))
    }

    fn update_key(&'s self) -> R<Box<dyn UpdateKey<'s, Self, Certs<'s>, Keys<'s>> + 's>> {
        Err(SopError::NotImplemented)
    }

    fn merge_certs(&'s self) -> R<Box<dyn MergeCerts<'s, Self, Certs<'s>> + 's>> {
        Err(SopError::NotImplemented)
    }

    fn certify_userid(&'s self) -> R<Box<dyn CertifyUserID<'s, Self, Certs<'s>, Keys<'s>> + 's>> {
        Err(SopError::NotImplemented)
    }

    fn validate_userid(&'s self) -> R<Box<dyn ValidateUserID<'s, Self, Certs<'s>> + 's>> {
        Err(SopError::NotImplemented)
    }

    fn sign(&'s self) -> R<Box<dyn Sign<'s, Self, Keys<'s>, Sigs<'s>> + 's>> {
        Ok(Box::new(SignOp {
            sop: self,
            mode: SignAs::Binary,
            keys: Vec::new(),
            passwords: Passwords::default(),
        }))
    }

    fn verify(&'s self) -> R<Box<dyn Verify<'s, Self, Certs<'s>, Sigs<'s>> + 's>> {
        Ok(Box::new(VerifyOp {
            not_before: None,
            not_after: None,
            certs: Vec::new(),
        }))
    }

    fn encrypt(&'s self) -> R<Box<dyn Encrypt<'s, Self, Certs<'s>, Keys<'s>> + 's>> {
        Ok(Box::new(EncryptOp {
            armor: true,
            mode: EncryptAs::Binary,
            certs: Vec::new(),
            signers: Vec::new(),
            passwords: Passwords::default(),
            message_passwords: Vec::new(),
        }))
    }

    fn decrypt(&'s self) -> R<Box<dyn Decrypt<'s, Self, Certs<'s>, Keys<'s>> + 's>> {
        Ok(Box::new(DecryptOp {
            not_before: None,
            not_after: None,
            verify_certs: Vec::new(),
            session_keys: Vec::new(),
            keys: Vec::new(),
            passwords: Passwords::default(),
            message_passwords: Vec::new(),
        }))
    }

    fn armor(&'s self) -> R<Box<dyn Armor<'s> + 's>> {
        Ok(Box::new(ArmorOp))
    }

    fn dearmor(&'s self) -> R<Box<dyn Dearmor<'s> + 's>> {
        Ok(Box::new(DearmorOp))
    }

    fn inline_detach(&'s self) -> R<Box<dyn InlineDetach<'s, Sigs<'s>> + 's>> {
        Err(SopError::NotImplemented)
    }

    fn inline_verify(&'s self) -> R<Box<dyn InlineVerify<'s, Self, Certs<'s>> + 's>> {
        Ok(Box::new(InlineVerifyOp {
            not_before: None,
            not_after: None,
            certs: Vec::new(),
        }))
    }

    fn inline_sign(&'s self) -> R<Box<dyn InlineSign<'s, Self, Keys<'s>> + 's>> {
        Ok(Box::new(InlineSignOp {
            armor: true,
            mode: InlineSignAs::Binary,
            keys: Vec::new(),
            passwords: Passwords::default(),
        }))
    }
}

// ---------------------------------------------------------------- version

struct VersionOp;

impl Version<'_> for VersionOp {
    fn frontend(&self) -> R<VersionInfo> {
        Ok(VersionInfo {
            name: "tessera-sop".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        })
    }

    fn backend(&self) -> R<VersionInfo> {
        Ok(VersionInfo {
            name: "tessera-core (rpgp)".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        })
    }

    fn extended(&self) -> R<String> {
        Ok(format!(
            "tessera-sop {}\nOpenPGP: tessera-core on rpgp 0.21\nTokens: tessera-host, protocol version {}\n",
            env!("CARGO_PKG_VERSION"),
            tessera_protocol::PROTOCOL_VERSION
        ))
    }
}

// ---------------------------------------------------------------- generate-key, extract-cert

struct GenerateKeyOp<'s> {
    sop: &'s TesseraSop,
    signing_only: bool,
    password: Option<Zeroizing<String>>,
    user_ids: Vec<String>,
    profile: KeyProfile,
}

/// What `generate-key --profile` makes. The first is the default (`list-profiles`
/// prints it first): v4 keys, which every OpenPGP implementation in use reads
/// (GnuPG 2.2 and 2.4 do not read v6).
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyProfile {
    /// Ed25519 (legacy EdDSA) and Curve25519 ECDH, OpenPGP v4.
    Rfc4880,
    /// Ed25519 and X25519, OpenPGP v6 (RFC 9580), AEAD (OCB) preferred.
    Rfc9580,
}

impl KeyProfile {
    const ALL: [(KeyProfile, &'static str, &'static str); 2] = [
        (
            KeyProfile::Rfc4880,
            "rfc4880",
            "Curve25519, OpenPGP v4: read by every OpenPGP implementation (default)",
        ),
        (
            KeyProfile::Rfc9580,
            "rfc9580",
            "Ed25519 and X25519, OpenPGP v6 (RFC 9580): not read by GnuPG 2.2 or 2.4",
        ),
    ];

    fn named(name: &str) -> Option<KeyProfile> {
        if name == "default" {
            return Some(KeyProfile::Rfc4880);
        }
        Self::ALL.iter().find(|(_, n, _)| *n == name).map(|(p, _, _)| *p)
    }
}

impl<'s> GenerateKey<'s, TesseraSop, Keys<'s>> for GenerateKeyOp<'s> {
    fn list_profiles(&self) -> Vec<(String, String)> {
        KeyProfile::ALL
            .iter()
            .map(|(_, name, what)| ((*name).to_owned(), (*what).to_owned()))
            .collect()
    }

    fn profile(mut self: Box<Self>, profile: &str) -> R<Box<dyn GenerateKey<'s, TesseraSop, Keys<'s>> + 's>> {
        self.profile = KeyProfile::named(profile).ok_or_else(|| {
            eprintln!("tessera-sop: unknown profile `{profile}` (sop list-profiles generate-key lists them)");
            SopError::UnsupportedProfile
        })?;
        Ok(self)
    }

    fn signing_only(mut self: Box<Self>) -> Box<dyn GenerateKey<'s, TesseraSop, Keys<'s>> + 's> {
        self.signing_only = true;
        self
    }

    fn with_key_password(
        mut self: Box<Self>,
        password: Password,
    ) -> R<Box<dyn GenerateKey<'s, TesseraSop, Keys<'s>> + 's>> {
        use sop::plumbing::PasswordsAreHumanReadable;
        let text =
            std::str::from_utf8(password.normalized()).map_err(|_| SopError::PasswordNotHumanReadable)?;
        self.password = Some(Zeroizing::new(text.to_string()));
        Ok(self)
    }

    fn userid(mut self: Box<Self>, userid: &str) -> Box<dyn GenerateKey<'s, TesseraSop, Keys<'s>> + 's> {
        self.user_ids.push(userid.to_string());
        self
    }

    fn generate(self: Box<Self>) -> R<Keys<'s>> {
        let Some((primary_uid, more)) = self.user_ids.split_first() else {
            eprintln!("tessera-sop: generate-key needs a USERID (v4 keys carry their preferences on it)");
            return Err(SopError::MissingArg);
        };
        let pw = || self.password.as_ref().map(|p| p.as_str().to_owned());
        let fail = |e: &dyn std::fmt::Display| {
            eprintln!("tessera-sop: cannot generate the key: {e}");
            SopError::UnspecifiedFailure
        };
        let v6 = self.profile == KeyProfile::Rfc9580;
        let version = if v6 { KeyVersion::V6 } else { KeyVersion::V4 };
        let mut subkeys = Vec::new();
        if !self.signing_only {
            subkeys.push(
                SubkeyParamsBuilder::default()
                    .version(version)
                    .key_type(if v6 {
                        KeyType::X25519
                    } else {
                        KeyType::ECDH(ECCCurve::Curve25519Legacy)
                    })
                    .can_encrypt(EncryptionCaps::All)
                    .passphrase(pw())
                    .build()
                    .map_err(|e| fail(&e))?,
            );
        }
        let mut builder = SecretKeyParamsBuilder::default();
        builder
            .version(version)
            .key_type(if v6 {
                KeyType::Ed25519
            } else {
                KeyType::Ed25519Legacy
            })
            .can_certify(true)
            .can_sign(true)
            .primary_user_id(primary_uid.clone())
            .user_ids(more.to_vec())
            .preferred_symmetric_algorithms(sv![SymmetricKeyAlgorithm::AES256, SymmetricKeyAlgorithm::AES128])
            .preferred_hash_algorithms(sv![PgpHash::Sha256, PgpHash::Sha512])
            .passphrase(pw())
            .subkeys(subkeys);
        if v6 {
            // RFC 9580 §9.1: v6 keys advertise SEIPDv2, with OCB as the AEAD every implementation has.
            builder
                .feature_seipd_v2(true)
                .preferred_aead_algorithms(sv![(SymmetricKeyAlgorithm::AES256, AeadAlgorithm::Ocb)]);
        }
        let params = builder.build().map_err(|e| fail(&e))?;
        let key = params.generate(rand::thread_rng()).map_err(|e| fail(&e))?;
        Ok(Keys::from_items(self.sop, vec![KeyItem::Secret(key)]))
    }
}

struct ExtractCertOp<'s> {
    sop: &'s TesseraSop,
}

impl<'s> ExtractCert<'s, TesseraSop, Certs<'s>, Keys<'s>> for ExtractCertOp<'s> {
    fn keys(self: Box<Self>, keys: &Keys) -> R<Certs<'s>> {
        Ok(Certs::new(
            self.sop,
            keys.items.iter().map(KeyItem::public).collect(),
        ))
    }
}

// ---------------------------------------------------------------- sign, verify

struct SignOp<'s> {
    sop: &'s TesseraSop,
    mode: SignAs,
    keys: Vec<KeyItem>,
    passwords: Passwords,
}

impl<'s> Sign<'s, TesseraSop, Keys<'s>, Sigs<'s>> for SignOp<'s> {
    fn mode(mut self: Box<Self>, mode: SignAs) -> Box<dyn Sign<'s, TesseraSop, Keys<'s>, Sigs<'s>> + 's> {
        self.mode = mode;
        self
    }

    fn keys(mut self: Box<Self>, keys: &Keys) -> R<Box<dyn Sign<'s, TesseraSop, Keys<'s>, Sigs<'s>> + 's>> {
        self.keys.extend(keys.items.iter().cloned());
        Ok(self)
    }

    fn with_key_password(
        mut self: Box<Self>,
        password: Password,
    ) -> R<Box<dyn Sign<'s, TesseraSop, Keys<'s>, Sigs<'s>> + 's>> {
        self.passwords.add(&password).map_err(to_sop)?;
        Ok(self)
    }

    fn data(self: Box<Self>, data: &mut (dyn io::Read + Send + Sync)) -> R<(Micalg, Sigs<'s>)> {
        let signed_as = match self.mode {
            SignAs::Binary => SignedAs::Binary,
            SignAs::Text => SignedAs::Text,
        };
        let data = read_all(data).map_err(to_sop)?;
        let signed = sign_all(
            &self.keys,
            &self.passwords,
            &data,
            SignMode::Detached,
            signed_as,
            now(),
        )
        .map_err(to_sop)?;
        let micalg = signature_hash(&signed.binary)
            .map(micalg)
            .unwrap_or(Micalg::SHA256);
        Ok((micalg, Sigs::new(self.sop, signed.binary)))
    }
}

/// The hash algorithm of the first signature packet.
fn signature_hash(packets: &[u8]) -> Option<PgpHash> {
    pgp::packet::PacketParser::new(packets).find_map(|p| match p {
        Ok(pgp::packet::Packet::Signature(s)) => s.hash_alg(),
        _ => None,
    })
}

struct VerifyOp {
    not_before: Option<SystemTime>,
    not_after: Option<SystemTime>,
    certs: Vec<SignedPublicKey>,
}

impl<'s> Verify<'s, TesseraSop, Certs<'s>, Sigs<'s>> for VerifyOp {
    fn not_before(
        mut self: Box<Self>,
        t: SystemTime,
    ) -> Box<dyn Verify<'s, TesseraSop, Certs<'s>, Sigs<'s>> + 's> {
        self.not_before = Some(t);
        self
    }

    fn not_after(
        mut self: Box<Self>,
        t: SystemTime,
    ) -> Box<dyn Verify<'s, TesseraSop, Certs<'s>, Sigs<'s>> + 's> {
        self.not_after = Some(t);
        self
    }

    fn certs(
        mut self: Box<Self>,
        certs: &Certs,
    ) -> R<Box<dyn Verify<'s, TesseraSop, Certs<'s>, Sigs<'s>> + 's>> {
        self.certs.extend(certs.certs.iter().cloned());
        Ok(self)
    }

    fn signatures<'sigs>(
        self: Box<Self>,
        signatures: &'sigs Sigs,
    ) -> R<Box<dyn VerifySignatures<'sigs> + 'sigs>>
    where
        's: 'sigs,
    {
        Ok(Box::new(VerifySigsOp {
            op: *self,
            packets: signatures.packets.clone(),
        }))
    }
}

struct VerifySigsOp {
    op: VerifyOp,
    packets: Vec<u8>,
}

impl VerifySignatures<'_> for VerifySigsOp {
    fn data(self: Box<Self>, data: &mut (dyn io::Read + Send + Sync)) -> R<Vec<Verification>> {
        let data = read_all(data).map_err(to_sop)?;
        let ring = keyring(&self.op.certs).map_err(to_sop)?;
        let results = verify::verify_detached(&ring, &data, &self.packets, now())
            .map_err(|e| to_sop(core(e, Context::Verify)))?;
        let ok = accepted(&results, self.op.not_before, self.op.not_after);
        if ok.is_empty() {
            return Err(SopError::NoSignature);
        }
        Ok(ok)
    }
}

// ---------------------------------------------------------------- encrypt, decrypt

struct EncryptOp {
    armor: bool,
    mode: EncryptAs,
    certs: Vec<SignedPublicKey>,
    signers: Vec<KeyItem>,
    passwords: Passwords,
    /// `--with-password` values, normalised (trailing whitespace trimmed, as
    /// the SOP draft asks of passwords that make an artifact).
    message_passwords: Vec<Zeroizing<Vec<u8>>>,
}

impl<'s> Encrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> for EncryptOp {
    fn no_armor(mut self: Box<Self>) -> Box<dyn Encrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's> {
        self.armor = false;
        self
    }

    fn mode(
        mut self: Box<Self>,
        mode: EncryptAs,
    ) -> Box<dyn Encrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's> {
        self.mode = mode;
        self
    }

    fn sign_with_keys(
        mut self: Box<Self>,
        keys: &Keys,
    ) -> R<Box<dyn Encrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's>> {
        self.signers.extend(keys.items.iter().cloned());
        Ok(self)
    }

    fn with_key_password(
        mut self: Box<Self>,
        password: Password,
    ) -> R<Box<dyn Encrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's>> {
        self.passwords.add(&password).map_err(to_sop)?;
        Ok(self)
    }

    fn with_password(
        mut self: Box<Self>,
        password: Password,
    ) -> R<Box<dyn Encrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's>> {
        use sop::plumbing::PasswordsAreHumanReadable;
        self.message_passwords
            .push(Zeroizing::new(password.normalized().to_vec()));
        Ok(self)
    }

    fn with_certs(
        mut self: Box<Self>,
        certs: &Certs,
    ) -> R<Box<dyn Encrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's>> {
        self.certs.extend(certs.certs.iter().cloned());
        Ok(self)
    }

    fn plaintext<'d>(
        self: Box<Self>,
        plaintext: &'d mut (dyn io::Read + Send + Sync),
    ) -> R<Box<dyn Ready<Option<SessionKey>> + 'd>>
    where
        's: 'd,
    {
        if self.certs.is_empty() && self.message_passwords.is_empty() {
            return Err(SopError::MissingArg);
        }
        let data = Zeroizing::new(read_all(plaintext).map_err(to_sop)?);
        let now = now();
        let signed_as = match self.mode {
            EncryptAs::Text => SignedAs::Text,
            _ => SignedAs::Binary,
        };
        let signed = if self.signers.is_empty() {
            None
        } else {
            Some(
                sign_all(
                    &self.signers,
                    &self.passwords,
                    &data,
                    SignMode::Inline,
                    signed_as,
                    now,
                )
                .map_err(to_sop)?,
            )
        };
        let payload = match &signed {
            Some(s) => Payload::Packets(&s.binary),
            None => Payload::Data(&data),
        };
        let certs: Vec<&SignedPublicKey> = self.certs.iter().collect();
        let passwords: Vec<&[u8]> = self.message_passwords.iter().map(|p| p.as_slice()).collect();
        let fail = |e| to_sop(core(e, Context::Encrypt));
        let sealing = prepare_for(&certs, &passwords, payload, now).map_err(fail)?;
        let session_key = SessionKey::new(sealing.symmetric_algorithm(), sealing.session_key())?;
        let encrypted = sealing.seal().map_err(fail)?;
        let out = if self.armor {
            encrypted.armored.into_bytes()
        } else {
            dearmor(encrypted.armored.as_bytes(), "encrypted message")
                .map_err(fail)?
                .1
        };
        Ok(done(out, Some(session_key)))
    }
}

struct DecryptOp {
    not_before: Option<SystemTime>,
    not_after: Option<SystemTime>,
    verify_certs: Vec<SignedPublicKey>,
    session_keys: Vec<SessionKey>,
    keys: Vec<KeyItem>,
    passwords: Passwords,
    /// `--with-password` values, each as given and with trailing whitespace
    /// trimmed (the SOP draft's rule for passwords that open an artifact).
    message_passwords: Vec<Zeroizing<Vec<u8>>>,
}

impl<'s> Decrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> for DecryptOp {
    fn verify_not_before(
        mut self: Box<Self>,
        t: SystemTime,
    ) -> Box<dyn Decrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's> {
        self.not_before = Some(t);
        self
    }

    fn verify_not_after(
        mut self: Box<Self>,
        t: SystemTime,
    ) -> Box<dyn Decrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's> {
        self.not_after = Some(t);
        self
    }

    fn verify_with_certs(
        mut self: Box<Self>,
        certs: &Certs,
    ) -> R<Box<dyn Decrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's>> {
        self.verify_certs.extend(certs.certs.iter().cloned());
        Ok(self)
    }

    fn with_session_key(
        mut self: Box<Self>,
        sk: SessionKey,
    ) -> R<Box<dyn Decrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's>> {
        self.session_keys.push(sk);
        Ok(self)
    }

    fn with_password(
        mut self: Box<Self>,
        password: Password,
    ) -> R<Box<dyn Decrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's>> {
        use sop::plumbing::PasswordsAreHumanReadable;
        for variant in password.variants() {
            self.message_passwords.push(Zeroizing::new(variant.to_vec()));
        }
        Ok(self)
    }

    fn with_keys(
        mut self: Box<Self>,
        keys: &Keys,
    ) -> R<Box<dyn Decrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's>> {
        self.keys.extend(keys.items.iter().cloned());
        Ok(self)
    }

    fn with_key_password(
        mut self: Box<Self>,
        password: Password,
    ) -> R<Box<dyn Decrypt<'s, TesseraSop, Certs<'s>, Keys<'s>> + 's>> {
        self.passwords.add(&password).map_err(to_sop)?;
        Ok(self)
    }

    fn ciphertext<'d>(
        self: Box<Self>,
        ciphertext: &'d mut (dyn io::Read + Send + Sync),
    ) -> R<Box<dyn Ready<(Option<SessionKey>, Vec<Verification>)> + 'd>>
    where
        's: 'd,
    {
        if self.keys.is_empty() && self.session_keys.is_empty() && self.message_passwords.is_empty() {
            return Err(SopError::MissingArg);
        }
        let message = read_all(ciphertext).map_err(to_sop)?;
        let limits = Limits::default();
        let verify_ring = keyring(&self.verify_certs).map_err(to_sop)?;
        let now = now();

        // Session keys given on the command line first, then the passwords (no
        // token is asked when one of them opens the message), then the keys.
        let mut last_error = None;
        let mut result = None;
        for sk in &self.session_keys {
            let key = decrypt::SessionKey {
                symmetric_algorithm: Some(sk.algorithm()),
                key: Zeroizing::new(sk.key().to_vec()),
            };
            match decrypt::finish(&message, key, &verify_ring, &limits, now) {
                Ok(d) => {
                    result = Some((d, SessionKey::new(sk.algorithm(), sk.key()).ok()));
                    break;
                }
                Err(e) => last_error = Some(e),
            }
        }
        if result.is_none() && !self.message_passwords.is_empty() {
            let passwords: Vec<&[u8]> = self.message_passwords.iter().map(|p| p.as_slice()).collect();
            match passwords::decrypt_with_passwords(&message, &passwords, &verify_ring, &limits, now) {
                Ok((d, key)) => {
                    let out = sop_session_key(&key, &message);
                    result = Some((d, out));
                }
                Err(e) => last_error = Some(e),
            }
        }
        if result.is_none() && !self.keys.is_empty() {
            let key = session_key(&self.keys, &self.passwords, &message, &limits).map_err(to_sop)?;
            let out = sop_session_key(&key, &message);
            let d = decrypt::finish(&message, key, &verify_ring, &limits, now)
                .map_err(|e| to_sop(core(e, Context::Decrypt)))?;
            result = Some((d, out));
        }
        let Some((decrypted, sk)) = result else {
            return Err(match last_error {
                Some(e) => to_sop(core(e, Context::Decrypt)),
                None => SopError::CannotDecrypt,
            });
        };
        let verifications = accepted(&decrypted.verifications, self.not_before, self.not_after);
        Ok(done(decrypted.data.to_vec(), (sk, verifications)))
    }
}

/// The session key in SOP's form (`ALG:HEX`). A v6 PKESK or SKESK does not
/// name the algorithm: for SEIPDv2 it is in the encrypted data packet.
fn sop_session_key(key: &decrypt::SessionKey, message: &[u8]) -> Option<SessionKey> {
    let alg = key.symmetric_algorithm.or_else(|| seipd_v2_algorithm(message))?;
    SessionKey::new(alg, key.key.as_slice()).ok()
}

fn seipd_v2_algorithm(message: &[u8]) -> Option<u8> {
    use pgp::packet::{Packet, PacketParser, SymEncryptedProtectedDataConfig as Config};
    let (_, binary) = dearmor(message, "encrypted message").ok()?;
    PacketParser::new(&binary[..]).find_map(|p| match p {
        Ok(Packet::SymEncryptedProtectedData(data)) => match data.config() {
            Config::V2 { sym_alg, .. } => Some(u8::from(*sym_alg)),
            Config::V1 => None,
        },
        _ => None,
    })
}

// ---------------------------------------------------------------- inline-sign, inline-verify

struct InlineSignOp {
    armor: bool,
    mode: InlineSignAs,
    keys: Vec<KeyItem>,
    passwords: Passwords,
}

impl<'s> InlineSign<'s, TesseraSop, Keys<'s>> for InlineSignOp {
    fn no_armor(mut self: Box<Self>) -> Box<dyn InlineSign<'s, TesseraSop, Keys<'s>> + 's> {
        self.armor = false;
        self
    }

    fn mode(mut self: Box<Self>, mode: InlineSignAs) -> Box<dyn InlineSign<'s, TesseraSop, Keys<'s>> + 's> {
        self.mode = mode;
        self
    }

    fn keys(mut self: Box<Self>, keys: &Keys) -> R<Box<dyn InlineSign<'s, TesseraSop, Keys<'s>> + 's>> {
        self.keys.extend(keys.items.iter().cloned());
        Ok(self)
    }

    fn with_key_password(
        mut self: Box<Self>,
        password: Password,
    ) -> R<Box<dyn InlineSign<'s, TesseraSop, Keys<'s>> + 's>> {
        self.passwords.add(&password).map_err(to_sop)?;
        Ok(self)
    }

    fn data<'d>(self: Box<Self>, data: &'d mut (dyn io::Read + Send + Sync)) -> R<Box<dyn Ready + 'd>>
    where
        's: 'd,
    {
        let mode = match self.mode {
            InlineSignAs::ClearSigned if !self.armor => return Err(SopError::IncompatibleOptions),
            InlineSignAs::ClearSigned => SignMode::Cleartext,
            InlineSignAs::Binary | InlineSignAs::Text => SignMode::Inline,
        };
        let signed_as = match self.mode {
            InlineSignAs::Text => SignedAs::Text,
            InlineSignAs::Binary | InlineSignAs::ClearSigned => SignedAs::Binary,
        };
        let data = read_all(data).map_err(to_sop)?;
        let signed = sign_all(&self.keys, &self.passwords, &data, mode, signed_as, now()).map_err(to_sop)?;
        let out = if self.armor || mode == SignMode::Cleartext {
            signed.armored.into_bytes()
        } else {
            signed.binary
        };
        Ok(done(out, ()))
    }
}

struct InlineVerifyOp {
    not_before: Option<SystemTime>,
    not_after: Option<SystemTime>,
    certs: Vec<SignedPublicKey>,
}

impl<'s> InlineVerify<'s, TesseraSop, Certs<'s>> for InlineVerifyOp {
    fn not_before(
        mut self: Box<Self>,
        t: SystemTime,
    ) -> Box<dyn InlineVerify<'s, TesseraSop, Certs<'s>> + 's> {
        self.not_before = Some(t);
        self
    }

    fn not_after(
        mut self: Box<Self>,
        t: SystemTime,
    ) -> Box<dyn InlineVerify<'s, TesseraSop, Certs<'s>> + 's> {
        self.not_after = Some(t);
        self
    }

    fn certs(mut self: Box<Self>, certs: &Certs) -> R<Box<dyn InlineVerify<'s, TesseraSop, Certs<'s>> + 's>> {
        self.certs.extend(certs.certs.iter().cloned());
        Ok(self)
    }

    fn message<'d>(
        self: Box<Self>,
        data: &'d mut (dyn io::Read + Send + Sync),
    ) -> R<Box<dyn Ready<Vec<Verification>> + 'd>>
    where
        's: 'd,
    {
        let input = read_all(data).map_err(to_sop)?;
        let ring = keyring(&self.certs).map_err(to_sop)?;
        let verified = verify::verify_inline(&ring, &input, &Limits::default(), now())
            .map_err(|e| to_sop(core(e, Context::Verify)))?;
        let ok = accepted(&verified.verifications, self.not_before, self.not_after);
        if ok.is_empty() {
            return Err(SopError::NoSignature);
        }
        Ok(done(verified.data.to_vec(), ok))
    }
}

// ---------------------------------------------------------------- armor, dearmor

struct ArmorOp;

/// The armor label for binary OpenPGP data, from its first packet's tag.
fn block_type(bytes: &[u8]) -> Result<BlockType, Failure> {
    let first = *bytes.first().ok_or_else(|| bad_data("armor", "empty input"))?;
    if first & 0x80 == 0 {
        return Err(bad_data("armor", "the input is not OpenPGP data"));
    }
    let tag = if first & 0x40 != 0 {
        first & 0x3f
    } else {
        (first >> 2) & 0x0f
    };
    Ok(match tag {
        5 => BlockType::PrivateKey,
        6 => BlockType::PublicKey,
        2 => BlockType::Signature,
        _ => BlockType::Message,
    })
}

impl<'s> Armor<'s> for ArmorOp {
    fn label(self: Box<Self>, _label: ArmorLabel) -> Box<dyn Armor<'s> + 's> {
        self
    }

    fn data<'d>(self: Box<Self>, data: &'d mut (dyn io::Read + Send + Sync)) -> R<Box<dyn Ready + 'd>>
    where
        's: 'd,
    {
        let input = read_all(data).map_err(to_sop)?;
        let trimmed = input.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
        if input[trimmed..].starts_with(b"-----BEGIN PGP") {
            // Already armored: armor is idempotent.
            return Ok(done(input, ()));
        }
        let typ = block_type(&input).map_err(to_sop)?;
        let text = armor(&input, typ).map_err(|e| to_sop(core(e, Context::Data)))?;
        Ok(done(text.into_bytes(), ()))
    }
}

struct DearmorOp;

impl<'s> Dearmor<'s> for DearmorOp {
    fn data<'d>(self: Box<Self>, data: &'d mut (dyn io::Read + Send + Sync)) -> R<Box<dyn Ready + 'd>>
    where
        's: 'd,
    {
        let input = read_all(data).map_err(to_sop)?;
        let (_, binary) = dearmor(&input, "armored data").map_err(|e| to_sop(core(e, Context::Data)))?;
        if binary.is_empty() {
            return Err(SopError::BadData);
        }
        block_type(&binary).map_err(to_sop)?;
        Ok(done(binary, ()))
    }
}
