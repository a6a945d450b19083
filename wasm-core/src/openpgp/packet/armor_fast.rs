//! Decoding well-formed ASCII armor in one pass.
//!
//! Why not only rpgp's `Dearmor`: it decodes base64 through two layered
//! buffered readers, at about 45 instructions a byte. A callgrind profile of
//! decrypting a 1 MiB message (armored, 1.4 MB) put 40% of the time there,
//! more than AES. The armor GnuPG, OpenPGP.js and this core write is simple:
//! a BEGIN line, `Key: value` headers, a blank line, base64 lines, an optional
//! `=` checksum line, an END line. That shape is recognised here and its
//! base64 decoded by the `base64` crate (which rpgp uses too). Anything else
//! (text around the block, unusual headers, a missing blank line, base64 that
//! is not canonical) returns `None` and the caller falls back to rpgp's
//! reader, so what is accepted or refused, and with which message, stays
//! rpgp's decision. The CRC24 line is not checked, as RFC 9580 §6.1 asks and
//! rpgp's default does.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use pgp::armor::BlockType;

/// The base64 text of a recognised armor block, newlines removed.
pub(crate) struct Armored {
    pub typ: BlockType,
    text: Vec<u8>,
    /// Whether `text` is the whole body, up to a well-formed END line
    /// ([`parse_prefix`] stops early).
    complete: bool,
}

impl Armored {
    /// Decodes the whole body.
    pub fn decode(&self) -> Option<Vec<u8>> {
        STANDARD.decode(&self.text).ok()
    }

    /// Decodes at least the first `len` bytes of the body (all of it when it
    /// is shorter), and says whether that is all of it.
    pub fn decode_prefix(&self, len: usize) -> Option<(Vec<u8>, bool)> {
        // 4 base64 characters per 3 bytes; a cut at a multiple of 4 never
        // falls inside the final padded group.
        let chars = prefix_chars(len);
        if self.complete && chars >= self.text.len() {
            return self.decode().map(|all| (all, true));
        }
        STANDARD
            .decode(&self.text[..chars])
            .ok()
            .map(|head| (head, false))
    }
}

/// 4 base64 characters per 3 bytes; a cut at a multiple of 4 never falls
/// inside the final padded group.
fn prefix_chars(len: usize) -> usize {
    len.div_ceil(3).saturating_mul(4)
}

/// Recognises one armor block of the simple shape, or says `None`.
pub(crate) fn parse(input: &[u8]) -> Option<Armored> {
    parse_limited(input, usize::MAX)
}

/// [`parse`] that stops collecting once the body's first `len` bytes are in
/// hand, without reading (or checking) the rest: decryption's first phase
/// needs only the session-key packets at the start, and the second phase
/// reads and checks the whole block.
pub(crate) fn parse_prefix(input: &[u8], len: usize) -> Option<Armored> {
    parse_limited(input, prefix_chars(len))
}

fn parse_limited(input: &[u8], max_chars: usize) -> Option<Armored> {
    let start = input.iter().position(|b| !b.is_ascii_whitespace())?;
    let mut lines = Lines {
        rest: Some(&input[start..]),
    }
    .map(trim_end);

    let name = lines
        .next()?
        .strip_prefix(b"-----BEGIN PGP ")?
        .strip_suffix(b"-----")?;
    let typ = match name {
        b"MESSAGE" => BlockType::Message,
        b"PUBLIC KEY BLOCK" => BlockType::PublicKey,
        b"SIGNATURE" => BlockType::Signature,
        _ => return None,
    };

    // Armor headers up to the blank line; each must look like `Key: value`.
    loop {
        let line = lines.next()?;
        if line.is_empty() {
            break;
        }
        let colon = line.iter().position(|&b| b == b':')?;
        if colon == 0 || line.get(colon + 1) != Some(&b' ') {
            return None;
        }
    }

    let mut text = Vec::with_capacity((input.len() - start).min(max_chars.saturating_add(128)));
    let mut end_line = lines.next()?;
    loop {
        if end_line.starts_with(b"-----") {
            break;
        }
        if let Some(crc) = end_line.strip_prefix(b"=") {
            if crc.len() != 4 {
                return None;
            }
            end_line = lines.next()?;
            break;
        }
        if end_line.is_empty() {
            return None;
        }
        text.extend_from_slice(end_line);
        if text.len() >= max_chars {
            return Some(Armored {
                typ,
                text,
                complete: false,
            });
        }
        end_line = lines.next()?;
    }
    let end_name = end_line.strip_prefix(b"-----END PGP ")?.strip_suffix(b"-----")?;
    if end_name != name || !lines.all(|l| l.is_empty()) {
        return None;
    }
    Some(Armored {
        typ,
        text,
        complete: true,
    })
}

/// `split(|b| b == b'\n')` with memchr: a per-byte split was half the cost
/// of decoding.
struct Lines<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        match memchr::memchr(b'\n', rest) {
            Some(at) => {
                self.rest = Some(&rest[at + 1..]);
                Some(&rest[..at])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

fn trim_end(line: &[u8]) -> &[u8] {
    let len = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    &line[..len]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rpgp_dearmor(input: &[u8]) -> Vec<u8> {
        let mut d = pgp::armor::Dearmor::new(input);
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut d, &mut out).expect("rpgp dearmors the test input");
        out
    }

    fn armored(body: &[u8], crlf: bool) -> String {
        let mut out = Vec::new();
        pgp::armor::write(
            &crate::openpgp::packet::armor::RawPackets(body),
            BlockType::Message,
            &mut out,
            None,
            true,
        )
        .expect("armor");
        let text = String::from_utf8(out).expect("utf-8");
        if crlf {
            text.replace('\n', "\r\n")
        } else {
            text
        }
    }

    #[test]
    fn decodes_what_rpgp_decodes() {
        for len in [0usize, 1, 2, 3, 47, 48, 49, 1000, 70_000] {
            let body: Vec<u8> = (0..len).map(|i| (i * 31 + 7) as u8).collect();
            for crlf in [false, true] {
                let text = armored(&body, crlf);
                let fast = parse(text.as_bytes()).expect("the shape rpgp writes is recognised");
                assert_eq!(fast.typ, BlockType::Message);
                assert_eq!(fast.decode().expect("decodes"), body, "len {len} crlf {crlf}");
                assert_eq!(rpgp_dearmor(text.as_bytes()), body);
            }
        }
    }

    #[test]
    fn prefix_is_a_prefix_and_says_when_it_is_everything() {
        let body: Vec<u8> = (0..10_000).map(|i| (i * 13) as u8).collect();
        let text = armored(&body, false);
        let fast = parse(text.as_bytes()).expect("recognised");
        let (head, complete) = fast.decode_prefix(100).expect("decodes");
        assert!(!complete);
        assert!(head.len() >= 100 && head.len() < 110);
        assert_eq!(head[..], body[..head.len()]);
        let (all, complete) = fast.decode_prefix(10_000).expect("decodes");
        assert!(complete);
        assert_eq!(all, body);
    }

    #[test]
    fn a_prefix_parse_stops_early_and_never_claims_the_whole() {
        let body: Vec<u8> = (0..10_000).map(|i| (i * 13) as u8).collect();
        let mut text = armored(&body, false);
        // Damage after the prefix: a prefix parse never reads that far.
        let at = text.len() - 40;
        text.replace_range(at..at + 1, "*");
        let head = parse_prefix(text.as_bytes(), 100).expect("recognised");
        let (bytes, complete) = head.decode_prefix(100).expect("decodes");
        assert!(!complete);
        assert_eq!(bytes[..], body[..bytes.len()]);
        assert!(bytes.len() >= 100);
        assert!(parse(text.as_bytes()).and_then(|a| a.decode()).is_none());
        // A prefix as long as the body: all of it, and said so.
        let whole = armored(&body, false);
        let (all, complete) = parse_prefix(whole.as_bytes(), 20_000)
            .and_then(|a| a.decode_prefix(20_000))
            .expect("decodes");
        assert!(complete);
        assert_eq!(all, body);
    }

    #[test]
    fn headers_and_surrounding_whitespace_are_accepted() {
        let text = armored(b"hello", false).replacen("-----\n", "-----\nVersion: Test 1\nComment: a: b\n", 1);
        let text = format!("\n  {text}\n\n");
        let fast = parse(text.as_bytes()).expect("recognised");
        assert_eq!(fast.decode().expect("decodes"), b"hello");
    }

    #[test]
    fn anything_unusual_is_left_to_rpgp() {
        let good = armored(b"some packet bytes", false);
        let cases = [
            format!("leading text\n{good}"),
            format!("{good}trailing text\n"),
            good.replacen("-----\n", "-----\nNoColonHere\n", 1),
            good.replacen("-----\n\n", "-----\n", 1),
            good.replace("END PGP MESSAGE", "END PGP SIGNATURE"),
            good.replace("BEGIN PGP MESSAGE", "BEGIN PGP PRIVATE KEY BLOCK")
                .replace("END PGP MESSAGE", "END PGP PRIVATE KEY BLOCK"),
            good.replacen("\n=", "\n\n=", 1),
            good.replace("-----END", "junk\n-----END"),
        ];
        for case in &cases {
            let verdict = parse(case.as_bytes()).and_then(|a| a.decode());
            assert!(verdict.is_none(), "fast path took: {case}");
        }
        // A truncated block has no END line.
        assert!(parse(&good.as_bytes()[..good.len() - 30]).is_none());
    }
}
