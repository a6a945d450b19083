//! What the MIME exports (`bindings_mime.rs`) return. Text offsets are UTF-16
//! code units, so that JavaScript can `slice()` with them.

use std::borrow::Cow;

use serde::Serialize;

use super::Bytes;
use crate::mime;

/// `mimeBuildEncrypted`, `mimeBuildSigned`: an RFC 3156 top-level entity.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct BuiltEntity<'a> {
    /// The Content-Type field's value, for APIs that take headers and body apart.
    pub content_type: &'a str,
    pub boundary: &'a str,
    /// The Content-Type field, an empty line and the body.
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
    pub entity: Bytes<'a>,
}

impl<'a> From<&'a mime::BuiltEntity> for BuiltEntity<'a> {
    fn from(b: &'a mime::BuiltEntity) -> Self {
        BuiltEntity {
            content_type: &b.content_type,
            boundary: &b.boundary,
            entity: Bytes(&b.entity),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ArmorKind {
    /// `-----BEGIN PGP MESSAGE-----` … `-----END PGP MESSAGE-----`
    Message,
    /// `-----BEGIN PGP SIGNED MESSAGE-----` … `-----END PGP SIGNATURE-----`
    SignedMessage,
}

/// `mimeFindArmoredBlocks`: one armored block; `text.slice(start, end)` is it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct ArmorBlock {
    pub kind: ArmorKind,
    /// UTF-16 offset of the first dash of its BEGIN line.
    pub start: usize,
    /// UTF-16 offset just past the last dash of its END line.
    pub end: usize,
}

impl ArmorBlock {
    /// `block`'s byte offsets in `text` as UTF-16 offsets.
    pub fn of(text: &str, block: &mime::ArmorBlock) -> Self {
        ArmorBlock {
            kind: match block.kind {
                mime::ArmorKind::Message => ArmorKind::Message,
                mime::ArmorKind::SignedMessage => ArmorKind::SignedMessage,
            },
            start: utf16_offset(text, block.start),
            end: utf16_offset(text, block.end),
        }
    }
}

/// UTF-8 byte offset in `text` → UTF-16 code-unit offset.
fn utf16_offset(text: &str, byte: usize) -> usize {
    text[..byte].encode_utf16().count()
}

/// `mimeDetect`: which OpenPGP data a received message carries.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detected<'a> {
    /// PGP/MIME encrypted: the armored `PGP MESSAGE`.
    Encrypted { armored: Cow<'a, str> },
    /// PGP/MIME signed: the exact bytes the signature covers, and the signature.
    Signed {
        #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
        signed_bytes: Bytes<'a>,
        signature: Cow<'a, str>,
        micalg: Option<&'a str>,
    },
    /// Armored blocks inside text/plain parts.
    Inline { blocks: Vec<InlineBlock<'a>> },
    /// None of the above.
    Plain,
}

impl<'a> From<&'a mime::Detected> for Detected<'a> {
    fn from(d: &'a mime::Detected) -> Self {
        match d {
            mime::Detected::Encrypted { armored } => Detected::Encrypted {
                armored: String::from_utf8_lossy(armored),
            },
            mime::Detected::Signed {
                signed_bytes,
                signature,
                micalg,
            } => Detected::Signed {
                signed_bytes: Bytes(signed_bytes),
                signature: String::from_utf8_lossy(signature),
                micalg: micalg.as_deref(),
            },
            mime::Detected::Inline(blocks) => Detected::Inline {
                blocks: blocks
                    .iter()
                    .map(|b| InlineBlock {
                        part: &b.part,
                        armor: ArmorBlock::of(&b.text, &b.armor),
                        text: &b.text,
                    })
                    .collect(),
            },
            mime::Detected::Plain => Detected::Plain,
        }
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct InlineBlock<'a> {
    /// Index path of the text part from the root entity (empty: the root).
    pub part: &'a [usize],
    /// In UTF-16 offsets of `text`.
    pub armor: ArmorBlock,
    /// The part's decoded text.
    pub text: &'a str,
}

/// `mimeParseContent`: a decrypted entity as the user sees it.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct ParsedContent<'a> {
    /// Every inline text/plain part, in order, joined by a line break; LF line endings.
    pub text: &'a str,
    /// The first inline text/html part, if any.
    pub html: Option<&'a str>,
    pub attachments: Vec<ParsedAttachment<'a>>,
}

impl<'a> From<&'a mime::Content> for ParsedContent<'a> {
    fn from(c: &'a mime::Content) -> Self {
        ParsedContent {
            text: &c.text,
            html: c.html.as_deref(),
            attachments: c
                .attachments
                .iter()
                .map(|a| ParsedAttachment {
                    filename: a.filename.as_deref(),
                    content_type: &a.content_type,
                    data: Bytes(&a.data),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct ParsedAttachment<'a> {
    pub filename: Option<&'a str>,
    /// `type/subtype`, lower case.
    pub content_type: &'a str,
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(type = "Uint8Array"))]
    pub data: Bytes<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armor_offsets_are_utf16_code_units() {
        let page = "é😀\n-----BEGIN PGP MESSAGE-----\nx\n-----END PGP MESSAGE-----";
        let blocks = mime::find_armored_blocks(page).expect("found");
        let view = ArmorBlock::of(page, &blocks[0]);
        // "é" is 1 code unit and "😀" 2, plus the line break: 4 (in UTF-8 it would be 7).
        assert_eq!(
            (view.kind, view.start, view.end),
            (ArmorKind::Message, 4, page.encode_utf16().count())
        );
    }
}
