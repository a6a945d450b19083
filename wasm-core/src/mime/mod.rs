//! MIME for webmail encryption, as plain Rust with no OpenPGP in it: the
//! caller passes already-encrypted or signed bytes in and gets parts out.
//!
//! - [`Cleartext`] builds the entity that gets encrypted (text, HTML
//!   alternative, attachments) — `build.rs`.
//! - [`build_encrypted`] and [`SignedPart`] build RFC 3156 `multipart/encrypted`
//!   and `multipart/signed` — `pgp_mime.rs`.
//! - [`detect`] finds PGP/MIME or inline armored data in a received message;
//!   [`parse_content`] reads a decrypted entity back into text and attachments.
//! - [`Entity`] is the bounded parser under both (`parse.rs`); `header.rs` and
//!   `encoding.rs` hold the header and transfer/charset codecs.
//!
//! Hand-written rather than `mail-parser`/`mail-builder` (Stalwart): the
//! parser must reject malformed input with a typed error (mail-parser is
//! lenient by design and never fails), give the exact signed bytes of a part,
//! and canonicalise what is signed; mail-parser 1.x also needs rustc 1.98.
//! Their wasm32 size cost is recorded in `wasm-core/README.md`.

mod build;
mod content;
mod encoding;
mod error;
mod header;
mod parse;
mod pgp_mime;

#[cfg(test)]
mod tests;

pub use build::{guess_content_type, Attachment, Cleartext};
pub use content::{parse_content, parse_content_with, Content, ParsedAttachment};
pub use error::MimeError;
pub use header::{Header, Params};
pub use parse::{Entity, Limits};
pub use pgp_mime::{
    build_encrypted, detect, detect_with, find_armored_blocks, ArmorBlock, ArmorKind, BuiltEntity, Detected,
    InlineBlock, SignedPart,
};

/// How often a boundary is drawn again when the content contains it.
const BOUNDARY_TRIES: usize = 8;

/// A random boundary (`tessera-` and 32 base62 characters from `rng`) whose
/// delimiter `--boundary` occurs in none of `avoid`.
fn new_boundary(rng: &mut impl FnMut(&mut [u8]), avoid: &[&[u8]]) -> Result<String, MimeError> {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for _ in 0..BOUNDARY_TRIES {
        let mut random = [0u8; 32];
        rng(&mut random);
        let boundary: String = "tessera-"
            .chars()
            .chain(random.iter().map(|b| ALPHABET[*b as usize % 62] as char))
            .collect();
        let delimiter = format!("--{boundary}");
        if !avoid.iter().any(|a| contains(a, delimiter.as_bytes())) {
            return Ok(boundary);
        }
    }
    Err(MimeError::BoundaryCollision {
        tries: BOUNDARY_TRIES,
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}
