//! An OpenPGP message held in memory (RFC 9580 §10.3): literal data, maybe
//! compressed, maybe one-pass signed or prefix signed.
//!
//! Why not rpgp's `Message`: it is a streaming reader, generic over its own
//! nested reader types, and its instantiations were 470 KB of the 2.3 MB of
//! wasm code, a fifth of it. Here everything is already in memory: phase 2 of
//! decryption holds the whole decrypted body to authenticate it before
//! anything is released, and an inline-signed message is read whole. rpgp
//! still parses every other packet and verifies every signature
//! (`Signature::verify`, which also normalises the text of text-mode
//! signatures); this module walks the grammar, and is strict about it. The
//! literal data (the plaintext) is framed and read by the core
//! ([`framing::frame`], [`literal::read`]) into one wiped buffer.
//!
//! Compressed data is inflated outside the walk: [`read_step`] stops at the
//! first compressed packet it has no inflated bytes for and says so
//! ([`Step::Inflate`]); the caller inflates it and walks again with one more
//! buffer. [`read`] does that with rpgp's decompressor (flate2, zlib-rs) into
//! buffers wiped as they are outgrown ([`wiped_read`]), natively and in the
//! browser. The benchmark build can also drive it with the browser's
//! `DecompressionStream` (`ops/decompression.rs`), which `scripts/bench core`
//! measured slower than zlib-rs in wasm (docs/benchmarks.md): the step
//! interface is what a module without inflate code would use. Decryption
//! authenticates the data before any of this.

use pgp::packet::{Packet, PacketTrait, Signature};
use zeroize::Zeroizing;

use super::{framing, literal};
use crate::openpgp::error::{Error, Result};
use crate::openpgp::types::Limits;

/// Compressed data inside compressed data: GnuPG never nests, one level is
/// the norm; a few more are tolerated, a compression bomb's tower is not.
const MAX_DEPTH: usize = 4;

/// Compressed data packets in one message, nested or one after the other
/// (before the literal data, empty ones): GnuPG writes one. Each is inflated
/// once, and the walk starts again after each.
const MAX_COMPRESSED: usize = 8;

/// Compressed data packet (RFC 9580 §5.6).
const COMPRESSED_TAG: u8 = 8;

/// Compression algorithms (RFC 9580 §9.4) the core reads.
pub const UNCOMPRESSED: u8 = 0;
pub const ZIP: u8 = 1;
pub const ZLIB: u8 = 2;

/// The literal data and every signature over it, outermost signer first.
pub struct Contents {
    pub data: Zeroizing<Vec<u8>>,
    pub signatures: Vec<Signature>,
}

/// Compressed data the walk needs inflated to go on.
pub struct Inflate {
    /// [`ZIP`] (raw deflate, RFC 1951) or [`ZLIB`] (RFC 1950).
    pub algorithm: u8,
    /// The compressed bytes (the packet's body after its algorithm octet).
    pub body: Zeroizing<Vec<u8>>,
    /// Most bytes it may inflate to: what is left of the message's size
    /// limit after the compressed data inflated before it.
    pub cap: usize,
    /// The size limit, for the error when the cap is passed.
    pub limit: usize,
}

impl Inflate {
    /// The error for inflated data of `got` bytes or more (more than [`Inflate::cap`]).
    pub fn too_large(&self, got: usize) -> Error {
        Error::TooLarge {
            size: (self.limit - self.cap).saturating_add(got),
            limit: self.limit,
        }
    }

    /// The error for compressed data that does not inflate.
    pub fn corrupt(&self, what: &'static str, detail: &str) -> Error {
        Error::Malformed {
            what,
            detail: format!(
                "its {} compressed data does not inflate ({detail})",
                if self.algorithm == ZIP { "ZIP" } else { "ZLIB" }
            ),
        }
    }
}

/// One walk's outcome.
pub enum Step {
    Done(Contents),
    /// Inflate this, push it onto `inflated`, and walk again.
    Inflate(Inflate),
}

struct Walk<'i> {
    one_pass: usize,
    prefix: Vec<Signature>,
    literal: Option<Zeroizing<Vec<u8>>>,
    trailing: Vec<Signature>,
    /// The compressed packets inflated so far, in the order the walk meets them.
    inflated: &'i [Zeroizing<Vec<u8>>],
    /// Compressed packets met so far in this walk.
    met: usize,
    /// Of those, the ones that needed inflating: the next one's index in `inflated`.
    inflations: usize,
}

/// Reads a message, inflating compressed data with rpgp's decompressor.
pub fn read(bytes: &[u8], limits: &Limits, what: &'static str) -> Result<Contents> {
    let mut inflated = Vec::new();
    loop {
        match read_step(bytes, limits, what, &inflated)? {
            Step::Done(contents) => return Ok(contents),
            Step::Inflate(request) => {
                let out = inflate_here(&request, what)?;
                inflated.push(out);
            }
        }
    }
}

fn inflate_here(request: &Inflate, what: &'static str) -> Result<Zeroizing<Vec<u8>>> {
    use pgp::packet::Decompressor;
    use pgp::types::CompressionAlgorithm;

    let decompressor =
        Decompressor::from_algorithm(CompressionAlgorithm::from(request.algorithm), &request.body[..])
            .map_err(|e| request.corrupt(what, &crate::openpgp::error::clean(e.to_string())))?;
    // Twice the compressed size: text usually inflates more (one wiped copy
    // per doubling), attachments that were already compressed hardly at all.
    let guess = request.body.len().saturating_mul(2);
    let out = super::wiped_read::read_to_end(decompressor, request.cap, guess)
        .map_err(|e| request.corrupt(what, &crate::openpgp::error::clean(e.to_string())))?;
    if out.len() > request.cap {
        return Err(request.too_large(out.len()));
    }
    Ok(out)
}

/// One walk over the message, with `inflated` the compressed packets
/// inflated so far (in the order the walk meets them): the contents, or the
/// next compressed packet to inflate. Every check of [`read`] is made on
/// every walk.
pub fn read_step(
    bytes: &[u8],
    limits: &Limits,
    what: &'static str,
    inflated: &[Zeroizing<Vec<u8>>],
) -> Result<Step> {
    let mut walk = Walk {
        one_pass: 0,
        prefix: Vec::new(),
        literal: None,
        trailing: Vec::new(),
        inflated,
        met: 0,
        inflations: 0,
    };
    if let Some(request) = walk_packets(bytes, 0, limits, what, &mut walk)? {
        return Ok(Step::Inflate(request));
    }
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
    Ok(Step::Done(Contents { data, signatures }))
}

/// `Some`: compressed data to inflate before the walk can go on.
fn walk_packets(
    bytes: &[u8],
    depth: usize,
    limits: &Limits,
    what: &'static str,
    walk: &mut Walk<'_>,
) -> Result<Option<Inflate>> {
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
        if framed.tag == COMPRESSED_TAG && before_literal {
            if depth >= MAX_DEPTH {
                return Err(malformed("compressed data nested too deep".into()));
            }
            if walk.met >= MAX_COMPRESSED {
                return Err(malformed(format!(
                    "more than {MAX_COMPRESSED} compressed data packets"
                )));
            }
            walk.met += 1;
            let mut body = Zeroizing::new(Vec::with_capacity(framed.packet.len()));
            for piece in &framed.body {
                body.extend_from_slice(piece);
            }
            let Some(&algorithm) = body.first() else {
                return Err(malformed("an empty compressed data packet".into()));
            };
            if algorithm == UNCOMPRESSED {
                // "Uncompressed": the packets as they are, bounded as if inflated.
                limits.check(body.len() - 1)?;
                if let Some(request) = walk_packets(&body[1..], depth + 1, limits, what, walk)? {
                    return Ok(Some(request));
                }
                continue;
            }
            if algorithm != ZIP && algorithm != ZLIB {
                return Err(Error::Unsupported {
                    what: "compression",
                    detail: match algorithm {
                        3 => "the message is compressed with BZip2 (algorithm 3), which Tessera does not read: \
                              ask the sender to use ZLIB or ZIP (GnuPG's default is ZLIB)"
                            .into(),
                        other => format!("unknown compression algorithm {other}"),
                    },
                });
            }
            let index = walk.inflations;
            walk.inflations += 1;
            // Copied out of `walk`, so that the buffer is not borrowed from it.
            let inflated = walk.inflated;
            let Some(inner) = inflated.get(index) else {
                let used: usize = inflated.iter().map(|b| b.len()).sum();
                body.drain(..1);
                return Ok(Some(Inflate {
                    algorithm,
                    body,
                    cap: limits.max_message_bytes.saturating_sub(used),
                    limit: limits.max_message_bytes,
                }));
            };
            if let Some(request) = walk_packets(inner, depth + 1, limits, what, walk)? {
                return Ok(Some(request));
            }
            continue;
        }
        match framing::read_one(framed.packet, what)? {
            Packet::Marker(_) | Packet::Padding(_) => {}
            Packet::OnePassSignature(_) if before_literal => walk.one_pass += 1,
            Packet::Signature(sig) if before_literal => walk.prefix.push(sig),
            Packet::Signature(sig) => walk.trailing.push(sig),
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
    Ok(None)
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

    /// A compressed data packet of `algorithm` around `deflate` (raw).
    fn compressed(algorithm: u8, deflate: &[u8]) -> Vec<u8> {
        let mut body = vec![algorithm];
        if algorithm == ZLIB {
            // RFC 1950 header (no dictionary); the Adler-32 follows the data.
            body.extend_from_slice(&[0x78, 0x01]);
        }
        body.extend_from_slice(deflate);
        packet(COMPRESSED_TAG, &body)
    }

    /// Raw deflate (RFC 1951) of `data` in one stored block, and its Adler-32.
    fn deflate_stored(data: &[u8]) -> (Vec<u8>, [u8; 4]) {
        let len = u16::try_from(data.len()).unwrap();
        let mut out = vec![1];
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(data);
        let (mut a, mut b) = (1u32, 0u32);
        for &byte in data {
            a = (a + u32::from(byte)) % 65521;
            b = (b + a) % 65521;
        }
        (out, ((b << 16) | a).to_be_bytes())
    }

    fn zip(inner: &[u8]) -> Vec<u8> {
        compressed(ZIP, &deflate_stored(inner).0)
    }

    fn zlib(inner: &[u8]) -> Vec<u8> {
        let (deflate, adler) = deflate_stored(inner);
        compressed(ZLIB, &[&deflate[..], &adler].concat())
    }

    #[test]
    fn zip_and_zlib_inflate_nested_among_stored_ones() {
        for (name, message) in [
            ("zip", zip(&literal(b"zipped"))),
            ("zlib", zlib(&literal(b"zipped"))),
            ("stored in zlib", zlib(&stored(&literal(b"zipped")))),
            ("zip in stored", stored(&zip(&literal(b"zipped")))),
            ("zlib in zip", zip(&zlib(&literal(b"zipped")))),
            // An empty compressed packet before the one with the literal:
            // each inflation is found again by its place in the walk.
            (
                "two",
                [stored(&[]), zip(&packet(10, b"PGP")), zlib(&literal(b"zipped"))].concat(),
            ),
        ] {
            let got = read(&message, &limits(100), "message").unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(&got.data[..], b"zipped", "{name}");
        }
    }

    /// The walk stops at compressed data it has no inflated bytes for, and
    /// asks for it with what is left of the size limit.
    #[test]
    fn a_step_asks_for_each_compressed_packet_in_turn() {
        let message = zip(&zlib(&literal(b"x")));
        let Step::Inflate(first) = read_step(&message, &limits(100), "message", &[]).unwrap() else {
            panic!("no request");
        };
        assert_eq!((first.algorithm, first.cap, first.limit), (ZIP, 100, 100));
        let inner = Zeroizing::new(zlib(&literal(b"x")));
        let Step::Inflate(second) =
            read_step(&message, &limits(100), "message", std::slice::from_ref(&inner)).unwrap()
        else {
            panic!("no second request");
        };
        assert_eq!((second.algorithm, second.cap), (ZLIB, 100 - inner.len()));
        assert_eq!(second.too_large(second.cap + 1).code(), "too_large");
    }

    #[test]
    fn unknown_algorithms_and_too_many_packets_are_refused() {
        let bzip2 = packet(COMPRESSED_TAG, &[3, b'B', b'Z', b'h']);
        let err = read(&bzip2, &limits(100), "message").err().unwrap();
        assert_eq!(err.code(), "unsupported");
        assert!(err.to_string().contains("BZip2"), "{err}");
        assert_eq!(code(&packet(COMPRESSED_TAG, &[99, 1]), 100), "unsupported");
        assert_eq!(code(&packet(COMPRESSED_TAG, &[]), 100), "malformed");
        let many: Vec<u8> = (0..=MAX_COMPRESSED)
            .flat_map(|_| stored(&[]))
            .chain(literal(b"x"))
            .collect();
        assert_eq!(code(&many, 1000), "malformed");
    }

    #[test]
    fn corrupt_compressed_data_is_malformed() {
        // BFINAL=1 with the reserved block type 11.
        assert_eq!(code(&compressed(ZIP, &[0x07]), 100), "malformed");
        // A ZLIB stream whose Adler-32 does not match.
        let (deflate, _) = deflate_stored(&literal(b"x"));
        assert_eq!(
            code(&compressed(ZLIB, &[&deflate[..], &[0; 4]].concat()), 100),
            "malformed"
        );
    }

    #[test]
    fn inflated_data_is_bounded_by_the_size_limit() {
        // The literal data packet: 6 octets of header, 6 of metadata, 100 of data.
        let message = zip(&literal(&[7; 100]));
        assert_eq!(code(&message, 112), "ok");
        assert_eq!(code(&message, 111), "too_large");
    }

    #[test]
    fn sizes_are_bounded_before_and_after_decompression() {
        assert_eq!(code(&literal(&[7; 100]), 99), "too_large");
        assert_eq!(code(&literal(&[7; 100]), 100), "ok");
        assert_eq!(code(&stored(&literal(&[7; 100])), 100), "too_large");
    }
}
