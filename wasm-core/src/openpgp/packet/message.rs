//! An OpenPGP message held in memory (RFC 9580 §10.3): literal data, maybe
//! compressed, maybe one-pass signed or prefix signed.
//!
//! Why not rpgp's `Message`: it is a streaming reader, generic over its own
//! nested reader types, and its instantiations were 470 KB of the 2.3 MB of
//! wasm code, a fifth of it. Here everything is already in memory: phase 2 of
//! decryption holds the whole decrypted body to authenticate it before
//! anything is released, and an inline-signed message is read whole. rpgp
//! still parses every other packet, decompresses, and verifies every
//! signature (`Signature::verify`, which also normalises the text of
//! text-mode signatures); this module walks the grammar, and is strict about
//! it. The literal data (the plaintext) is framed and read by the core
//! ([`framing::frame`], [`literal::read`]) into one wiped buffer, and
//! decompressed data goes into buffers wiped as they are outgrown
//! ([`wiped_read`]): rpgp's copies of either were freed unwiped.

use pgp::packet::{Packet, PacketTrait, Signature};
use zeroize::Zeroizing;

use super::{framing, literal, wiped_read};
use crate::openpgp::error::{clean, Error, Result};
use crate::openpgp::types::Limits;

/// Compressed data inside compressed data: GnuPG never nests, one level is
/// the norm; a few more are tolerated, a compression bomb's tower is not.
const MAX_DEPTH: usize = 4;

/// The literal data and every signature over it, outermost signer first.
pub struct Contents {
    pub data: Zeroizing<Vec<u8>>,
    pub signatures: Vec<Signature>,
}

#[derive(Default)]
struct Walk {
    one_pass: usize,
    prefix: Vec<Signature>,
    literal: Option<Zeroizing<Vec<u8>>>,
    trailing: Vec<Signature>,
}

/// Reads a message; `what` names it in errors ("decrypted message", "message").
pub fn read(bytes: &[u8], limits: &Limits, what: &'static str) -> Result<Contents> {
    let mut walk = Walk::default();
    walk_packets(bytes, 0, limits, what, &mut walk)?;
    let malformed = |detail: &str| Error::Malformed {
        what,
        detail: detail.into(),
    };
    let data = walk.literal.ok_or_else(|| malformed("no literal data packet"))?;
    if walk.trailing.len() != walk.one_pass {
        return Err(malformed(
            "its one-pass signature packets and signatures do not pair up",
        ));
    }
    // Trailing signatures come innermost first.
    let mut signatures = walk.prefix;
    signatures.extend(walk.trailing.into_iter().rev());
    Ok(Contents { data, signatures })
}

fn walk_packets(
    bytes: &[u8],
    depth: usize,
    limits: &Limits,
    what: &'static str,
    walk: &mut Walk,
) -> Result<()> {
    let malformed = |detail: String| Error::Malformed { what, detail };
    let mut offset = 0;
    while offset < bytes.len() {
        let framed = framing::frame(bytes, offset, what)?;
        offset += framed.packet.len();
        let before_literal = walk.literal.is_none();
        if framed.tag == literal::TAG && before_literal {
            walk.literal = Some(literal::read(&framed.body, limits, what)?);
            continue;
        }
        match framing::read_one(framed.packet, what)? {
            Packet::Marker(_) | Packet::Padding(_) => {}
            Packet::OnePassSignature(_) if before_literal => walk.one_pass += 1,
            Packet::Signature(sig) if before_literal => walk.prefix.push(sig),
            Packet::Signature(sig) => walk.trailing.push(sig),
            Packet::CompressedData(compressed) if before_literal => {
                if depth >= MAX_DEPTH {
                    return Err(malformed("compressed data nested too deep".into()));
                }
                let inner = compressed
                    .decompress()
                    .and_then(|d| {
                        // Twice the compressed size: text usually inflates more (one
                        // wiped copy per doubling), attachments that were already
                        // compressed hardly at all, and wasm memory never shrinks
                        // back, so a larger first guess would waste it.
                        let guess = framed.packet.len().saturating_mul(2);
                        wiped_read::read_to_end(d, limits.max_message_bytes, guess).map_err(Into::into)
                    })
                    .map_err(|e| Error::Unsupported {
                        what: "compression",
                        detail: clean(e.to_string()),
                    })?;
                limits.check(inner.len())?;
                walk_packets(&inner, depth + 1, limits, what, walk)?;
            }
            Packet::PublicKeyEncryptedSessionKey(_)
            | Packet::SymKeyEncryptedSessionKey(_)
            | Packet::SymEncryptedData(_)
            | Packet::SymEncryptedProtectedData(_)
            | Packet::GnupgAeadData(_) => {
                return Err(Error::InvalidArgument {
                    detail: "the message is encrypted: decrypt it instead".into(),
                })
            }
            other => {
                return Err(malformed(format!(
                    "unexpected {:?} packet{}",
                    other.tag(),
                    if before_literal {
                        ""
                    } else {
                        " after the literal data"
                    }
                )))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![0xC0 | tag, 0xFF];
        out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    fn literal(data: &[u8]) -> Vec<u8> {
        let mut body = vec![b'b', 0, 0, 0, 0, 0];
        body.extend_from_slice(data);
        packet(11, &body)
    }

    /// Compression algorithm 0: "uncompressed", the packets as they are.
    fn stored(inner: &[u8]) -> Vec<u8> {
        let mut body = vec![0];
        body.extend_from_slice(inner);
        packet(8, &body)
    }

    fn one_pass() -> Vec<u8> {
        packet(4, &[3, 0, 8, 22, 1, 2, 3, 4, 5, 6, 7, 8, 1])
    }

    fn limits(max: usize) -> Limits {
        Limits {
            max_message_bytes: max,
            ..Limits::default()
        }
    }

    fn code(bytes: &[u8], max: usize) -> &'static str {
        match read(bytes, &limits(max), "message") {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn literal_data_plain_compressed_and_with_markers() {
        let got = read(&literal(b"hello"), &limits(100), "message").unwrap();
        assert_eq!(&got.data[..], b"hello");
        assert!(got.signatures.is_empty());

        let mut nested = packet(10, b"PGP");
        nested.extend(stored(&stored(&literal(b"deep"))));
        let got = read(&nested, &limits(100), "message").unwrap();
        assert_eq!(&got.data[..], b"deep");
    }

    #[test]
    fn the_grammar_is_enforced() {
        // Two literals, none, a one-pass signature without its signature.
        assert_eq!(code(&[literal(b"a"), literal(b"b")].concat(), 100), "malformed");
        assert_eq!(code(&packet(10, b"PGP"), 100), "malformed");
        assert_eq!(code(&[one_pass(), literal(b"a")].concat(), 100), "malformed");
        // Compressed data after the literal; too deep a tower of compression.
        assert_eq!(
            code(&[literal(b"a"), stored(&literal(b"b"))].concat(), 100),
            "malformed"
        );
        let mut tower = literal(b"x");
        for _ in 0..=MAX_DEPTH {
            tower = stored(&tower);
        }
        assert_eq!(code(&tower, 1000), "malformed");
        // Encrypted packets: not for this reader.
        assert_eq!(code(&packet(18, &[1, 0, 0]), 100), "invalid_argument");
    }

    #[test]
    fn sizes_are_bounded_before_and_after_decompression() {
        assert_eq!(code(&literal(&[7; 100]), 99), "too_large");
        assert_eq!(code(&literal(&[7; 100]), 100), "ok");
        assert_eq!(code(&stored(&literal(&[7; 100])), 100), "too_large");
    }
}
