//! RFC 3156 (PGP/MIME) structures: building `multipart/encrypted` and
//! `multipart/signed`, and finding OpenPGP data in a received message, as
//! PGP/MIME parts or as inline armored blocks. No OpenPGP here: the caller
//! encrypts, signs and verifies; this module only places the bytes.

use super::encoding::to_crlf;
use super::parse::{Entity, Limits};
use super::{new_boundary, MimeError};

/// A top-level entity ready to send: `entity` is the Content-Type field, an
/// empty line and the body; `content_type` is that field's value, for APIs
/// that take headers and body apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltEntity {
    pub content_type: String,
    pub boundary: String,
    pub entity: Vec<u8>,
}

/// Checks `armored` starts with `-----BEGIN {what}-----` and returns it with
/// CRLF line endings and a final line break.
fn armored_crlf(armored: &[u8], what: &'static str) -> Result<Vec<u8>, MimeError> {
    let start = armored
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(armored.len());
    if !armored[start..].starts_with(format!("-----BEGIN {what}-----").as_bytes()) {
        return Err(MimeError::NotArmored { expected: what });
    }
    let mut out = to_crlf(armored[start..].trim_ascii_end());
    out.extend_from_slice(b"\r\n");
    Ok(out)
}

/// `multipart/encrypted; protocol="application/pgp-encrypted"` (RFC 3156 §4)
/// around an armored OpenPGP message.
pub fn build_encrypted(
    armored_message: &[u8],
    rng: &mut impl FnMut(&mut [u8]),
) -> Result<BuiltEntity, MimeError> {
    let armored = armored_crlf(armored_message, "PGP MESSAGE")?;
    let boundary = new_boundary(rng, &[&armored])?;
    let content_type =
        format!("multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"{boundary}\"");
    let mut e = Vec::with_capacity(armored.len() + 1024);
    e.extend_from_slice(format!("Content-Type: multipart/encrypted;\r\n protocol=\"application/pgp-encrypted\";\r\n boundary=\"{boundary}\"\r\n\r\n").as_bytes());
    e.extend_from_slice(b"This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n");
    e.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    e.extend_from_slice(b"Content-Type: application/pgp-encrypted\r\nContent-Description: PGP/MIME version identification\r\n\r\nVersion: 1\r\n\r\n");
    e.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    e.extend_from_slice(b"Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\nContent-Description: OpenPGP encrypted message\r\nContent-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n");
    e.extend_from_slice(&armored);
    e.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Ok(BuiltEntity {
        content_type,
        boundary,
        entity: e,
    })
}

/// The first part of a `multipart/signed`, in the canonical form that is
/// hashed (RFC 3156 §5): CRLF line endings, no trailing whitespace on any line,
/// 7-bit only. Sign [`SignedPart::bytes_to_sign`] exactly, then call
/// [`SignedPart::build`] with the detached signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedPart {
    canonical: Vec<u8>,
}

impl SignedPart {
    /// Canonicalises a MIME entity (headers and body, e.g. from
    /// [`super::Cleartext::build`] with `allow_8bit: false`).
    pub fn new(entity: &[u8]) -> Result<SignedPart, MimeError> {
        if let Some(offset) = entity.iter().position(|&b| b >= 0x80 || b == 0) {
            return Err(MimeError::NotSevenBit {
                offset,
                byte: entity[offset],
            });
        }
        let crlf = to_crlf(entity);
        let mut canonical = Vec::with_capacity(crlf.len());
        for (i, line) in crlf.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                canonical.extend_from_slice(b"\r\n");
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let end = line
                .iter()
                .rposition(|&b| b != b' ' && b != b'\t')
                .map_or(0, |p| p + 1);
            canonical.extend_from_slice(&line[..end]);
        }
        Ok(SignedPart { canonical })
    }

    /// Exactly the bytes the detached signature must cover.
    pub fn bytes_to_sign(&self) -> &[u8] {
        &self.canonical
    }

    /// `multipart/signed; micalg=…; protocol="application/pgp-signature"`
    /// (RFC 3156 §5). `micalg` names the signature's hash, e.g. `pgp-sha256`.
    pub fn build(
        &self,
        armored_signature: &[u8],
        micalg: &str,
        rng: &mut impl FnMut(&mut [u8]),
    ) -> Result<BuiltEntity, MimeError> {
        let micalg = micalg.trim().to_ascii_lowercase();
        let hash = micalg.strip_prefix("pgp-").unwrap_or("");
        if hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(MimeError::InvalidMicalg(micalg));
        }
        let signature = armored_crlf(armored_signature, "PGP SIGNATURE")?;
        let boundary = new_boundary(rng, &[&self.canonical, &signature])?;
        let content_type = format!("multipart/signed; micalg={micalg}; protocol=\"application/pgp-signature\"; boundary=\"{boundary}\"");
        let mut e = Vec::with_capacity(self.canonical.len() + signature.len() + 1024);
        e.extend_from_slice(format!("Content-Type: multipart/signed; micalg={micalg};\r\n protocol=\"application/pgp-signature\";\r\n boundary=\"{boundary}\"\r\n\r\n").as_bytes());
        e.extend_from_slice(b"This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\r\n");
        e.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        e.extend_from_slice(&self.canonical);
        e.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
        e.extend_from_slice(b"Content-Type: application/pgp-signature; name=\"OpenPGP_signature.asc\"\r\nContent-Description: OpenPGP digital signature\r\nContent-Disposition: attachment; filename=\"OpenPGP_signature.asc\"\r\n\r\n");
        e.extend_from_slice(&signature);
        e.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        Ok(BuiltEntity {
            content_type,
            boundary,
            entity: e,
        })
    }
}

/// Which OpenPGP data a received message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    /// PGP/MIME encrypted: the armored `PGP MESSAGE` (the octet-stream part).
    Encrypted { armored: Vec<u8> },
    /// PGP/MIME signed: the exact bytes the signature covers (the first part,
    /// with any bare LF line ending restored to CRLF) and the signature.
    Signed {
        signed_bytes: Vec<u8>,
        signature: Vec<u8>,
        micalg: Option<String>,
    },
    /// Armored blocks inside text/plain parts.
    Inline(Vec<InlineBlock>),
    /// None of the above.
    Plain,
}

/// An armored block found in a text part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineBlock {
    /// Index path of the text part from the root entity (empty: the root).
    pub part: Vec<usize>,
    pub armor: ArmorBlock,
    /// The part's decoded text, which `armor`'s offsets index.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArmorKind {
    /// `-----BEGIN PGP MESSAGE-----` … `-----END PGP MESSAGE-----`
    Message,
    /// `-----BEGIN PGP SIGNED MESSAGE-----` … `-----END PGP SIGNATURE-----`
    SignedMessage,
}

/// Byte offsets in a text: `&text[start..end]` is the block from the first
/// dash of its BEGIN line to the last dash of its END line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArmorBlock {
    pub kind: ArmorKind,
    pub start: usize,
    pub end: usize,
}

/// Finds armored OpenPGP messages and cleartext-signed messages in text (a
/// decoded text part, or text taken from a webmail page). BEGIN and END lines
/// may be indented; a BEGIN without its END is an error.
pub fn find_armored_blocks(text: &str) -> Result<Vec<ArmorBlock>, MimeError> {
    const BEGIN_MSG: &str = "-----BEGIN PGP MESSAGE-----";
    const END_MSG: &str = "-----END PGP MESSAGE-----";
    const BEGIN_SIGNED: &str = "-----BEGIN PGP SIGNED MESSAGE-----";
    const END_SIG: &str = "-----END PGP SIGNATURE-----";
    let mut blocks = Vec::new();
    let mut open: Option<(ArmorKind, usize)> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let content = line.trim_matches([' ', '\t', '\r', '\n']);
        let at = line_start + indent;
        match open {
            None if content == BEGIN_MSG => open = Some((ArmorKind::Message, at)),
            None if content == BEGIN_SIGNED => open = Some((ArmorKind::SignedMessage, at)),
            Some((kind, start)) => {
                let end_line = if kind == ArmorKind::Message {
                    END_MSG
                } else {
                    END_SIG
                };
                if content == end_line {
                    blocks.push(ArmorBlock {
                        kind,
                        start,
                        end: at + end_line.len(),
                    });
                    open = None;
                }
            }
            None => {}
        }
    }
    match open {
        Some((kind, offset)) => Err(MimeError::UnterminatedArmor {
            kind: if kind == ArmorKind::Message {
                "PGP MESSAGE"
            } else {
                "PGP SIGNED MESSAGE"
            },
            offset,
            end_line: if kind == ArmorKind::Message {
                END_MSG
            } else {
                END_SIG
            },
        }),
        None => Ok(blocks),
    }
}

/// Detects PGP/MIME encryption, then PGP/MIME signatures, then inline armored
/// blocks in text/plain parts, in a raw RFC 5322 message or a MIME entity.
pub fn detect(message: &[u8]) -> Result<Detected, MimeError> {
    detect_with(message, Limits::default())
}

pub fn detect_with(message: &[u8], limits: Limits) -> Result<Detected, MimeError> {
    let root = Entity::parse_with(message, limits)?;
    if let Some(e) = find_multipart(&root, "multipart/encrypted", "application/pgp-encrypted") {
        return encrypted_parts(e);
    }
    if let Some(e) = find_multipart(&root, "multipart/signed", "application/pgp-signature") {
        return signed_parts(e);
    }
    let mut found = Vec::new();
    for (path, leaf) in root.leaves() {
        if leaf.mime_type() != "text/plain" || leaf.is_attachment() {
            continue;
        }
        let text = leaf.text()?;
        for armor in find_armored_blocks(&text)? {
            found.push(InlineBlock {
                part: path.clone(),
                armor,
                text: text.clone(),
            });
        }
    }
    Ok(if found.is_empty() {
        Detected::Plain
    } else {
        Detected::Inline(found)
    })
}

/// The first (depth-first) multipart of `mime_type` whose protocol is `protocol`.
fn find_multipart<'e, 'a>(e: &'e Entity<'a>, mime_type: &str, protocol: &str) -> Option<&'e Entity<'a>> {
    if e.mime_type() == mime_type
        && e.content_type
            .get("protocol")
            .is_some_and(|p| p.eq_ignore_ascii_case(protocol))
    {
        return Some(e);
    }
    e.parts
        .iter()
        .find_map(|p| find_multipart(p, mime_type, protocol))
}

fn malformed(kind: &'static str, detail: impl Into<String>) -> MimeError {
    MimeError::MalformedPgpMime {
        kind,
        detail: detail.into(),
    }
}

fn encrypted_parts(e: &Entity) -> Result<Detected, MimeError> {
    const KIND: &str = "encrypted";
    let [control, data] = two_parts(e, KIND)?;
    expect_type(control, "first", "application/pgp-encrypted", KIND)?;
    let version = control.decoded_body()?;
    if !String::from_utf8_lossy(&version)
        .lines()
        .any(|l| l.trim() == "Version: 1")
    {
        return Err(malformed(KIND, "first part lacks \"Version: 1\""));
    }
    expect_type(data, "second", "application/octet-stream", KIND)?;
    Ok(Detected::Encrypted {
        armored: armored_body(data, "PGP MESSAGE", KIND)?,
    })
}

fn signed_parts(e: &Entity) -> Result<Detected, MimeError> {
    const KIND: &str = "signed";
    let [content, signature] = two_parts(e, KIND)?;
    expect_type(signature, "second", "application/pgp-signature", KIND)?;
    Ok(Detected::Signed {
        signed_bytes: to_crlf(content.raw),
        signature: armored_body(signature, "PGP SIGNATURE", KIND)?,
        micalg: e.content_type.get("micalg").map(str::to_ascii_lowercase),
    })
}

/// RFC 3156 containers have exactly two parts.
fn two_parts<'e, 'a>(e: &'e Entity<'a>, kind: &'static str) -> Result<&'e [Entity<'a>; 2], MimeError> {
    e.parts
        .as_slice()
        .try_into()
        .map_err(|_| malformed(kind, format!("expected 2 parts, found {}", e.parts.len())))
}

fn expect_type(part: &Entity, which: &str, expected: &str, kind: &'static str) -> Result<(), MimeError> {
    if part.mime_type() == expected {
        return Ok(());
    }
    Err(malformed(
        kind,
        format!("{which} part is {}, expected {expected}", part.mime_type()),
    ))
}

/// The part's decoded body, which must be an armored `label` block; surrounding
/// whitespace is dropped.
fn armored_body(part: &Entity, label: &str, kind: &'static str) -> Result<Vec<u8>, MimeError> {
    let body = part.decoded_body()?;
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    if !body[start..].starts_with(format!("-----BEGIN {label}-----").as_bytes()) {
        return Err(malformed(kind, format!("second part is not an armored {label}")));
    }
    Ok(body[start..].trim_ascii_end().to_vec())
}
