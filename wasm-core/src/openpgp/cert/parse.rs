//! Certificates read from their bytes: armored (one or several armor
//! blocks) or binary, one or many.

use pgp::armor::BlockType;
use pgp::composed::{Deserializable, SignedPublicKey};

use super::refuse::refuse_secret_keys;
use crate::openpgp::error::{Error, Result};
use crate::openpgp::packet::armor::{dearmor, is_armored};

/// Parses one or many certificates, armored (one or several armor blocks) or binary.
/// Secret keys are refused: this core never holds private key material.
pub fn parse_certs(input: &[u8]) -> Result<Vec<SignedPublicKey>> {
    let mut certs = Vec::new();
    if is_armored(input) {
        let text = std::str::from_utf8(input).map_err(|e| Error::Malformed {
            what: "armored certificate",
            detail: format!("not UTF-8 text: {e}"),
        })?;
        for block in armor_blocks(text) {
            // Dearmored first, then parsed from bytes like binary input: rpgp's
            // armored entry point would build a second copy of its whole key
            // parser for its reader type (about 170 KB of wasm).
            let (typ, bytes) = dearmor(block.as_bytes(), "armored certificate")?;
            match typ {
                Some(BlockType::PublicKey | BlockType::PrivateKey | BlockType::File) => {}
                other => {
                    return Err(Error::Malformed {
                        what: "armored certificate",
                        detail: match other {
                            Some(t) => format!("unexpected block type: {t}"),
                            None => "no armor header".into(),
                        },
                    })
                }
            }
            refuse_secret_keys(&bytes, "armored certificate")?;
            let iter = SignedPublicKey::from_bytes_many(&bytes[..])
                .map_err(|e| Error::parse("armored certificate", e))?;
            collect(iter, &mut certs)?;
        }
    } else {
        refuse_secret_keys(input, "certificate")?;
        let iter = SignedPublicKey::from_bytes_many(input).map_err(|e| Error::parse("certificate", e))?;
        collect(iter, &mut certs)?;
    }
    if certs.is_empty() {
        return Err(Error::NoCertificate);
    }
    Ok(certs)
}

fn collect(
    iter: impl Iterator<Item = pgp::errors::Result<SignedPublicKey>>,
    out: &mut Vec<SignedPublicKey>,
) -> Result<()> {
    for item in iter {
        out.push(item.map_err(|e| Error::parse("certificate", e))?);
    }
    Ok(())
}

/// Splits text into its `-----BEGIN PGP …` … `-----END PGP …-----` blocks.
fn armor_blocks(text: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN PGP") {
        let from_start = &rest[start..];
        let end = match from_start.find("-----END PGP") {
            Some(end_marker) => {
                let after = &from_start[end_marker + 5..];
                // the closing dashes of the END line
                match after.find("-----") {
                    Some(close) => end_marker + 5 + close + 5,
                    None => from_start.len(),
                }
            }
            None => from_start.len(),
        };
        blocks.push(&from_start[..end]);
        rest = &from_start[end..];
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armor_blocks_are_split() {
        let text = "x\n-----BEGIN PGP PUBLIC KEY BLOCK-----\na\n-----END PGP PUBLIC KEY BLOCK-----\n\
                    -----BEGIN PGP PUBLIC KEY BLOCK-----\nb\n-----END PGP PUBLIC KEY BLOCK-----\n";
        let blocks = armor_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert!(blocks[0].ends_with("-----END PGP PUBLIC KEY BLOCK-----"));
        assert!(blocks[1].contains("\nb\n"));
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let err = parse_certs(b"\x99\x00\x05hello").unwrap_err();
        assert!(
            matches!(err.code(), "malformed" | "truncated" | "no_certificate"),
            "{err}"
        );
    }
}
