//! The SOP objects: KEYS, CERTS and SIGNATURES, loaded and saved.
//!
//! A KEYS input is either a transferable secret key (used in software), or a
//! certificate whose signing or decryption key lives on a token: a key handle.

use std::io;

use pgp::armor::BlockType;
use pgp::composed::{PublicOrSecret, SignedPublicKey, SignedSecretKey};
use pgp::ser::Serialize;
use pgp::types::KeyDetails;
use sop::errors::Error as SopError;
use tessera_core::openpgp::cert::{fpr_hex, parse_certs};
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::packet::armor::{armor, dearmor};

use crate::errors::{bad_data, to_sop, Failure};
use crate::TesseraSop;

/// One KEYS item. (Both variants are big; boxing one would buy nothing.)
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum KeyItem {
    /// Secret key material: signs and decrypts here, with rpgp.
    Secret(SignedSecretKey),
    /// A certificate only: the secret is on a token that `tessera-host` reaches.
    Handle(SignedPublicKey),
}

impl KeyItem {
    pub fn public(&self) -> SignedPublicKey {
        match self {
            KeyItem::Secret(k) => k.to_public_key(),
            KeyItem::Handle(c) => c.clone(),
        }
    }

    pub fn fingerprint(&self) -> String {
        match self {
            KeyItem::Secret(k) => fpr_hex(&k.fingerprint()),
            KeyItem::Handle(c) => fpr_hex(&c.fingerprint()),
        }
    }
}

pub struct Keys<'s> {
    pub sop: &'s TesseraSop,
    pub items: Vec<KeyItem>,
    source: Option<String>,
}

pub struct Certs<'s> {
    pub sop: &'s TesseraSop,
    pub certs: Vec<SignedPublicKey>,
    source: Option<String>,
}

pub struct Sigs<'s> {
    pub sop: &'s TesseraSop,
    /// Binary signature packets.
    pub packets: Vec<u8>,
    source: Option<String>,
}

pub fn read_all(source: &mut (dyn io::Read + Send + Sync)) -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    source.read_to_end(&mut buf)?;
    Ok(buf)
}

/// Serialized certificate, for the core's keyring.
pub fn cert_bytes(cert: &SignedPublicKey) -> Result<Vec<u8>, Failure> {
    cert.to_bytes().map_err(|e| bad_data("certificate", e))
}

/// A keyring of these certificates.
pub fn keyring<'a>(certs: impl IntoIterator<Item = &'a SignedPublicKey>) -> Result<Keyring, Failure> {
    let mut ring = Keyring::new();
    for cert in certs {
        ring.import(&cert_bytes(cert)?)
            .map_err(|e| crate::errors::core(e, crate::errors::Context::Data))?;
    }
    Ok(ring)
}

fn is_armored(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes[start..].starts_with(b"-----BEGIN PGP")
}

/// Keys and certificates, secret or public, armored (one or many blocks) or binary.
fn parse_keys(bytes: &[u8]) -> Result<Vec<PublicOrSecret>, Failure> {
    let mut out = Vec::new();
    if is_armored(bytes) {
        let text = std::str::from_utf8(bytes).map_err(|e| bad_data("armored key", e))?;
        let mut rest = text;
        while let Some(start) = rest.find("-----BEGIN PGP") {
            let block = &rest[start..];
            let end = block
                .find("-----END PGP")
                .and_then(|e| block[e + 5..].find("-----").map(|c| e + 5 + c + 5))
                .unwrap_or(block.len());
            let (iter, _) = PublicOrSecret::from_armor_many(&block.as_bytes()[..end])
                .map_err(|e| bad_data("armored key", e))?;
            for item in iter {
                out.push(item.map_err(|e| bad_data("key", e))?);
            }
            rest = &block[end..];
        }
    } else {
        let iter = PublicOrSecret::from_bytes_many(bytes).map_err(|e| bad_data("key", e))?;
        for item in iter {
            out.push(item.map_err(|e| bad_data("key", e))?);
        }
    }
    if out.is_empty() {
        return Err(bad_data("KEYS", "no key found in the input"));
    }
    Ok(out)
}

impl<'s> Keys<'s> {
    pub fn from_items(sop: &'s TesseraSop, items: Vec<KeyItem>) -> Self {
        Keys {
            sop,
            items,
            source: None,
        }
    }
}

impl<'s> sop::Load<'s, TesseraSop> for Keys<'s> {
    fn from_reader(
        sop: &'s TesseraSop,
        source: &mut (dyn io::Read + Send + Sync),
        source_name: Option<String>,
    ) -> sop::Result<Self> {
        let bytes = zeroize::Zeroizing::new(read_all(source).map_err(to_sop)?);
        let items = parse_keys(&bytes)
            .map_err(to_sop)?
            .into_iter()
            .map(|k| match k {
                PublicOrSecret::Secret(k) => KeyItem::Secret(k),
                PublicOrSecret::Public(c) => KeyItem::Handle(c),
            })
            .collect();
        Ok(Keys {
            sop,
            items,
            source: source_name,
        })
    }

    fn source_name(&self) -> Option<&str> {
        self.source.as_deref()
    }
}

impl sop::Save for Keys<'_> {
    fn to_writer(&self, armored: bool, sink: &mut (dyn io::Write + Send + Sync)) -> sop::Result<()> {
        let secrets: Vec<&SignedSecretKey> = self
            .items
            .iter()
            .filter_map(|k| match k {
                KeyItem::Secret(s) => Some(s),
                KeyItem::Handle(_) => None,
            })
            .collect();
        if secrets.len() != self.items.len() {
            // Only generate-key produces KEYS output, always secret keys.
            return Err(SopError::BadData);
        }
        let mut binary = zeroize::Zeroizing::new(Vec::new());
        for key in secrets {
            key.to_writer(&mut *binary)
                .map_err(|_| SopError::UnspecifiedFailure)?;
        }
        if armored {
            let text = zeroize::Zeroizing::new(
                armor(&binary, BlockType::PrivateKey).map_err(|_| SopError::UnspecifiedFailure)?,
            );
            sink.write_all(text.as_bytes())?;
        } else {
            sink.write_all(&binary)?;
        }
        Ok(())
    }
}

impl<'s> sop::plumbing::SopRef<'s, TesseraSop> for Keys<'s> {
    fn sop(&self) -> &'s TesseraSop {
        self.sop
    }
}

impl<'s> Certs<'s> {
    pub fn new(sop: &'s TesseraSop, certs: Vec<SignedPublicKey>) -> Self {
        Certs {
            sop,
            certs,
            source: None,
        }
    }
}

impl<'s> sop::Load<'s, TesseraSop> for Certs<'s> {
    fn from_reader(
        sop: &'s TesseraSop,
        source: &mut (dyn io::Read + Send + Sync),
        source_name: Option<String>,
    ) -> sop::Result<Self> {
        let bytes = read_all(source).map_err(to_sop)?;
        let certs =
            parse_certs(&bytes).map_err(|e| to_sop(crate::errors::core(e, crate::errors::Context::Data)))?;
        Ok(Certs {
            sop,
            certs,
            source: source_name,
        })
    }

    fn source_name(&self) -> Option<&str> {
        self.source.as_deref()
    }
}

impl sop::Save for Certs<'_> {
    fn to_writer(&self, armored: bool, sink: &mut (dyn io::Write + Send + Sync)) -> sop::Result<()> {
        let mut binary = Vec::new();
        for cert in &self.certs {
            binary.extend(cert_bytes(cert).map_err(to_sop)?);
        }
        if armored {
            let text = armor(&binary, BlockType::PublicKey).map_err(|_| SopError::UnspecifiedFailure)?;
            sink.write_all(text.as_bytes())?;
        } else {
            sink.write_all(&binary)?;
        }
        Ok(())
    }
}

impl<'s> sop::plumbing::SopRef<'s, TesseraSop> for Certs<'s> {
    fn sop(&self) -> &'s TesseraSop {
        self.sop
    }
}

impl<'s> Sigs<'s> {
    pub fn new(sop: &'s TesseraSop, packets: Vec<u8>) -> Self {
        Sigs {
            sop,
            packets,
            source: None,
        }
    }
}

impl<'s> sop::Load<'s, TesseraSop> for Sigs<'s> {
    fn from_reader(
        sop: &'s TesseraSop,
        source: &mut (dyn io::Read + Send + Sync),
        source_name: Option<String>,
    ) -> sop::Result<Self> {
        let bytes = read_all(source).map_err(to_sop)?;
        let (_, packets) = dearmor(&bytes, "signature")
            .map_err(|e| to_sop(crate::errors::core(e, crate::errors::Context::Data)))?;
        Ok(Sigs {
            sop,
            packets,
            source: source_name,
        })
    }

    fn source_name(&self) -> Option<&str> {
        self.source.as_deref()
    }
}

impl sop::Save for Sigs<'_> {
    fn to_writer(&self, armored: bool, sink: &mut (dyn io::Write + Send + Sync)) -> sop::Result<()> {
        if armored {
            let text =
                armor(&self.packets, BlockType::Signature).map_err(|_| SopError::UnspecifiedFailure)?;
            sink.write_all(text.as_bytes())?;
        } else {
            sink.write_all(&self.packets)?;
        }
        Ok(())
    }
}

impl<'s> sop::plumbing::SopRef<'s, TesseraSop> for Sigs<'s> {
    fn sop(&self) -> &'s TesseraSop {
        self.sop
    }
}
